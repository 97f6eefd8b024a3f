"""Lambda's event sources for bench/_meter.py, in process: the local stack's own pollers
(devstack/pollers.py) called one batch at a time, and the event filters infra/stack.yaml gives
the stream consumers."""
from __future__ import annotations

import json
import os
import threading
from pathlib import Path
from typing import Any, Callable


def event_sources(app: Any, session: Any,
                  wrap: Callable[..., Any]) -> list[Callable[[], int]]:
    """`poll_once` of a poller per queue and stream handler of the app (devstack/pollers.py)."""
    from devstack import pollers

    stop, polls = threading.Event(), []
    sqs, streams = session.client("sqs"), pollers.streams_client(session)
    for source in app.event_sources:
        handler = app.handler_map[source.name]
        if getattr(source, "stream_arn", None):
            # The table's stream now: `app` may have been imported against an earlier moto
            # backend in this process (`make bench` runs the modules one after another).
            arn = os.environ.get("TABLE_STREAM_ARN") or source.stream_arn
            stream = pollers.StreamPoller(streams, arn,
                                          wrap(source.name, True, handler), source.batch_size,
                                          "LATEST", stop, source.name)
            polls.append(_refreshing(stream))
            continue
        queue = getattr(source, "queue", None) or (getattr(source, "queue_arn", None) or
                                                   "").rsplit(":", 1)[-1]
        if queue:
            poller = pollers.SqsPoller(sqs, queue, wrap(source.name, False, handler),
                                       source.batch_size or 10, stop)
            polls.append(_at_once(poller))
    return polls


def _at_once(poller: Any) -> Callable[[], int]:
    def poll() -> int:
        return int(poller.poll_once(wait_seconds=0))  # what is there; no long poll
    return poll


def _refreshing(stream: Any) -> Callable[[], int]:
    def poll() -> int:
        stream.refresh_shards()  # moto replaces the shard when it rolls back a transaction
        return stream.poll_once()
    return poll


def stream_filters() -> dict[str, list[Any]]:
    """The event filter patterns of each stream consumer in infra/stack.yaml, by function."""
    from devstack.cfn import load_template

    stack = load_template(Path(__file__).resolve().parent.parent / "infra" / "stack.yaml")
    filters: dict[str, list[Any]] = {}
    for resource in stack.get("Resources", {}).values():
        props = resource.get("Properties") or {}
        name = props.get("FunctionName")
        name = name.get("Fn::Sub", "") if isinstance(name, dict) else str(name or "")
        for event in (props.get("Events") or {}).values():
            criteria = (event.get("Properties") or {}).get("FilterCriteria")
            if criteria:
                filters[name.rsplit("-", 1)[-1]] = [json.loads(f["Pattern"])
                                                    for f in criteria["Filters"]]
    return filters


def matches(pattern: Any, value: Any) -> bool:
    """Lambda's event filter rule, for the syntax infra/stack.yaml uses: a mapping matches when
    each key's pattern matches (an absent field is None); a list names the values allowed, or
    `{"exists": false}` for an absent field."""
    if isinstance(pattern, dict):
        return all(matches(sub, value.get(key) if isinstance(value, dict) else None)
                   for key, sub in pattern.items())
    return any(value is None if option == {"exists": False} else
               value is not None if option == {"exists": True} else value == option
               for option in pattern)
