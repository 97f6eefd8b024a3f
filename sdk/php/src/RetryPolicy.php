<?php

namespace LeadNod;

use LeadNod\Exception\ApiConnectionException;
use LeadNod\Exception\LeadNodException;

/**
 * Whether and how long to wait before retrying a failed attempt: 429 (except a spent daily
 * quota), 5xx other than 501, 409 idempotency_key_in_use, and no answer at all are retried.
 */
final class RetryPolicy
{
    /** The longest wait, whatever Retry-After asks (the daily quota is not waited for at all). */
    public const MAX_RETRY_WAIT = 60.0;
    public const INITIAL_BACKOFF = 0.5;
    public const MAX_BACKOFF = 8.0;

    /** Exponential (0.5 s, 1 s, 2 s, ... up to 8 s) with jitter: between half and all of it. */
    public static function backoff(int $attempt): float
    {
        $ceiling = min(self::INITIAL_BACKOFF * (2 ** $attempt), self::MAX_BACKOFF);
        return $ceiling / 2 + (mt_rand() / mt_getrandmax()) * ($ceiling / 2);
    }

    /**
     * Seconds to wait before retrying after $error (attempt 0 is the first retry), or null when
     * the error is final.
     */
    public static function delay(LeadNodException $error, int $attempt, int $maxRetries): ?float
    {
        if ($attempt >= $maxRetries) {
            return null;
        }
        if ($error instanceof ApiConnectionException) {
            return self::backoff($attempt);
        }
        $status = $error->getStatus() ?? 0;
        $code = $error->getErrorCode();
        $retryable = ($status === 429 && $code !== 'daily_quota_exceeded')
            || ($status >= 500 && $status !== 501)
            || ($status === 409 && $code === 'idempotency_key_in_use');
        if (!$retryable) {
            return null;
        }
        $asked = self::retryAfterSeconds($error->getHeaders());
        return $asked === null ? self::backoff($attempt) : min($asked, self::MAX_RETRY_WAIT);
    }

    /**
     * Retry-After as seconds (a number or an HTTP date), null when absent or unreadable.
     *
     * @param array<string, string> $headers names in lowercase
     */
    public static function retryAfterSeconds(array $headers): ?float
    {
        $value = trim($headers['retry-after'] ?? '');
        if ($value === '') {
            return null;
        }
        if (is_numeric($value)) {
            return max(0.0, (float) $value);
        }
        $moment = strtotime($value);
        return $moment === false ? null : max(0.0, (float) ($moment - time()));
    }
}
