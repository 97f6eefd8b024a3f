"""The refusals `make contract` accepts from schema-valid requests are exactly the API's rules
JSON Schema cannot state (semantic_rules.py); anything else stays a failure."""
from __future__ import annotations

import pytest
from semantic_rules import rule_for


def error(code: str, param: str | None, message: str) -> dict:
    return {"error": {"code": code, "message": message, "param": param, "doc_url": "x"}}


@pytest.mark.parametrize("answer, body, rule", [
    (error("invalid_cursor", "cursor", "The 'cursor' is invalid."), None, "cursors"),
    (error("invalid_parameter", "from", "The 'from' date must be on or before the 'to' date."),
     None, "`from`"),
    (error("invalid_parameter", "amount", "The 'amount' field must be an integer."),
     {"amount": 13718.0}, "whole numbers"),
    (error("invalid_parameter", "terms.base_salary_range.max",
           "The 'terms.base_salary_range.max' field must be an integer."),
     {"terms": {"base_salary_range": {"min": 1, "max": 2.0}}}, "whole numbers"),
    (error("invalid_parameter", "profile.years_experience",
           "The 'profile.years_experience' field must be an integer."),
     {"profile": {"years_experience": 59.0}}, "whole numbers"),
    (error("invalid_parameter", "to", "The range from 'from' to 'to' may cover at most 366 "
                                      "days; split longer periods."), None, "a report covers"),
    (error("insufficient_escrow_balance", "amount", "The amount exceeds the balance."), None,
     "money moves"),
    (error("invalid_parameter", "url", "The 'url' host could not be resolved."), None,
     "a webhook host"),
    ({**error("invalid_parameter", "opportunities", "None was created."), "data": [
        {"index": 0, "error": error("invalid_parameter", "base_salary_range",
                                    "The range's 'min' must be less than or equal to its "
                                    "'max'.")["error"]},
        {"index": 1, "error": error("invalid_parameter", "base_salary_range.min",
                                    "The 'base_salary_range.min' field must be an "
                                    "integer.")["error"]}]},
     {"opportunities": [{}, {"base_salary_range": {"min": 5.0, "max": 9}}]}, "a salary range"),
])
def test_refusals_by_a_rule_json_schema_cannot_state_are_explained(answer, body, rule):
    found = rule_for(answer, body)
    assert found is not None and found.name.startswith(rule)


@pytest.mark.parametrize("answer, body", [
    # The same message about a value that is not a whole float: the document is too loose.
    (error("invalid_parameter", "amount", "The 'amount' field must be an integer."),
     {"amount": 10.5}),
    (error("invalid_parameter", "title", "The 'title' field must not be blank."), {}),
    (error("invalid_parameter", "url", "The 'url' field must be an absolute URL."), {}),
    (error("invalid_cursor", "limit", "nope"), {}),
    ({"error": "invalid_client", "error_description": "OAuth"}, {}),
    # One bulk item refused for another reason: not explained.
    ({**error("invalid_parameter", "opportunities", "None was created."), "data": [
        {"index": 0, "error": error("invalid_parameter", "title", "blank")["error"]}]},
     {"opportunities": [{}]}),
])
def test_other_refusals_stay_failures(answer, body):
    assert rule_for(answer, body) is None


def test_a_sales_pro_field_sent_by_a_client_is_explained():
    answer = error("invalid_parameter", "profile.headline",
                   "The 'profile.headline' field applies to sales professionals only.")
    assert rule_for(answer, {}).name.startswith("a sales professional's profile")


def test_idempotency_keys_sent_again_get_a_suffix_and_stay_valid():
    from types import SimpleNamespace

    from semantic_rules import VALID_KEY, before_call

    from requests.structures import CaseInsensitiveDict

    def send(key: str) -> str:
        case = SimpleNamespace(headers=CaseInsensitiveDict({"idempotency-key": key}))
        before_call(None, case, {})
        return case.headers["Idempotency-Key"]

    first, again, long_again = send("k-unique-1"), send("k-unique-1"), send("x" * 255)
    assert first == "k-unique-1" and again != first and VALID_KEY.match(again)
    assert send("x" * 255) != long_again and all(len(k) <= 255 for k in (again, long_again))
    assert send("bad key") == send("bad key") == "bad key"   # a negative case stays invalid


def test_the_run_figures_come_from_the_summary_and_the_junit_report(tmp_path):
    from schemathesis_run import figures

    junit = tmp_path / "junit.xml"
    junit.write_text('<testsuites><testsuite failures="2" errors="1" tests="61"/></testsuites>')
    output = ("     Operations:       60 selected / 60 total\n...\nTest cases:\n"
              "  3599 generated, 1 found 1 unique failure, 23 skipped\n")
    found = figures(output, junit, 12.5)
    assert (found.operations, found.cases, found.failures) == (60, 3599, 3)
    assert figures(output, tmp_path / "none.xml", 1).failures == 1
