"""Webhook delivery benchmark: events through the outbox, the table stream, the webhook queue
and the delivery consumer to a receiver on 127.0.0.1 that checks every signature.

    python -m bench.webhooks [--events 1000] [--rate 20]

Like `make run`: a moto server provisioned from infra/template.yaml (here in a process of its
own, so that emulating AWS does not compete with the code under test for this process's GIL),
and the local stack's pollers driving the same Lambda handlers: one stream poller and ONE
delivery worker (batches of 10, handled in parallel over keep-alive connections). Figures:
- latency: N events recorded at --rate per second while everything runs; time from the event
  being committed to the receiver having the request (p50/p95);
- throughput: the worker drains N fanned-out deliveries, in bursts of 100 (deliveries/s per
  worker), and the CPU this process spent per delivery: moto answers far slower than DynamoDB
  and SQS (a consistent BatchGetItem of 20 items takes it ~60 ms), so the wall-clock figure
  measures moto as much as the consumer; the CPU figure is what the consumer itself costs.
Targets: >= 100 deliveries/s per worker, p95 <= 2 s.

One concession to moto that does not touch the code under test: its TransactWriteItems
deep-copies the whole table once per action, which would make recording 2,000 events quadratic,
so events are written as the PutItems their transaction would contain (the stream sees the same
INSERT records).
"""
from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
TARGET_RATE, TARGET_P95 = 100.0, 2.0
BURST = 100
SECRET = "whsec_benchmark_secret_0123456789"


def start_moto() -> subprocess.Popen:
    """A moto server in its own process, on a free port; AWS_ENDPOINT_URL points at it."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen([sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p",
                               str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
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
        from devstack.pollers import SqsPoller, StreamPoller, streams_client

        self.services, self.stop = services, threading.Event()
        self.stream = StreamPoller(streams_client(services.session), env["TABLE_STREAM_ARN"],
                                   app.handler_map["webhook_outbox_stream"], 100, "LATEST",
                                   self.stop, "webhook_outbox_stream")
        self.worker = SqsPoller(services.client("sqs"), "leadnod-dev-webhooks",
                                app.handler_map["webhook_deliveries"], 10, self.stop)

    def record(self, user_id: str, n: int) -> tuple[str, float]:
        """One event in its own transaction, as a state change writes it; (id, committed at)."""
        actions = self.services.events.record("user.updated",
                                              {"user_id": user_id, "changed": ["name"], "n": n},
                                              [user_id])
        for action in actions:  # what the transaction would write (see the module docstring)
            self.services.store.table.put_item(**action["Put"])
        return actions[-1]["Put"]["Item"]["payload"]["id"], time.time()

    def drain_stream(self) -> None:
        while self.stream.poll_once():
            pass


def throughput(stack: Stack, receiver: Any, user_id: str, count: int) -> tuple[float, float]:
    """(deliveries per second, CPU seconds of this process per delivery) of one worker,
    draining bursts of BURST fanned-out deliveries: moto's ReceiveMessage costs time in
    proportion to the queue's length (~0.7 s per call with 1,000 messages waiting; SQS's does
    not), so one burst of 1,000 would measure moto rather than the worker."""
    elapsed = cpu = 0.0
    for start in range(0, count, BURST):
        size = min(BURST, count - start)
        for n in range(size):
            stack.record(user_id, start + n)
        stack.drain_stream()  # fan-out: `size` messages wait on the queue
        began, began_cpu, done = time.perf_counter(), time.process_time(), len(receiver.received)
        while len(receiver.received) < done + size:
            if stack.worker.poll_once(wait_seconds=0) == 0 and \
                    time.perf_counter() - began > 120:
                raise SystemExit("deliveries stalled")
        elapsed += time.perf_counter() - began
        cpu += time.process_time() - began_cpu
    return count / elapsed, cpu / count


def latency(stack: Stack, receiver: Any, user_id: str, count: int, rate: float) -> list[float]:
    committed: dict[str, float] = {}
    threads = [stack.stream, stack.worker]
    for thread in threads:
        thread.start()
    interval, next_at = 1.0 / rate, time.perf_counter()
    for n in range(count):
        event_id, at = stack.record(user_id, n)
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
        from chalicelib.models.webhooks import WebhookCreate
        from devstack.cfn import output_env
        from devstack.provision import provision
        from devstack.webhook_receiver import WebhookReceiver

        env = output_env(provision("dev"))
        os.environ.update(env)
        services = wiring.reset()
        user = services.users.create_account(user_type="client", name="Bench Client",
                                             email="bench@example.com").user
        with WebhookReceiver(secret=SECRET) as receiver:
            services.webhooks.register(user.id, WebhookCreate(
                url=receiver.url(), events=["user.updated"], secret=SECRET))
            stack = Stack(services, env)
            waits = latency(stack, receiver, user.id, args.events, args.rate)
            per_second, cpu = throughput(stack, receiver, user.id, args.events)
            bad = [r for r in receiver.received if not (r.leadnod_ok and r.standard_ok)]
    finally:
        moto.kill()
    p50, p95 = percentile(waits, 50), percentile(waits, 95)
    verdict = ", ".join(
        [f"throughput {'meets' if per_second >= TARGET_RATE else 'is below'} the target",
         f"p95 {'meets' if p95 <= TARGET_P95 else 'is above'} the target",
         "every signature verified" if not bad else f"{len(bad)} BAD SIGNATURES"])
    print(f"webhooks: {args.events} events, 1 delivery worker (batches of 10 in parallel), "
          f"moto server\n"
          f"  latency     p50 {p50:.3f} s  p95 {p95:.3f} s  max {max(waits):.3f} s   "
          f"(events at {args.rate:g}/s; target p95 <= {TARGET_P95:g} s)\n"
          f"  throughput  {per_second:7.1f} deliveries/s on moto   (target >= {TARGET_RATE:g})\n"
          f"              {cpu * 1000:.1f} ms of this process's CPU per delivery (consumer and "
          f"receiver): {1 / cpu:.0f} deliveries/s if AWS answered instantly\n"
          f"  signatures  {len(receiver.received) - len(bad)} verified, {len(bad)} bad\n"
          f"  {verdict}", flush=True)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
