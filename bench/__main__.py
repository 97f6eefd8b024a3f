"""`make bench`: run every benchmark module in this package (or those named on the command line)."""
from __future__ import annotations

import importlib
import pkgutil
import sys
from pathlib import Path


def main(names: list[str]) -> int:
    here = Path(__file__).parent
    modules = names or sorted(m.name for m in pkgutil.iter_modules([str(here)])
                              if not m.name.startswith("_"))
    for name in modules:
        print(f"\n=== bench.{name} ===", flush=True)
        sys.argv = [f"bench.{name}"]  # each module's own options take their defaults
        importlib.import_module(f"bench.{name}").main()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
