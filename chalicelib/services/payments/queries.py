"""Reading money: one payment, a party's payment history, escrow balances."""
from __future__ import annotations

from datetime import datetime, timezone

from ...auth.caller import Caller
from ...clock import sortable
from ...errors import InvalidParameter
from ...models.common import Page
from ...models.money import DEFAULT_CURRENCY
from ...models.payments import (BalanceParams, EscrowBalance, EscrowFigures, Payment,
                                PaymentListParams)
from ...storage.payments import PaymentRepository
from ..access import require_party
from .escrow import EscrowService



def _bound(value: datetime | None, default: str) -> str:
    if value is None:
        return default
    return sortable(value if value.tzinfo else value.replace(tzinfo=timezone.utc))


class PaymentQueries:
    def __init__(self, payments: PaymentRepository, escrow: EscrowService) -> None:
        self._payments, self._escrow = payments, escrow

    def get(self, caller: Caller, payment_id: str) -> Payment:
        return Payment.model_validate(
            require_party(caller, self._payments.get(payment_id), "payment", payment_id))

    def history(self, caller: Caller, params: PaymentListParams) -> Page[Payment]:
        """Newest first. Both parties see a payment; `engagement_id` narrows to one engagement
        (parties only), `from`/`to` bound `created_at`."""
        if params.engagement_id:
            self._escrow.engagement_for(caller, params.engagement_id)
        lower = _bound(params.created_from, "0000")
        upper = _bound(params.created_to, "9999") + "~"
        filters: dict[str, str] = {
            k: v for k, v in (("type", params.type), ("status", params.status)) if v}
        scope = (f"pays:{caller.user_id}:eng={params.engagement_id}:{lower}:{upper}:"
                 f"{sorted(filters.items())}")
        page = self._payments.page(
            scope=scope, owner=(caller.user_id, caller.user_type),
            engagement_id=params.engagement_id, lower=lower, upper=upper, filters=filters,
            limit=params.limit, cursor=params.cursor)
        return Page[Payment](data=[Payment.model_validate(i) for i in page.items],
                             has_more=page.has_more, next_cursor=page.next_cursor)

    def balance(self, caller: Caller, params: BalanceParams) -> EscrowBalance:
        """One engagement's escrow (parties only), or the caller's totals in one currency
        across all their engagements."""
        if params.engagement_id:
            if params.currency:
                raise InvalidParameter("Give 'engagement_id' or 'currency', not both: an "
                                       "engagement's escrow has one currency.", param="currency")
            engagement, account = self._payments.engagement_and_escrow(params.engagement_id)
            require_party(caller, engagement, "engagement", params.engagement_id,
                          param="engagement_id")
            figures = EscrowFigures.from_item(account or {}, DEFAULT_CURRENCY, "balance")
            return EscrowBalance(engagement_id=params.engagement_id, **figures.model_dump())
        currency = params.currency or DEFAULT_CURRENCY
        totals = self._payments.totals(caller.user_id, currency) or {}
        figures = EscrowFigures.from_item({**totals, "currency": currency}, currency)
        return EscrowBalance(engagement_id=None, **figures.model_dump())
