"""A process that ends an engagement dies the moment the transition commits; the escrow
follow-up still happens, exactly once (issue #20). Real processes against one moto server
(crash_steps.py): the API process is SIGKILLed inside the request, right after the
transaction; then the stream consumer, polled as the local stack polls it, does the follow-up,
and a second consumer reading the whole stream again changes nothing."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from typing import Any

import pytest
import requests

from chalicelib.services.payments.escrow import termination_refund_id
from support import ROOT
from support.http import free_port

STEPS = ROOT / "tests" / "payments" / "crash_steps.py"


class MotoServer:
    """`python -m devstack.moto_server` with Step Functions executing, and the environment the
    steps run in (fake credentials, a review period that keeps the auto-release waiting)."""

    def __init__(self) -> None:
        port = free_port()
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
        self.env.update(AWS_ENDPOINT_URL=f"http://127.0.0.1:{port}", MOTO_PORT=str(port),
                        AWS_ACCESS_KEY_ID="local", AWS_SECRET_ACCESS_KEY="local",
                        AWS_DEFAULT_REGION="us-east-1", LEADNOD_STAGE="dev",
                        ESCROW_REVIEW_PERIOD_SECONDS="3600", PYTHONPATH=str(ROOT))
        self.process = subprocess.Popen(
            [sys.executable, "-m", "devstack.moto_server", "-H", "127.0.0.1", "-p", str(port)],
            cwd=ROOT, env=self.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 60
        while True:
            try:
                requests.post(f"http://127.0.0.1:{port}/moto-api/config", timeout=5,
                              json={"stepfunctions": {"execute_state_machine": True}})
                return
            except requests.ConnectionError:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    self.stop()
                    raise
                time.sleep(0.1)

    def run(self, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, str(STEPS), *args], cwd=ROOT, env=self.env,
                              capture_output=True, text=True, timeout=120)

    def step(self, *args: str) -> dict[str, Any]:
        done = self.run(*args)
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout.splitlines()[-1])

    def stop(self) -> None:
        self.process.kill()
        self.process.wait(timeout=10)


@pytest.fixture
def moto_server():
    server = MotoServer()
    yield server
    server.stop()


def test_a_process_killed_right_after_the_transition_commits_still_gets_its_follow_up_once(
        moto_server):
    stack = moto_server.step("provision")
    moto_server.env.update(stack["env"])
    terminated, completed = stack["engagements"]
    for verb, engagement in (("terminate", terminated), ("complete", completed)):
        died = moto_server.run("end", verb, engagement, stack["token"])
        assert died.returncode == -signal.SIGKILL, (died.stdout, died.stderr)

    first = moto_server.step("consume", terminated, completed)
    before, after = first["before"], first["after"]
    # The transitions committed; their follow-ups had not started.
    assert before["statuses"] == after["statuses"] == ["terminated", "completed"]
    assert [p["type"] for p in before["payments"]] == ["escrow_fund"]
    assert before["executions"] == [] and before["escrow"][0]["balance"] == 7_000

    refund = termination_refund_id(terminated)
    assert first["handled"] > 0
    assert sorted((p["type"], p["status"], p["amount"]) for p in after["payments"]) == [
        ("escrow_fund", "succeeded", 7_000), ("escrow_refund", "succeeded", 7_000)]
    assert refund in {p["id"] for p in after["payments"]}
    assert after["executions"] == [[f"autorelease-{completed}", "RUNNING"],
                                   [f"refund-{refund}", "SUCCEEDED"]]
    assert (after["escrow"][0]["balance"], after["escrow"][0]["refunded"]) == (0, 7_000)
    assert after["audited"]

    replay = moto_server.step("consume", terminated, completed)  # the whole stream again
    assert replay["handled"] >= first["handled"]
    assert replay["after"] == after
