"""What one API request uses of each AWS service, for `python -m bench cost`: the calls that
`bench.calls.Recorder` counts, split by Lambda function (the route, the authorizer, each
consumer), with DynamoDB request units (bench/_units.py), SQS requests, KMS signatures, Step
Functions executions started, and the time spent in our code (wall time minus time inside AWS
calls, which moto answers in process), in the thread's CPU time: this machine is shared, and
Lambda's duration for our own code is its CPU time (the waits on AWS are the cost model's).

The work a request leaves behind is followed too: after each request the queues and the table
stream are drained in process by the local stack's own pollers (devstack/pollers.py), calling
the same handlers Lambda calls, and what they use is the request's. Stream records go through
each function's event filters (infra/stack.yaml) first, as Lambda does: a function no record
matches is not invoked. Lambda's SQS poller makes a ReceiveMessage and a DeleteMessageBatch per
batch: two SQS requests per batch handled; its stream reads are free. Step Functions executions
are not run here: the cost model counts their transitions from infra/template.yaml; a start
repeated under the same execution name (the follow-ups consumer restarts a payment's execution
in case the API died first) is idempotent and runs nothing.
"""
from __future__ import annotations

import json
import threading
import time
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Callable, Iterator

from . import _followups, _units
from .calls import Recorder, Row


JSON_SERVICES = ("dynamodb", "sqs", "kms", "sfn")  # whose request bodies are read here


@dataclass
class Part:
    """One Lambda function's share of a request."""
    function: str
    invocations: int = 0
    stream_records: int = 0  # stream consumers: records handled (batches are amortized)
    app_ms: float = 0.0
    aws_ms: float = 0.0
    calls: Counter[str] = field(default_factory=Counter)
    wru: float = 0.0
    rru: float = 0.0
    sqs_requests: int = 0
    kms_signs: int = 0
    executions: Counter[str] = field(default_factory=Counter)  # state machine name -> starts


@dataclass
class Request:
    row: Row
    parts: dict[str, Part]  # "api", "authorizer", then each consumer by function name


class Meter(Recorder):
    """A `calls.Recorder` that also meters usage; `measure(..., settle=meter.settle)`."""

    def __init__(self, session: Any, app: Any) -> None:
        super().__init__(session)
        import boto3

        plain = boto3.session.Session()  # unmetered: images, pollers' own calls
        self._dynamodb = plain.client("dynamodb")
        self._schemas: dict[str, _units.Schema] = {}
        self._pending = threading.local()
        self.requests: list[Request] = []
        self._parts: dict[str, Part] = {}
        self._current: Part | None = None
        self._started = time.thread_time()
        self._authorizer_started = 0.0
        self._following = False
        self._sink: dict[str, Part] = {}
        self._executions: set[str] = set()  # names started: a second start runs nothing
        self._filters = _followups.stream_filters()
        self._pollers = _followups.event_sources(app, plain, self._consumer)
        session.events.register("before-call.*.*", self._before)
        session.events.register("after-call.*.*", self._after)
        self.reset()

    # the request's own parts ---------------------------------------------------------------
    def reset(self) -> None:
        """Called before each request: what came before it (accounts made for the bench, the
        tokens they were issued) is nobody's."""
        self._drain()
        super().reset()
        self._parts = {"api": Part("api", invocations=1), "authorizer": Part("authorizer")}
        self._current, self._started = self._parts["api"], time.thread_time()

    @property
    def authorizing(self) -> bool:
        return self._current is not None and self._current.function == "authorizer"

    @authorizing.setter
    def authorizing(self, value: bool) -> None:  # calls.measure sets it around the authorizer
        if not hasattr(self, "_parts") or not self._parts:
            return
        part = self._parts["authorizer"]
        if value:
            part.invocations += 1
            self._current, self._authorizer_started = part, time.thread_time()
        else:
            part.app_ms += (time.thread_time() - self._authorizer_started) * 1000
            self._current = self._parts["api"]

    def settle(self, row: Row) -> None:
        """After a request: its parts, then the follow-up work it left, drained."""
        wall = (time.thread_time() - self._started) * 1000
        api, authorizer = self._parts["api"], self._parts["authorizer"]
        authorizer.app_ms -= authorizer.aws_ms
        api.app_ms = wall - api.aws_ms - authorizer.app_ms - authorizer.aws_ms
        self.requests.append(Request(row, self._parts))
        self._drain(into=self._parts)
        self._parts = {}

    def _count(self, event_name: str, **kwargs: Any) -> None:
        if not self._following:  # follow-up calls are not the request's (calls' table)
            super()._count(event_name, **kwargs)

    # every call: what it uses ----------------------------------------------------------------
    def _before(self, event_name: str, params: dict[str, Any], **_: Any) -> None:
        service, operation = event_name.split(".")[1:]
        part = self._current
        if part is None:
            return
        # The call's window opens before the meter reads the items' images and closes after it
        # reads them again: that reading is the meter's, not our code's time.
        started = time.thread_time()
        raw = params.get("body")
        raw = raw if isinstance(raw, (bytes, str)) else b""  # S3 bodies are streams
        body = json.loads(raw) if raw and service in JSON_SERVICES else {}
        targets, before = [], []
        if service == "dynamodb" and operation in _units.WRITES:
            targets = list(_units.write_targets(operation, body, self._schema))
            before = [self._image(table, key) for table, key, _ in targets]
        elif service == "sqs" and operation.startswith("SendMessage"):
            part.sqs_requests += max(1, -(-len(raw) // 65536))  # 64 KB chunks
        elif service == "kms" and operation == "Sign":
            part.kms_signs += 1
        elif service == "sfn" and operation == "StartExecution" \
                and body.get("name") not in self._executions:
            self._executions.add(body.get("name"))
            part.executions[body["stateMachineArn"].rsplit(":", 1)[-1]] += 1
        part.calls[f"{service}.{operation}"] += 1
        self._pending.call = (part, body, targets, before, started)

    def _after(self, event_name: str, http_response: Any, **_: Any) -> None:
        pending = getattr(self._pending, "call", None)
        if pending is None:
            return
        part, body, targets, before, started = pending
        self._pending.call = None
        service, operation = event_name.split(".")[1:]
        if service == "dynamodb" and targets:
            after = [self._image(table, key) for table, key, _ in targets]
            part.wru += _units.written_units(targets, before, after, self._schema)
        elif service == "dynamodb":
            answer = json.loads(http_response.content or b"{}")
            part.rru += _units.read_request_units(operation, body, answer)
        part.aws_ms += (time.thread_time() - started) * 1000

    def _schema(self, table: str) -> _units.Schema:
        if table not in self._schemas:
            self._schemas[table] = _units.Schema.of(
                self._dynamodb.describe_table(TableName=table)["Table"])
        return self._schemas[table]

    def _image(self, table: str, key: _units.Item) -> _units.Item | None:
        return self._dynamodb.get_item(TableName=table, Key=key, ConsistentRead=True).get("Item")

    # follow-ups -------------------------------------------------------------------------------
    def _drain(self, into: dict[str, Part] | None = None) -> None:
        """Run the consumers until the queues and the stream are quiet (a few rounds: fan-out
        enqueues deliveries); their usage goes `into` the request's parts, or nowhere."""
        sink: dict[str, Part] = into if into is not None else {}
        self._following, self._sink = True, sink
        try:
            for _ in range(6):
                if not sum(poll() for poll in self._pollers):
                    break
        finally:
            self._following, self._current = False, None

    def _consumer(self, name: str, stream: bool,
                  handler: Callable[[Any, Any], Any]) -> Callable[[Any, Any], Any]:
        def handle(event: Any, context: Any) -> Any:
            if stream and name in self._filters:
                event = {"Records": [record for record in event["Records"] if any(
                    _followups.matches(pattern, record) for pattern in self._filters[name])]}
                if not event["Records"]:
                    return None
            part = self._sink.setdefault(name, Part(name))
            if stream:
                part.stream_records += len(event["Records"])
            else:
                part.invocations += 1
                part.sqs_requests += 2  # the poller's ReceiveMessage and DeleteMessageBatch
            with self._in(part):
                return handler(event, context)
        return handle

    @contextmanager
    def _in(self, part: Part) -> Iterator[None]:
        self._current, started, aws_before = part, time.thread_time(), part.aws_ms
        try:
            yield
        finally:
            part.app_ms += (time.thread_time() - started) * 1000 - (part.aws_ms - aws_before)
            self._current = None
