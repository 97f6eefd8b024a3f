/** `LeadNod`: credentials, tokens, retries and errors; the resources are its attributes. */
import { TokenManager, type AccessTokenCallback, type TokenGrant } from "./core/auth.js";
import { errorFromResponse, LeadNodError } from "./core/errors.js";
import {
  attempt, callHeaders, endpoints, ENVIRONMENTS, parseJSON, sleep, withQuery,
  type Endpoints, type Environment, type Query, type RequestOptions,
} from "./core/http.js";
import { isBrowser, readEnv } from "./core/platform.js";
import { retryDelay } from "./core/retry.js";
import { VERSION } from "./version.js";
import { Analytics } from "./resources/analytics.js";
import { Engagements } from "./resources/engagements.js";
import { Events } from "./resources/events.js";
import { Messages } from "./resources/messages.js";
import { Opportunities } from "./resources/opportunities.js";
import { Payments } from "./resources/payments.js";
import { Team } from "./resources/team.js";
import { Usage } from "./resources/usage.js";
import { Users } from "./resources/users.js";
import { Webhooks } from "./resources/webhooks.js";

export interface ClientOptions {
  /** Default: LEADNOD_CLIENT_ID (Node). */
  clientId?: string;
  /** Default: LEADNOD_CLIENT_SECRET (Node). Refused in a browser: use `accessToken` there. */
  clientSecret?: string;
  /** A token your server obtained, or a callback that fetches one (browsers). */
  accessToken?: string | AccessTokenCallback;
  /** Any base URL, with or without `/v1` (`http://127.0.0.1:8000`); default LEADNOD_BASE_URL. */
  baseURL?: string;
  /** "production" (default) or "sandbox", when no `baseURL`; default LEADNOD_ENVIRONMENT. */
  environment?: Environment;
  /** "read" asks for read-only tokens. */
  scope?: string;
  /** Milliseconds per attempt (default 30000). */
  timeout?: number;
  /** Retries of a failed attempt: 429, 5xx, no answer (default 2). */
  maxRetries?: number;
  /** Your own `fetch` (proxies, tests); default the global one. */
  fetch?: typeof fetch;
  /** Headers sent with every request. */
  defaultHeaders?: Record<string, string>;
}

export const DEFAULT_TIMEOUT = 30_000;
export const DEFAULT_MAX_RETRIES = 2;

interface CallSpec {
  query?: Query | undefined;
  body?: unknown;
  options?: RequestOptions | undefined;
}

function resolveBaseURL(options: ClientOptions): string {
  if (options.baseURL) return options.baseURL;
  const fromEnv = readEnv("LEADNOD_BASE_URL");
  if (fromEnv) return fromEnv;
  const name = options.environment ?? readEnv("LEADNOD_ENVIRONMENT") ?? "production";
  if (!(name in ENVIRONMENTS)) {
    throw new LeadNodError(`environment must be one of ${Object.keys(ENVIRONMENTS).join(", ")}, got ${JSON.stringify(name)}`);
  }
  return ENVIRONMENTS[name as Environment];
}

/**
 * The LeadNod API.
 *
 *     const client = new LeadNod({ clientId, clientSecret });  // or LEADNOD_CLIENT_ID/SECRET
 *     const me = await client.users.me();
 *
 * In a browser, pass the `accessToken` your server obtained (or a callback that fetches one):
 * a client secret there is refused.
 */
export class LeadNod {
  readonly users: Users;
  readonly team: Team;
  readonly opportunities: Opportunities;
  readonly engagements: Engagements;
  readonly payments: Payments;
  readonly messages: Messages;
  readonly analytics: Analytics;
  readonly webhooks: Webhooks;
  readonly events: Events;
  readonly usage: Usage;

  readonly timeout: number;
  readonly maxRetries: number;
  private readonly endpoints: Endpoints;
  private readonly tokens: TokenManager;
  private readonly fetchImpl: typeof fetch;
  private readonly baseHeaders: Record<string, string>;

  constructor(options: ClientOptions = {}) {
    this.endpoints = endpoints(resolveBaseURL(options));
    this.timeout = options.timeout ?? DEFAULT_TIMEOUT;
    this.maxRetries = options.maxRetries ?? DEFAULT_MAX_RETRIES;
    if (!(this.maxRetries >= 0)) throw new LeadNodError("maxRetries must be 0 or more");
    const fetchImpl = options.fetch ?? globalThis.fetch;
    if (typeof fetchImpl !== "function") {
      throw new LeadNodError("No fetch: use Node.js 18 or newer, or pass `fetch`.");
    }
    this.fetchImpl = (...args) => fetchImpl(...args); // unbound window.fetch throws in browsers
    this.baseHeaders = { ...(isBrowser() ? {} : { "User-Agent": `leadnod-node/${VERSION}` }), ...options.defaultHeaders };
    this.tokens = this.tokenManager(options);

    this.users = new Users(this);
    this.team = new Team(this);
    this.opportunities = new Opportunities(this);
    this.engagements = new Engagements(this);
    this.payments = new Payments(this);
    this.messages = new Messages(this);
    this.analytics = new Analytics(this);
    this.webhooks = new Webhooks(this);
    this.events = new Events(this);
    this.usage = new Usage(this);
  }

  /** The API's base URL, ending in `/v1`. */
  get baseURL(): string {
    return this.endpoints.api;
  }

  private tokenManager(options: ClientOptions): TokenManager {
    const { accessToken } = options;
    if (isBrowser() && options.clientSecret) {
      throw new LeadNodError("Never put a client secret in a browser: anyone can read it there. "
        + "Have your server obtain an access token and pass `accessToken` (a token or a callback).");
    }
    if (typeof accessToken === "string") return TokenManager.fixed(accessToken);
    if (typeof accessToken === "function") return new TokenManager(async () => accessToken());
    if (isBrowser()) {
      throw new LeadNodError("In a browser, pass `accessToken`: a token your server obtained, or a callback.");
    }
    const clientId = options.clientId ?? readEnv("LEADNOD_CLIENT_ID");
    const clientSecret = options.clientSecret ?? readEnv("LEADNOD_CLIENT_SECRET");
    if (!clientId || !clientSecret) {
      throw new LeadNodError("Pass clientId and clientSecret, or set the LEADNOD_CLIENT_ID and "
        + "LEADNOD_CLIENT_SECRET environment variables (or pass accessToken).");
    }
    const body = { grant_type: "client_credentials", client_id: clientId, client_secret: clientSecret,
      ...(options.scope ? { scope: options.scope } : {}) };
    return new TokenManager(() => this.send<TokenGrant>("POST", this.endpoints.token, { body }, false));
  }

  /** Calls `path` (relative to `/v1`) and answers its JSON body (undefined for 204). */
  request<T>(method: string, path: string, spec: CallSpec = {}): Promise<T> {
    return this.send<T>(method, withQuery(this.endpoints.api + path, spec.query), spec, true);
  }

  /**
   * One call: attempts until success, a final error, or `maxRetries` retries. A 401 gets one
   * more attempt with a new token (not counted as a retry).
   */
  private async send<T>(method: string, url: string, spec: CallSpec, authenticated: boolean): Promise<T> {
    const options = spec.options ?? {};
    const hasBody = spec.body !== undefined;
    const headers = callHeaders(method, options, this.baseHeaders, hasBody);
    const body = hasBody ? JSON.stringify(spec.body) : undefined;
    const maxRetries = options.maxRetries ?? this.maxRetries;
    let retries = 0;
    let renewed = false;
    for (;;) {
      const token = authenticated ? await this.tokens.token() : undefined; // retried itself
      if (token) headers.set("Authorization", `Bearer ${token}`);
      let error: LeadNodError;
      try {
        const { response, text } = await attempt(this.fetchImpl, url, { method, headers, body },
          options.timeout ?? this.timeout, options.signal);
        if (response.ok) return parseJSON(text) as T;
        if (response.status === 401 && token && !renewed && this.tokens.renewable) {
          this.tokens.refused(token);
          renewed = true;
          continue;
        }
        error = errorFromResponse(response.status, response.headers, parseJSON(text));
      } catch (thrown) {
        if (!(thrown instanceof LeadNodError)) throw thrown;
        error = thrown;
      }
      const delay = retryDelay(error, retries, maxRetries);
      if (delay === undefined) throw error;
      retries += 1;
      await sleep(delay, options.signal);
    }
  }
}
