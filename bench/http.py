"""The local stack (`make run`) under concurrent clients: requests/s, latency, errors and
crosstalk (answers that belong to another caller) at concurrency 1 to 16.

Two clients, each with a funded engagement, and a read-only token of one of them send the mix of
tests/local_stack/test_local_stack_concurrency.py (`bench/_http_mix.py`): per client 24 GET
/users/me, 12 creates, 3 fundings and 8 releases of its own escrow, plus 8 POSTs with the read-only
token (scaled to --requests per level), shuffled, from N threads; then what was stored is read back
(lost writes, duplicates, writes by the read-only token). Loopback only; every level stops
starting requests after --seconds.

    python -m bench http [--base URL] [--requests 102] [--seconds 60] [--levels 1,2,4,8,16]

Without --base it starts `python -m devstack` on free ports and stops it afterwards, and also
prints what each level cost in CPU (Linux /proc): cores used by the stack's own process (the
front, moto, the pollers and the consumers they run, moto's Step Functions executions), by its
Lambda workers together, and by the whole machine. With --base (a stack started by `make run`)
the admin CLI is pointed at it with `--port`, or at the env file $LEADNOD_LOCAL_ENV names."""
from __future__ import annotations

import argparse
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

from ._http_mix import Answer, build_mix, clients_with_engagements, fire, stored_problems

ROOT = Path(__file__).resolve().parent.parent
MIX = {"reads": 24, "creates": 12, "funds": 3, "releases": 8, "read_only_posts": 8}
PER_MIX = 2 * (MIX["reads"] + MIX["creates"] + MIX["funds"] + MIX["releases"]) \
    + MIX["read_only_posts"]  # 102: the first four are per client


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def admin_runner(env: dict[str, str], port: str | None = None) -> Any:
    """`python -m chalicelib.admin` for that stack: the one `env`'s LEADNOD_LOCAL_ENV names,
    else the one serving the API on `port`."""
    target = ["--port", port] if port and not env.get("LEADNOD_LOCAL_ENV") else []

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "chalicelib.admin", *target, *args],
                              cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    return run


def cpu_seconds(pid: int) -> tuple[float, float, float]:
    """CPU seconds used so far by a process, by its live children, and by the machine."""
    def used(stat: str) -> float:
        fields = stat.rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    own, children = 0.0, 0.0
    for entry in Path("/proc").iterdir():
        try:
            stat = (entry / "stat").read_text() if entry.name.isdigit() else ""
        except OSError:
            continue
        if stat and int(stat.rsplit(")", 1)[1].split()[1]) == pid:
            children += used(stat)
        elif entry.name == str(pid):
            own = used(stat)
    ticks = [int(n) for n in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    busy = sum(ticks) - ticks[3] - ticks[4]  # all but idle and iowait
    return own, children, busy / os.sysconf("SC_CLK_TCK")


@contextmanager
def local_stack() -> Iterator[tuple[str, dict[str, str]]]:
    """`python -m devstack` on free ports: (base URL, the admin CLI's environment, with
    LEADNOD_STACK_PID)."""
    port, moto_port = free_port(), free_port()
    with tempfile.TemporaryDirectory() as tmp:
        env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
        env.update(PORT=str(port), MOTO_PORT=str(moto_port), PYTHONUNBUFFERED="1",
                   LEADNOD_LOCAL_ENV=str(Path(tmp) / "dev-env.json"))
        log = Path(tmp) / "stack.log"
        with open(log, "w") as out:
            stack = subprocess.Popen([sys.executable, "-m", "devstack"], cwd=ROOT, env=env,
                                     stdout=out, stderr=subprocess.STDOUT)
        try:
            deadline = time.monotonic() + 180
            while "Ctrl-C stops everything" not in log.read_text():
                if stack.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit(f"the local stack did not start:\n{log.read_text()}")
                time.sleep(0.2)
            yield f"http://127.0.0.1:{port}", {**env, "LEADNOD_STACK_PID": str(stack.pid)}
        finally:
            stack.send_signal(signal.SIGINT)
            try:
                stack.wait(timeout=20)
            except subprocess.TimeoutExpired:
                stack.kill()


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


def level(base: str, parties: tuple[Any, Any, Any], workers: int, requests: int,
          seconds: float, stack_pid: int | None = None) -> dict[str, Any]:
    a, b, a_read = parties
    scale = requests / PER_MIX
    calls = build_mix([a, b], a_read, seed=workers,
                      **{k: max(1, round(v * scale)) for k, v in MIX.items()})
    cpu_before = cpu_seconds(stack_pid) if stack_pid else (0.0, 0.0, 0.0)
    started = time.perf_counter()
    answers: list[Answer] = fire(base, calls, workers, seconds)
    wall = time.perf_counter() - started
    cpu = [(b - a) / wall for a, b in zip(cpu_before, cpu_seconds(stack_pid), strict=True)] \
        if stack_pid else [float("nan")] * 3
    ms = [x.seconds * 1000 for x in answers]
    stored = stored_problems(base, [a, b], [x.call for x in answers])  # only what was sent
    return {"concurrency": workers, "requests": len(answers), "planned": len(calls),
            "rps": len(answers) / wall,
            "p50": percentile(ms, 0.50), "p95": percentile(ms, 0.95),
            "p99": percentile(ms, 0.99),
            "errors": sum(bool(x.problem) and not x.crosstalk for x in answers),
            "crosstalk": sum(x.crosstalk for x in answers), **stored,
            "stack_cpu": cpu[0], "workers_cpu": cpu[1], "machine_cpu": cpu[2]}


ROW = ("{concurrency:>11} {requests:>8} {rps:>7.1f} {p50:>7.0f} {p95:>7.0f} {p99:>7.0f} "
       "{errors:>6} {crosstalk:>9} {lost_writes:>5} {duplicates:>10} {read_only_writes:>9} "
       "{misplaced:>9} {failed_payments:>6} {balance_mismatches:>8} {stack_cpu:>5.2f} "
       "{workers_cpu:>7.2f} {machine_cpu:>7.2f}")
HEADER = ("concurrency requests   req/s  p50 ms  p95 ms  p99 ms errors crosstalk  lost "
          "duplicates read-only misplaced failed balances stack workers machine")


def run(base: str, env: dict[str, str], levels: list[int], requests: int,
        seconds: float) -> None:
    admin = admin_runner(env, base.rsplit(":", 1)[-1])
    stack_pid = int(env["LEADNOD_STACK_PID"]) if env.get("LEADNOD_STACK_PID") else None
    parties = clients_with_engagements(base, admin)
    print(f"stack: {base}; per level up to {requests} requests or {seconds:.0f} s; mix per "
          f"client {MIX['reads']}:{MIX['creates']}:{MIX['funds']}:{MIX['releases']} "
          f"reads:creates:fundings:releases, {MIX['read_only_posts']} read-only POSTs")
    print(HEADER)
    for workers in levels:
        figures = level(base, parties, workers, requests, seconds, stack_pid)
        cut = "" if figures["requests"] == figures["planned"] else \
            f"  (time cap: {figures['planned'] - figures['requests']} not sent)"
        print(ROW.format(**figures) + cut, flush=True)
    audit = admin("audit-ledger")
    print("ledger audit:", "clean" if audit.returncode == 0 else
          f"FAILED ({audit.stdout.strip()[:500]} {audit.stderr.strip()[-500:]})")
    print("errors: unexpected status or no answer; crosstalk: an answer holding another "
          "caller's profile or another request's object, or a read-only token's write "
          "accepted; lost/duplicates/misplaced/read-only: writes stored 0, >1 times, under "
          "another caller, for the read-only token; failed: money POSTs that did not "
          "succeed; balances: escrows whose figures differ from their payments; stack, "
          "workers, machine: CPU cores used during the level by the stack's own process, its "
          "Lambda workers together, and the whole machine (only for a stack this bench "
          "started)")


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.http", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--base", help="a running stack's URL (default: start one)")
    parser.add_argument("--requests", type=int, default=102, help="per level (max 2000)")
    parser.add_argument("--seconds", type=float, default=60, help="per level (max 300)")
    parser.add_argument("--levels", default="1,2,4,8,16", help="concurrency levels (max 64)")
    args = parser.parse_args()
    levels = [int(n) for n in args.levels.split(",")]
    if not (1 <= args.requests <= 2000 and 0 < args.seconds <= 300 and
            all(1 <= n <= 64 for n in levels)):
        parser.error("bounded runs only: --requests 1-2000, --seconds up to 300, levels 1-64")
    if args.base:
        if not args.base.startswith(("http://127.0.0.1:", "http://localhost:")):
            parser.error("--base must be a loopback URL (http://127.0.0.1:PORT)")
        run(args.base.rstrip("/"), dict(os.environ), levels, args.requests, args.seconds)
        return
    with local_stack() as (base, env):
        run(base, env, levels, args.requests, args.seconds)


if __name__ == "__main__":
    main()
