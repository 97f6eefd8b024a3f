"""The local stack's API reference page (`/docs`): Swagger UI from a package, rendering
`/v1/openapi.json`, opened in headless Chromium (Debian's `chromium`, installed on first use)."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest
import requests

from devstack.docs_page import ASSETS, PAGE, dist_dir, docs_response

CHROMIUM = Path("/usr/bin/chromium")
APT = ["apt-get", "-y", "-q", "-o", "DPkg::Lock::Timeout=300", "--no-install-recommends"]


def _apt(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([*APT, *args], capture_output=True, text=True, timeout=1200,
                          env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"})


@pytest.fixture(scope="session")
def chromium() -> Path:
    """/usr/bin/chromium, installed with apt-get when missing and we are root."""
    if CHROMIUM.exists():
        return CHROMIUM
    if os.geteuid() != 0 or shutil.which("apt-get") is None:
        pytest.skip("needs /usr/bin/chromium: run `apt-get install chromium` as root")
    started = time.monotonic()
    result = _apt("install", "chromium")
    if result.returncode != 0:  # stale package lists: refresh them once
        _apt("update")
        result = _apt("install", "chromium")
    if result.returncode != 0 or not CHROMIUM.exists():
        pytest.skip(f"apt-get install chromium failed: {result.stderr[-500:]}")
    print(f"\ninstalled chromium in {time.monotonic() - started:.0f} s")
    return CHROMIUM


def test_the_page_and_its_assets_come_from_the_package_with_relative_urls():
    status, headers, body = docs_response("/docs")
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    assert not re.search(r"(src|href)=\"(https?:)?//", PAGE), "no CDN or absolute URLs"
    assert 'fetch("/v1/openapi.json")' in PAGE
    for name in ASSETS:
        assert f'"/docs/{name}"' in PAGE
        assert docs_response(f"/docs/{name}")[2] == (dist_dir() / name).read_bytes()
    assert (dist_dir() / "VERSION").read_text().startswith("v5.")  # renders OpenAPI 3.1
    assert docs_response("/docs/../../etc/passwd")[0] == 404
    assert docs_response("/v1/openapi.json") is None


@pytest.mark.browser
def test_headless_chromium_renders_every_operation(local_stack: dict[str, Any], chromium: Path,
                                                   tmp_path: Path):
    document = requests.get(f"{local_stack['base']}/v1/openapi.json", timeout=30).json()
    started = time.monotonic()
    result = subprocess.run(
        [str(chromium), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
         "--no-first-run", "--disable-background-networking", "--disable-component-update",
         "--disable-sync", f"--user-data-dir={tmp_path / 'profile'}",
         "--virtual-time-budget=15000", "--dump-dom", f"{local_stack['base']}/docs"],
        capture_output=True, text=True, timeout=180)
    dom = result.stdout.replace("\u200b", "")  # Swagger UI breaks paths with zero-width spaces
    assert "Create an opportunity" in dom, result.stderr[-2000:]
    for text in ("/v1/payments/escrow/fund", "Get an access token", "Fund an engagement's escrow",
                 "opportunity.created", "escrow.dispute"):
        assert text in dom, text
    rendered = set(re.findall(r'data-path="([^"]+)"', dom))
    expected = set(document["paths"]) | set(document["webhooks"])  # both carry data-path
    assert rendered == expected, expected ^ rendered
    print(f"\nchromium rendered /docs in {time.monotonic() - started:.1f} s")
