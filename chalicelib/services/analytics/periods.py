"""Days, weeks (ISO, starting Monday) and months, and the `from`/`to` rules of analytics."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Iterator

from ...errors import InvalidParameter

MAX_RANGE_DAYS = 366  # "a year": any 12 months, leap years included


@dataclass(frozen=True)
class DayRange:
    """Inclusive range of UTC days. `first` None means "since the beginning"."""
    first: date | None
    last: date

    @property
    def first_key(self) -> str | None:
        return self.first.isoformat() if self.first else None

    @property
    def last_key(self) -> str:
        return self.last.isoformat()

    def days(self) -> Iterator[date]:
        day = self.first or self.last
        while day <= self.last:
            yield day
            day += timedelta(days=1)


def check_order(first: date | None, last: date | None) -> None:
    if first and last and first > last:
        raise InvalidParameter("The 'from' date must be on or before the 'to' date.",
                               param="from")


def bounded_range(first: date | None, last: date | None, today: date,
                  default_days: int = 30) -> DayRange:
    """A report range: defaults to the last `default_days` days; at most a year."""
    check_order(first, last)
    last = last or max(today, first or today)
    first = first or last - timedelta(days=default_days - 1)
    if (last - first).days + 1 > MAX_RANGE_DAYS:
        raise InvalidParameter(f"The range from 'from' to 'to' may cover at most "
                               f"{MAX_RANGE_DAYS} days; split longer periods.", param="to")
    return DayRange(first, last)


def open_range(first: date | None, last: date | None, today: date) -> DayRange:
    """A summary or export range: unbounded at the start when `from` is absent."""
    check_order(first, last)
    return DayRange(first, last or max(today, first or today))


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def bucket(day: date, group_by: str) -> str:
    """The label of the period a day falls in: `2026-01-05` (day or week start) or `2026-01`."""
    if group_by == "week":
        return week_start(day).isoformat()
    if group_by == "month":
        return day.strftime("%Y-%m")
    return day.isoformat()


def buckets(days: DayRange, group_by: str) -> list[str]:
    """Every period label of the range in order, so empty periods still get a row."""
    return list(dict.fromkeys(bucket(day, group_by) for day in days.days()))
