"""Fixtures for the escrow tests: the payments-queue consumer and short review periods (from
tests/conftest.py, shared with the SDK tests), engagements written directly, and waiting
helpers with timeouts."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

import pytest

from support.accounts import new_account
from support.api import Api
from support.waiting import wait_until


@pytest.fixture(scope="package")
def pay(payments_poller: Any) -> Any:
    """The wired container, once for these tests (building boto3 clients and resources costs
    ~1 s), with the payments consumer running. Tests here never reset it."""
    from chalicelib import wiring

    return wiring.reset()


@pytest.fixture(scope="package")
def http(pay: Any) -> Api:
    return Api()


class People:
    """Shared accounts: `client`, `pro` and `stranger` are made once; `new()` makes more."""

    def __init__(self, services: Any) -> None:
        self._services = services
        self.client, self.pro = self.new("client"), self.new("sales_pro")
        self.stranger = self.new("client")

    def new(self, user_type: str, scopes: str = "read write") -> Any:
        # Shared for the whole package: no rate limits (these tests are not about them).
        return new_account(self._services, user_type, scopes=scopes, unlimited=True,
                           industry="saas",
                           company="Acme Corp" if user_type == "client" else None)


@pytest.fixture(scope="package")
def people(pay: Any) -> People:
    return People(pay)


def wait_payment(services: Any, payment_id: str, timeout: float = 10.0) -> dict[str, Any]:
    """The payment once it has left `processing`."""
    def done() -> dict[str, Any] | None:
        item = services.payments_repo.get(payment_id, consistent=True)
        return item if item and item["status"] != "processing" else None
    return wait_until(done, timeout)


def execution_of(services: Any, object_id: str) -> str:
    """The stored execution ARN of a payment or dispute (internal: the API never answers it)."""
    repo = services.disputes_repo if object_id.startswith("dsp_") else services.payments_repo
    return repo.get(object_id, consistent=True)["execution_arn"]


def wait_execution(services: Any, arn: str, timeout: float = 10.0) -> str:
    status = services.workflows.wait(arn, timeout)
    assert status != "RUNNING", f"{arn} still running after {timeout}s"
    return status


@dataclass
class Deal:
    """An engagement between two accounts, with shortcuts for the calls tests make."""
    id: str
    client: Any
    pro: Any
    services: Any
    api: Any

    def post(self, path: str, body: dict[str, Any] | None = None, *, as_: Any | None = None,
             key: str | None = None) -> Any:
        headers = {"Idempotency-Key": key} if key else None
        return self.api.post(path, token=(as_ or self.client).token, json_body=body or {},
                             headers=headers)

    def fund(self, amount: int, wait: bool = True, **extra: Any) -> dict[str, Any]:
        answer = self.post("/v1/payments/escrow/fund",
                           {"engagement_id": self.id, "amount": amount, **extra})
        assert answer.status in (201, 202), answer.body
        return wait_payment(self.services, answer.json()["id"]) if wait else answer.json()

    def release(self, amount: int, wait: bool = True) -> dict[str, Any]:
        answer = self.post("/v1/payments/escrow/release", {"engagement_id": self.id,
                                                           "amount": amount})
        assert answer.status in (201, 202), answer.body
        return wait_payment(self.services, answer.json()["id"]) if wait else answer.json()

    def balance(self, as_: Any | None = None) -> dict[str, Any]:
        answer = self.api.get(f"/v1/payments/balance?engagement_id={self.id}",
                              token=(as_ or self.client).token)
        assert answer.status == 200, answer.body
        return answer.json()

    def set_status(self, status: str) -> None:
        set_engagement_status(self.services, self.id, status)


def put_engagement(services: Any, client_id: str, pro_id: str, status: str = "active") -> str:
    """An engagement item as docs/data-model.md specifies it, written directly."""
    from chalicelib.clock import sortable
    from chalicelib.ids import new_id

    engagement_id = new_id("eng")
    now = sortable(services.clock.now())
    services.table.put_item(Item={
        "PK": f"ENG#{engagement_id}", "SK": "ENG", "entity": "engagement", "id": engagement_id,
        "client_id": client_id, "sales_pro_id": pro_id, "opportunity_id": new_id("opp"),
        "opportunity_title": "Enterprise AE for Q3", "status": status,
        "terms": {"compensation_model": "commission", "commission_rate": 10},
        "currency": "usd", "open_disputes": 0, "created_at": now, "updated_at": now,
        "version": 1})
    return engagement_id


def set_engagement_status(services: Any, engagement_id: str, status: str) -> dict[str, Any]:
    from chalicelib.clock import sortable

    stamp = {"completed": "completed_at", "terminated": "terminated_at",
             "active": "started_at"}.get(status)
    expression = "SET #s = :s" + (f", {stamp} = :now" if stamp else "")
    values: dict[str, Any] = {":s": status}
    if stamp:
        values[":now"] = sortable(services.clock.now())
    return services.table.update_item(
        Key={"PK": f"ENG#{engagement_id}", "SK": "ENG"}, UpdateExpression=expression,
        ExpressionAttributeNames={"#s": "status"}, ExpressionAttributeValues=values,
        ReturnValues="ALL_NEW")["Attributes"]


@pytest.fixture(scope="package")
def make_deal(pay: Any, http: Any, people: People) -> Callable[..., Deal]:
    """A new engagement; between the module's client and pro unless `fresh` (own accounts,
    so per-user totals start at zero) or explicit accounts are asked for."""
    def make(status: str = "active", fresh: bool = False, client: Any = None,
             pro: Any = None) -> Deal:
        client = client or (people.new("client") if fresh else people.client)
        pro = pro or (people.new("sales_pro") if fresh else people.pro)
        return Deal(put_engagement(pay, client.user_id, pro.user_id, status), client, pro,
                    pay, http)
    return make


@pytest.fixture
def deal(make_deal: Callable[..., Deal]) -> Deal:
    return make_deal()


def events_of(services: Any, user_id: str, event_type: str) -> list[dict[str, Any]]:
    """The user's stored events of one type (the `GET /v1/events` feed items)."""
    from boto3.dynamodb.conditions import Attr, Key

    items = services.store.query_all(Key("PK").eq(f"USER#{user_id}") &
                                     Key("SK").begins_with("EVT#"),
                                     FilterExpression=Attr("type").eq(event_type))
    return [item["payload"] for item in items]


def audit(services: Any, **kwargs: Any) -> Any:
    from chalicelib.services.payments.audit import LedgerAudit
    from chalicelib.storage.ledger_reads import LedgerReads

    return LedgerAudit(LedgerReads(services.store)).run(retries=0, **kwargs)
