"""The composition root (chalicelib/wiring.py) and what it builds on (adapters.py, aws.py):
nothing built at import, lazy imports that earn their place, per-thread resources, the payment
processor each stage gets."""
from __future__ import annotations

import ast
import json
import subprocess
import sys
import threading
import time

import pytest

from chalicelib.adapters import Adapters
from chalicelib.aws import per_thread
from chalicelib.config import Settings
from chalicelib.services.payments.processor import SandboxProcessor
from support import ROOT


def lazily_imported(path: str) -> set[str]:
    """The modules a file imports inside functions (not at the top, not for type checking)."""
    tree = ast.parse((ROOT / path).read_text())
    functions = [node for node in ast.walk(tree) if isinstance(node, ast.FunctionDef)]
    return {f"chalicelib.{node.module}" for function in functions
            for node in ast.walk(function) if isinstance(node, ast.ImportFrom) and node.level == 1}


def test_importing_the_app_builds_no_client_and_loads_none_of_the_lazy_imports():
    """What wiring.py and adapters.py import where used is worth a line only if `import app`
    does not load it anyway (their docstrings give the cold-start figures)."""
    lazy = sorted(lazily_imported("chalicelib/wiring.py")
                  | lazily_imported("chalicelib/adapters.py"))
    probe = f"""
import json, sys
import botocore.session
made = []
create_client = botocore.session.Session.create_client
def recording(self, *args, **kwargs):
    made.append(args[0] if args else kwargs.get("service_name"))
    return create_client(self, *args, **kwargs)
botocore.session.Session.create_client = recording
import app
print(json.dumps({{"clients": made, "loaded": [m for m in {lazy!r} if m in sys.modules]}}))
"""
    run = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True,
                         timeout=120, check=True)

    assert len(lazy) > 20
    assert json.loads(run.stdout.splitlines()[-1]) == {"clients": [], "loaded": []}


def test_each_thread_gets_its_own_value_made_once_and_one_at_a_time():
    building = threading.Lock()
    overlaps: list[int] = []

    def build() -> object:
        if not building.acquire(blocking=False):  # a session must not build two at once
            overlaps.append(threading.get_ident())
            return object()
        try:
            time.sleep(0.01)
            return object()
        finally:
            building.release()

    current = per_thread(build)
    seen: dict[int, list[object]] = {}
    started = threading.Barrier(8)  # all alive at once: a finished thread's ident is reused

    def work(n: int) -> None:
        started.wait(timeout=10)
        seen[n] = [current(), current()]

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert overlaps == []
    assert all(first is second for first, second in seen.values())
    assert len({id(first) for first, _ in seen.values()}) == len(threads)


@pytest.mark.parametrize("stage", ["dev", "sandbox"])
def test_the_sandbox_stages_charge_test_cards(stage):
    assert isinstance(Adapters(Settings(stage=stage)).payment_processor, SandboxProcessor)


def test_production_refuses_to_start_without_a_live_processor():
    with pytest.raises(RuntimeError, match="No live payment processor"):
        Adapters(Settings(stage="prod")).payment_processor  # noqa: B018


def test_reading_a_user_builds_no_matching_queue_client(services):
    """The users service reaches the matching queue only when a profile changes: a cold
    `GET /v1/users/me` made an SQS client it never used (docs/performance.md, "Cold start")."""
    users = services.users
    assert "match_requests" not in vars(services)
    made = users.create_account(user_type="sales_pro", name="Pat Pro", email="pat@example.com",
                                plan="professional", industry="saas")
    assert "match_requests" in vars(services)  # a sales pro's new profile is queued for matching
    assert made.user.type == "sales_pro"
