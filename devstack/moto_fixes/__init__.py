"""Fixes for moto, applied wherever we run moto (tests, the local stack, the benches).

`correctness` makes moto behave as AWS does where our code depends on it; `speed`
changes only how long moto takes (same answers). Every fix reaches moto's internals through
`_patch.existing`, which fails loudly if moto renamed what the fix replaces.
"""
from __future__ import annotations

import threading

from devstack.moto_fixes import correctness, speed

_applying = threading.Lock()
_applied = False


def apply() -> None:
    """Apply every fix, once per process."""
    global _applied
    with _applying:
        if _applied:
            return
        for fix in correctness.FIXES + speed.FIXES:
            fix()
        _applied = True
