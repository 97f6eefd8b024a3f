// webhooks.verify / constructEvent (Node crypto) and their async twins (Web Crypto).
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { test } from "node:test";
import { SignatureVerificationError, webhooks } from "@leadnod/sdk";

const secret = "whsec_test_secret";
const body = JSON.stringify({ id: "evt_1", type: "ping", created: "2026-01-01T00:00:00Z", api_version: "2024-06-01", environment: "sandbox", data: {} });
const hex = createHmac("sha256", secret).update(body).digest("hex");
const now = 1_760_000_000;
const standard = (at = now, id = "msg_1") => ({
  "webhook-id": id, "webhook-timestamp": String(at),
  "webhook-signature": `v1,bogus v1,${createHmac("sha256", secret).update(`${id}.${at}.${body}`).digest("base64")}`,
});

for (const [name, verify, construct] of [
  ["Node crypto", webhooks.verify, webhooks.constructEvent],
  ["Web Crypto", webhooks.verifyAsync, webhooks.constructEventAsync],
]) {
  test(`${name}: X-LeadNod-Signature over the raw body answers true, or throws`, async () => {
    assert.equal(await verify(body, hex, secret), true);
    assert.equal(await verify(Buffer.from(body), hex.toUpperCase(), secret), true);
    assert.equal(await verify(new TextEncoder().encode(body).buffer, { "X-LeadNod-Signature": hex }, secret), true);
    for (const [payload, signature, key] of [[body + " ", hex, secret], [body, hex, secret + "x"],
      [body, hex.slice(0, -1) + (hex.endsWith("0") ? "1" : "0"), secret], [body, "", secret], [body, "zz", secret]]) {
      await assert.rejects(async () => verify(payload, signature, key), SignatureVerificationError);
    }
  });

  test(`${name}: Standard Webhooks headers, any v1 signature, within the tolerance`, async () => {
    assert.equal(await verify(body, standard(), secret, { now }), true);
    assert.equal(await verify(body, new Headers(standard()), secret, { now: now + 299 }), true);
    await assert.rejects(async () => verify(body, standard(), secret, { now: now + 301 }), /replay/);
    assert.equal(await verify(body, standard(), secret, { now: now + 10_000, tolerance: null }), true);
    await assert.rejects(async () => verify(body, { ...standard(), "webhook-id": "msg_2" }, secret, { now }), SignatureVerificationError);
    await assert.rejects(async () => verify(body, { "webhook-id": "msg_1" }, secret, { now }), /Missing/);
  });

  test(`${name}: constructEvent answers the event; a body that is no event throws`, async () => {
    const event = await construct(body, hex, secret);
    assert.deepEqual([event.id, event.type], ["evt_1", "ping"]);
    const notJSON = createHmac("sha256", secret).update("nope").digest("hex");
    await assert.rejects(async () => construct("nope", notJSON, secret), SignatureVerificationError);
  });
}
