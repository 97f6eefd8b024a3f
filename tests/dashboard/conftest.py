"""Fixtures of the dashboard's browser test: Playwright (PyPI `playwright`, no browser of its
own) driving Debian's chromium, and where the screenshots go."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Iterator

import pytest

from local_stack.test_local_stack_docs_page import chromium  # noqa: F401 - the fixture
from support import ROOT

# Kept after the run (CI artifacts); git ignores /artifacts/.
SCREENSHOTS = Path(os.environ.get("DASHBOARD_ARTIFACTS", ROOT / "artifacts" / "dashboard"))


# Module-scoped: sync Playwright keeps an asyncio loop running in this thread while it is
# open, and a session-wide one broke later tests on the same worker that call asyncio.run().
@pytest.fixture(scope="module")
def browser(chromium: Path) -> Iterator[Any]:  # noqa: F811 - the imported fixture
    os.environ.setdefault("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")
    sync_api = pytest.importorskip("playwright.sync_api", reason="pip install playwright "
                                   "(requirements-dev.txt)")
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(chromium),
            args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"])
        yield launched
        launched.close()


@pytest.fixture(scope="session")
def screenshots() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for old in SCREENSHOTS.glob("*.png"):
        old.unlink()
    return SCREENSHOTS
