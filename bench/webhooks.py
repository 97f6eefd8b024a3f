"""Webhook delivery benchmark: events through the outbox, the table stream, the webhook queue
and the delivery consumer to a receiver on 127.0.0.1 that checks every signature.

    python -m bench.webhooks [--events 1000] [--rate 20]

Like `make run`: a moto server provisioned from infra/template.yaml, with the local stack's
moto fixes (devstack.moto_server: here in a process of its own, so that emulating AWS does not
compete with the code under test for this process's GIL), and the local stack's pollers
driving the same Lambda handlers: one stream poller and ONE delivery worker (batches of 10,
handled in parallel over keep-alive connections). Every event is written in its own
transaction, as a state change writes it. Figures:
- latency: N events recorded at --rate per second while everything runs; time from the event
  being committed to the receiver having the request (p50/p95);
- throughput: N more events recorded and fanned out, then the worker drains the N deliveries:
  deliveries/s end to end (the poller's ReceiveMessage and DeleteMessageBatch included), and
  the handler's own time per batch (what a Lambda worker spends: polling SQS is Lambda's);
- what a delivery costs: AWS calls by kind, CPU of this process (consumer and receiver) and
  CPU of the moto server. moto answers far slower than DynamoDB and SQS (a consistent
  BatchGetItem of 10 deliveries costs it ~12 ms of CPU, a PutItem ~2 ms), so the wall-clock
  figures measure moto as much as the consumer; the CPU figures separate the two.
Targets: >= 100 deliveries/s per worker, p95 <= 2 s.
"""
from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
TARGET_RATE, TARGET_P95 = 100.0, 2.0
SECRET = "whsec_benchmark_secret_0123456789"


def start_moto() -> subprocess.Popen:
    """A moto server in its own process, on a free port; AWS_ENDPOINT_URL points at it."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [sys.executable, "-m", "devstack.moto_server", "-H", "127.0.0.1", "-p", str(port)],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    os.environ.update(AWS_ENDPOINT_URL=f"http://127.0.0.1:{port}", MOTO_PORT=str(port),
                      AWS_ACCESS_KEY_ID="bench", AWS_SECRET_ACCESS_KEY="bench",
                      AWS_DEFAULT_REGION="us-east-1", LEADNOD_STAGE="dev",
                      POWERTOOLS_METRICS_DISABLED="true", POWERTOOLS_LOG_LEVEL="ERROR",
                      WEBHOOK_RETRY_SCHEDULE="1,1,1")
    os.environ.pop("AWS_PROFILE", None)
    deadline = time.time() + 30
    while time.time() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return server
        except OSError:
            time.sleep(0.1)
    server.kill()
    raise SystemExit("moto server did not start")


class Stack:
    """The pieces `make run` starts, minus the HTTP API (events are recorded directly)."""

    def __init__(self, services: Any, env: dict[str, str]) -> None:
        from app import app
        from chalicelib.consumers.stream import part_handler
        from devstack.pollers import SqsPoller, StreamPoller, streams_client

        self.services, self.stop = services, threading.Event()
        self.stream = StreamPoller(streams_client(services.session), env["TABLE_STREAM_ARN"],
                                   part_handler("webhook_fanout"), 100, "LATEST",
                                   self.stop, "webhook_fanout")
        self._deliver = app.handler_map["webhook_deliveries"]
        self.handler_seconds, self.batches = 0.0, 0
        self.worker = SqsPoller(services.client("sqs"), "leadnod-dev-webhooks",
                                self._timed_handler, 10, self.stop)

    def _timed_handler(self, event: Any, context: Any) -> Any:
        started = time.perf_counter()
        try:
            return self._deliver(event, context)
        finally:
            self.handler_seconds += time.perf_counter() - started
            self.batches += 1

    def record(self, user_id: str) -> tuple[str, float]:
        """One event in its own transaction, as a state change writes it; (id, committed at)."""
        actions = self.services.events.record("user.updated",
                                              {"user_id": user_id, "changed": ["name"]},
                                              [user_id])
        self.services.store.transact(actions)
        return actions[-1]["Put"]["Item"]["payload"]["id"], time.time()

    def drain_stream(self) -> None:
        while self.stream.poll_once():
            pass


class CallCounter:
    """AWS calls by operation, from every client of a boto3 session (the worker's threads have
    their own clients), counted from when it is registered."""

    def __init__(self, session: Any) -> None:
        self.calls: Counter[str] = Counter()
        self._lock = threading.Lock()
        session.events.register("before-call.*.*", self._count)

    def _count(self, event_name: str, **_: Any) -> None:
        with self._lock:
            self.calls[event_name.rsplit(".", 1)[-1]] += 1


def process_cpu(pid: int) -> float | None:
    """CPU seconds (user + system) another process has used so far; None off Linux."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return None


@dataclass
class Throughput:
    per_second: float
    handler_ms_per_batch: float
    cpu_ms: float                # this process, per delivery
    moto_cpu_ms: float | None    # the moto server, per delivery
    calls: dict[str, float]      # per delivery, by operation


def throughput(stack: Stack, receiver: Any, counter: CallCounter, moto_pid: int,
               user_id: str, count: int) -> Throughput:
    """One worker draining `count` fanned-out deliveries."""
    for _ in range(count):
        stack.record(user_id)
    stack.drain_stream()  # fan-out: `count` messages wait on the queue
    counter.calls.clear()
    stack.handler_seconds, stack.batches = 0.0, 0
    done, moto_before = len(receiver.received), process_cpu(moto_pid)
    began, began_cpu = time.perf_counter(), time.process_time()
    while len(receiver.received) < done + count:
        if stack.worker.poll_once(wait_seconds=0) == 0 and time.perf_counter() - began > 120:
            raise SystemExit("deliveries stalled")
    elapsed, cpu = time.perf_counter() - began, time.process_time() - began_cpu
    moto_after = process_cpu(moto_pid)
    moto_cpu = None if moto_before is None or moto_after is None else moto_after - moto_before
    return Throughput(
        per_second=count / elapsed,
        handler_ms_per_batch=stack.handler_seconds * 1000 / max(1, stack.batches),
        cpu_ms=cpu * 1000 / count,
        moto_cpu_ms=None if moto_cpu is None else moto_cpu * 1000 / count,
        calls={name: n / count for name, n in counter.calls.most_common()})


def latency(stack: Stack, receiver: Any, user_id: str, count: int, rate: float) -> list[float]:
    committed: dict[str, float] = {}
    threads = [stack.stream, stack.worker]
    for thread in threads:
        thread.start()
    interval, next_at = 1.0 / rate, time.perf_counter()
    for _ in range(count):
        event_id, at = stack.record(user_id)
        committed[event_id] = at
        next_at += interval
        time.sleep(max(0.0, next_at - time.perf_counter()))
    deadline = time.time() + 60
    while time.time() < deadline:
        arrived = {r.headers["webhook-id"]: r.at for r in receiver.received}
        if all(event_id in arrived for event_id in committed):
            break
        time.sleep(0.1)
    stack.stop.set()
    for thread in threads:
        thread.join(timeout=5)
    arrived = {r.headers["webhook-id"]: r.at for r in receiver.received}
    missing = [e for e in committed if e not in arrived]
    if missing:
        raise SystemExit(f"{len(missing)} events were not delivered within 60 s")
    return [arrived[e] - committed[e] for e in committed]


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.webhooks")
    parser.add_argument("--events", type=int, default=1000)
    parser.add_argument("--rate", type=float, default=20.0, help="events/s in the latency run")
    args = parser.parse_args(argv)
    moto = start_moto()
    try:
        from chalicelib import wiring
        from chalicelib.auth.caller import Caller
        from chalicelib.models.webhooks import WebhookCreate
        from devstack.cfn import output_env
        from devstack.provision import provision
        from devstack.webhook_receiver import WebhookReceiver

        env = output_env(provision("dev"))
        os.environ.update(env)
        services = wiring.reset()
        counter = CallCounter(services.session)  # before any client exists
        user = services.users.create_account(user_type="client", name="Bench Client",
                                             email="bench@example.com").user
        with WebhookReceiver(secret=SECRET) as receiver:
            owner = Caller(user.id, "client", "professional", frozenset({"write"}), "",
                           role="owner")
            services.webhooks.register(owner, WebhookCreate(
                url=receiver.url(), events=["user.updated"], secret=SECRET))
            stack = Stack(services, env)
            waits = latency(stack, receiver, user.id, args.events, args.rate)
            result = throughput(stack, receiver, counter, moto.pid, user.id, args.events)
            bad = [r for r in receiver.received if not (r.leadnod_ok and r.standard_ok)]
    finally:
        moto.kill()
    print(report(args, waits, result, len(receiver.received), len(bad)), flush=True)
    return 1 if bad else 0


def report(args: Any, waits: list[float], result: Throughput, received: int, bad: int) -> str:
    p50, p95 = percentile(waits, 50), percentile(waits, 95)
    verdict = ", ".join(
        [f"throughput {'meets' if result.per_second >= TARGET_RATE else 'is below'} the target",
         f"p95 {'meets' if p95 <= TARGET_P95 else 'is above'} the target",
         "every signature verified" if not bad else f"{bad} BAD SIGNATURES"])
    calls = ", ".join(f"{name} {n:.2f}" for name, n in result.calls.items())
    handler = result.handler_ms_per_batch
    moto = "moto server: not measured (no /proc)" if result.moto_cpu_ms is None else (
        f"moto server: {result.moto_cpu_ms:.1f} ms per delivery, which alone caps one worker "
        f"at {1000 / result.moto_cpu_ms:.0f}/s")
    return (
        f"webhooks: {args.events} events, 1 delivery worker (batches of 10 in parallel), "
        f"moto server\n"
        f"  latency     p50 {p50:.3f} s  p95 {p95:.3f} s  max {max(waits):.3f} s   "
        f"(events at {args.rate:g}/s; target p95 <= {TARGET_P95:g} s)\n"
        f"  throughput  {result.per_second:7.1f} deliveries/s on moto, end to end   "
        f"(target >= {TARGET_RATE:g})\n"
        f"              handler {handler:.0f} ms per batch of 10: {10000 / handler:.0f} "
        f"deliveries/s per Lambda worker (polling SQS is Lambda's)\n"
        f"  AWS calls   per delivery: {calls} ({sum(result.calls.values()):.2f})\n"
        f"  CPU         this process (consumer and receiver): {result.cpu_ms:.1f} ms per "
        f"delivery, {1000 / result.cpu_ms:.0f}/s if AWS answered instantly\n"
        f"              {moto}\n"
        f"  signatures  {received - bad} verified, {bad} bad\n"
        f"  {verdict}")


if __name__ == "__main__":
    sys.exit(main())
