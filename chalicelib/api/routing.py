"""The authorizer every `/v1` route uses, and the 405 answers for unsupported methods."""
from __future__ import annotations

from typing import Any

from chalice import Blueprint, Chalice
from chalice.app import AuthRequest

from ..auth.authorizer import authorize
from ..errors import MethodNotAllowed
from ..wiring import container

auth_bp = Blueprint(__name__)
ALL_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
NOT_ALLOWED_PREFIX = "method_not_allowed_"  # the view names of the generated 405 routes


# API Gateway caches an answer per token for AUTHORIZER_TTL_SECONDS: a disabled account or an
# expired token keeps working for up to that long (docs/auth.md), in exchange for one authorizer
# run (a Lambda invocation and a GetItem) per token per minute instead of per request.
AUTHORIZER_TTL_SECONDS = 60


@auth_bp.authorizer(ttl_seconds=AUTHORIZER_TTL_SECONDS)
def oauth_bearer(auth_request: AuthRequest) -> dict[str, Any]:
    services = container()
    return authorize(auth_request, services.token_verifier, services.users_repo.get,
                     services.key_pools)


AUTH = oauth_bearer


def finalize_routes(app: Chalice) -> None:
    """Run once, after every blueprint is registered."""
    require_api_keys(app)
    add_method_not_allowed_routes(app)


def require_api_keys(app: Chalice) -> None:
    """API Gateway applies usage plans only to methods that require an API key; with the key
    source set to AUTHORIZER the key comes from our authorizer (`usageIdentifierKey`), so
    clients never send one. chalice local ignores the flag."""
    for methods in app.routes.values():
        for entry in methods.values():
            if entry.authorizer is not None:
                entry.api_key_required = True


def add_method_not_allowed_routes(app: Chalice) -> None:
    """API Gateway answers an unsupported method on a known path like an unknown route; give
    every path explicit 405 routes instead, so the answer is right and carries `Allow`."""
    for path, methods in list(app.routes.items()):
        allowed = sorted(methods)
        missing = [m for m in ALL_METHODS if m not in methods]
        if not missing:
            continue

        def not_allowed(_allowed: list[str] = allowed, **_params: str) -> None:
            raise MethodNotAllowed(
                f"This endpoint supports {', '.join(_allowed)} only.",
                headers={"Allow": ", ".join(_allowed)})

        name = NOT_ALLOWED_PREFIX + "".join(c if c.isalnum() else "_" for c in path)
        app.route(path, methods=missing, name=name)(not_allowed)


def declared_methods(entries: dict[str, Any]) -> list[str]:
    """The methods a path really has (`app.routes[path]`), the generated 405 routes aside."""
    return sorted(method for method, entry in entries.items()
                  if not entry.view_name.startswith(NOT_ALLOWED_PREFIX))
