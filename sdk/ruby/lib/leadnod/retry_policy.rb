# frozen_string_literal: true

module LeadNod
  # Whether and how long to wait before retrying a failed attempt. Retried: a 429 (not a
  # spent daily quota), a 5xx other than 501, a 409 idempotency_key_in_use, and no answer at
  # all. The wait honours Retry-After, capped at 60 s; without it, it grows from 0.5 s to 8 s
  # with jitter (between half and all of it).
  module RetryPolicy
    MAX_RETRY_WAIT = 60.0
    INITIAL_BACKOFF = 0.5
    MAX_BACKOFF = 8.0

    module_function

    # Seconds to wait before retrying after +error+ (attempt 0 is the first retry), or nil
    # when the error is final.
    def delay(error, attempt, max_retries)
      return nil if attempt >= max_retries
      return backoff(attempt) if error.is_a?(APIConnectionError)
      return nil unless retryable?(error.status.to_i, error.code)

      asked = ErrorMapping.retry_after_seconds(error.headers)
      asked.nil? ? backoff(attempt) : [asked, MAX_RETRY_WAIT].min
    end

    def retryable?(status, code)
      (status == 429 && code != "daily_quota_exceeded") ||
        (status >= 500 && status != 501) ||
        (status == 409 && code == "idempotency_key_in_use")
    end

    def backoff(attempt)
      ceiling = [INITIAL_BACKOFF * (2.0**attempt), MAX_BACKOFF].min
      (ceiling / 2) + (rand * ceiling / 2)
    end
  end
end
