"""`python -m devstack.moto_server -H 127.0.0.1 -p PORT`: moto's server in a process of its own,
with the fixes the local stack and the tests run it with (devstack.moto_fixes). A bench uses it
so that emulating AWS does not compete with the code it measures for one GIL."""
from __future__ import annotations

import sys


def main(argv: list[str]) -> None:
    from moto.server import main as serve

    from devstack import moto_fixes

    moto_fixes.apply()
    serve(argv)


if __name__ == "__main__":
    main(sys.argv[1:])
