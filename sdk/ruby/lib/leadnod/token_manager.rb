# frozen_string_literal: true

module LeadNod
  # Access tokens: fetched with the client-credentials grant when first needed, replaced a
  # minute before they expire and once when the API refuses one (401). Thread-safe: one
  # thread fetches while the others that need a token wait for that one.
  class TokenManager
    REFRESH_MARGIN = 60.0

    Grant = Struct.new(:access_token, :scope, :refresh_at)

    # +fetch+ answers the token endpoint's JSON (access_token, expires_in, scope).
    def initialize(fetch, clock: -> { Process.clock_gettime(Process::CLOCK_MONOTONIC) })
      @fetch = fetch
      @clock = clock
      @grant = nil
      @lock = Mutex.new
    end

    def token
      current = fresh_token
      return current if current

      @lock.synchronize do
        fresh_token || begin # another thread may have fetched one meanwhile
          @grant = grant_from(@fetch.call)
          @grant.access_token
        end
      end
    end

    # The API answered 401 to +token+: forget it, unless another caller already has.
    def refused(token)
      @lock.synchronize { @grant = nil if @grant && @grant.access_token == token }
    end

    private

    def fresh_token
      grant = @grant
      grant.access_token if grant && @clock.call < grant.refresh_at
    end

    def grant_from(answer)
      expires_in = Float(answer["expires_in"] || 3600)
      margin = [REFRESH_MARGIN, expires_in / 2].min
      Grant.new(answer.fetch("access_token").to_s, answer["scope"].to_s,
                @clock.call + expires_in - margin)
    end
  end
end
