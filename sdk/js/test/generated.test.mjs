// The API types are generated from docs/openapi.json and kept current; every operation of the
// document has a method.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { LeadNod } from "@leadnod/sdk";
import { fakeFetch, json, options, withTokens } from "./helpers.mjs";

const SCRIPT = fileURLToPath(new URL("../scripts/generate-types.mjs", import.meta.url));
const OPENAPI = fileURLToPath(new URL("../src/generated/openapi.ts", import.meta.url));
// Not the SDK's business: the token endpoint (the client calls it itself), the key set, the
// document itself, and PUT (the same operation as PATCH).
const NOT_METHODS = /^(GET \/\.well-known\/jwks\.json|POST \/oauth\/token|GET \/v1\/openapi\.json|PUT .*)$/;

test("src/generated/openapi.ts is what docs/openapi.json generates (npm run generate)", () => {
  execFileSync(process.execPath, [SCRIPT, "--check"], { stdio: "pipe" });
});

test("every operation of the API has a method", async () => {
  const source = (await import("node:fs")).readFileSync(OPENAPI, "utf8");
  const declared = [...source.matchAll(/\{ method: "(\w+)", path: "([^"]+)"/g)]
    .map(([, method, path]) => `${method} ${path}`).filter((operation) => !NOT_METHODS.test(operation));
  const { fetch, requests } = fakeFetch(withTokens(() => json(200, { data: [], has_more: false })));
  const c = new LeadNod(options(fetch));
  const id = "x";
  await Promise.all([
    c.users.me(), c.users.updateMe({}), c.users.retrieve(id), c.users.search(),
    c.team.list(), c.team.add({ name: "n", email: "e", role: "member" }), c.team.update(id, { role: "admin" }),
    c.team.remove(id), c.team.transferOwnership(id),
    c.opportunities.create({ title: "t" }), c.opportunities.list(), c.opportunities.retrieve(id),
    c.opportunities.update(id, {}), c.opportunities.delete(id), c.opportunities.bulkCreate({ opportunities: [] }),
    c.opportunities.matches(id), c.opportunities.expressInterest(id), c.opportunities.interests(id),
    c.engagements.create({ opportunity_id: id, sales_pro_id: id }), c.engagements.list(), c.engagements.retrieve(id),
    c.engagements.start(id), c.engagements.complete(id), c.engagements.terminate(id, { reason: "r" }),
    c.engagements.metrics(id), c.engagements.activities.log(id, { type: "call" }), c.engagements.activities.list(id),
    c.payments.list(), c.payments.retrieve(id), c.payments.balance(),
    c.payments.escrow.fund({ engagement_id: id, amount: 1 }), c.payments.escrow.release({ engagement_id: id, amount: 1 }),
    c.payments.escrow.refund({ engagement_id: id, amount: 1 }), c.payments.escrow.dispute({ engagement_id: id, amount: 1, reason: "r" }),
    c.payments.disputes.list(), c.payments.disputes.retrieve(id), c.payments.disputes.addEvidence(id, { text: "t" }),
    c.payments.disputes.accept(id),
    c.messages.send({ body: "b" }), c.messages.conversations.list(), c.messages.conversations.retrieve(id),
    c.messages.preferences.retrieve(), c.messages.preferences.update({}),
    c.analytics.summary(), c.analytics.engagement(id), c.analytics.reports.create({ metrics: ["revenue"] }),
    c.analytics.reports.list(), c.analytics.reports.retrieve(id), c.analytics.export.request(), c.analytics.export.create({ format: "csv" }), c.analytics.export.retrieve(id),
    c.webhooks.create({ url: "u", events: ["*"] }), c.webhooks.list(), c.webhooks.retrieve(id), c.webhooks.update(id, {}),
    c.webhooks.delete(id), c.webhooks.deliveries(id), c.webhooks.retryDelivery(id, id), c.webhooks.test(id),
    c.events.list(), c.events.retrieve(id),
    c.users.rotateCredentials(), c.team.rotateCredentials(id, { grace_seconds: 0 }), c.usage.retrieve(),
  ]);
  const called = new Set(requests.filter((r) => !r.url.endsWith("/oauth/token")).map((r) => {
    const path = new URL(r.url).pathname.split("/").map((part) => (part === id ? "{}" : part)).join("/");
    return `${r.method} ${path}`;
  }));
  const missing = declared.filter((operation) => !called.has(operation.replace(/\{\w+\}/g, "{}")));
  assert.deepEqual(missing, [], "operations of docs/openapi.json without an SDK method");
});
