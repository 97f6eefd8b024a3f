"""Fixes for moto, applied wherever we run moto (tests, the local stack, the benches).

They replace private moto internals, so they are fenced to the one moto version they were
written and tested against (`MOTO_VERSION`, pinned in requirements-dev.txt): `apply()` refuses
any other. `correctness` makes moto behave as AWS does where our code depends on it; `speed`
changes only how long moto takes (same answers). Every fix reaches moto's internals through
`_patch.existing`, which fails loudly if moto renamed what the fix replaces. Each fix has a test
in tests/infra/test_moto_fixes.py that shows the raw moto behaviour it corrects: when moto is
upgraded, a fix whose "raw" half fails may no longer be needed; if so, delete it and its test.
"""
from __future__ import annotations

import threading
from importlib import metadata

from devstack.moto_fixes import correctness, speed

MOTO_VERSION = "5.2.5"

_applying = threading.Lock()
_applied = False


def apply() -> None:
    """Apply every fix, once per process; a RuntimeError on any moto but `MOTO_VERSION`."""
    global _applied
    installed = metadata.version("moto")
    if installed != MOTO_VERSION:
        raise RuntimeError(
            f"devstack.moto_fixes patches private internals of moto {MOTO_VERSION}, but moto "
            f"{installed} is installed. Install the pinned version (pip install -r "
            f"requirements-dev.txt), or, to move to moto {installed}: run "
            f"tests/infra/test_moto_fixes.py against it, delete each fix whose 'raw' half "
            f"now fails because moto fixed it, adapt the others, then set MOTO_VERSION in "
            f"devstack/moto_fixes/__init__.py and the pin in requirements-dev.txt.")
    with _applying:
        if _applied:
            return
        for fix in correctness.FIXES + speed.FIXES:
            fix()
        _applied = True
