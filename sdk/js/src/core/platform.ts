/** What the client needs from the runtime, found without importing Node's modules (so the
 * same build runs in browsers): environment variables, whether this is a browser, random ids. */

interface ProcessLike {
  env?: Record<string, string | undefined>;
  versions?: { node?: string };
  getBuiltinModule?: (id: string) => unknown;
}

export const nodeProcess = (): ProcessLike | undefined =>
  (globalThis as { process?: ProcessLike }).process;

/** An environment variable in Node (and Deno or Bun); undefined in a browser. */
export function readEnv(name: string): string | undefined {
  const value = nodeProcess()?.env?.[name]?.trim();
  return value ? value : undefined;
}

/** A page's JavaScript (or a web worker's): where a client secret must never be. */
export function isBrowser(): boolean {
  const scope = globalThis as { window?: unknown; document?: unknown; importScripts?: unknown };
  const inPage = typeof scope.window !== "undefined" && typeof scope.document !== "undefined";
  return inPage || typeof scope.importScripts === "function";
}

/** A random UUID v4: Web Crypto's where there is one (Node 19+, browsers). */
export function randomUUID(): string {
  const webCrypto = (globalThis as { crypto?: Crypto }).crypto;
  if (webCrypto?.randomUUID) return webCrypto.randomUUID();
  const bytes = new Uint8Array(16);
  if (webCrypto?.getRandomValues) webCrypto.getRandomValues(bytes);
  else for (let i = 0; i < 16; i++) bytes[i] = Math.floor(Math.random() * 256);
  bytes[6] = (bytes[6]! & 0x0f) | 0x40;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
