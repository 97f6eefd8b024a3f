# frozen_string_literal: true

module LeadNod
  # How arguments become query strings, JSON bodies and URL paths.
  module Util
    module_function

    # Query parameters: nil left out, arrays comma-joined, times and dates ISO 8601.
    def query(params)
      params.each_with_object({}) do |(name, value), out|
        out[name.to_s] = text(value) unless value.nil?
      end
    end

    # A JSON body without the nil arguments (creates: nil means "not given").
    def body(fields)
      fields.each_with_object({}) do |(name, value), out|
        out[name.to_s] = json_value(value) unless value.nil?
      end
    end

    # A JSON body for an update: only the fields given, and nil is sent as null (clears the
    # field). Unknown fields raise ArgumentError, as an unknown keyword would.
    def update_body(fields, allowed)
      unknown = fields.keys.map(&:to_sym) - allowed
      unless unknown.empty?
        raise ArgumentError, "unknown keyword#{unknown.size > 1 ? 's' : ''}: " \
                             "#{unknown.map(&:inspect).join(', ')}"
      end
      fields.each_with_object({}) { |(name, value), out| out[name.to_s] = json_value(value) }
    end

    # An object id for a URL path, percent-encoded; an empty id would change the route.
    def path_id(value, name)
      if !value.is_a?(String) || value.strip.empty?
        raise ArgumentError, "#{name} must be a non-empty String, got #{value.inspect}"
      end

      value.b.gsub(/[^A-Za-z0-9\-._~]/n) { |byte| format("%%%02X", byte.ord) }
           .force_encoding(Encoding::US_ASCII)
    end

    def text(value)
      case value
      when true, false then value.to_s
      when Array then value.map { |item| text(item) }.join(",")
      else iso8601(value) || value.to_s
      end
    end

    def json_value(value)
      case value
      when Hash then value.each_with_object({}) { |(k, v), out| out[k.to_s] = json_value(v) }
      when Array then value.map { |item| json_value(item) }
      when LeadNodObject then value.to_h
      when Symbol then value.to_s
      else iso8601(value) || value
      end
    end

    def iso8601(value)
      return value.iso8601 if value.is_a?(Time)
      return value.iso8601 if defined?(::DateTime) && value.is_a?(::DateTime)
      return value.iso8601 if defined?(::Date) && value.is_a?(::Date)

      nil
    end

    # Constant time for strings of any length: it compares their SHA-256 digests byte by
    # byte without stopping at the first difference (no OpenSSL.secure_compare before 3.0).
    def secure_compare(left, right)
      a = OpenSSL::Digest::SHA256.digest(left.to_s)
      b = OpenSSL::Digest::SHA256.digest(right.to_s)
      difference = 0
      a.bytes.zip(b.bytes) { |x, y| difference |= x ^ y }
      difference.zero? && left.to_s.bytesize == right.to_s.bytesize
    end
  end
end
