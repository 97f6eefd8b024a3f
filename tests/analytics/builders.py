"""Marketplace and escrow items written as docs/data-model.md lays them out (those features live
on other branches), and events recorded the way every feature records them."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

from chalicelib.clock import sortable
from chalicelib.ids import new_id


def days_ago(n: int) -> date:
    return datetime.now(timezone.utc).date() - timedelta(days=n)


def at(day: date, hour: int = 10) -> str:
    """A stored (sortable, microsecond) time on that day."""
    return sortable(datetime(day.year, day.month, day.day, hour, tzinfo=timezone.utc))


def put_engagement(services: Any, client_id: str, pro_id: str, *, status: str = "active",
                   created: date | None = None, currency: str = "usd",
                   commission_rate: float | None = 0.1, **extra: Any) -> dict[str, Any]:
    eng_id = new_id("eng")
    created_at = at(created or days_ago(30), 9)
    terms: dict[str, Any] = {"compensation_model": "commission"}
    if commission_rate is not None:
        terms["commission_rate"] = Decimal(str(commission_rate))
    item = {"id": eng_id, "client_id": client_id, "sales_pro_id": pro_id,
            "opportunity_id": new_id("opp"), "opportunity_title": "Outbound pilot",
            "terms": terms, "status": status, "currency": currency, "created_at": created_at,
            "version": 1, **extra}
    services.table.put_item(Item={
        "PK": f"ENG#{eng_id}", "SK": "ENG", "entity": "engagement", **item,
        "GSI1PK": f"USER#{client_id}#ENGS", "GSI1SK": f"{created_at}#{eng_id}",
        "GSI2PK": f"USER#{pro_id}#ENGS", "GSI2SK": f"{created_at}#{eng_id}",
        "GSI3PK": f"OPP#{item['opportunity_id']}#ENGS", "GSI3SK": f"{created_at}#{eng_id}"})
    return item


def put_activity(services: Any, eng: dict[str, Any], activity_type: str, occurred: str, *,
                 value: int | None = None, description: str = "Intro call",
                 outcome: str | None = None) -> dict[str, Any]:
    activity = {"id": new_id("act"), "engagement_id": eng["id"], "type": activity_type,
                "description": description, "occurred_at": occurred, "outcome": outcome,
                "value": value, "logged_by": eng["sales_pro_id"], "created_at": occurred}
    services.table.put_item(Item={"PK": f"ENG#{eng['id']}",
                                  "SK": f"ACT#{occurred}#{activity['id']}",
                                  "entity": "activity",
                                  **{k: v for k, v in activity.items() if v is not None}})
    return activity


# Payments written here have no ledger transfers behind them (aggregation tests need only the
# items); conftest deletes them when the module ends.
FABRICATED_PAYMENT_IDS: set[str] = set()


def put_payment(services: Any, eng: dict[str, Any], amount: int, created: str, *,
                kind: str = "escrow_fund", status: str = "succeeded") -> dict[str, Any]:
    pay_id = new_id("pay")
    FABRICATED_PAYMENT_IDS.add(pay_id)
    payment = {"id": pay_id, "type": kind, "status": status, "amount": amount,
               "currency": eng["currency"], "engagement_id": eng["id"],
               "client_id": eng["client_id"], "sales_pro_id": eng["sales_pro_id"],
               "description": "Milestone 1", "created_at": created, "updated_at": created,
               "version": 1}
    services.table.put_item(Item={
        "PK": f"PAY#{pay_id}", "SK": "PAY", "entity": "payment", **payment,
        "GSI1PK": f"USER#{eng['client_id']}#PAYS", "GSI1SK": f"{created}#{pay_id}",
        "GSI2PK": f"USER#{eng['sales_pro_id']}#PAYS", "GSI2SK": f"{created}#{pay_id}",
        "GSI3PK": f"ENG#{eng['id']}#PAYS", "GSI3SK": f"{created}#{pay_id}"})
    return payment


def put_interest(services: Any, opp_id: str, client_id: str, pro_id: str, created: str) -> None:
    int_id = new_id("int")
    services.table.put_item(Item={
        "PK": f"OPP#{opp_id}", "SK": f"INTEREST#{pro_id}", "entity": "interest", "id": int_id,
        "opportunity_id": opp_id, "client_id": client_id, "sales_pro_id": pro_id,
        "created_at": created,
        "GSI1PK": f"OPP#{opp_id}#INTERESTS", "GSI1SK": f"{created}#{int_id}",
        "GSI2PK": f"USER#{pro_id}#INTERESTS", "GSI2SK": f"{created}#{int_id}"})


def record(services: Any, event_type: str, data: dict[str, Any],
           recipients: list[str]) -> dict[str, Any]:
    """Record an event as features do (EventRecorder actions in one transaction); returns the
    payload, which the stream then carries to the aggregator."""
    actions = services.events.record(event_type, data, recipients)
    services.store.transact(actions)
    return actions[-1]["Put"]["Item"]["payload"]


def activity_event(eng: dict[str, Any], activity_type: str, occurred: str,
                   value: int | None = None) -> tuple[str, dict[str, Any], list[str]]:
    return ("activity.logged", {
        "activity_id": new_id("act"), "engagement_id": eng["id"], "client_id": eng["client_id"],
        "sales_pro_id": eng["sales_pro_id"], "type": activity_type, "value": value,
        "occurred_at": occurred, "logged_by": eng["sales_pro_id"]},
        [eng["client_id"], eng["sales_pro_id"]])


def engagement_event(eng: dict[str, Any], verb: str,
                     status: str) -> tuple[str, dict[str, Any], list[str]]:
    return (f"engagement.{verb}", {
        "engagement_id": eng["id"], "opportunity_id": eng["opportunity_id"],
        "client_id": eng["client_id"], "sales_pro_id": eng["sales_pro_id"], "status": status,
        **({"reason": "Budget cut"} if verb == "terminated" else {})},
        [eng["client_id"], eng["sales_pro_id"]])


def money_event(eng: dict[str, Any], event_type: str,
                amount: int) -> tuple[str, dict[str, Any], list[str]]:
    """`escrow.funded`, `payment.received`, `payment.released` or `escrow.dispute` (opened), with
    the data services/payments/movements.py sends."""
    data: dict[str, Any] = {
        "engagement_id": eng["id"], "client_id": eng["client_id"],
        "sales_pro_id": eng["sales_pro_id"], "amount": amount, "currency": eng["currency"]}
    if event_type == "escrow.dispute":
        data.update(dispute_id=new_id("dsp"), opened_by=eng["client_id"], status="open",
                    reason="Milestone 2 was not delivered")
    elif event_type == "payment.released":
        data.update(payment_id=new_id("pay"), type="escrow_release", trigger="client")
    else:
        data.update(payment_id=new_id("pay"), type="escrow_fund")
    return event_type, data, [eng["client_id"], eng["sales_pro_id"]]


def apply(services: Any, event: tuple[str, dict[str, Any], list[str]]) -> dict[str, Any]:
    """Record the event and apply it directly (what the stream consumer would do)."""
    payload = record(services, *event)
    services.analytics_aggregator.apply(payload)
    return payload


def open_account(services: Any, user_id: str) -> None:
    """What sign-up adds to its transaction for a new account: its totals, marked as counted
    from the start (the analytics accounts here are bare PROFILE items, like those of before)."""
    from chalicelib.storage.aggregates import new_account_totals

    services.store.transact([new_account_totals(user_id)])


def put_open_opportunity(services: Any, client_id: str) -> str:
    opp_id, created = new_id("opp"), at(days_ago(60))
    services.opportunities_repo.create([{
        "id": opp_id, "client_id": client_id, "title": "Outbound AE", "status": "open",
        "industry": "saas", "created_at": created, "updated_at": created, "version": 1}], [])
    return opp_id


def send_interest(services: Any, opp_id: str, pro_id: str, created: str) -> None:
    """An interest written by T6 as it is now (counted in the pro's `interests_sent`)."""
    services.opportunities_repo.add_interest(opp_id, {
        "id": new_id("int"), "opportunity_id": opp_id, "sales_pro_id": pro_id,
        "message": "Keen", "created_at": created}, [])


def as_written_before_the_counters(services: Any, user_id: str) -> None:
    """Leave an account's totals as the aggregator wrote them before it kept the counters
    (everything else it wrote then is what it writes now)."""
    services.table.update_item(
        Key={"PK": f"USER#{user_id}", "SK": "AGG#ALL"},
        UpdateExpression="REMOVE active_sales_pros, active_sales_pros_version, #c",
        ExpressionAttributeNames={"#c": "counters"})
