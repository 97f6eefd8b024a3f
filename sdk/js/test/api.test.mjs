// The SDK against the real API (a local stack: `make sdk-js-test` starts one).
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { AuthenticationError, InvalidRequestError, LeadNod, NotFoundError, PermissionDeniedError } from "@leadnod/sdk";
import { live } from "./helpers.mjs";

describe("against the local stack", { skip: live }, () => {
  const client = new LeadNod();
  const pro = () => new LeadNod({ clientId: process.env.LEADNOD_PRO_CLIENT_ID, clientSecret: process.env.LEADNOD_PRO_CLIENT_SECRET });
  const run = Math.random().toString(16).slice(2, 10);

  test("users.me answers the demo client; users.retrieve its public profile", async () => {
    const me = await client.users.me();
    assert.equal(me.type, "client");
    assert.match(me.id, /^usr_/);
    assert.equal((await client.users.retrieve(me.id)).id, me.id);
  });

  test("an opportunity created, read, changed, paged through, deleted", async () => {
    const titles = [1, 2, 3].map((n) => `JS SDK ${run} #${n}`);
    const made = [];
    for (const title of titles) made.push(await client.opportunities.create({ title, industry: "saas", commission_rate: 0.1 }));
    assert.equal(made[0].status, "open");
    assert.equal((await client.opportunities.retrieve(made[0].id)).title, titles[0]);
    const changed = await client.opportunities.update(made[0].id, { status: "paused", description: null });
    assert.equal(changed.status, "paused");
    const first = await client.opportunities.list({ limit: 1 });
    assert.equal(first.data.length, 1);
    assert.equal(first.hasMore, true);
    const seen = [];
    for await (const o of client.opportunities.list({ limit: 2 })) if (o.title.includes(run)) seen.push(o.title);
    assert.deepEqual(seen.sort(), [...titles].sort());
    for (const o of made) await client.opportunities.delete(o.id);
    const deleted = await client.opportunities.retrieve(made[1].id).catch((e) => e);
    assert.ok(deleted instanceof NotFoundError || deleted.status === "closed", String(deleted));
  });

  test("bulk create answers each item's outcome", async () => {
    const result = await client.opportunities.bulkCreate({ opportunities: [{ title: `Bulk ${run}` }, { title: "" }] });
    assert.equal(result.data.length, 2);
    assert.ok("id" in result.data[0]);
    assert.ok("error" in result.data[1]);
  });

  test("errors: NotFoundError, InvalidRequestError with param, PermissionDeniedError, AuthenticationError", async () => {
    const missing = await client.opportunities.retrieve("opp_missing").catch((e) => e);
    assert.ok(missing instanceof NotFoundError);
    assert.equal(missing.status, 404);
    assert.ok(missing.requestId);
    const invalid = await client.users.updateMe({ email: "not-an-email" }).catch((e) => e);
    assert.ok(invalid instanceof InvalidRequestError);
    assert.equal(invalid.param, "email");
    const denied = await pro().opportunities.create({ title: "pros cannot" }).catch((e) => e);
    assert.ok(denied instanceof PermissionDeniedError, String(denied));
    const refused = await new LeadNod({ clientId: "cli_nobody", clientSecret: "lns_wrong" }).users.me().catch((e) => e);
    assert.ok(refused instanceof AuthenticationError);
  });

  test("one token for concurrent calls, and a repeated Idempotency-Key answers the first object", async () => {
    const fresh = new LeadNod();
    const answers = await Promise.all([fresh.users.me(), fresh.users.me(), fresh.messages.preferences.retrieve()]);
    assert.equal(answers.length, 3);
    const key = `js-${run}`;
    const once = await fresh.opportunities.create({ title: `Idem ${run}` }, { idempotencyKey: key });
    const again = await fresh.opportunities.create({ title: `Idem ${run}` }, { idempotencyKey: key });
    assert.equal(again.id, once.id);
  });

  test("team: list, add, update, remove", async () => {
    const added = await client.team.add({ name: "JS Member", email: `js.${run}@example.com`, role: "member" });
    assert.equal(added.user.role, "member");
    const member = new LeadNod({ clientId: added.credentials.client_id, clientSecret: added.credentials.client_secret });
    assert.equal((await member.users.me()).role, "member");
    const ids = [];
    for await (const m of client.team.list()) ids.push(m.id);
    assert.ok(ids.includes(added.user.id));
    assert.equal((await client.team.update(added.user.id, { role: "admin" })).role, "admin");
    await client.team.remove(added.user.id);
  });
});
