"""`client.payments`: escrow (fund, release, refund, dispute), history, balances, disputes."""
from __future__ import annotations

from datetime import datetime
from typing import Any, Optional, Union

from .._pagination import AsyncPage
from .._types import body, path_id, query
from ..models import Dispute, EscrowBalance, Payment
from ._base import AsyncAPIResource

DateLike = Union[datetime, str, None]


class AsyncEscrow(AsyncAPIResource):
    """`client.payments.escrow`: every call moves money, so each is sent with an
    Idempotency-Key (yours, or one made per call and reused by its retries): the API then
    moves the money once however often the request arrives. Amounts are minor units."""

    async def fund(self, *, engagement_id: str, amount: int, currency: Optional[str] = None,
                   payment_method: Optional[str] = None,
                   idempotency_key: Optional[str] = None) -> Payment:
        """Charge the client and hold the money in the engagement's escrow
        (`POST /v1/payments/escrow/fund`). The answer is usually `processing`; follow it
        with `payments.retrieve(id)`. The sandbox charges `pm_card_visa` by default."""
        return await self._post("/payments/escrow/fund", cast=Payment, body=body(
            engagement_id=engagement_id, amount=amount, currency=currency,
            payment_method=payment_method), idempotency_key=idempotency_key)

    async def release(self, *, engagement_id: str, amount: int,
                      description: Optional[str] = None,
                      idempotency_key: Optional[str] = None) -> Payment:
        """Pay the sales professional from escrow (the client;
        `POST /v1/payments/escrow/release`)."""
        return await self._post("/payments/escrow/release", cast=Payment, body=body(
            engagement_id=engagement_id, amount=amount, description=description),
            idempotency_key=idempotency_key)

    async def refund(self, *, engagement_id: str, amount: int, reason: Optional[str] = None,
                     idempotency_key: Optional[str] = None) -> Payment:
        """Return escrowed money to the client (`POST /v1/payments/escrow/refund`)."""
        return await self._post("/payments/escrow/refund", cast=Payment, body=body(
            engagement_id=engagement_id, amount=amount, reason=reason),
            idempotency_key=idempotency_key)

    async def dispute(self, *, engagement_id: str, amount: int, reason: str,
                      idempotency_key: Optional[str] = None) -> Dispute:
        """Dispute an amount of the escrow, which is frozen until the dispute is decided
        (either party; `POST /v1/payments/escrow/dispute`)."""
        return await self._post("/payments/escrow/dispute", cast=Dispute, body=body(
            engagement_id=engagement_id, amount=amount, reason=reason),
            idempotency_key=idempotency_key)


class AsyncDisputes(AsyncAPIResource):
    """`client.payments.disputes`."""

    def list(self, *, engagement_id: Optional[str] = None, status: Optional[str] = None,
             limit: Optional[int] = None) -> AsyncPage[Dispute]:
        """The caller's disputes, newest first (`GET /v1/payments/disputes`). `status`:
        open, under_review or resolved."""
        return self._list("/payments/disputes", cast=Dispute, params=query(
            engagement_id=engagement_id, status=status, limit=limit))

    async def retrieve(self, dispute_id: str) -> Dispute:
        """One dispute with its evidence (`GET /v1/payments/disputes/{id}`)."""
        return await self._get(f"/payments/disputes/{path_id(dispute_id, 'dispute_id')}",
                               cast=Dispute)

    async def add_evidence(self, dispute_id: str, *, text: str) -> Dispute:
        """Add evidence to an undecided dispute (either party;
        `POST /v1/payments/disputes/{id}/evidence`)."""
        return await self._post(
            f"/payments/disputes/{path_id(dispute_id, 'dispute_id')}/evidence", cast=Dispute,
            body=body(text=text))

    async def accept(self, dispute_id: str, *, idempotency_key: Optional[str] = None) -> Dispute:
        """Concede a dispute the other party opened, in full
        (`POST /v1/payments/disputes/{id}/accept`)."""
        return await self._post(
            f"/payments/disputes/{path_id(dispute_id, 'dispute_id')}/accept", cast=Dispute,
            body={}, idempotency_key=idempotency_key)


class AsyncPayments(AsyncAPIResource):
    def __init__(self, client: Any) -> None:
        super().__init__(client)
        self.escrow = AsyncEscrow(client)
        self.disputes = AsyncDisputes(client)

    def list(self, *, engagement_id: Optional[str] = None, type: Optional[str] = None,
             status: Optional[str] = None, from_: DateLike = None, to: DateLike = None,
             limit: Optional[int] = None) -> AsyncPage[Payment]:
        """Payment history, newest first (`GET /v1/payments`). `type`: escrow_fund,
        escrow_release or escrow_refund; `status`: processing, succeeded or failed;
        `from_`/`to` bound the creation time."""
        return self._list("/payments", cast=Payment, params=query(
            engagement_id=engagement_id, type=type, status=status, from_=from_, to=to,
            limit=limit))

    async def retrieve(self, payment_id: str) -> Payment:
        """One payment (`GET /v1/payments/{id}`)."""
        return await self._get(f"/payments/{path_id(payment_id, 'payment_id')}", cast=Payment)

    async def balance(self, *, engagement_id: Optional[str] = None,
                      currency: Optional[str] = None) -> EscrowBalance:
        """An engagement's escrow, or (without `engagement_id`) the caller's totals
        (`GET /v1/payments/balance`)."""
        return await self._get("/payments/balance", cast=EscrowBalance, params=query(
            engagement_id=engagement_id, currency=currency))
