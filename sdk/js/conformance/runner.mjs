// The JS SDK's conformance runner: `node sdk/js/conformance/runner.mjs <session.json>`.
// Runs sdk/conformance/scenarios.json with the built @leadnod/sdk (`make sdk-js-build`) as
// sdk/conformance/README.md describes: one JSON line per scenario on stdout, logs on stderr.
import { readFileSync } from "node:fs";
import { randomBytes } from "node:crypto";
import * as sdk from "@leadnod/sdk";

const { LeadNod, LeadNodError, webhooks } = sdk;

// operation → its path parameters (passed positionally, in order), and whether the method
// takes the other arguments as one object (body or query) after them.
const OPERATIONS = {
  "users.me": [[], false], "users.update_me": [[], true], "users.retrieve": [["id"], false],
  "users.search": [[], true],
  "team.list": [[], false], "team.add": [[], true], "team.update": [["user_id"], true],
  "team.remove": [["user_id"], false], "team.transfer_ownership": [["user_id"], false],
  "users.rotate_credentials": [[], true], "team.rotate_credentials": [["user_id"], true],
  "usage.retrieve": [[], false],
  "opportunities.create": [[], true], "opportunities.bulk_create": [[], true],
  "opportunities.list": [[], true], "opportunities.retrieve": [["id"], false],
  "opportunities.update": [["id"], true], "opportunities.delete": [["id"], false],
  "opportunities.express_interest": [["id"], true], "opportunities.interests": [["id"], true],
  "opportunities.matches": [["id"], true],
  "engagements.create": [[], true], "engagements.list": [[], true],
  "engagements.retrieve": [["id"], false], "engagements.start": [["id"], false],
  "engagements.complete": [["id"], false], "engagements.terminate": [["id"], true],
  "engagements.metrics": [["id"], false],
  "engagements.activities.log": [["engagement_id"], true],
  "engagements.activities.list": [["engagement_id"], true],
  "payments.escrow.fund": [[], true], "payments.escrow.release": [[], true],
  "payments.escrow.refund": [[], true], "payments.escrow.dispute": [[], true],
  "payments.balance": [[], true], "payments.list": [[], true],
  "payments.retrieve": [["id"], false], "payments.disputes.list": [[], true],
  "payments.disputes.retrieve": [["id"], false], "payments.disputes.add_evidence": [["id"], true],
  "payments.disputes.accept": [["id"], false],
  "messages.send": [[], true], "messages.conversations.list": [[], true],
  "messages.conversations.retrieve": [["id"], true], "messages.preferences.retrieve": [[], false],
  "messages.preferences.update": [[], true],
  "analytics.summary": [[], true], "analytics.engagement": [["engagement_id"], true],
  "analytics.reports.create": [[], true], "analytics.reports.list": [[], true],
  "analytics.reports.retrieve": [["id"], false], "analytics.export.request": [[], true],
  "analytics.export.create": [[], true], "analytics.export.retrieve": [["id"], false],
  "webhooks.create": [[], true], "webhooks.list": [[], true], "webhooks.retrieve": [["id"], false],
  "webhooks.update": [["id"], true], "webhooks.delete": [["id"], false],
  "webhooks.test": [["id"], false], "webhooks.deliveries": [["id"], true],
  "webhooks.retry_delivery": [["id", "delivery_id"], false],
  "events.list": [[], true], "events.retrieve": [["id"], false],
};

const ERRORS = Object.fromEntries(["InvalidRequestError", "AuthenticationError",
  "PermissionDeniedError", "NotFoundError", "ConflictError", "RateLimitError",
  "APIConnectionError", "SignatureVerificationError"]
  .map((name) => [name, (error) => error instanceof sdk[name]]));
ERRORS.APIError = (error) => error?.constructor === sdk.APIError;

const MISSING = Symbol("missing");
const camel = (name) => name.replace(/_([a-z])/g, (_, letter) => letter.toUpperCase());
const show = (value) => (value === MISSING ? "nothing" : JSON.stringify(value));
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

class StepFailed extends Error {}

function substitute(value, variables) {
  const known = (name) => {
    if (!(name in variables)) throw new StepFailed(`unknown variable $${name}`);
    return variables[name];
  };
  if (typeof value === "string") {
    if (/^\$\w+$/.test(value)) return known(value.slice(1));
    return value.replace(/\$\{(\w+)\}/g, (_, name) => String(known(name)));
  }
  if (Array.isArray(value)) return value.map((item) => substitute(item, variables));
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, substitute(item, variables)]));
  }
  return value;
}

function at(document, path) {
  for (const part of path ? path.split(".") : []) {
    if (Array.isArray(document) && /^\d+$/.test(part) && Number(part) < document.length) document = document[Number(part)];
    else if (document && typeof document === "object" && !Array.isArray(document) && part in document) document = document[part];
    else return MISSING;
  }
  return document;
}

// JSON equality, as Python's == on parsed JSON (key order aside).
function equal(a, b) {
  if (a === b) return true;
  if (typeof a !== typeof b || a === null || b === null || typeof a !== "object") return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((key) => key in b && equal(a[key], b[key]));
}

function mismatch(document, fields) {
  for (const [path, expected] of Object.entries(fields)) {
    const found = at(document, path);
    if (!equal(found === MISSING ? null : found, expected)) {
      return `${path}: expected ${JSON.stringify(expected)}, got ${show(found)}`;
    }
  }
  return null;
}

function checkAnswer(answer, expect) {
  const problems = [];
  if (expect.fields) problems.push(mismatch(answer, expect.fields));
  for (const path of expect.present ?? []) {
    const found = at(answer, path);
    if (found === MISSING || found === null) problems.push(`${path}: expected a value, got none`);
  }
  for (const [path, length] of Object.entries(expect.length ?? {})) {
    const found = at(answer, path);
    if (!Array.isArray(found) || found.length !== length) {
      problems.push(`${path}: expected ${length} items, got ${Array.isArray(found) ? found.length : "no array"}`);
    }
  }
  if ("result" in expect && !equal(answer, expect.result)) {
    problems.push(`expected the answer ${JSON.stringify(expect.result)}, got ${JSON.stringify(answer)}`);
  }
  const found = problems.filter(Boolean);
  if (found.length) throw new StepFailed(found.join("; "));
}

function checkItems(items, expect) {
  if ("count" in expect && items.length !== expect.count) throw new StepFailed(`expected ${expect.count} items, got ${items.length}`);
  if ("min_count" in expect && items.length < expect.min_count) throw new StepFailed(`expected at least ${expect.min_count} items, got ${items.length}`);
  for (const wanted of expect.contains ?? []) {
    if (items.every((item) => mismatch(item, wanted))) throw new StepFailed(`no item has ${JSON.stringify(wanted)} among ${items.length}`);
  }
  for (const item of items) {
    const differs = expect.every && mismatch(item, expect.every);
    if (differs) throw new StepFailed(`an item differs: ${differs}`);
  }
}

function checkError(error, expect) {
  const kind = expect.error;
  if (!ERRORS[kind]?.(error)) throw new StepFailed(`expected ${kind}, got ${error?.name}: ${error?.message}`);
  for (const name of ["status", "code", "param"]) {
    if (name in expect && error[name] !== expect[name]) {
      throw new StepFailed(`${kind}.${name}: expected ${JSON.stringify(expect[name])}, got ${JSON.stringify(error[name])}`);
    }
  }
}

async function control(url, body) {
  const answer = await fetch(url, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
  const result = await answer.json();
  if (!result.ok) throw new StepFailed(result.detail || "the proxy said no");
}

class Scenario {
  constructor(session, scenario) {
    this.session = session;
    this.scenario = scenario;
    this.variables = { ...session.vars, run: randomBytes(5).toString("hex") };
    this.clients = new Map();
  }

  client(who) {
    const account = typeof who === "string" ? this.session.accounts[who] : who;
    const key = `${account.client_id}\n${account.client_secret}`;
    if (!this.clients.has(key)) {
      this.clients.set(key, new LeadNod({ clientId: account.client_id, clientSecret: account.client_secret,
        baseURL: this.session.base_url, maxRetries: 2, timeout: 30_000 }));
    }
    return this.clients.get(key);
  }

  invoke(step, name) {
    if (!(name in OPERATIONS)) throw new StepFailed(`unknown operation ${name}`);
    const [pathParams, takesParams] = OPERATIONS[name];
    const parts = name.split(".");
    let owner = this.client(step.as ?? "client");
    for (const part of parts.slice(0, -1)) owner = owner[camel(part)];
    const method = owner[camel(parts.at(-1))];
    const args = { ...step.args };
    const positional = pathParams.map((param) => {
      const value = args[param];
      delete args[param];
      return value;
    });
    if (!takesParams && Object.keys(args).length) throw new StepFailed(`${name} takes no ${Object.keys(args)}`);
    return method.call(owner, ...positional, ...(takesParams ? [args] : []));
  }

  async call(step) {
    const expect = step.expect ?? {};
    const deadline = Date.now() + (step.poll_ms ?? 0);
    for (;;) {
      try {
        return await this.callOnce(step, expect);
      } catch (error) {
        if (!(error instanceof StepFailed) || Date.now() >= deadline) throw error;
        await sleep(300);
      }
    }
  }

  async callOnce(step, expect) {
    let answer;
    try {
      const result = await this.invoke(step, step.call);
      answer = result instanceof sdk.Page ? { data: result.data, has_more: result.hasMore } : (result ?? null);
    } catch (error) {
      if (!(error instanceof LeadNodError)) throw error;
      if (!("error" in expect)) throw new StepFailed(`${error.name} ${error.status} ${error.code}: ${error.message}`);
      return checkError(error, expect);
    }
    if ("error" in expect) throw new StepFailed(`expected ${expect.error}, got an answer: ${JSON.stringify(answer)}`);
    checkAnswer(answer, expect);
    for (const [variable, path] of Object.entries(step.save ?? {})) {
      const value = at(answer, path);
      if (value === MISSING) throw new StepFailed(`save ${variable}: nothing at ${path}`);
      this.variables[variable] = value;
    }
  }

  async paginate(step) {
    const items = [];
    for await (const item of this.invoke(step, step.paginate)) items.push(item);
    checkItems(items, step.expect ?? {});
  }

  verifyWebhook(step) {
    const sample = this.session.webhooks[step.verify_webhook];
    let { body, secret } = sample;
    let signature = sample.headers["x-leadnod-signature"];
    if (step.tamper === "body") body += " ";
    else if (step.tamper === "secret") secret += "x";
    else if (step.tamper === "signature") signature = signature.slice(0, -1) + (signature.endsWith("0") ? "1" : "0");
    const expect = step.expect;
    let result;
    try {
      result = webhooks.verify(body, signature, secret);
    } catch (error) {
      if (!(error instanceof sdk.SignatureVerificationError) || !("error" in expect)) {
        throw new StepFailed(`verify threw ${error?.name}: ${error?.message}`);
      }
      return checkError(error, expect);
    }
    if ("error" in expect || result !== (expect.result ?? true)) {
      throw new StepFailed(`verify answered ${JSON.stringify(result)}, expected ${JSON.stringify(expect)}`);
    }
  }

  async run() {
    const { name, steps } = this.scenario;
    const controlURL = this.session.control_url;
    let index = 0;
    try {
      await control(controlURL, { begin: name });
      for (; index < steps.length; index++) {
        const step = substitute(steps[index], this.variables);
        if ("call" in step) await this.call(step);
        else if ("paginate" in step) await this.paginate(step);
        else if ("verify_webhook" in step) this.verifyWebhook(step);
        else if ("fault" in step || "assert_requests" in step) await control(controlURL, step);
        else throw new StepFailed(`unknown step ${Object.keys(step).sort()}`);
      }
      await control(controlURL, { end: name });
    } catch (error) {
      if (!(error instanceof StepFailed)) console.error(error);
      const detail = error instanceof StepFailed ? error.message : `${error?.name}: ${error?.message}`;
      return { scenario: name, ok: false, step: index, detail };
    }
    return { scenario: name, ok: true };
  }
}

async function main(sessionPath) {
  const session = JSON.parse(readFileSync(sessionPath, "utf8"));
  const scenarios = JSON.parse(readFileSync(session.scenarios, "utf8"));
  let passed = true;
  for (const scenario of scenarios) {
    if (session.only && !session.only.includes(scenario.name)) continue;
    const result = await new Scenario(session, scenario).run();
    passed &&= result.ok;
    process.stdout.write(JSON.stringify(result) + "\n");
  }
  return passed ? 0 : 1;
}

process.exitCode = await main(process.argv[2]);
