// `npm pack` gives a tarball that installs into an empty directory and works from both
// `import` and `require`, with its types; it has no runtime dependencies.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { fileURLToPath } from "node:url";

const PACKAGE = fileURLToPath(new URL("..", import.meta.url));
const work = mkdtempSync(join(tmpdir(), "leadnod-pack-"));
after(() => rmSync(work, { recursive: true, force: true }));

const run = (command, args, cwd) => execFileSync(command, args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });

test("the packed tarball installs into an empty directory and works from import and require", () => {
  const [packed] = JSON.parse(run("npm", ["pack", "--json", "--pack-destination", work], PACKAGE));
  const files = packed.files.map((file) => file.path);
  assert.ok(files.includes("dist/esm/index.js") && files.includes("dist/cjs/index.js") && files.includes("dist/esm/index.d.ts"));
  assert.ok(!files.some((file) => file.startsWith("src/") || file.startsWith("test/")), files.join(" "));
  const manifest = JSON.parse(readFileSync(join(PACKAGE, "package.json"), "utf8"));
  assert.deepEqual(manifest.dependencies ?? {}, {});

  const app = join(work, "app");
  execFileSync("mkdir", ["-p", app]);
  writeFileSync(join(app, "package.json"), JSON.stringify({ name: "app", private: true }));
  run("npm", ["install", "--no-audit", "--no-fund", "--offline", join(work, packed.filename)], app);

  const script = (load) => `${load}
const client = new LeadNod({ clientId: "cli_x", clientSecret: "lns_x", baseURL: "http://127.0.0.1:9" });
const secret = "whsec_x", body = "{}";
const signature = require_crypto().createHmac("sha256", secret).update(body).digest("hex");
console.log(JSON.stringify({ base: client.baseURL, verified: webhooks.verify(body, signature, secret),
  errors: typeof NotFoundError === "function" }));`;
  writeFileSync(join(app, "esm.mjs"), script(`import { LeadNod, NotFoundError, webhooks } from "@leadnod/sdk";
import { createHmac } from "node:crypto";
const require_crypto = () => ({ createHmac });`));
  writeFileSync(join(app, "cjs.cjs"), script(`const { LeadNod, NotFoundError, webhooks } = require("@leadnod/sdk");
const require_crypto = () => require("node:crypto");`));
  for (const file of ["esm.mjs", "cjs.cjs"]) {
    assert.deepEqual(JSON.parse(run(process.execPath, [file], app)),
      { base: "http://127.0.0.1:9/v1", verified: true, errors: true }, file);
  }
  const types = JSON.parse(run(process.execPath, ["-e", 'console.log(JSON.stringify(require("@leadnod/sdk/package.json").exports["."]))'], app));
  assert.equal(types.require.types, "./dist/cjs/index.d.ts");
});
