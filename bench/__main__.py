"""`make bench`: run every benchmark module in this package, one after the other."""
from __future__ import annotations

import importlib
import pkgutil
import subprocess
import sys
from pathlib import Path


def main() -> int:
    failed = 0
    for module in sorted(m.name for m in pkgutil.iter_modules([str(Path(__file__).parent)])):
        if module.startswith("_"):
            continue
        importlib.import_module(f"bench.{module}")  # fail early on a broken module
        # Each in its own process: benchmarks patch AWS (moto) and the environment.
        failed |= subprocess.run([sys.executable, "-m", f"bench.{module}"]).returncode
    return failed


if __name__ == "__main__":
    sys.exit(main())
