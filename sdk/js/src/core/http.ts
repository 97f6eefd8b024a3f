/** How one call becomes HTTP: the URL, the headers its attempts share, and one attempt. */
import { APIConnectionError, APITimeoutError, APIUserAbortError, LeadNodError } from "./errors.js";
import { randomUUID } from "./platform.js";

export type QueryValue = string | number | boolean | Date | ReadonlyArray<string | number> | null | undefined;
export type Query = { [name: string]: QueryValue } | object;

export interface RequestOptions {
  /** Cancels the call, its attempts and the waits between them (`APIUserAbortError`). */
  signal?: AbortSignal;
  /** Milliseconds each attempt may take (default: the client's `timeout`). */
  timeout?: number;
  /** Retries of this call (default: the client's `maxRetries`). */
  maxRetries?: number;
  /** A POST's Idempotency-Key (default: a new UUID per call, shared by its retries). */
  idempotencyKey?: string;
  /** Extra headers for this call. */
  headers?: Record<string, string>;
}

export interface Endpoints {
  api: string; // ".../v1"; resource paths are relative to it
  token: string; // ".../oauth/token" (outside /v1, as the docs show)
}

export const ENVIRONMENTS = {
  production: "https://api.leadnod.com/v1",
  sandbox: "https://sandbox.api.leadnod.com/v1",
} as const;
export type Environment = keyof typeof ENVIRONMENTS;

/** `baseURL` as the docs write it (`https://api.leadnod.com/v1`) or without `/v1`. */
export function endpoints(baseURL: string): Endpoints {
  let root = baseURL.replace(/\/+$/, "");
  if (root.endsWith("/v1")) root = root.slice(0, -3);
  return { api: `${root}/v1`, token: `${root}/oauth/token` };
}

function queryText(value: Exclude<QueryValue, null | undefined>): string {
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(String).join(",");
  return String(value);
}

/** The URL with its query: null and undefined are left out, arrays comma-joined, dates ISO. */
export function withQuery(url: string, query: Query | undefined): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query ?? {}) as [string, QueryValue][]) {
    if (value !== undefined && value !== null) params.append(name, queryText(value));
  }
  const text = params.toString();
  return text ? `${url}?${text}` : url;
}

/** An object id for a URL path: refuses empty ids, which would change the route. */
export function pathId(value: string, name: string): string {
  if (typeof value !== "string" || !value.trim()) {
    throw new TypeError(`'${name}' must be a non-empty string, got ${JSON.stringify(value)}`);
  }
  return encodeURIComponent(value);
}

/** Headers of one call, shared by its attempts: a POST gets one Idempotency-Key. */
export function callHeaders(method: string, options: RequestOptions, base: Record<string, string>,
  hasBody: boolean): Headers {
  const headers = new Headers({ Accept: "application/json", ...base, ...options.headers });
  if (hasBody) headers.set("Content-Type", "application/json");
  if (method === "POST" && !headers.has("Idempotency-Key")) {
    headers.set("Idempotency-Key", options.idempotencyKey ?? randomUUID());
  }
  return headers;
}

export interface Answer {
  response: Response;
  text: string;
}

/**
 * One attempt, its body read within `timeout` ms. Transport failures become
 * `APIConnectionError` (`APITimeoutError`), the caller's abort `APIUserAbortError`.
 */
export async function attempt(fetchImpl: typeof fetch, url: string, init: RequestInit,
  timeout: number, signal: AbortSignal | undefined): Promise<Answer> {
  if (signal?.aborted) throw new APIUserAbortError("The request was aborted.", { cause: signal.reason });
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => { timedOut = true; controller.abort(); }, timeout);
  const onAbort = () => controller.abort();
  signal?.addEventListener("abort", onAbort, { once: true });
  try {
    const response = await fetchImpl(url, { ...init, signal: controller.signal });
    return { response, text: await response.text() };
  } catch (error) {
    if (error instanceof LeadNodError) throw error;
    if (signal?.aborted) throw new APIUserAbortError("The request was aborted.", { cause: signal.reason });
    if (timedOut) throw new APITimeoutError(`The LeadNod API did not answer within ${timeout} ms.`, { cause: error });
    throw new APIConnectionError(`Could not reach the LeadNod API: ${String(error)}`, { cause: error });
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener("abort", onAbort);
  }
}

/** Waits `seconds`, unless `signal` aborts first. */
export function sleep(seconds: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(new APIUserAbortError("The request was aborted.", { cause: signal?.reason }));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, seconds * 1000);
    if (signal?.aborted) onAbort();
    else signal?.addEventListener("abort", onAbort, { once: true });
  });
}

export function parseJSON(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
