"""Time in one place, so tests can move it."""
from __future__ import annotations

from datetime import datetime, timezone


class Clock:
    """Wall clock. Tests substitute a `FrozenClock`."""

    def now(self) -> datetime:
        return datetime.now(timezone.utc)

    def timestamp(self) -> float:
        return self.now().timestamp()


class FrozenClock(Clock):
    def __init__(self, at: datetime | None = None) -> None:
        self._at = at or datetime(2026, 1, 1, tzinfo=timezone.utc)

    def now(self) -> datetime:
        return self._at

    def advance(self, seconds: float) -> None:
        from datetime import timedelta

        self._at += timedelta(seconds=seconds)


def isoformat(value: datetime) -> str:
    """ISO-8601 UTC with a `Z`, second precision: `2024-01-15T10:30:00Z`."""
    return value.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def sortable(value: datetime) -> str:
    """Microsecond ISO-8601 for sort keys, so items written in one second still order."""
    return value.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
