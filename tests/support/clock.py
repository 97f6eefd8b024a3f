"""A clock tests move forward (tokens expiring, retries falling due, rate windows passing)."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from chalicelib.clock import Clock


class MovableClock(Clock):
    """Real time plus an offset that tests advance; tokens, SQS and Step Functions keep
    working on real time."""

    def __init__(self) -> None:
        self.offset = timedelta()

    def now(self) -> datetime:
        return datetime.now(timezone.utc) + self.offset

    def advance(self, seconds: float) -> None:
        self.offset += timedelta(seconds=seconds)
