"""Cold start: `import app` in fresh interpreters vs. a minimal Chalice app that imports only
chalice and boto3 and builds a DynamoDB client — measured side by side, interleaved, in one run.
Target: ratio ≤ 1.5×."""
from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RUNS = int(os.environ.get("COLDSTART_RUNS", "15"))
MINIMAL_APP = """
from chalice import Chalice
import boto3
app = Chalice(app_name="minimal")
dynamodb = boto3.client("dynamodb", region_name="us-east-1")

@app.route("/")
def index():
    return {"hello": "world"}
"""
TIMER = ("import time, sys; sys.path.insert(0, {path!r}); t = time.perf_counter(); import app; "
         "print(time.perf_counter() - t)")


def time_import(directory: Path) -> float:
    env = {**os.environ, "AWS_DEFAULT_REGION": "us-east-1", "PYTHONDONTWRITEBYTECODE": "0"}
    out = subprocess.run([sys.executable, "-c", TIMER.format(path=str(directory))], cwd=directory,
                         env=env, capture_output=True, text=True, check=True)
    return float(out.stdout.strip().splitlines()[-1])


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        minimal = Path(tmp)
        (minimal / "app.py").write_text(MINIMAL_APP)
        time_import(minimal), time_import(ROOT)  # warm the bytecode caches once
        ours, baseline = [], []
        for _ in range(RUNS):
            ours.append(time_import(ROOT))
            baseline.append(time_import(minimal))
    ours_ms, base_ms = statistics.median(ours) * 1000, statistics.median(baseline) * 1000
    print(f"runs: {RUNS} each, interleaved, fresh interpreters")
    print(f"minimal chalice+boto3 app: median {base_ms:7.1f} ms  (p90 "
          f"{statistics.quantiles(baseline, n=10)[-1] * 1000:.1f} ms)")
    print(f"leadnod app.py:            median {ours_ms:7.1f} ms  (p90 "
          f"{statistics.quantiles(ours, n=10)[-1] * 1000:.1f} ms)")
    print(f"ratio: {ours_ms / base_ms:.2f}x  (target <= 1.50x)")


if __name__ == "__main__":
    main()
