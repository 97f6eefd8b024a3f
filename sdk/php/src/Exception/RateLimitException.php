<?php

namespace LeadNod\Exception;

/** 429 after the retries: getRetryAfter() is how many seconds the API asked to wait. */
class RateLimitException extends ApiException
{
    public function getRetryAfter(): ?float
    {
        return \LeadNod\RetryPolicy::retryAfterSeconds($this->headers);
    }
}
