# frozen_string_literal: true

# A transport answering from a script and recording the requests it was given, so the client's
# retries, tokens, headers and errors can be checked without a network.
class FakeTransport
  Request = Struct.new(:method, :uri, :headers, :body) do
    def json
      body && JSON.parse(body)
    end
  end

  TOKEN = { "access_token" => "tok_1", "token_type" => "Bearer", "expires_in" => 3600,
            "scope" => "read write" }.freeze

  attr_reader :requests

  # +answers+: Responses (or exceptions to raise) for the API's requests, in order. Token
  # requests are answered apart, from +tokens+ (the last one repeats).
  def initialize(*answers, tokens: [TOKEN])
    @answers = answers
    @tokens = tokens
    @requests = []
  end

  def self.json(status, body = {}, headers = {})
    LeadNod::Response.new(status, { "content-type" => "application/json" }.merge(headers),
                          body.nil? ? "" : JSON.generate(body))
  end

  def self.error(status, code, message: "refused", param: nil, headers: {})
    json(status, { "error" => { "code" => code, "message" => message, "param" => param,
                                "doc_url" => "https://docs.leadnod.com/errors/#{code}" } },
         { "x-request-id" => "req_#{status}" }.merge(headers))
  end

  def call(method, uri, headers, body)
    @requests << Request.new(method, uri, headers.dup, body)
    if uri.path.end_with?("/oauth/token")
      token = @tokens.size > 1 ? @tokens.shift : @tokens.first
      return token.is_a?(LeadNod::Response) ? token : FakeTransport.json(200, token)
    end
    answer = @answers.shift or raise "FakeTransport: no answer left for #{method} #{uri}"
    raise answer if answer.is_a?(Exception)

    answer
  end

  def api_requests
    @requests.reject { |request| request.uri.path.end_with?("/oauth/token") }
  end

  def token_requests
    @requests.select { |request| request.uri.path.end_with?("/oauth/token") }
  end
end
