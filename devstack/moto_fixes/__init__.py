"""Fixes for moto, applied wherever we run moto (tests, the local stack, the benches).

They replace private moto internals, so they are fenced to the one moto version they were
written and tested against (`MOTO_VERSION`, pinned in requirements-dev.txt): `apply()` refuses
any other. `correctness` makes moto behave as AWS does where our code depends on it; `speed`
changes only how long moto takes (same answers). Every fix reaches moto's internals through
`_patch.existing`, which fails loudly if moto renamed what the fix replaces.
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
            f"requirements-dev.txt), or, to move to moto {installed}, re-check every fix "
            f"against it, then set MOTO_VERSION in devstack/moto_fixes/__init__.py and the "
            f"pin in requirements-dev.txt.")
    with _applying:
        if _applied:
            return
        for fix in correctness.FIXES + speed.FIXES:
            fix()
        _applied = True
