# frozen_string_literal: true

module LeadNod
  # The base of every error this gem raises. Each carries what the API said: +status+ (the
  # HTTP status), +code+, +message+, +param+, +doc_url+ and the +request_id+ to quote to
  # support, plus the response's +headers+ and parsed +body+.
  #
  #   LeadNodError                    the base (ConfigurationError: no credentials)
  #     APIError                      any error answer (raised itself for 5xx, 405, 413, 415)
  #       InvalidRequestError (400, 422), AuthenticationError (401),
  #       PermissionDeniedError (403), NotFoundError (404), ConflictError (409),
  #       RateLimitError (429)
  #     APIConnectionError            no answer (APITimeoutError: none in time)
  #     SignatureVerificationError    a webhook request that is not LeadNod's
  class LeadNodError < StandardError
    attr_reader :status, :code, :param, :doc_url, :request_id, :headers, :body

    def initialize(message = nil, status: nil, code: nil, param: nil, doc_url: nil,
                   request_id: nil, headers: nil, body: nil)
      super(message)
      @status = status
      @code = code
      @param = param
      @doc_url = doc_url
      @request_id = request_id
      @headers = headers || {}
      @body = body
    end

    alias http_status status

    def inspect
      details = { status: status, code: code, param: param, request_id: request_id }
                .reject { |_, value| value.nil? }
                .map { |name, value| "#{name}=#{value.inspect}" }
      "#<#{self.class.name}: #{message}#{details.empty? ? '' : " (#{details.join(', ')})"}>"
    end
  end

  # Credentials missing, or an option out of range.
  class ConfigurationError < LeadNodError; end

  # The API answered with an error status.
  class APIError < LeadNodError; end

  # 400 or 422: the request was refused as sent; +param+ names the offending field.
  class InvalidRequestError < APIError; end

  # 401: the credentials were refused, or the token was (even after fetching a new one).
  class AuthenticationError < APIError; end

  # 403: the token lacks the scope, or the account may not do this to the object.
  class PermissionDeniedError < APIError; end

  # 404: no such object, or one the account is not a party to.
  class NotFoundError < APIError; end

  # 409: the object's state does not allow this.
  class ConflictError < APIError; end

  # 429 after the retries: +retry_after+ is how many seconds the API asked to wait.
  class RateLimitError < APIError
    attr_reader :retry_after

    def initialize(message = nil, retry_after: nil, **options)
      super(message, **options)
      @retry_after = retry_after
    end
  end

  # No answer: the connection failed or broke (after the retries).
  class APIConnectionError < LeadNodError; end

  # No answer within the timeout (after the retries).
  class APITimeoutError < APIConnectionError; end

  # A webhook request whose signature does not match its body and the endpoint's secret.
  class SignatureVerificationError < LeadNodError; end

  # Turns an error answer into the exception of its kind.
  module ErrorMapping
    BY_STATUS = {
      400 => InvalidRequestError, 401 => AuthenticationError, 403 => PermissionDeniedError,
      404 => NotFoundError, 409 => ConflictError, 422 => InvalidRequestError,
      429 => RateLimitError
    }.freeze

    module_function

    # Reads our error body ({"error": {"code", "message", "param", "doc_url"}}) and the
    # token endpoint's RFC 6749 one ({"error": "invalid_client", "error_description"}).
    def from_response(response)
      payload = parse_json(response.body)
      detail = payload.is_a?(Hash) ? payload["error"] : nil
      fields = if detail.is_a?(Hash)
                 { code: detail["code"], message: detail["message"], param: detail["param"],
                   doc_url: detail["doc_url"] }
               else
                 { code: detail.is_a?(String) ? detail : nil,
                   message: payload.is_a?(Hash) ? payload["error_description"] : nil }
               end
      build(response, payload, fields)
    end

    def build(response, payload, fields)
      status = response.status
      message = fields.delete(:message) || "The LeadNod API answered HTTP #{status}."
      kind = BY_STATUS.fetch(status, APIError)
      options = fields.merge(status: status, request_id: response.headers["x-request-id"],
                             headers: response.headers, body: payload)
      if kind == RateLimitError
        options[:retry_after] = retry_after_seconds(response.headers)
      end
      kind.new(message, **options)
    end

    # Retry-After as seconds (a number or an HTTP date); nil when absent or unreadable.
    def retry_after_seconds(headers)
      value = headers["retry-after"].to_s.strip
      return nil if value.empty?
      return [Float(value), 0.0].max if value.match?(/\A\d+(\.\d+)?\z/)

      [Time.httpdate(value) - Time.now, 0.0].max
    rescue ArgumentError
      nil
    end

    def parse_json(text)
      return nil if text.nil? || text.empty?

      JSON.parse(text)
    rescue JSON::ParserError
      nil
    end
  end
end
