# The developer dashboard (docs/dashboard.md). Its route tests run in `make test`, the browser
# one in `make test-slow` (both in .ci/run), so nothing is added to SDK_CI_TARGETS; this target
# runs them all alone, e.g. while working on chalicelib/dashboard/. The browser test installs
# Debian's chromium with apt-get when it is missing (as root), else it skips; Playwright comes
# from requirements-dev.txt and downloads no browser. Screenshots: artifacts/dashboard/.
.PHONY: dashboard-test
dashboard-test: $(BIN)/.installed
	PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 $(BIN)/python -m pytest -q tests/dashboard -m "browser or not browser"
