"""Every /v1 route is behind the authorizer and in the usage plans; public routes are not."""
from __future__ import annotations

from app import app
from chalicelib.api.routing import AUTH, declared_methods

PUBLIC = {"/oauth/token", "/.well-known/jwks.json"}


def test_every_v1_route_needs_a_token_and_an_api_key():
    for path, methods in app.routes.items():
        for method, entry in methods.items():
            if entry.view_name.startswith("method_not_allowed_"):
                continue
            if path in PUBLIC or path.startswith(("/v1/openapi", "/docs", "/dashboard")):
                assert entry.authorizer is None, (method, path)
                continue
            assert path.startswith("/v1/"), path
            assert entry.authorizer is AUTH, (method, path)
            assert entry.api_key_required, (method, path)


def test_unsupported_methods_have_405_routes():
    for path, methods in app.routes.items():
        assert {"GET", "POST", "PUT", "PATCH", "DELETE"} <= set(methods), path


def test_declared_methods_leave_out_the_generated_405_routes():
    assert declared_methods(app.routes["/v1/opportunities"]) == ["GET", "POST"]
    assert declared_methods(app.routes["/v1/opportunities/{opportunity_id}"]) == [
        "DELETE", "GET", "PATCH", "PUT"]
