"""Schemathesis (`st run`) against a running local stack, as `make contract` runs it.

Three fresh accounts, their rate limits lifted: `client` (the identity Schemathesis uses
first), `other_client` (its peer: the two must never see each other's objects) and `sales_pro`
(for the operations a client is refused). Their tokens go in a Web Fuzzing Commons auth file;
schemathesis.toml (next to this file) is filled in with the run's values and written beside the
reports. docs/openapi.md, "Contract testing", says what runs and why.

From pytest: tests/contract/test_schemathesis.py. By hand, against `make run`:

    python tests/contract/schemathesis_run.py --base http://127.0.0.1:8000 --moto-port 5000
"""
from __future__ import annotations

import argparse
import json
import os
import re
import string
import subprocess
import sys
import threading
import time
import uuid
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Callable
from xml.etree import ElementTree

import requests

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
CONFIG = HERE / "schemathesis.toml"
SEED = 20261125
# Concurrent callers: the local stack serves each request in a worker process of its own
# (docs/local-stack.md), so Schemathesis may send from more than one thread.
WORKERS = int(os.environ.get("CONTRACT_WORKERS", "2"))
MAX_EXAMPLES = 5
# (auth name, account type); the first is the identity Schemathesis tries first.
ACCOUNTS = (("client", "client"), ("other_client", "client"), ("sales_pro", "sales_pro"))

Admin = Callable[..., subprocess.CompletedProcess]


@dataclass
class Figures:
    operations: int = 0
    cases: int = 0
    failures: int = 0
    seconds: float = 0.0

    def line(self) -> str:
        return (f"Schemathesis: {self.operations} operations, {self.cases} test cases, "
                f"{self.failures} failures, {self.seconds:.0f} s")


def cli_admin(moto_port: int) -> Admin:
    """`python -m chalicelib.admin` against the local stack's moto server."""
    def run(*args: str) -> subprocess.CompletedProcess:
        env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
        env["MOTO_PORT"] = str(moto_port)
        return subprocess.run([sys.executable, "-m", "chalicelib.admin", *args], cwd=ROOT,
                              env=env, capture_output=True, text=True, timeout=60)
    return run


def _checked(answer: subprocess.CompletedProcess) -> str:
    if answer.returncode != 0:
        raise RuntimeError(f"admin command failed: {answer.stderr or answer.stdout}")
    return answer.stdout


def new_account(base: str, admin: Admin, name: str, user_type: str) -> dict[str, str]:
    """A fresh account without rate limits (Schemathesis sends thousands of requests)."""
    tag = uuid.uuid4().hex[:8]
    extra = ("--company", f"Contract {tag}", "--industry", "saas") if user_type == "client" \
        else ("--industry", "saas")
    account = json.loads(_checked(admin(
        "create-account", "--type", user_type, "--name", f"Contract {name} {tag}",
        "--email", f"contract-{name}-{tag}@example.com", *extra)))
    _checked(admin("set-plan", "--user-id", account["user_id"], "--plan", "custom",
                   "--per-minute", "100000", "--per-day", "10000000"))
    answer = requests.post(f"{base}/oauth/token", json={
        "grant_type": "client_credentials", "client_id": account["client_id"],
        "client_secret": account["client_secret"]}, timeout=30)
    answer.raise_for_status()
    return {"user_id": account["user_id"], "token": answer.json()["access_token"]}


def _make_searchable(base: str, pro: dict[str, str]) -> None:
    """A profile the search finds, so `GET /v1/users/search` leads to a real sales pro."""
    answer = requests.patch(f"{base}/v1/users/me", headers=_bearer(pro["token"]), json={
        "profile": {"headline": "Contract tester", "skills": ["Negotiation"],
                    "availability": "available"}}, timeout=30)
    answer.raise_for_status()


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


class _Receiver(BaseHTTPRequestHandler):
    """Answers every webhook delivery 204, so deliveries succeed instead of retrying."""

    def do_POST(self) -> None:  # noqa: N802 - http.server's naming
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


def start_receiver() -> ThreadingHTTPServer:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Receiver)
    threading.Thread(target=server.serve_forever, name="contract-webhooks", daemon=True).start()
    return server


def write_config(out: Path, values: dict[str, str]) -> Path:
    """schemathesis.toml with this run's values (`${NAME}`) filled in."""
    text = string.Template(CONFIG.read_text()).substitute(values)
    path = out / "schemathesis.toml"
    path.write_text(text)
    return path


def write_auth(out: Path, accounts: dict[str, dict[str, str]]) -> Path:
    path = out / "auth.json"
    path.write_text(json.dumps({"auth": [
        {"name": name, "fixedHeaders": [{"name": "Authorization",
                                          "value": f"Bearer {account['token']}"}]}
        for name, account in accounts.items()]}, indent=2))
    return path


def figures(stdout: str, junit: Path, seconds: float) -> Figures:
    found = Figures(seconds=seconds)
    if match := re.search(r"Operations:\s+(\d+) selected", stdout):
        found.operations = int(match.group(1))
    if match := re.search(r"Test cases:\s*\n\s*(\d+) generated", stdout):
        found.cases = int(match.group(1))
    if match := re.search(r"(\d+) unique failures?\b", stdout):
        found.failures = int(match.group(1))
    if junit.exists():  # a failure the summary did not count still fails the run
        suites = ElementTree.parse(junit).getroot()
        errors = sum(int(suite.get("failures", 0)) + int(suite.get("errors", 0))
                     for suite in suites.iter("testsuite"))
        found.failures = max(found.failures, errors)
    return found


def run(base: str, admin: Admin, out: Path, *, seed: int = SEED,
        max_examples: int = MAX_EXAMPLES, phases: str | None = None,
        ) -> tuple[Figures, str, int]:
    """Accounts, config, `st run`; (figures, Schemathesis' output, its exit code)."""
    out.mkdir(parents=True, exist_ok=True)
    accounts = {name: new_account(base, admin, name, user_type)
                for name, user_type in ACCOUNTS}
    _make_searchable(base, accounts["sales_pro"])
    receiver = start_receiver()
    try:
        auth = write_auth(out, accounts)
        config = write_config(out, {
            "AUTH_FILE": str(auth),
            "SALES_PRO_ID": accounts["sales_pro"]["user_id"],
            "WEBHOOK_URL": f"http://127.0.0.1:{receiver.server_address[1]}/leadnod"})
        command = [str(Path(sys.executable).with_name("st")), "--config-file", str(config),
                   "--no-color", "run", f"{base}/v1/openapi.json", "--seed", str(seed),
                   "--max-examples", str(max_examples), "--workers", str(WORKERS),
                   "--report", "junit,ndjson", "--report-dir", str(out),
                   "--report-junit-path", str(out / "junit.xml"),
                   "--report-ndjson-path", str(out / "events.ndjson"),
                   *(("--phases", phases) if phases else ())]
        accepted = out / "accepted.ndjson"
        accepted.unlink(missing_ok=True)
        # `hooks = "semantic_rules"` is imported from here.
        env = {**os.environ, "CONTRACT_ACCEPTED_LOG": str(accepted),
               "PYTHONPATH": os.pathsep.join(filter(None, (str(HERE),
                                                           os.environ.get("PYTHONPATH"))))}
        started = time.monotonic()
        done = subprocess.run(command, cwd=out, env=env, capture_output=True, text=True,
                              timeout=900)
        seconds = time.monotonic() - started
    finally:
        receiver.shutdown()
    output = done.stdout + done.stderr
    (out / "st-output.txt").write_text(output)
    return figures(output, out / "junit.xml", seconds), output, done.returncode


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base", default="http://127.0.0.1:8000")
    parser.add_argument("--moto-port", type=int, default=int(os.environ.get("MOTO_PORT", 5000)))
    parser.add_argument("--out", type=Path, default=ROOT / ".local" / "contract")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--max-examples", type=int, default=MAX_EXAMPLES)
    parser.add_argument("--phases", help="e.g. coverage,fuzzing (default: all)")
    args = parser.parse_args()
    found, output, code = run(args.base, cli_admin(args.moto_port), args.out, seed=args.seed,
                              max_examples=args.max_examples, phases=args.phases)
    print(output)
    print(found.line(), f"(reports in {args.out})")
    return code


if __name__ == "__main__":
    sys.exit(main())
