"""`GET /dashboard` and its two files: served by the app itself (so by every stage), with a
strict Content-Security-Policy, packaged into the Lambda zip, and outside the OpenAPI document."""
from __future__ import annotations

import json
import re

from chalicelib.api import dashboard
from chalicelib.openapi import build
from chalicelib.services.events import EVENT_TYPES
from support import ROOT

PAGE_HEADERS = {"content-security-policy": dashboard.CSP, "x-content-type-options": "nosniff",
                "x-frame-options": "DENY", "referrer-policy": "no-referrer"}


def test_the_page_is_public_uncached_and_locked_down(api):
    answer = api.get("/dashboard")
    assert answer.status == 200
    assert answer.headers["content-type"] == "text/html; charset=utf-8"
    assert answer.headers["cache-control"] == "no-store"
    for name, value in PAGE_HEADERS.items():
        assert answer.headers[name] == value, name
    assert "x-ratelimit-limit" in answer.headers  # counted per address, as /v1/openapi.json
    csp = dict(part.strip().split(" ", 1) for part in dashboard.CSP.split(";"))
    assert csp["script-src"] == "'self'" and csp["default-src"] == "'none'"
    assert csp["connect-src"] == "'self'" and csp["form-action"] == "'none'"


def test_the_page_names_its_files_by_content_and_carries_the_documented_event_types(api):
    page = api.get("/dashboard").body.decode()
    for name in dashboard.ASSETS:
        version = dashboard.asset(name)[1]
        assert f'"dashboard/{name}?v={version}"' in page  # relative: works under a stage path
    data = re.search(r'<script type="application/json" id="event-types">(.*?)</script>', page)
    assert json.loads(data.group(1)) == list(EVENT_TYPES)
    assert not re.search(r"(src|href)=\"(https?:)?//", page), "no CDN or absolute URLs"
    assert "<script>" not in page and " style=" not in page and " on" not in page.split("<body")[1]


def test_files_have_their_types_and_the_named_version_is_cached_for_good(api):
    for name, content_type in dashboard.ASSETS.items():
        content, version = dashboard.asset(name)
        answer = api.get(f"/dashboard/{name}?v={version}")
        assert answer.status == 200 and answer.body == content
        assert answer.headers["content-type"] == content_type
        assert answer.headers["x-content-type-options"] == "nosniff"
        assert answer.headers["cache-control"] == "public, max-age=31536000, immutable"
        unversioned = api.get(f"/dashboard/{name}?v=old")
        assert unversioned.headers["cache-control"] == "no-cache"
        again = api.get(f"/dashboard/{name}", headers={"If-None-Match": answer.headers["etag"]})
        assert again.status == 304 and not again.body


def test_unknown_files_and_other_methods_answer_in_the_api_format(api):
    for path in ("/dashboard/index.html", "/dashboard/..%2F..%2Fapp.py", "/dashboard/x.js"):
        answer = api.get(path)
        assert answer.status == 404, path
        assert answer.error["code"] == "not_found"
    refused = api.post("/dashboard", json_body={})
    assert refused.status == 405 and refused.headers["allow"] == "GET"


def test_the_openapi_document_leaves_the_page_out():
    from app import app

    paths = build(app)["paths"]
    assert not [path for path in paths if path.startswith("/dashboard")]


def test_the_files_are_packaged_into_the_lambda_zip():
    """Chalice zips every file under chalicelib/, not only Python (its packager's walk)."""
    from chalice.deploy.packager import LambdaDeploymentPackager
    from chalice.utils import OSUtils

    packager = LambdaDeploymentPackager(OSUtils(), None, None)  # type: ignore[arg-type]
    zipped = {zip_path for _, zip_path in packager._iter_app_filenames(str(ROOT))}
    for name in ("index.html", *dashboard.ASSETS):
        assert f"chalicelib/dashboard/{name}" in zipped, name


def test_the_script_builds_the_page_without_markup_strings():
    """Data from the API reaches the page as text only: no innerHTML, eval or inline handlers
    (the CSP's Trusted Types would refuse them at run time anyway)."""
    script = (dashboard.FILES / "dashboard.js").read_text()
    for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(",
                 "new Function", "localStorage", "document.cookie"):
        assert sink not in script, sink
    assert not re.search(r"""fetch\(\s*["'`]/""", script), "API paths are relative to the page"
