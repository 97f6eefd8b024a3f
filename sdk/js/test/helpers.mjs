// A fake `fetch` for the tests that need no stack: answers from a script of handlers and
// records every request.
export function fakeFetch(handler) {
  const requests = [];
  const fetch = async (url, init = {}) => {
    const request = { url: String(url), method: init.method ?? "GET", headers: new Headers(init.headers),
      body: init.body === undefined ? undefined : JSON.parse(init.body), signal: init.signal };
    requests.push(request);
    return handler(request, requests);
  };
  return { fetch, requests };
}

export const json = (status, body, headers = {}) => new Response(body === undefined ? null : JSON.stringify(body),
  { status, headers: { "Content-Type": "application/json", ...headers } });

export const token = (name = "tok_1", expiresIn = 3600) => json(200,
  { access_token: name, token_type: "Bearer", expires_in: expiresIn, scope: "read write" });

/** Handles the token endpoint, and every other request with `api`. */
export function withTokens(api, tokens = () => token()) {
  return (request, requests) => (request.url.endsWith("/oauth/token") ? tokens(request, requests) : api(request, requests));
}

export const options = (fetch, extra = {}) => ({ clientId: "cli_test", clientSecret: "lns_test",
  baseURL: "http://api.test", fetch, ...extra });

export const live = process.env.LEADNOD_BASE_URL && process.env.LEADNOD_CLIENT_ID
  ? false : "needs a local stack: run `make sdk-js-test` (or set LEADNOD_BASE_URL and credentials)";
