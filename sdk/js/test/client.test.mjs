// The client's machinery with a fake fetch: tokens, retries, idempotency, errors, aborts,
// timeouts, browser mode, configuration.
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  APIConnectionError, APIError, APITimeoutError, APIUserAbortError, AuthenticationError,
  ConflictError, InvalidRequestError, LeadNod, LeadNodError, NotFoundError, PermissionDeniedError,
  RateLimitError,
} from "@leadnod/sdk";
import { fakeFetch, json, options, token, withTokens } from "./helpers.mjs";

const me = { id: "usr_1", type: "client", name: "Ann" };

test("concurrent calls share one token request", async () => {
  let release;
  const gate = new Promise((resolve) => { release = resolve; });
  const { fetch, requests } = fakeFetch(withTokens(() => json(200, me), async () => { await gate; return token(); }));
  const client = new LeadNod(options(fetch));
  const calls = Promise.all([client.users.me(), client.users.me(), client.users.me()]);
  await new Promise((resolve) => setTimeout(resolve, 20));
  release();
  await calls;
  assert.equal(requests.filter((r) => r.url.endsWith("/oauth/token")).length, 1);
  assert.deepEqual(requests[0].body, { grant_type: "client_credentials", client_id: "cli_test", client_secret: "lns_test" });
  assert.ok(requests.slice(1).every((r) => r.headers.get("authorization") === "Bearer tok_1"));
});

test("a token is replaced before it expires, and once after a 401", async () => {
  let issued = 0;
  const { fetch, requests } = fakeFetch(withTokens(
    (request) => (request.headers.get("authorization") === "Bearer tok_1" && issued === 1 ? json(401, { error: { code: "invalid_token", message: "expired" } }) : json(200, me)),
    () => token(`tok_${++issued}`)));
  const client = new LeadNod(options(fetch));
  assert.deepEqual(await client.users.me(), me);
  assert.equal(issued, 2);
  assert.equal(requests.at(-1).headers.get("authorization"), "Bearer tok_2");

  let count = 0;
  const short = fakeFetch(withTokens(() => json(200, me), () => token(`short_${++count}`, 1)));
  const shortClient = new LeadNod(options(short.fetch));
  await shortClient.users.me();
  await shortClient.users.me(); // expires_in 1 s: refreshed at half its life at the latest
  await new Promise((resolve) => setTimeout(resolve, 600));
  await shortClient.users.me();
  assert.equal(count, 2);
});

test("a token refused twice is an AuthenticationError", async () => {
  const { fetch, requests } = fakeFetch(withTokens(() => json(401, { error: { code: "invalid_token", message: "no" } },
    { "X-Request-Id": "req_9" })));
  const error = await new LeadNod(options(fetch)).users.me().catch((e) => e);
  assert.ok(error instanceof AuthenticationError && error instanceof APIError && error instanceof LeadNodError);
  assert.equal(error.status, 401);
  assert.equal(error.code, "invalid_token");
  assert.equal(error.requestId, "req_9");
  assert.equal(requests.filter((r) => r.url.endsWith("/oauth/token")).length, 2);
});

test("429 is retried after Retry-After, with jitterless waits capped", async () => {
  const times = [];
  const { fetch } = fakeFetch(withTokens((request, requests) => {
    times.push(Date.now());
    return times.length === 1 ? json(429, { error: { code: "rate_limit_exceeded", message: "slow" } }, { "Retry-After": "1" }) : json(200, me);
  }));
  assert.deepEqual(await new LeadNod(options(fetch)).users.me(), me);
  assert.ok(times[1] - times[0] >= 950, `waited ${times[1] - times[0]} ms`);
});

test("RateLimitError after the retries carries retryAfter; the daily quota is not retried", async () => {
  const { fetch, requests } = fakeFetch(withTokens(() => json(429, { error: { code: "daily_quota_exceeded", message: "tomorrow" } }, { "Retry-After": "3600" })));
  const error = await new LeadNod(options(fetch)).users.me().catch((e) => e);
  assert.ok(error instanceof RateLimitError);
  assert.equal(error.retryAfter, 3600);
  assert.equal(requests.length, 2); // the token and one attempt
});

test("a POST keeps one Idempotency-Key across its retries; each call gets a new one", async () => {
  let attempts = 0;
  const { fetch, requests } = fakeFetch(withTokens(() => (++attempts < 3 ? json(503, { error: { code: "unavailable", message: "busy" } }, { "Retry-After": "0" }) : json(201, { id: "opp_1" }))));
  const client = new LeadNod(options(fetch));
  await client.opportunities.create({ title: "AE" });
  await client.opportunities.create({ title: "AE" }, { idempotencyKey: "mine" });
  const posts = requests.filter((r) => r.url.endsWith("/v1/opportunities"));
  const keys = posts.map((r) => r.headers.get("idempotency-key"));
  assert.equal(posts.length, 4);
  assert.match(keys[0], /^[0-9a-f-]{36}$/);
  assert.deepEqual(keys.slice(0, 3), [keys[0], keys[0], keys[0]]);
  assert.equal(keys[3], "mine");
  assert.equal(requests.find((r) => r.method === "GET"), undefined);
});

test("network errors are retried, then APIConnectionError", async () => {
  const { fetch, requests } = fakeFetch(withTokens(() => { throw new TypeError("fetch failed"); }));
  const error = await new LeadNod(options(fetch, { maxRetries: 1 })).users.me().catch((e) => e);
  assert.ok(error instanceof APIConnectionError);
  assert.equal(requests.length, 3);
});

test("each status is its own error class, with code, message, param and docUrl", async () => {
  const cases = [[400, InvalidRequestError], [422, InvalidRequestError], [403, PermissionDeniedError],
    [404, NotFoundError], [409, ConflictError], [501, APIError]];
  for (const [status, Kind] of cases) {
    const { fetch } = fakeFetch(withTokens(() => json(status, { error: { code: "c", message: "m", param: "email", doc_url: "https://docs/c" } })));
    const error = await new LeadNod(options(fetch, { maxRetries: 0 })).users.me().catch((e) => e);
    assert.ok(error instanceof Kind, `${status}: ${error}`);
    assert.equal(error.name, Kind.name);
    assert.deepEqual([error.status, error.code, error.message, error.param, error.docUrl], [status, "c", "m", "email", "https://docs/c"]);
  }
});

test("a timeout per attempt gives APITimeoutError; an aborted signal APIUserAbortError", async () => {
  const slow = (request) => new Promise((resolve, reject) => {
    request.signal.addEventListener("abort", () => reject(new DOMException("aborted", "AbortError")));
  });
  const { fetch, requests } = fakeFetch(withTokens(slow));
  const client = new LeadNod(options(fetch, { maxRetries: 0 }));
  const timedOut = await client.users.me({ timeout: 50 }).catch((e) => e);
  assert.ok(timedOut instanceof APITimeoutError);
  const controller = new AbortController();
  setTimeout(() => controller.abort(), 30);
  const aborted = await client.users.me({ signal: controller.signal, timeout: 10_000, maxRetries: 3 }).catch((e) => e);
  assert.ok(aborted instanceof APIUserAbortError);
  assert.equal(requests.filter((r) => r.url.endsWith("/users/me")).length, 2);
});

test("lists page by themselves; awaiting gives the first page", async () => {
  const pages = { "": { data: [1, 2], has_more: true, next_cursor: "c2" }, c2: { data: [3], has_more: false, next_cursor: null } };
  const { fetch, requests } = fakeFetch(withTokens((r) => json(200, pages[new URL(r.url).searchParams.get("cursor") ?? ""])));
  const client = new LeadNod(options(fetch));
  const page = await client.opportunities.list({ limit: 2, industry: "saas" });
  assert.deepEqual([page.data, page.hasMore, page.nextCursor], [[1, 2], true, "c2"]);
  const all = [];
  for await (const item of client.opportunities.list({ limit: 2 })) all.push(item);
  assert.deepEqual(all, [1, 2, 3]);
  assert.equal(new URL(requests[1].url).search, "?limit=2&industry=saas");
});

test("options: baseURL with or without /v1, environments, variables, credentials", () => {
  const fetch = async () => json(200, {});
  assert.equal(new LeadNod({ ...options(fetch), baseURL: "http://127.0.0.1:8000" }).baseURL, "http://127.0.0.1:8000/v1");
  assert.equal(new LeadNod({ ...options(fetch), baseURL: "https://x.test/v1/" }).baseURL, "https://x.test/v1");
  const saved = { ...process.env };
  try {
    delete process.env.LEADNOD_BASE_URL;
    Object.assign(process.env, { LEADNOD_CLIENT_ID: "cli_env", LEADNOD_CLIENT_SECRET: "lns_env", LEADNOD_ENVIRONMENT: "sandbox" });
    assert.equal(new LeadNod({ fetch }).baseURL, "https://sandbox.api.leadnod.com/v1");
    assert.equal(new LeadNod({ fetch, environment: "production" }).baseURL, "https://api.leadnod.com/v1");
    delete process.env.LEADNOD_CLIENT_SECRET;
    assert.throws(() => new LeadNod({ fetch }), LeadNodError);
  } finally {
    for (const name of Object.keys(process.env)) if (!(name in saved)) delete process.env[name];
    Object.assign(process.env, saved);
  }
});

test("in a browser a client secret is refused; an access token or a callback is used", async () => {
  globalThis.window = {};
  globalThis.document = {};
  try {
    const { fetch, requests } = fakeFetch((r) => (r.headers.get("authorization") === "Bearer stale" ? json(401, {}) : json(200, me)));
    assert.throws(() => new LeadNod(options(fetch)), /Never put a client secret in a browser/);
    assert.throws(() => new LeadNod({ baseURL: "http://api.test", fetch }), /accessToken/);
    await new LeadNod({ baseURL: "http://api.test", fetch, accessToken: "tok_server" }).users.me();
    assert.equal(requests[0].headers.get("authorization"), "Bearer tok_server");
    assert.equal(requests[0].headers.get("user-agent"), null);
    const answers = ["stale", { access_token: "fresh", expires_in: 3600 }];
    const client = new LeadNod({ baseURL: "http://api.test", fetch, accessToken: async () => answers.shift() });
    assert.deepEqual(await client.users.me(), me); // 401 with "stale": the callback is asked again
    assert.equal(requests.at(-1).headers.get("authorization"), "Bearer fresh");
    assert.equal(requests.some((r) => r.url.includes("/oauth/token")), false);
  } finally {
    delete globalThis.window;
    delete globalThis.document;
  }
});

test("path ids are encoded and must not be empty", async () => {
  const { fetch, requests } = fakeFetch(withTokens(() => json(200, {})));
  const client = new LeadNod(options(fetch));
  await client.opportunities.retrieve("opp/../x");
  assert.equal(requests.at(-1).url, "http://api.test/v1/opportunities/opp%2F..%2Fx");
  assert.throws(() => client.opportunities.retrieve(""), TypeError);
});
