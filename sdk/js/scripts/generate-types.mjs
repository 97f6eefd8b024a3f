// The API's types, from the OpenAPI document the API repository commits (docs/openapi.json):
//   node scripts/generate-types.mjs          writes src/generated/openapi.ts
//   node scripts/generate-types.mjs --check  fails if that file is not what it would write
// (LEADNOD_OPENAPI=<file> reads another copy of the document.)
// Every component schema becomes an interface (or a type); every operation with query
// parameters a `<OperationId>Query` interface; OPERATIONS lists every operation, so a test can
// check that the SDK has a method for each.
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const DOCUMENT = process.env.LEADNOD_OPENAPI
  || fileURLToPath(new URL("../../../docs/openapi.json", import.meta.url));
const OUTPUT = fileURLToPath(new URL("../src/generated/openapi.ts", import.meta.url));
const METHODS = ["get", "post", "put", "patch", "delete"];

const refName = (ref) => ref.split("/").pop();
const pascal = (id) => id.split(/[^A-Za-z0-9]+/).filter(Boolean)
  .map((part) => part[0].toUpperCase() + part.slice(1)).join("");
const key = (name) => (/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(name) ? name : JSON.stringify(name));

function comment(text, indent) {
  if (!text) return "";
  const lines = text.trim().replaceAll("*/", "*\\/").split("\n");
  return `${indent}/**\n${lines.map((line) => `${indent} * ${line}`.trimEnd()).join("\n")}\n${indent} */\n`;
}

// Schemas a request body reaches are inputs: a field is optional unless `required`. In the
// answers (every other schema) a field with a `default` is always present, so it is required.
function inputSchemas(doc) {
  const found = new Set();
  const visit = (node) => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (!node || typeof node !== "object") return;
    if (typeof node.$ref === "string" && node.$ref.startsWith("#/components/schemas/")) {
      const name = refName(node.$ref);
      if (!found.has(name)) {
        found.add(name);
        visit(doc.components.schemas[name]);
      }
    }
    Object.values(node).forEach(visit);
  };
  for (const item of Object.values(doc.paths)) {
    for (const method of METHODS) visit(item[method]?.requestBody);
  }
  return found;
}

function typeOf(schema, ctx, indent) {
  if (schema === true || schema === undefined || schema === null) return "unknown";
  if (schema.$ref) return refName(schema.$ref);
  if (schema.const !== undefined) return JSON.stringify(schema.const);
  if (schema.enum) return schema.enum.map((value) => JSON.stringify(value)).join(" | ");
  const union = schema.anyOf || schema.oneOf;
  if (union) return [...new Set(union.map((part) => wrap(typeOf(part, ctx, indent))))].join(" | ");
  if (schema.allOf) return schema.allOf.map((part) => wrap(typeOf(part, ctx, indent))).join(" & ");
  if (Array.isArray(schema.type)) {
    return schema.type.map((type) => typeOf({ ...schema, type }, ctx, indent)).join(" | ");
  }
  switch (schema.type) {
    case "string": return "string";
    case "integer": case "number": return "number";
    case "boolean": return "boolean";
    case "null": return "null";
    case "array": return `Array<${typeOf(schema.items, ctx, indent)}>`;
    case "object": case undefined:
      if (schema.properties) return objectBody(schema, ctx, indent);
      if (schema.additionalProperties && schema.additionalProperties !== true) {
        return `{ [key: string]: ${typeOf(schema.additionalProperties, ctx, indent)} }`;
      }
      return schema.type === "object" ? "{ [key: string]: unknown }" : "unknown";
    default: return "unknown";
  }
}

const wrap = (type) => (/[|&]/.test(type) && !type.startsWith("{") ? `(${type})` : type);

function objectBody(schema, ctx, indent) {
  const inner = indent + "  ";
  const required = new Set(schema.required || []);
  const lines = Object.entries(schema.properties).map(([name, property]) => {
    const present = required.has(name) || (!ctx.input && property.default !== undefined);
    return comment(property.description, inner)
      + `${inner}${key(name)}${present ? "" : "?"}: ${typeOf(property, ctx, inner)};`;
  });
  return `{\n${lines.join("\n")}\n${indent}}`;
}

function schemaDeclaration(name, schema, inputs) {
  const ctx = { input: inputs.has(name) };
  const doc = comment(schema.description || (schema.title !== name ? schema.title : ""), "");
  if (schema.properties && !schema.anyOf && !schema.oneOf && !schema.allOf) {
    return `${doc}export interface ${name} ${objectBody(schema, ctx, "")}\n`;
  }
  return `${doc}export type ${name} = ${typeOf(schema, ctx, "")};\n`;
}

function operationDeclarations(doc) {
  const queries = [];
  const operations = [];
  for (const [path, item] of Object.entries(doc.paths).sort(([a], [b]) => a.localeCompare(b))) {
    for (const method of METHODS) {
      const operation = item[method];
      if (!operation) continue;
      operations.push(`  { method: "${method.toUpperCase()}", path: "${path}", operationId: "${operation.operationId}" },`);
      const params = [...(item.parameters || []), ...(operation.parameters || [])]
        .map((param) => (param.$ref ? doc.components.parameters[refName(param.$ref)] : param))
        .filter((param) => param.in === "query");
      if (!params.length) continue;
      const lines = params.map((param) => comment(param.description, "  ")
        + `  ${key(param.name)}${param.required ? "" : "?"}: ${typeOf(param.schema, { input: true }, "  ")};`);
      queries.push(comment(`Query parameters of \`${method.toUpperCase()} ${path}\` (${operation.operationId}).`, "")
        + `export interface ${pascal(operation.operationId)}Query {\n${lines.join("\n")}\n}\n`);
    }
  }
  return { queries, operations };
}

// The body of every webhook the document declares: `type` tells them apart.
function webhookEvent(doc) {
  const names = Object.values(doc.webhooks || {})
    .map((item) => item.post?.requestBody?.content?.["application/json"]?.schema?.$ref)
    .filter(Boolean).map(refName);
  const union = [...new Set(names)].sort().map((name) => `  | ${name}`).join("\n");
  return comment("A webhook request's body (and `client.events`' items): narrow it on `type`.", "")
    + `export type WebhookEvent =\n${union || "  never"};\n`;
}

export function generate(doc) {
  const inputs = inputSchemas(doc);
  const schemas = Object.keys(doc.components.schemas).sort()
    .map((name) => schemaDeclaration(name, doc.components.schemas[name], inputs));
  const { queries, operations } = operationDeclarations(doc);
  return [
    "// Generated by scripts/generate-types.mjs from docs/openapi.json: do not edit.",
    `// LeadNod API ${doc.info.version}; regenerate with \`npm run generate\` in sdk/js.`,
    "/* eslint-disable */",
    "",
    ...schemas,
    webhookEvent(doc),
    ...queries,
    "/** Every operation of the API document: the SDK's coverage test checks each has a method. */",
    "export const OPERATIONS = [",
    ...operations,
    "] as const;",
    "",
  ].join("\n");
}

const isMain = process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1];
if (isMain) {
  const text = generate(JSON.parse(readFileSync(DOCUMENT, "utf8")));
  if (process.argv.includes("--check")) {
    let current = "";
    try { current = readFileSync(OUTPUT, "utf8"); } catch { /* missing: stale */ }
    if (current !== text) {
      console.error("src/generated/openapi.ts is not current with docs/openapi.json: run `npm run generate` in sdk/js.");
      process.exit(1);
    }
  } else {
    writeFileSync(OUTPUT, text);
  }
}
