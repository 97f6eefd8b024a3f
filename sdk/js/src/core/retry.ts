/** Whether and how long to wait before retrying a failed attempt. */
import { APIConnectionError, LeadNodError, retryAfterSeconds } from "./errors.js";

/**
 * The longest wait before a retry, whatever Retry-After asks: a longer one is cut to this and
 * the retry may meet a 429 with the rest of the wait. The daily quota (whose Retry-After runs
 * to 00:00 UTC) is not waited for at all.
 */
export const MAX_RETRY_WAIT = 60;
const INITIAL_BACKOFF = 0.5;
const MAX_BACKOFF = 8;

/** Exponential (0.5 s, 1 s, 2 s, ... up to 8 s) with jitter: between half and all of it. */
export function backoff(attempt: number): number {
  const ceiling = Math.min(INITIAL_BACKOFF * 2 ** attempt, MAX_BACKOFF);
  return ceiling / 2 + Math.random() * (ceiling / 2);
}

/**
 * Seconds to wait before retrying after `error` (attempt 0 is the first retry), or undefined
 * when the error is final: 429 (not the daily quota), 5xx but 501, a 409
 * `idempotency_key_in_use`, and no answer at all are retried.
 */
export function retryDelay(error: LeadNodError, attempt: number, maxRetries: number): number | undefined {
  if (attempt >= maxRetries) return undefined;
  if (error instanceof APIConnectionError) return backoff(attempt);
  const status = error.status ?? 0;
  const retryable = (status === 429 && error.code !== "daily_quota_exceeded")
    || (status >= 500 && status !== 501)
    || (status === 409 && error.code === "idempotency_key_in_use");
  if (!retryable) return undefined;
  const asked = retryAfterSeconds(error.headers);
  return asked === undefined ? backoff(attempt) : Math.min(asked, MAX_RETRY_WAIT);
}
