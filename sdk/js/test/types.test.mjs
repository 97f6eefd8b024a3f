// `tsc --strict` over the built package's types (the fixtures import "@leadnod/sdk", which
// resolves to this package's exports): typed use compiles, a wrong field type does not.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { fileURLToPath } from "node:url";

const dir = (name) => fileURLToPath(new URL(`./types/${name}`, import.meta.url));
const TSC = fileURLToPath(new URL("../node_modules/typescript/bin/tsc", import.meta.url));

function compile(file) {
  const config = JSON.parse(readFileSync(dir("tsconfig.json"), "utf8")).compilerOptions;
  const flags = Object.entries(config).flatMap(([name, value]) => (value === true ? [`--${name}`]
    : Array.isArray(value) ? (value.length ? [`--${name}`, value.join(",")] : []) : [`--${name}`, String(value)]));
  return spawnSync(process.execPath, [TSC, ...flags, dir(file)], { encoding: "utf8" });
}

test("tsc --strict accepts typed use of the package", () => {
  const result = compile("typed-use.ts");
  assert.equal(result.status, 0, result.stdout + result.stderr);
});

test("tsc --strict rejects a wrong field type, at each marked line", () => {
  const result = compile("wrong-field-type.ts");
  assert.notEqual(result.status, 0);
  const lines = readFileSync(dir("wrong-field-type.ts"), "utf8").split("\n");
  const expected = lines.flatMap((line, index) => (line.includes("// expect error") ? [index + 1] : []));
  const reported = [...new Set([...result.stdout.matchAll(/wrong-field-type\.ts\((\d+),\d+\): error TS\d+/g)].map((m) => Number(m[1])))];
  assert.deepEqual(reported, expected, result.stdout);
});

