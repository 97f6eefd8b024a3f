"""The table stream fed to the app's stream handler, or one of its parts, as the local stack's
poller (and Lambda) does it, from where the stream is when the tap is made."""
from __future__ import annotations

import os
import threading
from typing import Any


class StreamTap:
    """Reads the table stream from "now" and hands batches to the app's handler `name`, in the
    Lambda event shape. `deliver()` returns how many records were handed over; `batches` keeps
    every event handed over, so that a test can deliver one again (a Lambda retry)."""

    def __init__(self, services: Any, name: str) -> None:
        from app import app
        from devstack.pollers import StreamPoller, streams_client

        self.batches: list[dict[str, Any]] = []
        from chalicelib.consumers.stream import PARTS, part_handler

        # A part of the table stream's consumer (`webhook_fanout`, ...) alone, or a handler.
        self.handler = part_handler(name) if name in PARTS else app.handler_map[name]

        def handle(event: dict[str, Any], context: Any) -> Any:
            self.batches.append(event)
            return self.handler(event, context)

        self.poller = StreamPoller(streams_client(services.session),
                                   os.environ["TABLE_STREAM_ARN"], handle, batch_size=100,
                                   starting_position="LATEST", stop=threading.Event(), name=name)

    def deliver(self) -> int:
        total = 0
        while (handled := self.poller.poll_once()):
            total += handled
        return total

    def redeliver(self) -> None:
        """Every batch handed over so far, again (a retried batch, a replay)."""
        from devstack.pollers import lambda_context

        for event in list(self.batches):
            self.handler(event, lambda_context(self.poller.function_name))
