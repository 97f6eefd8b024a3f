"""`GET /dashboard`: the developer dashboard, a static page that talks to this API like any
integrator (docs/dashboard.md). Public: the page holds no data; signing in happens in it.

A web page, not an API operation: the routes are marked `page` and the OpenAPI document leaves
them out (`openapi/paths.py`), as it leaves out the local stack's `/docs`. Like every request
without an access token, they are counted per source address (docs/rate-limits.md).

The files live in `chalicelib/dashboard/` (chalice packages everything under `chalicelib/`).
The page names its script and style sheet with a hash of their content, so they are cached for a
year while the page itself is never cached: a deploy is picked up on the next load.
"""
from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable

from chalice import Blueprint, Response

from ..errors import NotFound
from ..request_scope import current_request

bp = Blueprint(__name__)
FILES = Path(__file__).resolve().parent.parent / "dashboard"
ASSETS = {"dashboard.js": "text/javascript; charset=utf-8",
          "dashboard.css": "text/css; charset=utf-8"}
# Nothing but this origin's own script, styles and API; no inline script or style, no frames,
# no forms posting elsewhere, and no string-to-DOM sinks (Trusted Types with no policy).
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
       "img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'; "
       "require-trusted-types-for 'script'; trusted-types 'none'")
SECURITY_HEADERS = {"Content-Security-Policy": CSP, "X-Content-Type-Options": "nosniff",
                    "X-Frame-Options": "DENY", "Referrer-Policy": "no-referrer",
                    "Cross-Origin-Opener-Policy": "same-origin"}


def page(view: Callable[..., Any]) -> Callable[..., Any]:
    """Marks a route as a web page: the OpenAPI document leaves it out."""
    view.page = True  # type: ignore[attr-defined]
    return view


@lru_cache(maxsize=None)
def asset(name: str) -> tuple[bytes, str]:
    """(content, version): the version is a hash of the content."""
    content = (FILES / name).read_bytes()
    return content, hashlib.sha256(content).hexdigest()[:16]


@lru_cache(maxsize=1)
def html() -> str:
    from ..services.events import EVENT_TYPES

    text = (FILES / "index.html").read_text()
    for name in ASSETS:
        text = text.replace(f'"dashboard/{name}"', f'"dashboard/{name}?v={asset(name)[1]}"')
    # The documented event types, for the webhook form (a data block: CSP does not run it).
    return text.replace("[/*EVENT_TYPES*/]", json.dumps(list(EVENT_TYPES)))


@page
@bp.route("/dashboard", methods=["GET"], content_types=["*/*"])
def dashboard_page() -> Response:
    return Response(html(), status_code=200, headers={
        **SECURITY_HEADERS, "Content-Type": "text/html; charset=utf-8",
        "Cache-Control": "no-store"})


@page
@bp.route("/dashboard/{name}", methods=["GET"], content_types=["*/*"])
def dashboard_asset(name: str) -> Response:
    if name not in ASSETS:
        raise NotFound("The dashboard has no such file.")
    content, version = asset(name)
    request = current_request()
    etag = f'"{version}"'
    # Only the URL the current page names is immutable; another version (a page from before a
    # deploy) must not pin this content under its name.
    cache = ("public, max-age=31536000, immutable"
             if (request.query_params or {}).get("v") == version else "no-cache")
    headers: dict[str, str | list[str]] = {
        **SECURITY_HEADERS, "Content-Type": ASSETS[name], "Cache-Control": cache, "ETag": etag}
    if (request.headers or {}).get("if-none-match") == etag:
        return Response("", status_code=304, headers=headers)
    return Response(content.decode(), status_code=200, headers=headers)
