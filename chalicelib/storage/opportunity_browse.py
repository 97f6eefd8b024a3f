"""The sales pros' browse list of open opportunities across every client, newest first.

Open opportunities are spread over `OPEN_OPP_SHARDS` GSI2 partitions (`OPPS#OPEN#<shard>`) so
that no single index partition takes every open opportunity's writes and every browse. A page
reads each shard from its own position, merges by `GSI2SK` (created time), and the cursor keeps
one position per shard that still has items (exhausted shards are dropped from it).
"""
from __future__ import annotations

from typing import Any

from boto3.dynamodb.conditions import Key

from .opportunities import OPEN_OPP_SHARDS, filter_expression
from .table import PageResult, Store

INDEX = "GSI2"


def _position(item: dict[str, Any]) -> dict[str, Any]:
    return {"PK": item["PK"], "SK": item["SK"], "GSI2PK": item["GSI2PK"], "GSI2SK": item["GSI2SK"]}


class OpenOpportunityBrowser:
    def __init__(self, store: Store) -> None:
        self.store = store

    def _read(self, shard: str, start: dict[str, Any] | None, want: int,
              extra: dict[str, Any]) -> list[dict[str, Any]]:
        """Up to `want` matching items of one shard after `start` (a filter may need several
        Query calls to fill them)."""
        items: list[dict[str, Any]] = []
        while len(items) < want:
            batch, start = self.store.query(
                Key("GSI2PK").eq(f"OPPS#OPEN#{shard}"), index=INDEX, forward=False,
                limit=max(2 * want, 50) if extra else want - len(items), start_key=start, **extra)
            items.extend(batch)
            if not start:
                break
        return items[:want]

    def page(self, filters: dict[str, str], *, limit: int, cursor: str | None,
             scope: str) -> PageResult:
        """One merged page. Each shard is read for `limit + 1` items, enough to fill the page
        and to know whether that shard has more."""
        positions: dict[str, Any] = (self.store.cursors.decode(scope, cursor) if cursor else
                                     {str(shard): None for shard in range(OPEN_OPP_SHARDS)})
        extra = filter_expression(filters)
        fetched = {shard: self._read(shard, start, limit + 1, extra)
                   for shard, start in positions.items()}
        merged = sorted(((item["GSI2SK"], shard, item) for shard, items in fetched.items()
                         for item in items), key=lambda entry: entry[0], reverse=True)[:limit]
        taken: dict[str, list[dict[str, Any]]] = {shard: [] for shard in fetched}
        for _, shard, item in merged:
            taken[shard].append(item)
        remaining: dict[str, Any] = {}
        for shard, items in fetched.items():
            if len(taken[shard]) < len(items):  # this shard still has items after the page
                remaining[shard] = (_position(taken[shard][-1]) if taken[shard]
                                    else positions[shard])
        next_cursor = self.store.cursors.encode(scope, remaining) if remaining else None
        return PageResult(items=[item for _, _, item in merged], next_cursor=next_cursor)
