"""The OpenAPI 3.1 document of the API, generated from the routes' `@operation` declarations
(chalicelib/api/operations.py) and the pydantic models. docs/openapi.md explains it."""
from __future__ import annotations

import json
from typing import Any

from chalice import Chalice

from ..config import local_base_url
from .document import build

_cache: dict[tuple[int, str], str] = {}


def render(document: dict[str, Any]) -> str:
    """The canonical text (what `make openapi` writes to docs/openapi.json)."""
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def document_text(app: Chalice) -> str:
    """Built once per process: the routes cannot change after the app is assembled. The local
    stack's server entry names the port this stack serves on."""
    key = (id(app), local_base_url())
    if key not in _cache:
        _cache[key] = render(build(app, local_url=key[1]))
    return _cache[key]


__all__ = ["build", "document_text", "render"]
