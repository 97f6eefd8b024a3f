"""The one way a fix reaches into moto: by name, failing loudly when the name is gone."""
from __future__ import annotations

import inspect
from typing import Any


def existing(owner: Any, name: str, *parameters: str) -> Any:
    """`owner.name`, which a fix is about to replace, checked to take `parameters` (names the fix
    relies on). A RuntimeError if moto no longer has it: a rename in moto must stop the fix here,
    not leave it replacing an attribute nothing calls."""
    home = owner.__name__ if inspect.ismodule(owner) else f"{owner.__module__}.{owner.__qualname__}"
    where = f"{home}.{name}"
    original = getattr(owner, name, None)
    if original is None:
        raise RuntimeError(f"moto fix: {where} does not exist in the installed moto, so the fix "
                           f"replacing it would do nothing (devstack/moto_fixes/__init__.py)")
    missing = set(parameters) - set(inspect.signature(original).parameters) if parameters else ()
    if missing:
        raise RuntimeError(f"moto fix: {where} no longer takes {sorted(missing)}, which the fix "
                           f"replacing it relies on (devstack/moto_fixes/__init__.py)")
    return original
