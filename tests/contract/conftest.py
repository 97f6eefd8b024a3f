"""The contract run takes minutes: it runs only when `-m` names it (`make contract` passes
`-m contract`), so `make test` and any other `-m` expression (`-m "not browser"`) leave it out."""
from __future__ import annotations

from typing import Any


def pytest_collection_modifyitems(config: Any, items: list[Any]) -> None:
    if "contract" in (config.option.markexpr or ""):
        return
    left_out = [item for item in items if item.get_closest_marker("contract")]
    if left_out:
        config.hook.pytest_deselected(items=left_out)
        items[:] = [item for item in items if not item.get_closest_marker("contract")]
