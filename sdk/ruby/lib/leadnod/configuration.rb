# frozen_string_literal: true

module LeadNod
  PRODUCTION_BASE_URL = "https://api.leadnod.com/v1"
  SANDBOX_BASE_URL = "https://sandbox.api.leadnod.com/v1"
  ENVIRONMENTS = { "production" => PRODUCTION_BASE_URL, "sandbox" => SANDBOX_BASE_URL }.freeze

  # Defaults for every client made afterwards, set once (a Rails initializer):
  #
  #   LeadNod.configure do |config|
  #     config.client_id = ENV["LEADNOD_CLIENT_ID"]
  #     config.max_retries = 3
  #   end
  #
  # A client's own keyword arguments win over these; these win over the environment
  # (LEADNOD_CLIENT_ID, LEADNOD_CLIENT_SECRET, LEADNOD_BASE_URL, LEADNOD_ENVIRONMENT).
  class Configuration
    DEFAULTS = { timeout: 30, open_timeout: 10, max_retries: 2 }.freeze
    OPTIONS = %i[client_id client_secret base_url environment timeout open_timeout
                 max_retries scope].freeze

    attr_accessor(*OPTIONS)

    def to_h
      OPTIONS.each_with_object({}) { |name, all| all[name] = public_send(name) }
    end
  end

  # Where requests go: ".../v1" for resources, ".../oauth/token" for tokens (outside /v1, as
  # the docs show). The base URL is taken as the docs write it (https://api.leadnod.com/v1)
  # or without /v1 (http://127.0.0.1:8000).
  Endpoints = Struct.new(:api, :token) do
    def self.resolve(base_url, environment)
      if base_url.nil?
        name = environment || "production"
        base_url = ENVIRONMENTS.fetch(name.to_s) do
          raise ConfigurationError, "environment must be one of #{ENVIRONMENTS.keys.join(', ')}, " \
                                    "got #{name.inspect}"
        end
      end
      root = base_url.to_s.sub(%r{/+\z}, "").sub(%r{/v1\z}, "")
      new("#{root}/v1", "#{root}/oauth/token")
    end
  end
end
