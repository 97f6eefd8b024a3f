"""Shared fixtures: moto provisioned from infra/template.yaml, the Chalice test client with the
gateway responses applied, accounts and tokens. Network beyond loopback is blocked."""
from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent

# Before anything builds a boto3 client: fake credentials, one region, never a real endpoint.
os.environ.update(AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing",
                  AWS_SESSION_TOKEN="testing", AWS_DEFAULT_REGION="us-east-1",
                  LEADNOD_STAGE="dev", POWERTOOLS_METRICS_DISABLED="true",
                  POWERTOOLS_LOG_LEVEL="WARNING")
os.environ.pop("AWS_ENDPOINT_URL", None)
# Every test client (in-process, the local stacks) is one source address, 127.0.0.1: lift the
# per-address limit of unauthenticated requests
# (tests/ratelimits/test_unauthenticated_rate_limits.py sets its own, from addresses of its own).
os.environ.setdefault("UNAUTHENTICATED_RATE_PER_MINUTE", "1000000")
os.environ.setdefault("UNAUTHENTICATED_RATE_PER_DAY", "100000000")
os.environ.pop("AWS_PROFILE", None)

_real_connect = socket.socket.connect


def _loopback_only(self: socket.socket, address: Any) -> Any:
    host = address[0] if isinstance(address, tuple) else address
    if isinstance(host, str) and host not in ("127.0.0.1", "localhost", "::1") \
            and not host.startswith("127.") and self.family != socket.AF_UNIX:
        raise OSError(f"tests may not reach the network ({host})")
    return _real_connect(self, address)


socket.socket.connect = _loopback_only  # type: ignore[method-assign]


@pytest.fixture(scope="session")
def aws_env() -> Any:
    """One moto backend for the session, provisioned from the same template AWS gets."""
    from moto import mock_aws

    from devstack import moto_fixes
    from devstack.cfn import output_env
    from devstack.provision import provision

    moto_fixes.apply()
    with mock_aws(config={"stepfunctions": {"execute_state_machine": True}}):
        env = output_env(provision("dev"))
        os.environ.update(env)
        yield env


# Seconds instead of 14 days; moto's Wait states and retries sleep for real.
FAST = {"ESCROW_REVIEW_PERIOD_SECONDS": "1", "ESCROW_DISPUTE_RECHECK_SECONDS": "1",
        "PAYMENT_CHARGE_TIMEOUT_SECONDS": "30"}


@pytest.fixture(scope="session")
def payments_env(aws_env: dict[str, str]) -> Any:
    saved = {k: os.environ.get(k) for k in FAST}
    os.environ.update(FAST)
    yield aws_env
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


@pytest.fixture(scope="session")
def payments_poller(payments_env: dict[str, str]) -> Any:
    """The payments queue consumer, fed by a poller thread like `make run` does."""
    import boto3

    from app import app
    from devstack.pollers import SqsPoller

    stop = threading.Event()
    queue = payments_env["PAYMENTS_QUEUE_URL"].rsplit("/", 1)[-1]
    poller = SqsPoller(boto3.client("sqs"), queue, app.handler_map["payments_worker"], 10, stop)
    poller.start()
    yield poller
    stop.set()
    poller.join(timeout=5)


@pytest.fixture
def services(aws_env: Any) -> Any:
    from chalicelib import wiring

    return wiring.reset()


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body) if self.body else None

    @property
    def error(self) -> dict[str, Any]:
        return self.json()["error"]


class Api:
    """HTTP through `chalice.test.Client` (it runs the authorizer), reshaped by the same
    gateway responses API Gateway applies in AWS."""

    def __init__(self) -> None:
        from chalice.test import Client

        from app import app
        from devstack.gateway import GatewayResponses

        self._client = Client(app, stage_name="dev", project_dir=str(ROOT))
        self._responses = GatewayResponses.from_template()

    def request(self, method: str, path: str, *, token: str | None = None, json_body: Any = None,
                body: bytes | str | None = None, headers: dict[str, str] | None = None) -> Response:
        from devstack.gateway import reshape_test_response

        sent = dict(headers or {})
        if token is not None:
            sent.setdefault("Authorization", f"Bearer {token}")
        if json_body is not None:
            body = json.dumps(json_body)
            sent.setdefault("Content-Type", "application/json")
        raw = body.encode() if isinstance(body, str) else (body or b"")
        answer = self._client.http.request(method, path, headers=sent, body=raw)
        answer = reshape_test_response(answer, self._responses)
        return Response(answer.status_code, {k.lower(): v for k, v in answer.headers.items()},
                        answer.body if isinstance(answer.body, bytes) else
                        (answer.body or "").encode())

    def get(self, path: str, **kw: Any) -> Response:
        return self.request("GET", path, **kw)

    def post(self, path: str, **kw: Any) -> Response:
        return self.request("POST", path, **kw)

    def patch(self, path: str, **kw: Any) -> Response:
        return self.request("PATCH", path, **kw)

    def put(self, path: str, **kw: Any) -> Response:
        return self.request("PUT", path, **kw)

    def delete(self, path: str, **kw: Any) -> Response:
        return self.request("DELETE", path, **kw)


@pytest.fixture
def api(services: Any) -> Api:
    return Api()


@pytest.fixture(scope="session")
def shared_api(aws_env: Any) -> Api:
    """One test client for the session, for module-scoped data (routes use whatever container
    `wiring` holds at the time of the request)."""
    return Api()


@dataclass
class Account:
    user_id: str
    client_id: str
    client_secret: str
    email: str
    type: str
    token: str


def unique(prefix: str = "t") -> str:
    return f"{prefix}{uuid.uuid4().hex[:10]}"


@pytest.fixture
def make_account(services: Any) -> Any:
    def make(user_type: str = "client", **fields: Any) -> Account:
        return new_account(services, user_type, **fields)
    return make


def new_account(services: Any, user_type: str = "client", *, plan: str = "professional",
                scopes: str = "read write", unlimited: bool = False, **fields: Any) -> Account:
    """An account with a token. `unlimited` lifts the rate limits, for accounts shared by many
    tests that are not about rate limiting."""
    email = fields.pop("email", None) or f"{unique()}@example.com"
    name = fields.pop("name", None) or f"Test {unique()}"
    created = services.users.create_account(user_type=user_type, name=name, email=email,
                                            plan=plan, **fields)
    if unlimited:
        services.users_repo.set_attributes(created.user.id, plan="custom",
                                           rate_per_minute=100_000, rate_per_day=10_000_000)
    token = services.token_issuer.issue(user_id=created.user.id, client_id=created.client_id,
                                        scopes=scopes.split())
    return Account(created.user.id, created.client_id, created.client_secret, email,
                   user_type, token)


@pytest.fixture
def client_account(make_account: Any) -> Account:
    return make_account("client", company="Acme Corp", industry="saas")


@pytest.fixture
def sales_pro(make_account: Any) -> Account:
    return make_account("sales_pro", industry="saas",
                        profile={"headline": "Enterprise AE", "skills": ["Negotiation"],
                                 "years_experience": 6, "availability": "available"})



DOCS_OPPORTUNITY = {
    "title": "Enterprise Account Executive", "industry": "saas",
    "description": "Looking for experienced AE...", "compensation_model": "hybrid",
    "base_salary_range": {"min": 80000, "max": 120000}, "commission_rate": 0.10,
    "duration": "ongoing", "requirements": ["5+ years experience", "Enterprise sales"]}


class Market:
    """What the marketplace tests share for the whole session: one API client, one wired
    container and four accounts (two clients, two sales pros: every ownership test has a
    second of each). Tests that change an account's profile make their own."""

    def __init__(self) -> None:
        from chalicelib.config import Settings
        from chalicelib.wiring import Container

        self.services = Container(Settings.from_env())
        self.api = Api()
        self.client = self.account("client", company="Acme Corp", industry="saas")
        self.client2 = self.account("client", company="Globex", industry="fintech")
        self.pro = self.account("sales_pro", industry="saas", profile={
            "headline": "Enterprise AE", "skills": ["Enterprise sales", "Negotiation"],
            "years_experience": 6, "availability": "available",
            "compensation_models": ["hybrid"]})
        self.pro2 = self.account("sales_pro", industry="fintech", profile={
            "skills": ["Payments"], "years_experience": 3})
        self._poller: Any = None

    def account(self, user_type: str, **fields: Any) -> Account:
        return new_account(self.services, user_type, unlimited=True, **fields)  # session-wide

    def opportunity(self, owner: Account, **fields: Any) -> dict[str, Any]:
        """Create one through the API (the docs' example, with `fields` changed)."""
        answer = self.api.post("/v1/opportunities", token=owner.token,
                               json_body={**DOCS_OPPORTUNITY, **fields})
        assert answer.status == 201, answer.json()
        return answer.json()

    def event_types(self, user_id: str) -> list[str]:
        """The types of the events recorded for a user, oldest first."""
        from boto3.dynamodb.conditions import Key

        items = self.services.store.query_all(
            Key("PK").eq(f"USER#{user_id}") & Key("SK").begins_with("EVT#"))
        return [item["type"] for item in sorted(items, key=lambda i: i["GSI1SK"])]

    def discard_matching_requests(self) -> None:
        """Start from an empty matching queue (other tests' accounts leave requests there)."""
        sqs, url = self.services.client("sqs"), self.services.settings.queue_urls["matching"]
        while True:  # PurgeQueue is allowed once a minute only
            messages = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10,
                                           WaitTimeSeconds=0).get("Messages", [])
            if not messages:
                return
            sqs.delete_message_batch(QueueUrl=url, Entries=[
                {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]}
                for i, m in enumerate(messages)])

    def run_matching(self, max_batches: int = 200) -> int:
        """Drain the matching queue through the Lambda handler, as the SQS event source (and
        the local stack's poller) would; returns how many messages were handled."""
        import threading

        from app import app
        from devstack.pollers import SqsPoller

        if self._poller is None:
            queue = self.services.settings.queue_urls["matching"].rsplit("/", 1)[-1]
            self._poller = SqsPoller(self.services.client("sqs"), queue,
                                     app.handler_map["matching_worker"], 10, threading.Event())
        handled = 0
        for _ in range(max_batches):
            received = self._poller.poll_once(wait_seconds=0)
            if not received:
                break
            handled += received
        return handled


@pytest.fixture(scope="session")
def market(aws_env: Any) -> Market:
    return Market()


@pytest.fixture
def dynamodb_calls(market: Market) -> Any:
    """(operation, params) of the DynamoDB calls made through `market.services`."""
    calls: list[tuple[str, dict[str, Any]]] = []
    events = market.services.table.meta.client.meta.events

    def count(model: Any, params: dict[str, Any], **_: Any) -> None:
        calls.append((model.name, json.loads(params["body"] or b"{}")))  # the request as sent
    events.register("before-call.dynamodb", count)
    yield calls
    events.unregister("before-call.dynamodb", count)


# A name in a `-m` expression, as pytest's own expression parser reads one.
MARK_NAME = re.compile(r"(?:\w|:|\+|-|\.|\[|\]|\\|/)+")


@pytest.hookimpl(tryfirst=True)  # before pytest applies `-m`, which must see `local_stack`
def pytest_collection_modifyitems(config: Any, items: list[Any]) -> None:
    """Every test that uses the `local_stack` fixture, itself or through another fixture, is
    marked `local_stack`, so `make test-fast` (`-m "not local_stack"`) leaves them out.

    Suites that take minutes run only when `-m` names them, so `make test` (and any other
    `-m`) leaves them out: `contract` (`make contract`: Schemathesis, tests/contract) and
    `stack_races` (`make test-races`: the money races and the randomized ledger over concurrent
    HTTP). `.ci/run` runs all three. Named means a whole name in the expression, not part of
    one: `-m "not local_stack"` names neither suite."""
    for item in items:
        if "local_stack" in item.fixturenames:
            item.add_marker(pytest.mark.local_stack)
    named = set(MARK_NAME.findall(config.option.markexpr or ""))
    for marker in ("contract", "stack_races"):
        if marker in named:
            continue
        left_out = [item for item in items if item.get_closest_marker(marker)]
        if left_out:
            config.hook.pytest_deselected(items=left_out)
            items[:] = [item for item in items if not item.get_closest_marker(marker)]


def raw_exchange(address: tuple[str, int], sent: bytes,
                 wait: float = 5) -> tuple[bytes, float]:
    """Send bytes on a fresh connection (malformed HTTP included); everything the server
    answers before closing, and how long that took."""
    import socket

    started = time.monotonic()
    with socket.create_connection(address, timeout=wait) as connection:
        connection.sendall(sent)
        received = b""
        while chunk := connection.recv(65536):
            received += chunk
    return received, time.monotonic() - started


def parsed(raw: bytes) -> tuple[int, dict[str, str], bytes]:
    """(status, headers, body) of a raw HTTP/1.1 answer."""
    head, _, body = raw.partition(b"\r\n\r\n")
    status_line, *lines = head.decode("latin-1").split("\r\n")
    return int(status_line.split()[1]), dict(line.split(": ", 1) for line in lines), body


def wait_until(check: Any, timeout: float = 10.0) -> Any:
    """Poll `check` until it returns something truthy; back off from 20 ms to 200 ms (every
    poll is a moto call competing for the same interpreter as the work it waits for)."""
    deadline, interval = time.monotonic() + timeout, 0.02
    while True:
        result = check()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout}s")
        time.sleep(interval)
        interval = min(interval * 1.5, 0.2)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def local_stack(tmp_path_factory: Any) -> Any:
    """`python -m devstack` (what `make run` starts) in a subprocess, once for the session:
    it takes tens of seconds to start and stop, so every black-box test shares it."""
    port, moto_port = free_port(), free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    log = tmp_path_factory.mktemp("stack") / "stack.log"
    env.update(PORT=str(port), MOTO_PORT=str(moto_port), PYTHONUNBUFFERED="1",
               LEADNOD_LOCAL_ENV=str(log.with_name("dev-env.json")))
    with open(log, "w") as out:
        process = subprocess.Popen([sys.executable, "-m", "devstack"], cwd=ROOT, env=env,
                                   stdout=out, stderr=subprocess.STDOUT)
    deadline = time.time() + 180  # seeding and first matching runs; slow on a loaded machine
    while "Ctrl-C stops everything" not in log.read_text():
        if process.poll() is not None or time.time() > deadline:
            process.kill()
            pytest.fail(f"local stack did not start:\n{log.read_text()}")
        time.sleep(0.2)
    text = log.read_text()
    yield {"base": f"http://127.0.0.1:{port}", "moto_port": moto_port, "log": text,
           "env_file": env["LEADNOD_LOCAL_ENV"],
           "client_id": re.search(r"client_id:\s+(\S+)", text).group(1),
           "client_secret": re.search(r"client_secret:\s+(\S+)", text).group(1),
           "process": process}
    process.send_signal(signal.SIGINT)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        pytest.fail("local stack did not stop on Ctrl-C")


@pytest.fixture(scope="session")
def local_admin(local_stack: dict[str, Any]) -> Any:
    """Runs `python -m chalicelib.admin <args>` against the local stack; returns the process."""
    def run(*args: str) -> subprocess.CompletedProcess:
        env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
        env.update(LEADNOD_LOCAL_ENV=local_stack["env_file"])
        return subprocess.run([sys.executable, "-m", "chalicelib.admin", *args], cwd=ROOT,
                              env=env, capture_output=True, text=True, timeout=60)
    return run
