"""The API's routes, registered from a manifest (`routes.json`) so that a cold start imports
only the route module its first request needs.

Every route is still declared where it lives, with `@operation` on its module's blueprint; what
Chalice needs to register it (path, methods, view name, authorizer, content types, docstring)
is copied into `routes.json` by `make routes` (`python -m chalicelib.api.lazy_routes`), and a
test fails when the two differ. `register` gives the app one stand-in view per route, which
imports the route's module on its first call and hands over to the real view. Importing every
route module and its models was about 90 ms of `import app` (docs/performance.md, "Cold start").

`resolved(view)` is the real view behind a stand-in (the OpenAPI document and the tests read
the `@operation` declaration from it). `meta` (which serves the document of the app it is
registered on) and `dashboard` (two pages) are registered as blueprints, as before.
"""
from __future__ import annotations

import importlib
import json
import sys
from pathlib import Path
from typing import Any, Callable

from chalice import Chalice

from .routing import AUTH

MANIFEST = Path(__file__).with_name("routes.json")
# The modules whose routes are lazy, in the order their blueprints were registered.
LAZY_MODULES = ("oauth", "users", "team", "account", "opportunities", "engagements", "messages",
                "payments", "disputes", "analytics", "webhooks", "events")
PACKAGE = "chalicelib.api"


def register(app: Chalice, manifest: Path = MANIFEST) -> None:
    for route in json.loads(manifest.read_text()):
        view = _stand_in(route["module"], route["view"], route["doc"])
        app.route(route["path"], methods=route["methods"], name=route["view"],
                  authorizer=AUTH if route["authorized"] else None,
                  content_types=route["content_types"])(view)


def _stand_in(module: str, name: str, doc: str | None) -> Callable[..., Any]:
    def view(**path_params: str) -> Any:
        return real()(**path_params)

    def real() -> Callable[..., Any]:
        return getattr(importlib.import_module(f"{PACKAGE}.{module}"), name)

    view.__name__ = view.__qualname__ = name
    view.__module__, view.__doc__ = f"{PACKAGE}.{module}", doc
    view.resolve = real  # type: ignore[attr-defined]
    return view


def resolved(view: Callable[..., Any]) -> Callable[..., Any]:
    """The view a stand-in hands over to (importing its module), or `view` itself."""
    resolve = getattr(view, "resolve", None)
    return resolve() if resolve is not None else view


def manifest() -> list[dict[str, Any]]:
    """What `routes.json` should hold: the routes the lazy modules declare, from a Chalice app
    they are registered on as blueprints."""
    app = Chalice(app_name="routes")
    for name in LAZY_MODULES:
        app.register_blueprint(importlib.import_module(f"{PACKAGE}.{name}").bp)
    grouped: dict[tuple[str, str], dict[str, Any]] = {}
    for path, entries in app.routes.items():
        for method, entry in entries.items():
            route = grouped.setdefault((path, entry.view_name), {
                "path": path, "methods": [], "view": entry.view_name,
                "module": entry.view_function.__module__.rpartition(".")[2],
                "authorized": entry.authorizer is not None,
                "content_types": entry.content_types, "doc": entry.view_function.__doc__})
            route["methods"].append(method)
    return list(grouped.values())


def manifest_text() -> str:
    """`routes.json`: one route a line, for readable diffs."""
    return "[\n" + ",\n".join(json.dumps(route) for route in manifest()) + "\n]\n"


if __name__ == "__main__":
    sys.stdout.write(manifest_text())
