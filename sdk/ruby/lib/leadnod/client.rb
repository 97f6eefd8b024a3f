# frozen_string_literal: true

module LeadNod
  # The LeadNod API.
  #
  #   client = LeadNod::Client.new(client_id: "cli_...", client_secret: "lns_...")
  #   me = client.users.me
  #
  # Each option comes from the keyword argument, else +LeadNod.configure+, else the
  # environment (LEADNOD_CLIENT_ID, LEADNOD_CLIENT_SECRET, LEADNOD_BASE_URL,
  # LEADNOD_ENVIRONMENT). +environment+ is "production" (default) or "sandbox"; +base_url+
  # overrides it (http://127.0.0.1:8000 for the local stack). +timeout+ (read, seconds) and
  # +open_timeout+ apply to each attempt; failed attempts are retried +max_retries+ times.
  # +scope: "read"+ asks for read-only tokens. A client may be shared by threads.
  class Client
    TIMEOUT_ERRORS = [Net::OpenTimeout, Net::ReadTimeout, Net::WriteTimeout,
                      Errno::ETIMEDOUT].freeze
    CONNECTION_ERRORS = [SocketError, IOError, EOFError, SystemCallError,
                         OpenSSL::SSL::SSLError, Net::HTTPBadResponse].freeze
    USER_AGENT = "leadnod-ruby/#{VERSION} (Ruby #{RUBY_VERSION})"

    attr_reader :users, :team, :opportunities, :engagements, :payments, :messages,
                :analytics, :webhooks, :events, :usage, :max_retries, :endpoints

    # Waits between retries go through this (tests replace it).
    attr_writer :sleeper

    def initialize(client_id: nil, client_secret: nil, base_url: nil, environment: nil,
                   timeout: nil, open_timeout: nil, max_retries: nil, scope: nil,
                   transport: nil)
      given = { client_id: client_id, client_secret: client_secret, base_url: base_url,
                environment: environment, timeout: timeout, open_timeout: open_timeout,
                max_retries: max_retries, scope: scope }
      settings = Settings.resolve(given, LeadNod.configuration)
      @client_id = settings[:client_id]
      @client_secret = settings[:client_secret]
      @scope = settings[:scope]
      @max_retries = settings[:max_retries]
      @endpoints = Endpoints.resolve(settings[:base_url], settings[:environment])
      @transport = transport || NetHTTPTransport.new(timeout: settings[:timeout],
                                                     open_timeout: settings[:open_timeout])
      @tokens = TokenManager.new(-> { fetch_token })
      @sleeper = ->(seconds) { sleep(seconds) }
      attach_resources
    end

    # The API's base URL, ending in /v1.
    def base_url
      @endpoints.api
    end

    def inspect
      "#<#{self.class.name} base_url=#{base_url.inspect} client_id=#{@client_id.inspect}>"
    end

    # One call: attempts until success, a final error, or +max_retries+ retries; answers the
    # parsed JSON (nil for an empty body). A POST carries one Idempotency-Key (+idempotency_key+
    # or a new UUID) for all its attempts. A 401 gets one more attempt with a new token (not
    # counted as a retry).
    def request(method, path, query: nil, body: nil, idempotency_key: nil, authenticated: true)
      uri = build_uri(path, query)
      headers = request_headers(method, idempotency_key, body)
      payload = body.nil? ? nil : JSON.generate(body)
      response = send_with_retries(method, uri, headers, payload, authenticated)
      response.body.empty? ? nil : JSON.parse(response.body)
    end

    private

    def attach_resources
      @users = Resources::Users.new(self)
      @team = Resources::Team.new(self)
      @opportunities = Resources::Opportunities.new(self)
      @engagements = Resources::Engagements.new(self)
      @payments = Resources::Payments.new(self)
      @messages = Resources::Messages.new(self)
      @analytics = Resources::Analytics.new(self)
      @webhooks = Resources::Webhooks.new(self)
      @events = Resources::Events.new(self)
      @usage = Resources::Usage.new(self)
    end

    def send_with_retries(method, uri, headers, payload, authenticated)
      attempt = 0
      renewed = false
      loop do
        token = authenticated ? @tokens.token : nil
        headers["Authorization"] = "Bearer #{token}" if token
        response, error = attempt_once(method, uri, headers, payload)
        return response if error.nil?

        if error.is_a?(AuthenticationError) && token && !renewed
          @tokens.refused(token)
          renewed = true
          next
        end
        wait = RetryPolicy.delay(error, attempt, @max_retries)
        raise error if wait.nil?

        attempt += 1
        @sleeper.call(wait)
      end
    end

    # [response, nil] on success, else [nil, the error].
    def attempt_once(method, uri, headers, payload)
      response = @transport.call(method, uri, headers, payload)
      response.success? ? [response, nil] : [nil, ErrorMapping.from_response(response)]
    rescue *TIMEOUT_ERRORS => e
      [nil, APITimeoutError.new("The LeadNod API did not answer in time: #{e.class}: #{e.message}")]
    rescue *CONNECTION_ERRORS => e
      [nil, APIConnectionError.new("Could not reach the LeadNod API: #{e.class}: #{e.message}")]
    end

    def fetch_token
      body = { "grant_type" => "client_credentials", "client_id" => @client_id,
               "client_secret" => @client_secret }
      body["scope"] = @scope if @scope
      request(:post, @endpoints.token, body: body, authenticated: false)
    end

    def build_uri(path, query)
      uri = URI(path.start_with?("http://", "https://") ? path : @endpoints.api + path)
      uri.query = URI.encode_www_form(query) if query && !query.empty?
      uri
    end

    def request_headers(method, idempotency_key, body)
      headers = { "Accept" => "application/json", "User-Agent" => USER_AGENT }
      headers["Content-Type"] = "application/json" unless body.nil?
      headers["Idempotency-Key"] = idempotency_key || SecureRandom.uuid if method == :post
      headers
    end
  end

  # The client's options: keyword argument, else LeadNod.configure, else ENV, else default.
  module Settings
    ENV_NAMES = { client_id: "LEADNOD_CLIENT_ID", client_secret: "LEADNOD_CLIENT_SECRET",
                  base_url: "LEADNOD_BASE_URL", environment: "LEADNOD_ENVIRONMENT" }.freeze

    module_function

    def resolve(given, configuration)
      configured = configuration.to_h
      settings = given.each_with_object({}) do |(name, value), out|
        value = configured[name] if blank?(value)
        value = ENV[ENV_NAMES[name]] if blank?(value) && ENV_NAMES.key?(name)
        value = Configuration::DEFAULTS[name] if blank?(value)
        out[name] = blank?(value) ? nil : value
      end
      check(settings)
    end

    def check(settings)
      unless settings[:client_id] && settings[:client_secret]
        raise ConfigurationError, "Pass client_id: and client_secret:, set them in " \
                                  "LeadNod.configure, or set the LEADNOD_CLIENT_ID and " \
                                  "LEADNOD_CLIENT_SECRET environment variables."
      end
      unless settings[:max_retries].is_a?(Integer) && settings[:max_retries] >= 0
        raise ConfigurationError, "max_retries must be an Integer, 0 or more"
      end

      settings
    end

    def blank?(value)
      value.nil? || (value.is_a?(String) && value.empty?)
    end
  end
end
