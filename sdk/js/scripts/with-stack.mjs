// Runs a command against a local stack: `node scripts/with-stack.mjs <command...>`.
// Starts `python -m devstack` (what `make run` starts) on free ports, waits for its banner,
// runs the command with LEADNOD_BASE_URL and the demo accounts' credentials in the
// environment (LEADNOD_CLIENT_ID/SECRET: the demo client; LEADNOD_PRO_CLIENT_ID/SECRET: the
// demo sales professional), then stops the stack with Ctrl-C (SIGINT) and exits with the
// command's status. With LEADNOD_BASE_URL already set, runs the command against that instead.
// The interpreter is $LEADNOD_PYTHON, else the repository's .venv/bin/python.
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const STARTUP_MS = 240_000; // seeding and first matching; slow on a loaded machine

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    }).on("error", reject);
  });
}

function run(command, env) {
  return new Promise((resolve) => {
    const child = spawn(command[0], command.slice(1), { stdio: "inherit", env });
    child.on("exit", (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

async function startStack() {
  const venvPython = join(ROOT, ".venv", "bin", "python");
  const python = process.env.LEADNOD_PYTHON || (existsSync(venvPython) ? venvPython : "python3");
  const [port, motoPort] = [await freePort(), await freePort()];
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith("AWS_")));
  Object.assign(env, { PORT: String(port), MOTO_PORT: String(motoPort), PYTHONUNBUFFERED: "1",
    LEADNOD_LOCAL_ENV: join(mkdtempSync(join(tmpdir(), "leadnod-js-")), "dev-env.json") });
  const stack = spawn(python, ["-m", "devstack"], { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
  let log = "";
  stack.stdout.on("data", (chunk) => { log += chunk; });
  stack.stderr.on("data", (chunk) => { log += chunk; });
  const started = Date.now();
  while (!log.includes("Ctrl-C stops everything")) {
    if (stack.exitCode !== null || Date.now() - started > STARTUP_MS) {
      stack.kill("SIGKILL");
      throw new Error(`the local stack did not start:\n${log}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  const ids = [...log.matchAll(/client_id:\s+(\S+)/g)].map((match) => match[1]);
  const secrets = [...log.matchAll(/client_secret:\s+(\S+)/g)].map((match) => match[1]);
  const stop = () => new Promise((resolve) => {
    if (stack.exitCode !== null) return resolve();
    const timer = setTimeout(() => stack.kill("SIGKILL"), 20_000);
    stack.on("exit", () => { clearTimeout(timer); resolve(); });
    stack.kill("SIGINT");
  });
  return {
    stop,
    env: { LEADNOD_BASE_URL: `http://127.0.0.1:${port}`, LEADNOD_CLIENT_ID: ids[0],
      LEADNOD_CLIENT_SECRET: secrets[0], LEADNOD_PRO_CLIENT_ID: ids[1], LEADNOD_PRO_CLIENT_SECRET: secrets[1] },
  };
}

const command = process.argv.slice(2);
if (!command.length) {
  console.error("usage: node scripts/with-stack.mjs <command...>");
  process.exit(2);
}
if (process.env.LEADNOD_BASE_URL) {
  process.exitCode = await run(command, process.env);
} else {
  const stack = await startStack();
  console.error(`local stack on ${stack.env.LEADNOD_BASE_URL}`);
  let status = 1;
  try {
    status = await run(command, { ...process.env, ...stack.env });
  } finally {
    await stack.stop();
  }
  process.exitCode = status;
}
