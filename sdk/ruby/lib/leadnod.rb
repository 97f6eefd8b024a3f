# frozen_string_literal: true

require "json"
require "net/http"
require "openssl"
require "securerandom"
require "time"
require "uri"

require "leadnod/version"
require "leadnod/errors"
require "leadnod/configuration"
require "leadnod/util"
require "leadnod/leadnod_object"
require "leadnod/list_object"
require "leadnod/token_manager"
require "leadnod/transport"
require "leadnod/retry_policy"
require "leadnod/resources/base"
require "leadnod/resources/users"
require "leadnod/resources/opportunities"
require "leadnod/resources/engagements"
require "leadnod/resources/payments"
require "leadnod/resources/messages"
require "leadnod/resources/analytics"
require "leadnod/resources/webhooks"
require "leadnod/client"
require "leadnod/webhook"

# The LeadNod API for Ruby: LeadNod::Client, LeadNod.configure, LeadNod::Webhook.
module LeadNod
  class << self
    # Defaults for the clients made afterwards (a Rails initializer):
    #   LeadNod.configure { |c| c.client_id = "..."; c.max_retries = 3 }
    def configure
      yield configuration
      configuration
    end

    def configuration
      @configuration ||= Configuration.new
    end

    # Back to no configured defaults (tests).
    def reset_configuration!
      @configuration = Configuration.new
    end
  end
end
