"""Request counters for rate limiting (keys: docs/data-model.md, "Rate limits and idempotency").

One item per subject (an account, or a client id's failed authentications) per UTC day:

    PK = RATE#<user_id> | ADDR#<source ip> | AUTHFAIL#<client_id>      SK = DAY#<yyyymmdd>
    d = requests counted today            m<HHMM> = requests counted in that minute
    ttl = two days after the day's end

Both the day count and the current *and* previous minute's counts live on that one item, so
one conditional `UpdateItem` counts a request and returns everything the sliding window needs.
Only those two minutes matter; older minute counters are removed by later hits (the one
before the previous minute always, and those the caller saw on the item last time), which
keeps the item far below 1 KB: every write costs one write unit.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from typing import Any

from boto3.dynamodb.types import TypeDeserializer
from botocore.exceptions import ClientError

MINUTES_PER_DAY = 1440
MAX_REMOVED = 10  # older minute counters removed per hit, besides the one before the previous
_deserialize = TypeDeserializer().deserialize


def account_subject(user_id: str) -> str:
    return f"RATE#{user_id}"


def address_subject(source_ip: str) -> str:
    """Unauthenticated requests, counted per source address."""
    return f"ADDR#{source_ip}"


def auth_failure_subject(client_id: str) -> str:
    return f"AUTHFAIL#{client_id}"


def counter_key(subject: str, day: date) -> dict[str, str]:
    return {"PK": subject, "SK": f"DAY#{day:%Y%m%d}"}


def minute_attribute(minute_of_day: int) -> str:
    return f"m{minute_of_day // 60:02d}{minute_of_day % 60:02d}"


@dataclass(frozen=True)
class Counts:
    """The counters after a counted hit, or as they were when the hit was refused.

    `previous` is None in the first minute of a day (that count is on yesterday's item);
    `older` lists the minutes before the previous one that still have a counter."""
    counted: bool
    current: int
    previous: int | None
    day: int
    older: tuple[int, ...] = ()


class RateCounters:
    def __init__(self, table: Any) -> None:
        self.table = table

    def hit(self, subject: str, day: date, minute: int, *, current_below: int,
            day_below: int | None, expires_at: int, remove: tuple[int, ...] = ()) -> Counts:
        """Count one request in `minute` (of `day`) and in the day, in one conditional
        UpdateItem: only if this minute's count is below `current_below` and the day's below
        `day_below` (None: no daily limit). Refused hits are not counted. Also removes the
        counters of the minute before the previous one and of the `remove` minutes."""
        current, previous = minute_attribute(minute), minute_attribute(minute - 1)
        older = sorted({m for m in (minute - 2, *remove[:MAX_REMOVED]) if 0 <= m < minute - 1})
        expression = f"ADD d :one, {current} :one SET #ttl = :ttl"
        if older:
            expression += " REMOVE " + ", ".join(minute_attribute(m) for m in older)
        # A missing minute counter is 0, which is below a positive bound only; with a bound of
        # 0 or less (the previous minute alone fills the window) nothing may be counted.
        minute_ok = (f"(attribute_not_exists({current}) OR {current} < :current_below)"
                     if current_below > 0 else f"{current} < :current_below")
        values: dict[str, Any] = {":one": 1, ":ttl": expires_at, ":current_below": current_below}
        condition = minute_ok
        if day_below is not None:
            condition += " AND (attribute_not_exists(d) OR d < :day_below)"
            values[":day_below"] = day_below
        try:
            item = self.table.update_item(
                Key=counter_key(subject, day), UpdateExpression=expression,
                ConditionExpression=condition, ExpressionAttributeValues=values,
                ExpressionAttributeNames={"#ttl": "ttl"},
                ReturnValues="ALL_NEW", ReturnValuesOnConditionCheckFailure="ALL_OLD",
            )["Attributes"]
            counted = True
        except ClientError as exc:
            if exc.response["Error"]["Code"] != "ConditionalCheckFailedException":
                raise
            # The low-level error response is not deserialised by the resource layer.
            item = {k: _deserialize(v) for k, v in (exc.response.get("Item") or {}).items()}
            counted = False
        return Counts(counted=counted, current=int(item.get(current, 0)),
                      previous=int(item.get(previous, 0)) if minute > 0 else None,
                      day=int(item.get("d", 0)),
                      older=tuple(m for m in _minutes(item) if m < minute - 1))

    def read(self, subject: str, day: date, minute: int) -> Counts:
        """The counts as they are (a consistent GetItem): this minute, the previous, the day."""
        item = self.table.get_item(Key=counter_key(subject, day),
                                   ConsistentRead=True).get("Item", {})
        return Counts(counted=False, current=int(item.get(minute_attribute(minute), 0)),
                      previous=int(item.get(minute_attribute(minute - 1), 0))
                      if minute > 0 else None, day=int(item.get("d", 0)))

    def last_minute_of(self, subject: str, day: date) -> int:
        """The count of the day's last minute (the previous minute of the next day's first)."""
        name = minute_attribute(MINUTES_PER_DAY - 1)
        item = self.table.get_item(Key=counter_key(subject, day), ProjectionExpression=name)
        return int(item.get("Item", {}).get(name, 0))

    def uncount(self, subject: str, day: date, minute: int) -> None:
        """Take back one counted hit (a reserved attempt that turned out not to count)."""
        current = minute_attribute(minute)
        try:
            self.table.update_item(
                Key=counter_key(subject, day),
                UpdateExpression=f"ADD d :minus, {current} :minus",
                ConditionExpression=f"{current} > :zero",  # never below zero
                ExpressionAttributeValues={":minus": -1, ":zero": 0})
        except ClientError as exc:
            if exc.response["Error"]["Code"] != "ConditionalCheckFailedException":
                raise


def _minutes(item: dict[str, Any]) -> list[int]:
    return sorted(int(name[1:3]) * 60 + int(name[3:]) for name in item
                  if len(name) == 5 and name[0] == "m" and name[1:].isdigit())


def day_expiry(day: date) -> int:
    """Counter items may go two days after their day (the next day's first minute still reads
    this day's last one; the margin keeps a day's item around for support questions)."""
    end = datetime.combine(day + timedelta(days=3), time.min, tzinfo=timezone.utc)
    return int(end.timestamp())
