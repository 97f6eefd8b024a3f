/**
 * Check that a webhook request comes from LeadNod, then read its event.
 *
 *     import { webhooks } from "@leadnod/sdk";
 *     app.post("/webhooks/leadnod", express.raw({ type: "application/json" }), (req, res) => {
 *       try {
 *         const event = webhooks.constructEvent(req.body, req.headers, SECRET);
 *         ...                                         // dedupe on event.id
 *         res.sendStatus(200);
 *       } catch (error) {
 *         res.sendStatus(400);
 *       }
 *     });
 *
 * Signatures are HMAC-SHA256 keyed with the endpoint's secret exactly as shown when it was
 * created (UTF-8, `whsec_` prefix included), over the raw body: pass the bytes (or string)
 * received, before any JSON parsing. Two headers carry one:
 * - `X-LeadNod-Signature`: the lowercase hex HMAC of the body;
 * - `webhook-signature` (Standard Webhooks): `v1,<base64 HMAC of "{webhook-id}.{webhook-timestamp}.{body}">`,
 *   which also binds the timestamp: requests older than `tolerance` seconds are refused.
 *
 * `verify` and `constructEvent` are synchronous and use Node's crypto (Node 20.16+, 22.3+);
 * `verifyAsync` and `constructEventAsync` use Web Crypto, so they also run in browsers, Deno,
 * Bun and edge workers. Both compare in constant time.
 */
import { SignatureVerificationError } from "./core/errors.js";
import { nodeProcess } from "./core/platform.js";
import type { WebhookEvent } from "./generated/openapi.js";

export { SignatureVerificationError };
export type { WebhookEvent };

/** Seconds allowed between `webhook-timestamp` and now. */
export const DEFAULT_TOLERANCE = 300;

/** The raw request body. */
export type Payload = string | Uint8Array | ArrayBuffer;
/** A request's headers: fetch's `Headers`, or an object such as Node's `req.headers`. */
export type HeadersInput = Headers | Record<string, string | string[] | undefined>;

export interface VerifyOptions {
  /** Seconds a Standard Webhooks timestamp may be from now (default 300; null: no check). */
  tolerance?: number | null;
  /** Now, in Unix seconds (default: the clock). */
  now?: number;
}

/** What to compare: the signed bytes and the signatures the request carries. */
interface Check {
  message: Uint8Array;
  candidates: Uint8Array[];
  failure: string;
}

const encoder = new TextEncoder();

function bytes(payload: Payload): Uint8Array {
  if (typeof payload === "string") return encoder.encode(payload);
  if (payload instanceof Uint8Array) return payload;
  if (payload instanceof ArrayBuffer) return new Uint8Array(payload);
  throw new TypeError("payload must be the raw body: a string, Uint8Array/Buffer or ArrayBuffer");
}

function header(headers: HeadersInput, name: string): string | undefined {
  if (typeof (headers as Headers).get === "function" && typeof (headers as Headers).has === "function") {
    return (headers as Headers).get(name) ?? undefined;
  }
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() === name) return Array.isArray(value) ? value.join(" ") : value;
  }
  return undefined;
}

function fromHex(text: string): Uint8Array {
  if (!/^(?:[0-9a-f]{2})+$/.test(text)) return new Uint8Array();
  return Uint8Array.from(text.match(/../g)!, (pair) => parseInt(pair, 16));
}

function fromBase64(text: string): Uint8Array {
  try {
    return Uint8Array.from(atob(text), (char) => char.charCodeAt(0));
  } catch {
    return new Uint8Array();
  }
}

function standardCheck(body: Uint8Array, headers: HeadersInput, options: VerifyOptions): Check {
  const id = header(headers, "webhook-id");
  const timestamp = header(headers, "webhook-timestamp");
  const signatures = header(headers, "webhook-signature");
  if (!id || !timestamp || !signatures) {
    throw new SignatureVerificationError("Missing X-LeadNod-Signature, or webhook-id, webhook-timestamp or webhook-signature header.");
  }
  if (!/^\d+$/.test(timestamp)) throw new SignatureVerificationError("The webhook-timestamp header is not a number.");
  const tolerance = options.tolerance === undefined ? DEFAULT_TOLERANCE : options.tolerance;
  if (tolerance !== null) {
    const drift = Math.abs((options.now ?? Date.now() / 1000) - Number(timestamp));
    if (drift > tolerance) {
      throw new SignatureVerificationError(`The webhook-timestamp is ${Math.floor(drift)} s from now (over ${tolerance} s): refused as a possible replay.`);
    }
  }
  const prefix = encoder.encode(`${id}.${timestamp}.`);
  const message = new Uint8Array(prefix.length + body.length);
  message.set(prefix);
  message.set(body, prefix.length);
  const candidates = signatures.split(/\s+/).map((part) => part.split(","))
    .filter(([version, value]) => version === "v1" && value).map(([, value]) => fromBase64(value!));
  return { message, candidates, failure: "No webhook-signature matches the body." };
}

function plan(payload: Payload, signature: string | HeadersInput, secret: string, options: VerifyOptions): Check {
  if (!secret || typeof secret !== "string") throw new TypeError("secret must be the webhook endpoint's secret");
  const body = bytes(payload);
  let value: string | undefined;
  if (typeof signature === "string") value = signature;
  else if (signature && typeof signature === "object") {
    value = header(signature, "x-leadnod-signature");
    if (value === undefined) return standardCheck(body, signature, options);
  }
  return {
    message: body,
    candidates: [fromHex((value ?? "").trim().toLowerCase())],
    failure: "The X-LeadNod-Signature does not match the body.",
  };
}

interface NodeCrypto {
  createHmac(algorithm: string, key: Uint8Array): { update(data: Uint8Array): { digest(): Uint8Array } };
  timingSafeEqual(a: Uint8Array, b: Uint8Array): boolean;
}

function nodeCrypto(): NodeCrypto {
  const crypto = nodeProcess()?.getBuiltinModule?.("node:crypto") as NodeCrypto | undefined;
  if (!crypto) {
    throw new Error("webhooks.verify needs Node's crypto (Node 20.16+ or 22.3+): use webhooks.verifyAsync (Web Crypto) here.");
  }
  return crypto;
}

/**
 * `true` if the request is signed with `secret`; else throws `SignatureVerificationError`.
 * `signature` is the `X-LeadNod-Signature` value, or all the request's headers (then the
 * Standard Webhooks headers are checked when `X-LeadNod-Signature` is absent).
 */
export function verify(payload: Payload, signature: string | HeadersInput, secret: string,
  options: VerifyOptions = {}): true {
  const check = plan(payload, signature, secret, options);
  const crypto = nodeCrypto();
  const expected = crypto.createHmac("sha256", encoder.encode(secret)).update(check.message).digest();
  let matched = false;
  for (const candidate of check.candidates) { // every one: timing must not tell which matched
    matched = (candidate.length === expected.length && crypto.timingSafeEqual(candidate, expected)) || matched;
  }
  if (!matched) throw new SignatureVerificationError(check.failure);
  return true;
}

/** `verify` with Web Crypto (`crypto.subtle.verify`, constant time): any modern runtime. */
export async function verifyAsync(payload: Payload, signature: string | HeadersInput, secret: string,
  options: VerifyOptions = {}): Promise<true> {
  const check = plan(payload, signature, secret, options);
  const subtle = (globalThis as { crypto?: Crypto }).crypto?.subtle;
  if (!subtle) throw new Error("No Web Crypto here (globalThis.crypto.subtle): use webhooks.verify.");
  const key = await subtle.importKey("raw", encoder.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["verify"]);
  const message = new Uint8Array(check.message); // an ArrayBuffer-backed copy, as subtle wants
  let matched = false;
  for (const candidate of check.candidates) {
    matched = (await subtle.verify("HMAC", key, new Uint8Array(candidate), message)) || matched;
  }
  if (!matched) throw new SignatureVerificationError(check.failure);
  return true;
}

function parseEvent(payload: Payload): WebhookEvent {
  let event: unknown;
  try {
    event = JSON.parse(typeof payload === "string" ? payload : new TextDecoder().decode(bytes(payload)));
  } catch (error) {
    throw new SignatureVerificationError(`The body is not a LeadNod event: ${String(error)}`);
  }
  const fields = event as Record<string, unknown> | null;
  if (!fields || typeof fields !== "object" || typeof fields["id"] !== "string" || typeof fields["type"] !== "string") {
    throw new SignatureVerificationError("The body is not a LeadNod event (no id and type).");
  }
  return event as WebhookEvent;
}

/** `verify`, then the body as an event (`id`, `type`, `created`, `api_version`, `environment`, `data`). */
export function constructEvent(payload: Payload, signature: string | HeadersInput, secret: string,
  options: VerifyOptions = {}): WebhookEvent {
  verify(payload, signature, secret, options);
  return parseEvent(payload);
}

/** `verifyAsync`, then the body as an event. */
export async function constructEventAsync(payload: Payload, signature: string | HeadersInput,
  secret: string, options: VerifyOptions = {}): Promise<WebhookEvent> {
  await verifyAsync(payload, signature, secret, options);
  return parseEvent(payload);
}
