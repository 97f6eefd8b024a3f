"""Run every benchmark module in this package (each has a `main()`)."""
from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path

for module in sorted(m.name for m in pkgutil.iter_modules([str(Path(__file__).parent)])
                     if not m.name.startswith("_")):
    print(f"== bench.{module}", flush=True)
    importlib.import_module(f"bench.{module}").main([])
