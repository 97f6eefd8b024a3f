"""`make bench`: run every benchmark module in this package (or those named on the command line,
with any options after the names: `python -m bench http --levels 1,16`). A module that fails
does not stop the others; the run then exits 1 naming it."""
from __future__ import annotations

import importlib
import itertools
import pkgutil
import sys
import traceback
from pathlib import Path


def main(args: list[str]) -> int:
    names = list(itertools.takewhile(lambda arg: not arg.startswith("-"), args))
    options = args[len(names):]  # `python -m bench http --base URL`: options go to the modules
    here = Path(__file__).parent
    modules = names or sorted(m.name for m in pkgutil.iter_modules([str(here)])
                              if not m.name.startswith("_"))
    failed = []
    for name in modules:
        print(f"\n=== bench.{name} ===", flush=True)
        sys.argv = [f"bench.{name}", *options]  # else each module's options take defaults
        try:
            importlib.import_module(f"bench.{name}").main()
        except (Exception, SystemExit) as error:
            if isinstance(error, SystemExit) and error.code in (0, None):
                continue
            traceback.print_exc()
            failed.append(name)
    if failed:
        print(f"\nfailed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
