"""The table stream's one consumer (chalicelib/consumers/stream.py): every part sees every
batch, a failing part does not stop the others, and the batch then fails so Lambda retries it."""
from __future__ import annotations

from typing import Any

import pytest

from chalicelib.consumers.stream import PARTS, dispatch, part_handler


def test_the_parts_and_their_order():
    assert list(PARTS) == ["webhook_fanout", "escrow_followups", "analytics_aggregates",
                           "payment_entries", "matching_cleanup", "participant_names"]


def test_a_failing_part_does_not_stop_the_others_and_fails_the_batch():
    seen: list[tuple[str, int]] = []

    def part(name: str, fails: bool = False) -> Any:
        def run(records: list[dict[str, Any]]) -> None:
            seen.append((name, len(records)))
            if fails:
                raise RuntimeError(f"{name} failed")
        return run

    parts = {"first": part("first"), "second": part("second", fails=True),
             "third": part("third", fails=True)}
    with pytest.raises(RuntimeError, match="second failed"):  # the first failure
        dispatch([{"eventName": "INSERT"}] * 3, parts)
    assert seen == [("first", 3), ("second", 3), ("third", 3)]


def test_one_part_alone_takes_a_lambda_event(monkeypatch):
    seen: list[list[dict[str, Any]]] = []
    monkeypatch.setitem(PARTS, "analytics_aggregates", seen.append)
    part_handler("analytics_aggregates")({"Records": [{"eventName": "INSERT"}]}, None)
    assert seen == [[{"eventName": "INSERT"}]]


def test_the_lambda_handler_is_the_apps_only_stream_source():
    from app import app

    [source] = [s for s in app.event_sources if getattr(s, "stream_arn", None)]
    assert (source.name, source.batch_size, source.starting_position) == (
        "table_stream", 100, "TRIM_HORIZON")
