"""Payment items, the engagement read payments need, and escrow balances (docs/data-model.md)."""
from __future__ import annotations

from typing import Any, cast

from boto3.dynamodb.conditions import Attr, Key

from .keys import engagement_key, engagement_list_pk
from .ledger import escrow_key, totals_key, wire_keys
from .records import EngagementRecord, LedgerAccountRecord, PaymentRecord
from .table import Action, NamedAction, PageResult, Refused, Store, TransactionFailed

PAYMENT_INDEX = {"client": "GSI1", "sales_pro": "GSI2"}
# Set on a failed payment in the write that records its payment.failed event: a failure the
# state machine wrote alone lacks it, and the stream follow-up records the event (followups.py).
FAILURE_RECORDED = "failure_event_recorded"


class PaymentExists(Refused[PaymentRecord]):
    """A payment with this id was already created (a retried request): `item` is that payment."""


class EngagementRefused(Refused[EngagementRecord]):
    """The engagement was missing (`item` None), in another status, or not the caller's."""


class EscrowRefused(Refused[LedgerAccountRecord]):
    """The escrow account refused: it holds another currency, or less than the debit.
    `item` is the account as it was."""


def payment_key(payment_id: str) -> dict[str, str]:
    return {"PK": f"PAY#{payment_id}", "SK": "PAY"}


def get_engagement(store: Store, engagement_id: str) -> EngagementRecord | None:
    """The one engagement read payments need (strongly consistent). When the engagements branch
    lands, this becomes `EngagementRepository.get(engagement_id)`."""
    return cast(EngagementRecord | None, store.get(engagement_key(engagement_id), consistent=True))


def engagement_check(engagement_id: str, *, statuses: tuple[str, ...],
                     client_id: str | None = None) -> dict[str, Any]:
    """ConditionCheck on the engagement: it exists, is in one of `statuses`, and (optionally)
    `client_id` is its client."""
    values: dict[str, Any] = {f":s{i}": s for i, s in enumerate(statuses)}
    condition = f"#status IN ({', '.join(values)})"
    if client_id:
        condition += " AND client_id = :client"
        values[":client"] = client_id
    return {"ConditionCheck": {"Key": engagement_key(engagement_id),
                               "ConditionExpression": condition,
                               "ExpressionAttributeNames": {"#status": "status"},
                               "ExpressionAttributeValues": values}}


def payment_item(payment: PaymentRecord) -> dict[str, Any]:
    """A payment with its list keys: client (GSI1), sales pro (GSI2), engagement (GSI3)."""
    sort = f"{payment['created_at']}#{payment['id']}"
    return {**payment_key(payment["id"]), "entity": "payment", **payment,
            "GSI1PK": f"USER#{payment['client_id']}#PAYS", "GSI1SK": sort,
            "GSI2PK": f"USER#{payment['sales_pro_id']}#PAYS", "GSI2SK": sort,
            "GSI3PK": engagement_list_pk(payment["engagement_id"], "PAYS"), "GSI3SK": sort}


def workflow_keys(payment: PaymentRecord) -> dict[str, Any]:
    """The keys a payment's state machine reads and writes, in DynamoDB's low-level JSON."""
    return wire_keys({"payment": payment_key(payment["id"]),
                      "escrow": escrow_key(payment["engagement_id"])})


def put_payment(payment: PaymentRecord) -> dict[str, Any]:
    return {"Put": {"Item": payment_item(payment),
                    "ConditionExpression": "attribute_not_exists(PK)"}}


def settle_payment(payment_id: str, now: str, **sets: Any) -> dict[str, Any]:
    """processing -> succeeded, once: the condition makes a replayed settlement fail whole."""
    names = {"#status": "status", "#updated_at": "updated_at",
             **{f"#{k}": k for k in sets}}
    values = {":processing": "processing", ":succeeded": "succeeded", ":now": now,
              **{f":{k}": v for k, v in sets.items()}}
    extra = "".join(f", #{k} = :{k}" for k in sets)
    return {"Update": {"Key": payment_key(payment_id),
                       "UpdateExpression": f"SET #status = :succeeded, #updated_at = :now{extra}",
                       "ConditionExpression": "#status = :processing",
                       "ExpressionAttributeNames": names, "ExpressionAttributeValues": values}}


def claim_escrow_currency(engagement_id: str, currency: str) -> dict[str, Any]:
    """An engagement's escrow holds one currency, fixed by its first funding request."""
    return {"Update": {"Key": escrow_key(engagement_id),
                       "UpdateExpression": "SET #currency = if_not_exists(#currency, :cur), "
                                           "#account = :account, #entity = :entity, #kind = :kind",
                       "ConditionExpression": "attribute_not_exists(#currency) OR #currency = :cur",
                       "ExpressionAttributeNames": {"#currency": "currency", "#account": "account",
                                                    "#entity": "entity", "#kind": "kind"},
                       "ExpressionAttributeValues": {":cur": currency,
                                                     ":account": f"escrow:{engagement_id}",
                                                     ":entity": "ledger_account",
                                                     ":kind": "escrow"}}}


class PaymentRepository:
    def __init__(self, store: Store) -> None:
        self.store = store

    def engagement(self, engagement_id: str) -> EngagementRecord | None:
        return get_engagement(self.store, engagement_id)

    def engagement_and_escrow(self, engagement_id: str
                              ) -> tuple[EngagementRecord | None, LedgerAccountRecord | None]:
        """The engagement and its escrow account, in one consistent BatchGetItem."""
        eng, escrow = engagement_key(engagement_id), escrow_key(engagement_id)
        found = self.store.batch_get([(eng["PK"], eng["SK"]), (escrow["PK"], escrow["SK"])],
                                     consistent=True)
        return (cast(EngagementRecord | None, found.get((eng["PK"], eng["SK"]))),
                cast(LedgerAccountRecord | None, found.get((escrow["PK"], escrow["SK"]))))

    def create(self, payment: PaymentRecord, *, statuses: tuple[str, ...],
               client_id: str | None = None, claim_currency: bool = False) -> None:
        """Put a `processing` payment (T10) while its engagement is in one of `statuses` (and
        `client_id`'s); `claim_currency` fixes the escrow's currency on first funding. Raises
        PaymentExists, EngagementRefused or EscrowRefused with the item that refused, or
        TransactionFailed when another write got there first."""
        eng = payment["engagement_id"]
        actions: list[Action | NamedAction] = [
            ("payment", put_payment(payment)),
            ("engagement", engagement_check(eng, statuses=statuses, client_id=client_id))]
        if claim_currency:
            actions.append(("escrow", claim_escrow_currency(eng, payment["currency"])))
        try:
            self.store.transact(actions)
        except TransactionFailed as exc:
            if exc.refused("payment"):
                raise PaymentExists(cast(PaymentRecord, exc.item("payment"))) from None
            if exc.refused("engagement"):
                raise EngagementRefused(cast(EngagementRecord, exc.item("engagement"))) from None
            if exc.refused("escrow"):
                raise EscrowRefused(cast(LedgerAccountRecord, exc.item("escrow"))) from None
            raise

    def mark_failed(self, payment: PaymentRecord, code: str, message: str, now: str,
                    events: list[Action]) -> bool:
        """processing -> failed with its reason and events, once; False if it had moved on."""
        try:
            self.store.transact([("payment", {"Update": {
                "Key": payment_key(payment["id"]),
                "UpdateExpression": "SET #status = :failed, failure_code = :code, "
                                    "failure_message = :message, updated_at = :now, "
                                    f"{FAILURE_RECORDED} = :recorded",
                "ConditionExpression": "#status = :processing",
                "ExpressionAttributeNames": {"#status": "status"},
                "ExpressionAttributeValues": {":failed": "failed", ":processing": "processing",
                                              ":code": code, ":message": message,
                                              ":now": now, ":recorded": True}}}), *events])
        except TransactionFailed as exc:
            if exc.refused("payment"):
                return False
            raise
        return True

    def record_failure(self, payment_id: str, events: list[Action]) -> bool:
        """The events of a payment failed without them (its state machine's MarkFailed writes
        the payment alone), once; False if they were recorded already."""
        try:
            self.store.transact([("payment", {"Update": {
                "Key": payment_key(payment_id),
                "UpdateExpression": f"SET {FAILURE_RECORDED} = :recorded",
                "ConditionExpression":
                    f"#status = :failed AND attribute_not_exists({FAILURE_RECORDED})",
                "ExpressionAttributeNames": {"#status": "status"},
                "ExpressionAttributeValues": {":failed": "failed", ":recorded": True}}}),
                *events])
        except TransactionFailed as exc:
            if exc.refused("payment"):
                return False
            raise
        return True

    def get(self, payment_id: str, consistent: bool = False) -> PaymentRecord | None:
        return cast(PaymentRecord | None,
                    self.store.get(payment_key(payment_id), consistent=consistent))

    def escrow_account(self, engagement_id: str) -> LedgerAccountRecord | None:
        return cast(LedgerAccountRecord | None,
                    self.store.get(escrow_key(engagement_id), consistent=True))

    def totals(self, user_id: str, currency: str) -> dict[str, Any] | None:
        return self.store.get(totals_key(user_id, currency), consistent=True)

    def page(self, *, scope: str, owner: tuple[str, str] | None, engagement_id: str | None,
             lower: str, upper: str, filters: dict[str, str], limit: int,
             cursor: str | None) -> PageResult:
        """Newest first: a party's payments (`owner` = (user id, user type)) or an engagement's,
        between two sortable times; `type`/`status` filter."""
        if engagement_id:
            index, pk = "GSI3", engagement_list_pk(engagement_id, "PAYS")
        else:
            user_id, user_type = owner  # type: ignore[misc]
            index, pk = PAYMENT_INDEX[user_type], f"USER#{user_id}#PAYS"
        condition = Key(f"{index}PK").eq(pk) & Key(f"{index}SK").between(lower, upper)
        extra: dict[str, Any] = {}
        if filters:
            expression = None
            for name, value in filters.items():
                term = Attr(name).eq(value)
                expression = term if expression is None else expression & term
            extra["FilterExpression"] = expression
        return self.store.page(scope, condition, limit=limit, cursor=cursor, index=index,
                               forward=False, **extra)
