"""The Python SDK's conformance runner: `python python_runner.py <session.json>`.

Runs sdk/conformance/scenarios.json with `leadnod.Client` as sdk/conformance/README.md
describes, one JSON line per scenario on stdout. The reference for the other languages' runners:
`OPERATIONS` maps every abstract operation to the SDK's method and its positional arguments."""
from __future__ import annotations

import functools
import json
import re
import secrets
import sys
import time
import traceback
import urllib.request
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Tuple

SDK_SOURCE = Path(__file__).resolve().parents[2] / "python" / "src"
try:
    import leadnod
except ImportError:  # not installed: the source tree, as the SDK's tests import it
    sys.path.insert(0, str(SDK_SOURCE))
    import leadnod

# operation → the names of its arguments passed positionally (path parameters), in order;
# every other argument is a keyword argument of the same name (`from` is `from_`).
OPERATIONS: Dict[str, Tuple[str, ...]] = {
    "users.me": (), "users.update_me": (), "users.retrieve": ("id",), "users.search": (),
    "team.list": (), "team.add": (), "team.update": ("user_id",), "team.remove": ("user_id",),
    "team.transfer_ownership": ("user_id",), "users.rotate_credentials": (),
    "team.rotate_credentials": ("user_id",), "usage.retrieve": (),
    "opportunities.create": (), "opportunities.bulk_create": (), "opportunities.list": (),
    "opportunities.retrieve": ("id",), "opportunities.update": ("id",),
    "opportunities.delete": ("id",), "opportunities.express_interest": ("id",),
    "opportunities.interests": ("id",), "opportunities.matches": ("id",),
    "engagements.create": (), "engagements.list": (), "engagements.retrieve": ("id",),
    "engagements.start": ("id",), "engagements.complete": ("id",),
    "engagements.terminate": ("id",), "engagements.metrics": ("id",),
    "engagements.activities.log": ("engagement_id",),
    "engagements.activities.list": ("engagement_id",),
    "payments.escrow.fund": (), "payments.escrow.release": (), "payments.escrow.refund": (),
    "payments.escrow.dispute": (), "payments.balance": (), "payments.list": (),
    "payments.retrieve": ("id",), "payments.disputes.list": (),
    "payments.disputes.retrieve": ("id",), "payments.disputes.add_evidence": ("id",),
    "payments.disputes.accept": ("id",),
    "messages.send": (), "messages.conversations.list": (),
    "messages.conversations.retrieve": ("id",), "messages.preferences.retrieve": (),
    "messages.preferences.update": (),
    "analytics.summary": (), "analytics.engagement": ("engagement_id",),
    "analytics.reports.create": (), "analytics.reports.list": (),
    "analytics.reports.retrieve": ("id",), "analytics.export.request": (),
    "analytics.export.create": (), "analytics.export.retrieve": ("id",),
    "webhooks.create": (), "webhooks.list": (), "webhooks.retrieve": ("id",),
    "webhooks.update": ("id",), "webhooks.delete": ("id",), "webhooks.test": ("id",),
    "webhooks.deliveries": ("id",), "webhooks.retry_delivery": ("id", "delivery_id"),
    "events.list": (), "events.retrieve": ("id",),
}
KEYWORDS = {"from": "from_"}

# error kind → does this exception belong to it; APIError is the base of the others in
# Python, so the kind means the class itself (a 5xx, a status without a class of its own).
ERRORS: Dict[str, Callable[[BaseException], bool]] = {
    "APIError": lambda error: type(error) is leadnod.APIError}
for _kind in ("InvalidRequestError", "AuthenticationError", "PermissionDeniedError",
              "NotFoundError", "ConflictError", "RateLimitError", "APIConnectionError",
              "SignatureVerificationError"):
    ERRORS[_kind] = functools.partial(lambda cls, error: isinstance(error, cls),
                                      getattr(leadnod, _kind))

MISSING = object()
VARIABLE = re.compile(r"\$\{(\w+)\}")


class StepFailed(Exception):
    pass


def substitute(value: Any, variables: Dict[str, Any]) -> Any:
    def known(name: str) -> Any:
        if name not in variables:
            raise StepFailed(f"unknown variable ${name}")
        return variables[name]
    if isinstance(value, str):
        if re.fullmatch(r"\$\w+", value):
            return known(value[1:])
        return VARIABLE.sub(lambda match: str(known(match.group(1))), value)
    if isinstance(value, list):
        return [substitute(item, variables) for item in value]
    if isinstance(value, dict):
        return {key: substitute(item, variables) for key, item in value.items()}
    return value


def at(document: Any, path: str) -> Any:
    """The value at a dotted path (`data.0.id`), MISSING if there is none."""
    for part in path.split(".") if path else []:
        if isinstance(document, list) and part.isdigit() and int(part) < len(document):
            document = document[int(part)]
        elif isinstance(document, dict) and part in document:
            document = document[part]
        else:
            return MISSING
    return document


def matches(document: Any, fields: Dict[str, Any]) -> Optional[str]:
    """Why `document` does not have these field values, or None."""
    for path, expected in fields.items():
        found = at(document, path)
        if (None if found is MISSING else found) != expected:
            shown = "nothing" if found is MISSING else repr(found)
            return f"{path}: expected {expected!r}, got {shown}"
    return None


def as_json(answer: Any) -> Any:
    if answer is None or isinstance(answer, (bool, int, float, str)):
        return answer
    if isinstance(answer, (leadnod.SyncPage,)):
        return {"data": [as_json(item) for item in answer.data], "has_more": answer.has_more}
    if isinstance(answer, list):
        return [as_json(item) for item in answer]
    return answer.model_dump(mode="json", by_alias=True)


def check_answer(answer: Any, expect: Dict[str, Any]) -> None:
    problems: List[str] = []
    if "fields" in expect:
        problems.append(matches(answer, expect["fields"]) or "")
    for path in expect.get("present", []):
        if at(answer, path) in (MISSING, None):
            problems.append(f"{path}: expected a value, got none")
    for path, length in expect.get("length", {}).items():
        found = at(answer, path)
        if not isinstance(found, list) or len(found) != length:
            problems.append(f"{path}: expected {length} items, got "
                            f"{len(found) if isinstance(found, list) else 'no array'}")
    if "result" in expect and answer != expect["result"]:
        problems.append(f"expected the answer {expect['result']!r}, got {answer!r}")
    problems = [p for p in problems if p]
    if problems:
        raise StepFailed("; ".join(problems))


def check_items(items: List[Any], expect: Dict[str, Any]) -> None:
    if "count" in expect and len(items) != expect["count"]:
        raise StepFailed(f"expected {expect['count']} items, got {len(items)}")
    if "min_count" in expect and len(items) < expect["min_count"]:
        raise StepFailed(f"expected at least {expect['min_count']} items, got {len(items)}")
    for wanted in expect.get("contains", []):
        if all(matches(item, wanted) for item in items):
            raise StepFailed(f"no item has {wanted!r} among {len(items)}")
    for item in items:
        if "every" in expect and matches(item, expect["every"]):
            raise StepFailed(f"an item differs: {matches(item, expect['every'])}")


def check_error(error: BaseException, expect: Dict[str, Any]) -> None:
    kind = expect["error"]
    if not ERRORS[kind](error):
        raise StepFailed(f"expected {kind}, got {type(error).__name__}: {error}")
    for name in ("status", "code", "param"):
        if name in expect and getattr(error, name, None) != expect[name]:
            raise StepFailed(f"{kind}.{name}: expected {expect[name]!r}, "
                             f"got {getattr(error, name, None)!r}")


def control(url: str, body: Dict[str, Any]) -> None:
    request = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST",
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as answer:
        result = json.loads(answer.read())
    if not result.get("ok"):
        raise StepFailed(result.get("detail") or "the proxy said no")


class Scenario:
    def __init__(self, session: Dict[str, Any], scenario: Dict[str, Any]) -> None:
        self.session = session
        self.scenario = scenario
        self.variables: Dict[str, Any] = {**session.get("vars", {}), "run": secrets.token_hex(5)}
        self.clients: Dict[Tuple[str, str], Any] = {}

    def client(self, who: Any) -> Any:
        account = self.session["accounts"][who] if isinstance(who, str) else who
        key = (account["client_id"], account["client_secret"])
        if key not in self.clients:
            self.clients[key] = leadnod.Client(
                client_id=key[0], client_secret=key[1], base_url=self.session["base_url"],
                max_retries=2, timeout=30.0)
        return self.clients[key]

    def invoke(self, step: Dict[str, Any], name: str) -> Any:
        if name not in OPERATIONS:
            raise StepFailed(f"unknown operation {name}")
        method: Any = self.client(step.get("as", "client"))
        for attribute in name.split("."):
            method = getattr(method, attribute)
        args: Dict[str, Any] = dict(step.get("args", {}))
        positional = [args.pop(arg) for arg in OPERATIONS[name]]
        return method(*positional, **{KEYWORDS.get(k, k): v for k, v in args.items()})

    def call(self, step: Dict[str, Any]) -> None:
        expect = step.get("expect", {})
        deadline = time.monotonic() + step.get("poll_ms", 0) / 1000
        while True:
            try:
                self.call_once(step, expect)
                return
            except StepFailed:
                if time.monotonic() >= deadline:
                    raise
                time.sleep(0.3)

    def call_once(self, step: Dict[str, Any], expect: Dict[str, Any]) -> None:
        try:
            answer = as_json(self.invoke(step, step["call"]))
        except leadnod.LeadNodError as error:
            if "error" not in expect:
                raise StepFailed(f"{type(error).__name__} {error.status} {error.code}: "
                                 f"{error}") from None
            check_error(error, expect)
            return
        if "error" in expect:
            raise StepFailed(f"expected {expect['error']}, got an answer: {answer!r}")
        check_answer(answer, expect)
        for variable, path in step.get("save", {}).items():
            value = at(answer, path)
            if value is MISSING:
                raise StepFailed(f"save {variable}: nothing at {path}")
            self.variables[variable] = value

    def paginate(self, step: Dict[str, Any]) -> None:
        items = [as_json(item) for item in self.invoke(step, step["paginate"])]
        check_items(items, step.get("expect", {}))

    def verify_webhook(self, step: Dict[str, Any]) -> None:
        sample = self.session["webhooks"][step["verify_webhook"]]
        body, secret = sample["body"], sample["secret"]
        signature = sample["headers"]["x-leadnod-signature"]
        tamper = step.get("tamper")
        if tamper == "body":
            body += " "
        elif tamper == "secret":
            secret += "x"
        elif tamper == "signature":
            signature = signature[:-1] + ("1" if signature[-1] == "0" else "0")
        expect = step["expect"]
        try:
            result = leadnod.webhooks.verify(body, signature, secret)
        except leadnod.SignatureVerificationError as error:
            if "error" not in expect:
                raise StepFailed(f"verify raised {error}") from None
            check_error(error, expect)
            return
        if "error" in expect or result != expect.get("result", True):
            raise StepFailed(f"verify answered {result!r}, expected {expect!r}")

    def run(self) -> Dict[str, Any]:
        control_url = self.session["control_url"]
        steps = self.scenario["steps"]
        index = 0
        try:
            control(control_url, {"begin": self.scenario["name"]})
            for raw in steps:
                step = substitute(raw, self.variables)
                if "call" in step:
                    self.call(step)
                elif "paginate" in step:
                    self.paginate(step)
                elif "verify_webhook" in step:
                    self.verify_webhook(step)
                elif "fault" in step or "assert_requests" in step:
                    control(control_url, step)
                else:
                    raise StepFailed(f"unknown step {sorted(step)}")
                index += 1
            control(control_url, {"end": self.scenario["name"]})
        except StepFailed as failure:
            return {"scenario": self.scenario["name"], "ok": False, "step": index,
                    "detail": str(failure)}
        except Exception as crash:  # noqa: BLE001 - a crash is this scenario's failure
            traceback.print_exc(file=sys.stderr)
            return {"scenario": self.scenario["name"], "ok": False, "step": index,
                    "detail": f"{type(crash).__name__}: {crash}"}
        finally:
            for client in self.clients.values():
                client.close()
        return {"scenario": self.scenario["name"], "ok": True}


def main(session_path: str) -> int:
    session = json.loads(Path(session_path).read_text())
    scenarios = json.loads(Path(session["scenarios"]).read_text())
    only = session.get("only")
    passed = True
    for scenario in scenarios:
        if only and scenario["name"] not in only:
            continue
        result = Scenario(session, scenario).run()
        passed &= result["ok"]
        print(json.dumps(result), flush=True)
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
