"""The fixtures every area shares: moto provisioned from infra/template.yaml, the Chalice test
client with the gateway responses applied, accounts and tokens, the local stack; and which
suites `-m` selects. Network beyond loopback is blocked. The helpers these are built from, and
that tests import, are in tests/support/."""
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
from typing import Any

import pytest

from support import ROOT
from support.accounts import Account, Pair, new_account, new_pair
from support.api import Api
from support.http import free_port
from support.markers import MARK_NAME
from support.marketplace import Market

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


@pytest.fixture
def api(services: Any) -> Api:
    return Api()


@pytest.fixture(scope="session")
def shared_api(aws_env: Any) -> Api:
    """One test client for the session, for module-scoped data (routes use whatever container
    `wiring` holds at the time of the request)."""
    return Api()


@pytest.fixture
def make_account(services: Any) -> Any:
    def make(user_type: str = "client", **fields: Any) -> Account:
        return new_account(services, user_type, **fields)
    return make


@pytest.fixture
def client_account(make_account: Any) -> Account:
    return make_account("client", company="Acme Corp", industry="saas")


@pytest.fixture
def sales_pro(make_account: Any) -> Account:
    return make_account("sales_pro", industry="saas",
                        profile={"headline": "Enterprise AE", "skills": ["Negotiation"],
                                 "years_experience": 6, "availability": "available"})


@pytest.fixture(scope="module")
def account_pair(aws_env: Any) -> Pair:
    """One client and one sales professional per module, for tests that share accounts
    (creating one is the slowest part of a test under moto: a transaction that copies the
    table, a slow secret hash). A fresh container first: the one the previous module's last
    test left may carry its clock or environment, and would sign tokens the next tests'
    containers refuse."""
    from chalicelib import wiring

    return new_pair(wiring.reset())


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


@pytest.fixture
def table_ops(services: Any) -> Any:
    """Names of the DynamoDB operations made through `services`' table client, in order."""
    from support.service_calls import table_operations

    with table_operations(services) as made:
        yield made


OPT_IN_SUITES = ("contract", "stack_races", "conformance", "browser", "sweep", "integration")
# Directories whose every test is `integration`: the deploy templates, packaging and deploy
# scripts over moto, and the Python SDK's own suite (a deliverable of its own, like the others).
INTEGRATION_DIRS = ("infra", "python_sdk")


@pytest.hookimpl(tryfirst=True)  # before pytest applies `-m`, which must see these markers
def pytest_collection_modifyitems(config: Any, items: list[Any]) -> None:
    """Every test that uses the `local_stack` fixture, itself or through another fixture, is
    marked `local_stack`.

    Suites that take minutes run only when `-m` names them, so `make test` (and any other
    `-m`) leaves them out: `contract` (`make contract`: Schemathesis, tests/contract) and
    `stack_races` (`make test-races`: the money races and the randomized ledger over concurrent
    HTTP), `conformance` (`make conformance`: every SDK's runner, tests/conformance), `browser`
    and `sweep` (`make test-slow`: pages in headless Chromium, and the cross-organization sweep
    over every route, which takes its time on a table the whole session has filled), and
    `integration` (`make test-integration`): every other `local_stack` test, and tests/infra and
    tests/python_sdk. `.ci/run` runs them all, and `make test` stays under five minutes on two
    cores. Named means a whole name in the expression, not part of one: `-m "not local_stack"`
    names no suite. A run given paths (`pytest tests/infra/test_gateway.py`) leaves nothing
    out but what its `-m` leaves out: whoever names a file wants its tests."""
    for item in items:
        if "local_stack" in item.fixturenames:
            item.add_marker(pytest.mark.local_stack)
        in_integration_dir = any(item.path.is_relative_to(ROOT / "tests" / area)
                                 for area in INTEGRATION_DIRS)
        if ((item.get_closest_marker("local_stack") or in_integration_dir)
                and not any(item.get_closest_marker(suite) for suite in OPT_IN_SUITES)):
            item.add_marker(pytest.mark.integration)
    if config.args_source == pytest.Config.ArgsSource.ARGS:
        return  # files or folders named on the command line run whatever suite they hold
    named = set(MARK_NAME.findall(config.option.markexpr or ""))
    for marker in OPT_IN_SUITES:
        if marker in named:
            continue
        left_out = [item for item in items if item.get_closest_marker(marker)]
        if left_out:
            config.hook.pytest_deselected(items=left_out)
            items[:] = [item for item in items if not item.get_closest_marker(marker)]


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
