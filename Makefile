PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
MOTO_PORT ?= 5000
PORT ?= 8000
STAGE ?= sandbox
export MOTO_PORT PORT

.PHONY: run test test-integration test-slow test-races contract lint package deploy chalice-deploy clean bench routes openapi sdk-check

$(BIN)/.installed: requirements.txt requirements-dev.txt requirements-sam.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade "pip<26.3"  # chalice 1.34 packages with pip < 26.3 only
	$(BIN)/pip install -q -r requirements-dev.txt
	$(BIN)/pip install -q --no-deps -r requirements-sam.txt
	touch $@

venv: $(BIN)/.installed

run: $(BIN)/.installed
	$(BIN)/python -m devstack

test: $(BIN)/.installed
	$(BIN)/python -m pytest -q -n auto --dist loadfile

test-integration: $(BIN)/.installed  ## the local stack over HTTP, tests/infra, tests/python_sdk
	$(BIN)/python -m pytest -q -n auto --dist loadfile -m integration

test-slow: $(BIN)/.installed  ## pages in headless Chromium and the cross-organization sweep
	$(BIN)/python -m pytest -q -n auto --dist loadfile -m "browser or sweep"

test-races: $(BIN)/.installed  ## money races and random movements over concurrent HTTP (docs/local-stack.md)
	$(BIN)/python -m pytest -q -n auto --dist loadfile -m stack_races

contract: $(BIN)/.installed  ## Schemathesis against a fresh local stack (docs/openapi.md)
	$(BIN)/python -m pytest -q -s -m contract tests/contract

lint: $(BIN)/.installed  ## ruff (ruff.toml), mypy (mypy.ini), cfn-lint on the templates
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/mypy deploy
	$(BIN)/cfn-lint infra/template.yaml infra/artifacts.yaml

# The stage's one CloudFormation template, dist/$(STAGE)/template.yaml, and its code; no AWS
# credentials or region needed (docs/deploy.md). Downloads the requirements' Linux wheels.
package: $(BIN)/.installed
	$(BIN)/python -m deploy.package --stage $(STAGE)
	$(BIN)/cfn-lint dist/$(STAGE)/template.yaml

# The stack leadnod-$(STAGE) brought to that template through CloudFormation; safe to re-run.
deploy: package
	$(BIN)/python -m deploy --stage $(STAGE) --packaged dist/$(STAGE)

# The `chalice deploy` path instead (docs/deploy.md): infra stack, chalice deploy, post-deploy.
chalice-deploy: $(BIN)/.installed
	$(BIN)/python -m devstack.deploy --stage $(STAGE)

routes: $(BIN)/.installed  ## regenerate chalicelib/api/routes.json, what app.py registers lazily
	$(BIN)/python -m chalicelib.api.lazy_routes > chalicelib/api/routes.json.tmp
	mv chalicelib/api/routes.json.tmp chalicelib/api/routes.json

openapi: $(BIN)/.installed  ## regenerate docs/openapi.json from the routes and models
	$(BIN)/python -m chalicelib.openapi > docs/openapi.json.tmp
	mv docs/openapi.json.tmp docs/openapi.json

# pip install ./sdk/python into a fresh venv of each Python 3.8-3.12 found, and smoke-test it
# (needs the package index; the test suite checks the same offline on this Python)
sdk-check: $(BIN)/.installed
	$(BIN)/python sdk/python/scripts/check_pythons.py

bench: $(BIN)/.installed
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) .pytest_cache dist

# The SDKs in other languages and their shared conformance suite (sdk/conformance/) each bring
# their targets in mk/*.mk and add the ones CI runs to SDK_CI_TARGETS; `.ci/run` calls ci-sdks.
SDK_CI_TARGETS :=
-include mk/*.mk

.PHONY: ci-sdks
ci-sdks: $(SDK_CI_TARGETS)
