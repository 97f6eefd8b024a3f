# frozen_string_literal: true

module LeadNod
  # What a transport answers: the status, the headers (lowercase names) and the body text.
  Response = Struct.new(:status, :headers, :body) do
    def success?
      status >= 200 && status < 300
    end
  end

  # One HTTP exchange over Net::HTTP, a connection per request (a client is shared by
  # threads, a Net::HTTP session is not). Any object answering +call(method, uri, headers,
  # body)+ with a Response can replace it (+Client.new(transport: ...)+: proxies, tests).
  class NetHTTPTransport
    METHODS = {
      get: Net::HTTP::Get, post: Net::HTTP::Post, patch: Net::HTTP::Patch,
      delete: Net::HTTP::Delete, put: Net::HTTP::Put
    }.freeze

    def initialize(timeout: 30, open_timeout: 10)
      @timeout = timeout
      @open_timeout = open_timeout
    end

    def call(method, uri, headers, body)
      request = METHODS.fetch(method).new(uri, headers)
      request.body = body if body
      http = Net::HTTP.new(uri.host, uri.port)
      http.use_ssl = uri.scheme == "https"
      http.max_retries = 0 # Net::HTTP would retry a GET once by itself: retries are the client's
      http.open_timeout = @open_timeout
      http.read_timeout = @timeout
      http.write_timeout = @timeout if http.respond_to?(:write_timeout=)
      answer = http.start { |session| session.request(request) }
      Response.new(answer.code.to_i, lowercase_headers(answer), answer.body.to_s)
    end

    private

    def lowercase_headers(answer)
      answer.each_header.each_with_object({}) { |(name, value), out| out[name.downcase] = value }
    end
  end
end
