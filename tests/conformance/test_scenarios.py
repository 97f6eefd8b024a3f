"""sdk/conformance/scenarios.json follows its README without a stack: every step is one known
kind, every operation is in the README's table (and the Python runner's), every variable is
defined before a step uses it. Runs in `make test`, so a broken scenario fails before any
runner meets it."""
from __future__ import annotations

import importlib.util
import json
import re
from typing import Any

import pytest

from support import ROOT

from .conftest import SCENARIOS
from .session import ACCOUNTS

README = ROOT / "sdk" / "conformance" / "README.md"
KINDS = {"call", "paginate", "verify_webhook", "fault", "assert_requests"}
EXPECTATIONS = {"call": {"fields", "present", "length", "result", "error", "status", "code",
                         "param"},
                "paginate": {"count", "min_count", "contains", "every"},
                "verify_webhook": {"result", "error"}}
ERROR_KINDS = {"InvalidRequestError", "AuthenticationError", "PermissionDeniedError",
               "NotFoundError", "ConflictError", "RateLimitError", "APIError",
               "APIConnectionError", "SignatureVerificationError"}
SESSION_VARS = {f"{name}_user_id" for name in ACCOUNTS} | {"webhook_url", "run"}


def documented_operations() -> set[str]:
    table = README.read_text().split("## Operations", 1)[1]
    return set(re.findall(r"^\| `([a-z_.]+)`", table, re.M))


def used_variables(value: Any) -> set[str]:
    if isinstance(value, str):
        whole = re.fullmatch(r"\$(\w+)", value)
        return {whole.group(1)} if whole else set(re.findall(r"\$\{(\w+)\}", value))
    if isinstance(value, list):
        return set().union(*map(used_variables, value)) if value else set()
    if isinstance(value, dict):
        return used_variables(list(value.values()))
    return set()


SCENARIO_LIST = json.loads(SCENARIOS.read_text())


def test_scenario_names_are_unique_identifiers() -> None:
    names = [s["name"] for s in SCENARIO_LIST]
    assert len(names) == len(set(names))
    assert all(re.fullmatch(r"[a-z0-9_]+", name) for name in names)


def test_the_python_runner_maps_every_documented_operation() -> None:
    path = ROOT / "sdk" / "conformance" / "runners" / "python_runner.py"
    spec = importlib.util.spec_from_file_location("conformance_python_runner", path)
    assert spec and spec.loader
    runner = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(runner)
    assert set(runner.OPERATIONS) == documented_operations()


@pytest.mark.parametrize("scenario", SCENARIO_LIST, ids=lambda s: s["name"])
def test_the_scenario_follows_the_protocol(scenario: dict[str, Any]) -> None:
    operations = documented_operations()
    defined = set(SESSION_VARS)
    assert set(scenario) == {"name", "description", "steps"} and scenario["steps"]
    for index, step in enumerate(scenario["steps"]):
        where = f"{scenario['name']} step {index}"
        [kind] = KINDS & set(step) or [None]
        assert kind and len(KINDS & set(step)) == 1, f"{where}: one of {sorted(KINDS)}"
        assert used_variables(step) <= defined, f"{where}: {used_variables(step) - defined}"
        expect = step.get("expect", {})
        assert set(expect) <= EXPECTATIONS.get(kind, set()), f"{where}: {sorted(expect)}"
        assert expect.get("error", "APIError") in ERROR_KINDS, where
        if kind in ("call", "paginate"):
            assert step[kind] in operations, f"{where}: {step[kind]} is not in the README"
            who = step.get("as", "client")
            assert (set(who) == {"client_id", "client_secret"} if isinstance(who, dict)
                    else who in ACCOUNTS), where
        if kind == "verify_webhook":
            assert step[kind] in ("user_updated", "ping"), where
            assert step.get("tamper") in (None, "body", "secret", "signature"), where
        if kind == "fault":
            assert step["fault"]["kind"] in ("status", "drop_response"), where
            assert step["fault"]["path"].startswith(("/v1/", "/oauth/")), where
        defined |= set(step.get("save", {}))
