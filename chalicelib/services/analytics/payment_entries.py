"""Keeps each engagement's payment entries (storage/payment_entries.py) from the table stream:
the stream consumer's `payment_entries` part writes a payment's entry when it is created and
again when it settles or fails. Stream records of one item come in order, and again after a
failure; the entry's condition makes a replay harmless. Entries trail the payment by the
stream's delay, as the day items do (docs/analytics.md)."""
from __future__ import annotations

from typing import Any, Iterable

from ...storage.payment_entries import PaymentEntryRepository
from ...storage.stream_records import settled_or_new


class PaymentEntries:
    def __init__(self, entries: PaymentEntryRepository) -> None:
        self._entries = entries

    def from_stream(self, records: Iterable[dict[str, Any]]) -> int:
        """Record every new, settled or failed payment of the batch; returns how many entries
        were written."""
        return sum(self._entries.record(payment)
                   for payment in settled_or_new(records, "payment", "processing"))
