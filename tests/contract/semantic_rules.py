"""Schemathesis hooks for `make contract`: the API's rules that JSON Schema cannot state.

`positive_data_acceptance` (ST202) fails when the API refuses a request the OpenAPI document
allows. Some refusals are the API doing its job with a rule no schema can express: an opaque
signed cursor, a bound across two fields, the spelling of a number, the state of an object, the
DNS. A refusal that names one of the rules below (error code, `param`, message) is dropped;
every other ST202 still fails the run, so a document looser than the validators is still
caught. docs/openapi.md ("Contract testing") lists the same rules.

One more hook, `before_call`, keeps Idempotency-Keys unique: Schemathesis draws few distinct
keys (the coverage phase sends the same boundary values to every POST), and the API refuses a
key already used for another request (422, by design), so every later POST would be refused
before it is read. A valid key that was already sent gets a suffix and stays valid; an invalid
one is left as it is (it is what a negative case tests).

Imported by Schemathesis (`hooks` in schemathesis.toml; the runner puts this directory on
PYTHONPATH).
"""
from __future__ import annotations

import itertools
import json
import os
import re
from dataclasses import dataclass
from typing import Any, Callable

import schemathesis

Check = Callable[[dict[str, Any], Any], bool]  # (the error, the request body) -> applies


@dataclass(frozen=True)
class Rule:
    name: str
    code: str
    params: tuple[str, ...]     # the error's `param`, or a suffix of it ("*.max")
    says: tuple[str, ...] = ()  # a part of the message, any of them; () = any message
    check: Check | None = None  # a further test against the request

    def applies(self, error: dict[str, Any], body: Any) -> bool:
        param = str(error.get("param") or "")
        return (error.get("code") == self.code
                and any(param == p or (p.startswith("*") and param.endswith(p[1:]))
                        for p in self.params)
                and (not self.says or any(part in error.get("message", "") for part in self.says))
                and (self.check is None or self.check(error, body)))


def _at(body: Any, dotted: str) -> Any:
    for step in dotted.split("."):
        if isinstance(body, list) and step.isdigit() and int(step) < len(body):
            body = body[int(step)]
        elif isinstance(body, dict) and step in body:
            body = body[step]
        else:
            return None
    return body


def _sent_a_whole_float(error: dict[str, Any], body: Any) -> bool:
    value = _at(body, error["param"])
    return isinstance(value, float) and value.is_integer()


RULES = (
    Rule("cursors are opaque and signed: only a page's `next_cursor` is one",
         "invalid_cursor", ("cursor",)),
    Rule("`from` is on or before `to` (two parameters)",
         "invalid_parameter", ("from",), ("'from' date must",)),
    Rule("a report covers at most 366 days from `from` to `to` (two fields)",
         "invalid_parameter", ("to",), ("may cover at most 366 days",)),
    Rule("a salary range's `min` is at most its `max` (two fields)",
         "invalid_parameter", ("*base_salary_range",), ("'min' must be less than or equal",)),
    Rule("whole numbers are written without a fraction: 10.0 is refused where JSON Schema's "
         "`integer` admits it (money is never a float)",
         "invalid_parameter", ("amount", "value", "*.min", "*.max", "years_experience",
                              "*.years_experience"),
         ("must be an integer",), _sent_a_whole_float),
    Rule("grouped by `activity_type`, a report's only metric is `activities` (two fields)",
         "invalid_parameter", ("metrics",), ("Grouped by 'activity_type'",)),
    Rule("`value` is for `deal_closed` activities only (two fields)",
         "invalid_parameter", ("value",), ("applies to 'deal_closed'",)),
    Rule("a message goes to a `recipient_id` or a `conversation_id`: exactly one of them",
         "missing_parameter", ("recipient_id",), ("'recipient_id' or 'conversation_id'",)),
    Rule("a message goes to a `recipient_id` or a `conversation_id`: exactly one of them",
         "invalid_parameter", ("recipient_id", "conversation_id"), ("not both",)),
    Rule("a message about an engagement goes to its other party (a relationship)",
         "invalid_parameter", ("recipient_id",), ("is not a party to engagement",)),
    Rule("a balance is of an engagement or in a currency, not both (two parameters)",
         "invalid_parameter", ("currency",), ("not both",)),
    Rule("money moves only what the escrow holds (its state)",
         "insufficient_escrow_balance", ("amount",)),
    Rule("a sales professional's profile fields are for sales professionals (the account type)",
         "invalid_parameter", ("*",), ("applies to sales professionals only",)),
    Rule("a webhook host must resolve to a public address, and only loopback hosts may use "
         "http (the DNS and the host; the contract run has no DNS)",
         "invalid_parameter", ("url",),
         ("could not be resolved", "resolves to a private", "must use https")),
)


def _body(case: Any) -> Any:
    body = getattr(case, "body", None)
    return body if isinstance(body, (dict, list)) else None


def _errors(answer: Any) -> list[tuple[dict[str, Any], Any]]:
    """(error, the body it is about): the answer's error, or each bulk item's."""
    if not isinstance(answer, dict) or not isinstance(answer.get("error"), dict):
        return []
    items = answer.get("data")
    if isinstance(items, list) and items:  # a bulk refusal: each item's error, in place
        return [(item.get("error") or {}, item.get("index")) for item in items]
    return [(answer["error"], None)]


def rule_for(answer: Any, body: Any) -> Rule | None:
    """The rule every error of the answer is explained by, or None."""
    found = None
    for error, index in _errors(answer):
        about = body
        if index is not None:
            about = (_at(body, f"opportunities.{index}") if isinstance(body, dict) else None)
        rule = next((rule for rule in RULES if rule.applies(error, about)), None)
        if rule is None:
            return None
        found = found or rule
    return found


@schemathesis.hook
def filter_failure(context: Any, failure: Any, case: Any, response: Any) -> bool:
    if getattr(failure, "code", None) != "ST202":
        return True
    try:
        answer = response.json()
    except (ValueError, TypeError):
        return True
    rule = rule_for(answer, _body(case))
    if rule is None:
        return True
    record = os.environ.get("CONTRACT_ACCEPTED_LOG")
    if record:
        with open(record, "a", encoding="utf-8") as log:
            log.write(json.dumps({"rule": rule.name, "operation": failure.operation}) + "\n")
    return False


VALID_KEY = re.compile(r"^[\x21-\x7e]{1,255}$")  # the document's Idempotency-Key schema
_sent_keys: set[str] = set()
_suffixes = itertools.count(1)


@schemathesis.hook
def before_call(context: Any, case: Any, kwargs: Any) -> None:
    headers = getattr(case, "headers", None)  # a CaseInsensitiveDict
    key = headers.get("Idempotency-Key") if headers is not None else None
    if not (isinstance(key, str) and VALID_KEY.match(key)):
        return
    if key in _sent_keys:
        key = f"{key[:240]}~{next(_suffixes)}"
        headers["Idempotency-Key"] = key
    _sent_keys.add(key)
