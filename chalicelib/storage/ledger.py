"""The double-entry ledger (keys: docs/data-model.md "Ledger, payments, disputes").

Every movement of money is a set of transfers, each moving `amount` from one account to another,
written in ONE TransactWriteItems with: the transfer item (put once, `attribute_not_exists`), one
Update per touched account (`ADD balance`, with `balance >= :debit` on accounts that may not go
negative), the engagement's flow counters and both parties' escrow totals. The sum of all
balances is therefore always zero, and a retried write of the same transfer id is refused whole.

The same builder serves synchronous writes (`Store.transact`) and Step Functions'
`aws-sdk:dynamodb:transactWriteItems` tasks (`to_wire`), so there is one shape to audit.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from boto3.dynamodb.types import TypeSerializer

from ..models.payments import ESCROW_FLOWS
from .keys import engagement_pk

COUNTERS = ESCROW_FLOWS  # the flow counters kept on escrow items and totals
# How each kind of transfer moves an engagement's flow counters (+1/-1 times the amount);
# `available` is the escrow balance itself, kept on the parties' totals only.
FLOWS: dict[str, dict[str, int]] = {
    "fund": {"funded": 1, "available": 1},
    "release": {"released": 1, "available": -1},
    "refund": {"refunded": 1, "available": -1},
    "hold": {"in_dispute": 1, "available": -1},
    "hold_release": {"in_dispute": -1, "released": 1},
    "hold_refund": {"in_dispute": -1, "refunded": 1},
}


@dataclass(frozen=True)
class Account:
    # ext:<client>:<cur>, escrow:<eng>, hold:<eng>, payable:<pro>:<cur>, refund:<client>:<cur>
    name: str
    pk: str
    sk: str
    kind: str
    currency: str

    @property
    def key(self) -> dict[str, str]:
        return {"PK": self.pk, "SK": self.sk}

    @property
    def postings_pk(self) -> str:
        """Its transfers: GSI1 lists its debits, GSI2 its credits."""
        return f"LEDGER#{self.name}"

    @property
    def may_go_negative(self) -> bool:
        """Only the client's funding source: it records money that came in from the card."""
        return self.kind == "ext"


def external(client_id: str, currency: str) -> Account:
    return Account(f"ext:{client_id}:{currency}", f"USER#{client_id}", f"ACCOUNT#ext#{currency}",
                   "ext", currency)


def escrow(engagement_id: str, currency: str) -> Account:
    return Account(f"escrow:{engagement_id}", engagement_pk(engagement_id), "ACCOUNT#escrow",
                   "escrow", currency)


def hold(engagement_id: str, currency: str) -> Account:
    return Account(f"hold:{engagement_id}", engagement_pk(engagement_id), "ACCOUNT#hold", "hold",
                   currency)


def payable(pro_id: str, currency: str) -> Account:
    return Account(f"payable:{pro_id}:{currency}", f"USER#{pro_id}",
                   f"ACCOUNT#payable#{currency}", "payable", currency)


def refunds(client_id: str, currency: str) -> Account:
    return Account(f"refund:{client_id}:{currency}", f"USER#{client_id}",
                   f"ACCOUNT#refund#{currency}", "refund", currency)


def escrow_key(engagement_id: str) -> dict[str, str]:
    return {"PK": engagement_pk(engagement_id), "SK": "ACCOUNT#escrow"}


def totals_key(user_id: str, currency: str) -> dict[str, str]:
    return {"PK": f"USER#{user_id}", "SK": f"ESCROW#{currency}"}


def transfer_key(transfer_id: str) -> dict[str, str]:
    return {"PK": f"TXF#{transfer_id}", "SK": "TXF"}


@dataclass(frozen=True)
class Transfer:
    id: str
    kind: str
    source: Account
    dest: Account
    amount: int
    engagement_id: str
    client_id: str
    sales_pro_id: str
    posted_at: str
    payment_id: str | None = None
    dispute_id: str | None = None

    def item(self) -> dict[str, Any]:
        item = {**transfer_key(self.id), "entity": "transfer", "id": self.id, "kind": self.kind,
                "from": self.source.name, "to": self.dest.name, "amount": self.amount,
                "currency": self.source.currency, "engagement_id": self.engagement_id,
                "client_id": self.client_id, "sales_pro_id": self.sales_pro_id,
                "posted_at": self.posted_at,
                # The account's postings: GSI1 = its debits, GSI2 = its credits.
                "GSI1PK": self.source.postings_pk, "GSI1SK": f"{self.posted_at}#{self.id}",
                "GSI2PK": self.dest.postings_pk, "GSI2SK": f"{self.posted_at}#{self.id}"}
        for name in ("payment_id", "dispute_id"):
            if getattr(self, name):
                item[name] = getattr(self, name)
        return item


@dataclass
class _ItemUpdate:
    key: dict[str, str]
    adds: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    sets: dict[str, Any] = field(default_factory=dict)
    conditions: list[tuple[str, str, Any]] = field(default_factory=list)  # (attr, op, value)

    def action(self) -> dict[str, Any]:
        names: dict[str, str] = {}
        values: dict[str, Any] = {}

        def name(attr: str) -> str:
            names.setdefault(f"#{attr}", attr)
            return f"#{attr}"

        def value(v: Any) -> str:
            values[f":v{len(values)}"] = v
            return f":v{len(values) - 1}"

        adds = ", ".join(f"{name(a)} {value(n)}" for a, n in self.adds.items())
        sets = ", ".join(f"{name(a)} = {value(v)}" for a, v in self.sets.items())
        update = " ".join(part for part in (f"ADD {adds}" if adds else "",
                                            f"SET {sets}" if sets else "") if part)
        body: dict[str, Any] = {"Key": self.key, "UpdateExpression": update}
        if self.conditions:
            body["ConditionExpression"] = " AND ".join(
                f"attribute_exists({name(a)})" if op == "exists" else f"{name(a)} {op} {value(v)}"
                for a, op, v in self.conditions)
        body["ExpressionAttributeNames"] = names
        body["ExpressionAttributeValues"] = values
        return {"Update": body}


def movement_actions(transfers: list[Transfer], *,
                     escrow_must_equal: int | None = None) -> list[dict[str, Any]]:
    """Transfer puts, then one Update per touched item. `escrow_must_equal` pins the escrow
    balance the caller read (auto-release moves exactly what it saw, or nothing)."""
    actions: list[dict[str, Any]] = [
        {"Put": {"Item": t.item(), "ConditionExpression": "attribute_not_exists(PK)"}}
        for t in transfers]
    updates: dict[tuple[str, str], _ItemUpdate] = {}
    debits: dict[tuple[str, str], int] = defaultdict(int)

    def update(key: dict[str, str], **sets: Any) -> _ItemUpdate:
        entry = updates.setdefault((key["PK"], key["SK"]), _ItemUpdate(key))
        entry.sets.update(sets)
        return entry

    for t in transfers:
        for account, delta in ((t.source, -t.amount), (t.dest, t.amount)):
            entry = update(account.key, entity="ledger_account", account=account.name,
                           kind=account.kind, currency=account.currency, last_transfer_id=t.id)
            entry.adds["balance"] += delta
            entry.adds["entries"] += 1
            if delta < 0 and not account.may_go_negative:
                debits[(account.pk, account.sk)] += -delta
        flows = {counter: sign * t.amount for counter, sign in FLOWS[t.kind].items()}
        eng = update(escrow_key(t.engagement_id))
        for counter in COUNTERS:
            if counter in flows:
                eng.adds[counter] += flows[counter]
        for user_id in (t.client_id, t.sales_pro_id):
            totals = update(totals_key(user_id, t.source.currency), entity="escrow_totals",
                            user_id=user_id, currency=t.source.currency)
            for counter, amount in flows.items():
                totals.adds[counter] += amount
    for (pk, sk), entry in updates.items():
        if (pk, sk) in debits:
            entry.conditions.append(("balance", ">=", debits[(pk, sk)]))
        if sk == "ACCOUNT#escrow":
            if escrow_must_equal is not None:
                entry.conditions.append(("balance", "=", escrow_must_equal))
            if "balance" not in entry.adds:  # counters only (settling a dispute hold)
                entry.conditions.append(("PK", "exists", None))
        entry.adds = {a: n for a, n in entry.adds.items() if n or a in ("balance", "entries")}
        actions.append(entry.action())
    return actions


def index_of(actions: list[dict[str, Any]], key: dict[str, str]) -> int:
    """Position of the action on `key` (to read TransactionCanceled reasons)."""
    for i, action in enumerate(actions):
        body = next(iter(action.values()))
        found = body.get("Key") or body.get("Item", {})
        if found.get("PK") == key["PK"] and found.get("SK") == key["SK"]:
            return i
    raise KeyError(key)


_serializer = TypeSerializer()


def wire_keys(keys: dict[str, dict[str, str]]) -> dict[str, dict[str, Any]]:
    """Named keys in DynamoDB's low-level JSON, as a Step Functions task passes a Key."""
    return {name: {k: _serializer.serialize(v) for k, v in key.items()}
            for name, key in keys.items()}


def to_wire(actions: list[dict[str, Any]], table_name: str) -> list[dict[str, Any]]:
    """Actions in DynamoDB's low-level JSON, as a Step Functions task passes TransactItems."""
    def typed(values: dict[str, Any]) -> dict[str, Any]:
        return {k: _serializer.serialize(v) for k, v in values.items()}

    wire = []
    for action in actions:
        (kind, body), = action.items()
        body = {"TableName": table_name, **body}
        for part in ("Item", "Key", "ExpressionAttributeValues"):
            if part in body:
                body[part] = typed(body[part])
        wire.append({kind: body})
    return wire
