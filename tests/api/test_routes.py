"""Every /v1 route is behind the authorizer and in the usage plans; public routes are not."""
from __future__ import annotations

import json
import os
import subprocess
import sys

from app import app
from chalicelib.api import lazy_routes
from chalicelib.api.routing import AUTH, declared_methods
from support import ROOT

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


def test_routes_json_is_what_the_route_modules_declare():
    """app.py registers the lazy modules' routes from routes.json (chalicelib/api/lazy_routes.py):
    a route added, changed or removed without `make routes` fails here."""
    assert lazy_routes.MANIFEST.read_text() == lazy_routes.manifest_text(), "run `make routes`"


# No AWS to reach: the request's calls fail at once (the test is about imports).
NOWHERE = {"AWS_DEFAULT_REGION": "us-east-1", "AWS_ACCESS_KEY_ID": "none",
           "AWS_SECRET_ACCESS_KEY": "none", "AWS_ENDPOINT_URL": "http://127.0.0.1:9",
           "AWS_EC2_METADATA_DISABLED": "true", "AWS_MAX_ATTEMPTS": "1"}


def test_importing_the_app_imports_no_route_module_and_the_first_request_its_own():
    probe = """
import json, sys
import app
from chalice.test import Client
lazy = ["chalicelib.api." + name for name in app.lazy_routes.LAZY_MODULES]
before = [m for m in lazy if m in sys.modules]
with Client(app.app) as client:
    client.http.post("/oauth/token", body="{}", headers={"Content-Type": "application/json"})
print(json.dumps({"before": before,
                  "after": [m for m in lazy if m in sys.modules]}))
"""
    run = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True,
                         timeout=120, env={**os.environ, **NOWHERE})
    assert run.returncode == 0, run.stderr
    seen = json.loads(run.stdout.splitlines()[-1])
    assert seen["before"] == []
    assert seen["after"] == ["chalicelib.api.oauth"]
