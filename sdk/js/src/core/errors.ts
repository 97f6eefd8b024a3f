/**
 * One error class per kind of failure. Every one carries what the API said: `status`, `code`,
 * `message`, `param`, `docUrl`, and the `requestId` to quote to support.
 *
 *     LeadNodError                    the base (thrown itself for missing credentials)
 *       APIError                      any error answer (thrown itself for 5xx, 405, 413, 415)
 *         InvalidRequestError (400, 422), AuthenticationError (401),
 *         PermissionDeniedError (403), NotFoundError (404), ConflictError (409),
 *         RateLimitError (429)
 *       APIConnectionError            no answer (APITimeoutError: none in time)
 *       APIUserAbortError             the caller's AbortSignal fired
 *       SignatureVerificationError    a webhook request that is not LeadNod's
 */

export interface ErrorDetails {
  status?: number | undefined;
  code?: string | undefined;
  param?: string | undefined;
  docUrl?: string | undefined;
  requestId?: string | undefined;
  headers?: Headers | undefined;
  body?: unknown;
  cause?: unknown;
}

export class LeadNodError extends Error {
  readonly status: number | undefined;
  readonly code: string | undefined;
  readonly param: string | undefined;
  readonly docUrl: string | undefined;
  /** The `X-Request-Id` of the answer: quote it to support. */
  readonly requestId: string | undefined;
  readonly headers: Headers;
  /** The parsed JSON body of the error answer (undefined when there was none). */
  readonly body: unknown;

  constructor(message: string, details: ErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = new.target.name;
    this.status = details.status;
    this.code = details.code;
    this.param = details.param;
    this.docUrl = details.docUrl;
    this.requestId = details.requestId;
    this.headers = details.headers ?? new Headers();
    this.body = details.body;
  }
}

/** The API answered with an error status; thrown itself for 5xx and statuses without a class. */
export class APIError extends LeadNodError {}
/** 400 or 422: the request was refused as sent; `param` names the offending field. */
export class InvalidRequestError extends APIError {}
/** 401: the credentials were refused, or the access token was (even after a new one). */
export class AuthenticationError extends APIError {}
/** 403: the token lacks the scope, or the account may not do this to the object. */
export class PermissionDeniedError extends APIError {}
/** 404: no such object, or one the account is not a party to (never revealed which). */
export class NotFoundError extends APIError {}
/** 409: the object's state does not allow this (an engagement already active, ...). */
export class ConflictError extends APIError {}

/** 429 after the retries: `retryAfter` is how many seconds the API asked to wait. */
export class RateLimitError extends APIError {
  readonly retryAfter: number | undefined;

  constructor(message: string, details: ErrorDetails & { retryAfter?: number | undefined } = {}) {
    super(message, details);
    this.retryAfter = details.retryAfter;
  }
}

/** No answer: the connection failed or broke (after the retries). */
export class APIConnectionError extends LeadNodError {}
/** No answer within the timeout (after the retries). */
export class APITimeoutError extends APIConnectionError {}
/** The request's `signal` was aborted; never retried. */
export class APIUserAbortError extends LeadNodError {}
/** A webhook request's signature does not match its body and the endpoint's secret. */
export class SignatureVerificationError extends LeadNodError {}

const BY_STATUS: Record<number, typeof APIError> = {
  400: InvalidRequestError, 401: AuthenticationError, 403: PermissionDeniedError,
  404: NotFoundError, 409: ConflictError, 422: InvalidRequestError, 429: RateLimitError,
};

/** `Retry-After` as seconds (a number or an HTTP date); undefined when absent or unreadable. */
export function retryAfterSeconds(headers: Headers, now: number = Date.now()): number | undefined {
  const value = headers.get("retry-after");
  if (!value) return undefined;
  if (/^\s*\d+(\.\d+)?\s*$/.test(value)) return Math.max(0, Number(value));
  const moment = Date.parse(value);
  return Number.isNaN(moment) ? undefined : Math.max(0, (moment - now) / 1000);
}

const text = (value: unknown): string | undefined => (typeof value === "string" ? value : undefined);

/**
 * The error for a non-2xx answer. Reads the API's error body
 * (`{"error": {"code", "message", "param", "doc_url"}}`) and the token endpoint's RFC 6749 one
 * (`{"error": "invalid_client", "error_description": ...}`).
 */
export function errorFromResponse(status: number, headers: Headers, payload: unknown): APIError {
  const body = payload !== null && typeof payload === "object" ? payload as Record<string, unknown> : {};
  const detail = body["error"];
  let code: string | undefined, message: string | undefined, param: string | undefined,
    docUrl: string | undefined;
  if (detail !== null && typeof detail === "object") {
    const fields = detail as Record<string, unknown>;
    code = text(fields["code"]);
    message = text(fields["message"]);
    param = text(fields["param"]);
    docUrl = text(fields["doc_url"]);
  } else {
    code = text(detail);
    message = text(body["error_description"]);
  }
  const details = {
    status, code, param, docUrl, headers, body: payload,
    requestId: headers.get("x-request-id") ?? undefined,
  };
  message = message || `The LeadNod API answered HTTP ${status}.`;
  const Kind = BY_STATUS[status] ?? APIError;
  if (Kind === RateLimitError) {
    return new RateLimitError(message, { ...details, retryAfter: retryAfterSeconds(headers) });
  }
  return new Kind(message, details);
}
