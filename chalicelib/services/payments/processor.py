"""The payment processor: what charges a card. `SandboxProcessor` understands test payment
methods the way Stripe's test mode does; a live adapter implements the same two calls."""
from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class Charge:
    id: str
    amount: int
    currency: str
    payment_method: str


class PaymentDeclined(Exception):
    """The processor refused the charge; `code` becomes the payment's `failure_code`."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code, self.message = code, message


class PaymentProcessor(Protocol):
    def charge(self, *, amount: int, currency: str, payment_method: str, customer: str,
               idempotency_key: str) -> Charge:
        """Charge once per idempotency key (a retried call returns the first charge)."""

    def refund_charge(self, charge_id: str, *, reason: str) -> str:
        """Give a charge back in full (a charge that no payment could be credited with)."""


SUCCEEDING = ("pm_card_visa", "pm_card_mastercard", "pm_card_amex")
DECLINING = {
    "pm_card_declined": ("card_declined",
                         "Your card was declined (decline code: generic_decline)."),
    "pm_card_insufficient_funds": ("card_declined",
                                   "Your card has insufficient funds (decline code: "
                                   "insufficient_funds)."),
    "pm_card_expired": ("expired_card", "Your card has expired."),
}


def _ref(prefix: str, key: str) -> str:
    return f"{prefix}_" + hashlib.sha256(key.encode()).hexdigest()[:24]


class SandboxProcessor:
    """No network, no money: deterministic ids per idempotency key, a log for tests."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.log: list[tuple[str, str]] = []  # ("charge"|"refund", id)

    def charge(self, *, amount: int, currency: str, payment_method: str, customer: str,
               idempotency_key: str) -> Charge:
        if payment_method in DECLINING:
            raise PaymentDeclined(*DECLINING[payment_method])
        if payment_method not in SUCCEEDING:
            raise PaymentDeclined(
                "invalid_payment_method",
                f"No such payment method: '{payment_method}'. The sandbox accepts "
                f"{', '.join(SUCCEEDING)} and declines {', '.join(DECLINING)}.")
        charge = Charge(self.charge_id(idempotency_key), amount, currency, payment_method)
        with self._lock:
            if ("charge", charge.id) not in self.log:
                self.log.append(("charge", charge.id))
        return charge

    @staticmethod
    def charge_id(idempotency_key: str) -> str:
        return _ref("ch", idempotency_key)

    def refund_charge(self, charge_id: str, *, reason: str) -> str:
        refund_id = _ref("re", charge_id)
        with self._lock:
            if ("refund", charge_id) not in self.log:
                self.log.append(("refund", charge_id))
        return refund_id
