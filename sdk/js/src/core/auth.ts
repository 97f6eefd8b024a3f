/**
 * Access tokens. With client credentials they are fetched (OAuth 2.0 client-credentials grant)
 * when first needed, replaced a minute before they expire and once when the API refuses one
 * (401). In a browser the integrator's server hands over the token: a fixed one, or a callback
 * asked again when it expires or is refused. One fetch at a time: the calls that need a token
 * while it is being fetched wait for that one.
 */

/** The token endpoint's answer (what a callback may pass on as it is). */
export interface TokenGrant {
  access_token: string;
  token_type?: string;
  expires_in?: number;
  scope?: string;
}

/** Gives the browser client its access token: the token, or the token endpoint's answer. */
export type AccessTokenCallback = () => string | TokenGrant | Promise<string | TokenGrant>;

/** A token is replaced this long (ms) before it expires, so it cannot expire in flight. */
const REFRESH_MARGIN = 60_000;

interface Held {
  token: string;
  refreshAt: number; // Date.now() after which it is replaced (Infinity: until refused)
}

function held(answer: string | TokenGrant, now: number): Held {
  if (typeof answer === "string") return { token: answer, refreshAt: Infinity };
  if (!answer || typeof answer.access_token !== "string") {
    throw new TypeError("The access token callback must answer a token or {access_token, expires_in}.");
  }
  if (answer.expires_in === undefined) return { token: answer.access_token, refreshAt: Infinity };
  const lifetime = answer.expires_in * 1000;
  return { token: answer.access_token, refreshAt: now + lifetime - Math.min(REFRESH_MARGIN, lifetime / 2) };
}

export class TokenManager {
  private current: Held | undefined;
  private pending: Promise<string> | undefined;

  /** `fetch` obtains a token; `renewable` says whether a refused one can be replaced. */
  constructor(private readonly fetch: () => Promise<string | TokenGrant>, readonly renewable = true) {}

  static fixed(token: string): TokenManager {
    return new TokenManager(async () => token, false);
  }

  /** A usable token: the one held, or the one being fetched, or a new fetch shared by all. */
  token(): Promise<string> {
    if (this.current && Date.now() < this.current.refreshAt) return Promise.resolve(this.current.token);
    if (!this.pending) {
      this.pending = this.fetch().then(
        (answer) => {
          this.current = held(answer, Date.now());
          this.pending = undefined;
          return this.current.token;
        },
        (error: unknown) => {
          this.pending = undefined;
          throw error;
        },
      );
    }
    return this.pending;
  }

  /** The API answered 401 to `token`: forget it, unless another call already has. */
  refused(token: string): void {
    if (this.renewable && this.current?.token === token) this.current = undefined;
  }
}
