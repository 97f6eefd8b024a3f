# frozen_string_literal: true

module LeadNod
  # An object the API answered: a reader for each of its fields (+opportunity.title+),
  # +[]+ by symbol or string (+opportunity[:title]+), a +?+ predicate for each field
  # (+webhook.secret?+: present and not false). Fields the API adds later are readable the
  # same way, so a newer API does not break this gem. Nested objects are LeadNodObjects too.
  class LeadNodObject
    def self.construct(value)
      case value
      when Hash then new(value)
      when Array then value.map { |item| construct(item) }
      else value
      end
    end

    def initialize(values = {})
      @values = {}
      values.each { |key, value| @values[key.to_s] = LeadNodObject.construct(value) }
    end

    def [](key)
      @values[key.to_s]
    end

    def key?(key)
      @values.key?(key.to_s)
    end

    def keys
      @values.keys.map(&:to_sym)
    end

    def dig(key, *rest)
      value = self[key]
      rest.empty? || value.nil? ? value : value.dig(*rest)
    end

    # The object as plain Hashes and Arrays with symbol keys (+to_h(string_keys: true)+ for
    # the API's JSON as is).
    def to_h(string_keys: false)
      @values.each_with_object({}) do |(key, value), out|
        out[string_keys ? key : key.to_sym] = LeadNodObject.plain(value, string_keys)
      end
    end
    alias to_hash to_h

    def to_json(*args)
      to_h(string_keys: true).to_json(*args)
    end

    def ==(other)
      other.is_a?(LeadNodObject) && other.to_h == to_h
    end

    def inspect
      id = @values["id"] ? " id=#{@values['id']}" : ""
      "#<#{self.class.name}#{id} #{JSON.pretty_generate(to_h(string_keys: true))}>"
    end

    def respond_to_missing?(name, include_private = false)
      field = name.to_s.chomp("?")
      @values.key?(field) || super
    end

    def method_missing(name, *args, &block)
      field = name.to_s
      if field.end_with?("?") && args.empty? && @values.key?(field.chomp("?"))
        value = @values[field.chomp("?")]
        return !(value.nil? || value == false)
      end
      return @values[field] if args.empty? && block.nil? && @values.key?(field)

      super
    end

    def self.plain(value, string_keys)
      case value
      when LeadNodObject then value.to_h(string_keys: string_keys)
      when Array then value.map { |item| plain(item, string_keys) }
      else value
      end
    end
  end

  # The answer of +opportunities.bulk_create+: +data[i]+ is the created opportunity or the
  # error of item i (an object with +error+ and +index+).
  class BulkCreateResult < LeadNodObject
    def created
      (self[:data] || []).reject { |item| item.key?(:error) }
    end

    def errors
      (self[:data] || []).select { |item| item.key?(:error) }
    end
  end
end
