# The developer dashboard (docs/dashboard.md). Its tests, the browser one included, run in
# `make test` (about 15 s on a started stack), so nothing is added to SDK_CI_TARGETS; this
# target runs them alone, e.g. while working on chalicelib/dashboard/. The browser test installs
# Debian's chromium with apt-get when it is missing (as root), else it skips; Playwright comes
# from requirements-dev.txt and downloads no browser. Screenshots: artifacts/dashboard/.
.PHONY: dashboard-test
dashboard-test: $(BIN)/.installed
	PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 $(BIN)/python -m pytest -q tests/dashboard
