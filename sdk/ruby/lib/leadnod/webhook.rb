# frozen_string_literal: true

module LeadNod
  # Checks that a webhook request comes from LeadNod, then reads its event.
  #
  #   LeadNod::Webhook.verify(request.raw_post, request.headers["X-LeadNod-Signature"], secret)
  #   event = LeadNod::Webhook.construct_event(payload, signature_header, secret)
  #
  # Signatures are HMAC-SHA256 keyed with the endpoint's secret as shown when it was created
  # (whsec_ prefix included) over the raw body: pass the bytes received, before any JSON
  # parsing. Two headers carry one:
  # - X-LeadNod-Signature: the lowercase hex HMAC of the body;
  # - webhook-signature (Standard Webhooks): "v1,<base64 HMAC of "{webhook-id}.{webhook-
  #   timestamp}.{body}">", which binds the timestamp too; pass the request's headers (a
  #   Hash) and requests more than +tolerance+ seconds old are refused, which stops replays.
  # Comparisons take constant time.
  module Webhook
    DEFAULT_TOLERANCE = 300

    module_function

    # true, or raises SignatureVerificationError. +signature_header+ is the
    # X-LeadNod-Signature value, or the request's headers (any Hash; names in any case): then
    # X-LeadNod-Signature if present, else the Standard Webhooks headers, whose timestamp must
    # be within +tolerance+ seconds of +now+ (Unix seconds; default the clock; nil skips it).
    def verify(payload, signature_header, secret, tolerance: DEFAULT_TOLERANCE, now: nil)
      raise ArgumentError, "secret must be the webhook endpoint's secret" if secret.to_s.empty?

      body = payload.to_s.b
      if signature_header.is_a?(Hash)
        leadnod = header(signature_header, "x-leadnod-signature")
        return verify_standard(body, signature_header, secret, tolerance, now) if leadnod.nil?

        signature_header = leadnod
      end
      expected = OpenSSL::HMAC.hexdigest("SHA256", secret, body)
      unless Util.secure_compare(expected, signature_header.to_s.strip.downcase)
        raise SignatureVerificationError, "The X-LeadNod-Signature does not match the body."
      end

      true
    end

    # +verify+, then the body as an event object (id, type, created, api_version,
    # environment, data). Raises SignatureVerificationError for a bad signature and for a
    # body that is not an event.
    def construct_event(payload, signature_header, secret, tolerance: DEFAULT_TOLERANCE, now: nil)
      verify(payload, signature_header, secret, tolerance: tolerance, now: now)
      data = JSON.parse(payload.to_s)
      raise JSON::ParserError, "not an object" unless data.is_a?(Hash) && data.key?("type")

      LeadNodObject.new(data)
    rescue JSON::ParserError, EncodingError => e
      raise SignatureVerificationError, "The body is not a LeadNod event: #{e.message}"
    end

    def verify_standard(body, headers, secret, tolerance, now)
      message_id = header(headers, "webhook-id")
      timestamp = header(headers, "webhook-timestamp")
      signatures = header(headers, "webhook-signature")
      if [message_id, timestamp, signatures].any? { |value| value.to_s.empty? }
        raise SignatureVerificationError,
              "Missing webhook-id, webhook-timestamp or webhook-signature header."
      end
      check_timestamp(timestamp, tolerance, now)
      signed = "#{message_id}.#{timestamp}.".b + body
      expected = [OpenSSL::HMAC.digest("SHA256", secret, signed)].pack("m0")
      # Compare them all: timing must not reveal which one matched.
      matched = signatures.split.map do |part|
        version, value = part.split(",", 2)
        version == "v1" && Util.secure_compare(expected, value.to_s)
      end
      raise SignatureVerificationError, "No webhook-signature matches the body." unless matched.any?

      true
    end

    def check_timestamp(timestamp, tolerance, now)
      unless timestamp.match?(/\A\d+\z/)
        raise SignatureVerificationError, "The webhook-timestamp header is not a number."
      end
      return if tolerance.nil?

      drift = ((now || Time.now.to_f) - Integer(timestamp, 10)).abs
      return if drift <= tolerance

      raise SignatureVerificationError, "The webhook-timestamp is #{drift.to_i} s from now " \
                                        "(over #{tolerance} s): refused as a possible replay."
    end

    def header(headers, name)
      headers.each { |key, value| return value.to_s if key.to_s.downcase == name }
      nil
    end
  end
end
