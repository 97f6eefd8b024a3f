// The README's `js` blocks, in order, as one ES module against the local stack (blocks fenced
// "js norun" are shown, not run). A webhook signed as LeadNod signs it goes through the
// README's handler afterwards.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { live } from "./helpers.mjs";

const README = fileURLToPath(new URL("../README.md", import.meta.url));
const SCRATCH = new URL("../.tmp/", import.meta.url); // inside the package: "@leadnod/sdk" resolves to it

function blocks() {
  return [...readFileSync(README, "utf8").matchAll(/^```js\n([\s\S]*?)^```$/gm)].map((match) => match[1]);
}

test("the README's examples run against the local stack", { skip: live, timeout: 180_000 }, () => {
  const code = blocks();
  assert.ok(code.length >= 10, `found ${code.length} blocks`);
  const imports = code.join("\n").split("\n").filter((line) => line.startsWith("import "));
  const body = code.map((block) => block.split("\n").filter((line) => !line.startsWith("import ")).join("\n"));
  const check = `
import { createHmac as hmacForTheCheck } from "node:crypto";
const signedBody = JSON.stringify({ id: "evt_readme", type: "ping", created: "2026-01-01T00:00:00Z", api_version: "2024-06-01", environment: "sandbox", data: {} });
const goodSignature = hmacForTheCheck("sha256", "your_webhook_secret").update(signedBody).digest("hex");
if (handleLeadNodWebhook(Buffer.from(signedBody), { "x-leadnod-signature": goodSignature }) !== 200) throw new Error("a signed webhook was refused");
if (handleLeadNodWebhook(signedBody + " ", { "x-leadnod-signature": goodSignature }) !== 400) throw new Error("a tampered webhook was accepted");
console.log("README OK");
`;
  mkdirSync(SCRATCH, { recursive: true });
  const script = new URL("readme.mjs", SCRATCH);
  writeFileSync(script, [...new Set(imports), ...body, check].join("\n"));
  const output = execFileSync(process.execPath, [fileURLToPath(script)], { encoding: "utf8", timeout: 170_000 });
  assert.match(output, /README OK/);
  assert.match(output, /400 invalid_parameter email/);
  assert.match(output, /403 insufficient_role/);
  assert.match(output, /1 4800000 480000/);
  assert.match(output, /10000 4000 6000/);
  assert.match(output, /APIUserAbortError/);
});
