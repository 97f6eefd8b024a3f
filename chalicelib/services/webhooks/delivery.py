"""The webhook queue consumer: POST each delivery, record the outcome, schedule retries.

A batch is read with one consistent BatchGetItem (every endpoint and delivery it names), then
its records are handled in parallel by Powertools' BatchProcessor on a thread pool: each POSTs
over pooled keep-alive connections and records its own outcome (through per-thread boto3
objects: resources are not thread-safe). The processor reports what must come back as
`batchItemFailures`. Endpoint health is updated once per endpoint per batch, at the end.
"""
from __future__ import annotations

import functools
import logging
import random
from concurrent.futures import Executor
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Callable

from ...clock import Clock, sortable
from ...storage.webhook_deliveries import DeliveryRepository, StaleDelivery
from ...storage.webhooks import EndpointRepository
from .http import HttpResult, WebhookHttpClient
from .queue import DeliveryMessage, DeliveryQueue, parse_message
from .settings import WebhookSettings
from .signing import delivery_headers, encode_body

log = logging.getLogger("leadnod.webhooks")
Repositories = Callable[[], tuple[EndpointRepository, DeliveryRepository]]


class NotDue(Exception):
    """Received before its retry time: hidden again and reported as a batch item failure."""


@dataclass
class Job:
    record: dict[str, Any]
    message: DeliveryMessage | None = None
    action: str = "drop"  # poison | drop | defer | cancel | deliver
    endpoint: dict[str, Any] | None = None
    delivery: dict[str, Any] | None = None
    result: HttpResult | None = None


def is_current(delivery: dict[str, Any], message: DeliveryMessage) -> bool:
    return (delivery.get("status") == "pending" and int(delivery.get("run", 1)) == message.run
            and message.attempt >= int(delivery.get("next_attempt", 1)))


@functools.cache
def _parallel_batch_processor() -> type:
    # Imported on first use: ~90 ms that API cold starts need not pay.
    from aws_lambda_powertools.utilities.batch import BatchProcessor

    class ParallelBatchProcessor(BatchProcessor):
        """Powertools' BatchProcessor with a batch's records handled on a thread pool."""

        def __init__(self, executor: Executor, **kwargs: Any) -> None:
            super().__init__(**kwargs)
            self._executor = executor

        def process(self) -> list[tuple]:
            return list(self._executor.map(self._process_record, self.records))

    return ParallelBatchProcessor


class Dispatcher:
    def __init__(self, endpoints: EndpointRepository, deliveries: DeliveryRepository,
                 thread_repositories: Repositories, queue: DeliveryQueue,
                 http: WebhookHttpClient, settings: WebhookSettings, clock: Clock,
                 executor: Executor, rng: random.Random | None = None) -> None:
        self._endpoints, self._deliveries = endpoints, deliveries
        self._thread_repositories, self._queue, self._http = thread_repositories, queue, http
        self._settings, self._clock = settings, clock
        self._executor, self._rng = executor, rng or random.Random()

    def handle(self, event: dict[str, Any], context: Any = None) -> dict[str, Any]:
        """The SQS event handler: returns `{"batchItemFailures": [...]}`."""
        from aws_lambda_powertools.utilities.batch import EventType, process_partial_response

        jobs = {record["messageId"]: Job(record) for record in event.get("Records", [])}
        self._plan(list(jobs.values()))
        processor = _parallel_batch_processor()(
            self._executor, event_type=EventType.SQS, raise_on_entire_batch_failure=False)
        response = process_partial_response(
            event=event, record_handler=lambda record: self._run(jobs[record.message_id]),
            processor=processor, context=context)
        self._update_health(list(jobs.values()))
        return dict(response)

    def _plan(self, jobs: list[Job]) -> None:
        for job in jobs:
            try:
                job.message = parse_message(job.record["body"])
            except ValueError:
                job.action = "poison"
        readable = [(job, job.message) for job in jobs if job.message]
        endpoints, deliveries = self._deliveries.load(
            (m.user_id, m.webhook_id, m.delivery_id) for _, m in readable)
        now = self._clock.timestamp()
        for job, message in readable:
            job.endpoint = endpoints.get(message.webhook_id)
            job.delivery = deliveries.get(message.delivery_id)
            if job.endpoint is None or job.delivery is None \
                    or not is_current(job.delivery, message):
                job.action = "drop"  # endpoint deleted, or a stale or duplicate message
            elif message.due > now + 1:
                job.action = "defer"
            elif job.endpoint.get("status") != "enabled":
                job.action = "cancel"
            else:
                job.action = "deliver"

    def _run(self, job: Job) -> None:
        """One record, on a pool thread. Raising reports it as a batch item failure."""
        if job.action == "poison":
            self._queue.dead_letter(job.record["body"], "unreadable message")
        elif job.action == "defer":
            assert job.message is not None
            self._queue.defer(job.record["receiptHandle"],
                              job.message.due - self._clock.timestamp())
            raise NotDue(job.message.delivery_id)
        elif job.action == "cancel":
            assert job.message is not None and job.delivery is not None
            _, deliveries = self._thread_repositories()
            deliveries.cancel(job.delivery, run=job.message.run, reason="endpoint disabled",
                              now=sortable(self._clock.now()))
        elif job.action == "deliver":
            job.result = self._post(job)
            self._record(job)

    def _post(self, job: Job) -> HttpResult:
        endpoint, delivery = job.endpoint or {}, job.delivery or {}
        # Deliveries created before bodies were stored encoded carry the event as a map.
        body = delivery["body"].encode() if "body" in delivery else encode_body(delivery["event"])
        headers = delivery_headers(
            secret=endpoint["secret"], body=body, event_id=delivery["event_id"],
            event_type=delivery["event_type"], delivery_id=delivery["id"],
            timestamp=int(self._clock.timestamp()))
        return self._http.post(endpoint["url"], body, headers)

    def _record(self, job: Job) -> None:
        message, delivery, result = job.message, job.delivery, job.result
        assert message is not None and delivery is not None and result is not None
        now = self._clock.now()
        changes: dict[str, Any] = {
            "last_attempt_at": sortable(now), "last_response_status": result.status,
            "last_response_ms": result.elapsed_ms, "updated_at": sortable(now),
            "last_error": None if result.ok else (result.error or f"HTTP {result.status}"),
            "next_attempt": message.attempt + 1, "next_retry_at": None,
        }
        if result.ok:
            changes["status"] = "succeeded"
        elif not message.manual and message.attempt < self._settings.max_attempts:
            delay = self.retry_delay(message.attempt)
            # The next attempt's message first: if recording fails this one comes back, so a
            # retry can be duplicated but never lost.
            self._queue.send(message.model_copy(update={
                "attempt": message.attempt + 1, "due": now.timestamp() + delay}), delay)
            changes["next_retry_at"] = sortable(now + timedelta(seconds=delay))
        else:
            changes["status"] = "failed"
            if not message.manual:
                self._queue.dead_letter(job.record["body"], changes["last_error"])
        if not result.ok:
            log.info("webhook delivery %s attempt %s failed: %s", delivery["id"],
                     message.attempt, changes["last_error"])
        _, deliveries = self._thread_repositories()
        try:
            deliveries.record_attempt(delivery, run=message.run, attempt=message.attempt,
                                      changes=changes)
        except StaleDelivery:
            pass  # a manual retry or a duplicate moved it on meanwhile

    def retry_delay(self, attempt: int) -> float:
        """Seconds before attempt `attempt + 1`: the stage's schedule with +/- jitter."""
        schedule = self._settings.retry_schedule
        base = schedule[min(attempt, len(schedule)) - 1]
        jitter = self._settings.jitter
        return max(0.0, base * self._rng.uniform(1 - jitter, 1 + jitter))

    def _update_health(self, jobs: list[Job]) -> None:
        """Once per endpoint: any success clears its failure streak; only failures extend it,
        and a streak of `disable_after_seconds` disables it. Best effort: never fails a batch."""
        outcomes: dict[str, tuple[dict[str, Any], bool]] = {}
        for job in jobs:
            if job.result is not None and job.endpoint is not None:
                _, ok = outcomes.get(job.endpoint["id"], (job.endpoint, False))
                outcomes[job.endpoint["id"]] = (job.endpoint, ok or job.result.ok)
        for endpoint, ok in outcomes.values():
            try:
                if ok and endpoint.get("failing_since"):
                    self._endpoints.record_success(endpoint["user_id"], endpoint["id"])
                elif not ok:
                    self._note_failure(endpoint, self._clock.now())
            except Exception:
                log.exception("could not update the health of endpoint %s", endpoint["id"])

    def _note_failure(self, endpoint: dict[str, Any], now: Any) -> None:
        if endpoint.get("status") != "enabled":
            return
        after = self._endpoints.record_failure(endpoint["user_id"], endpoint["id"], sortable(now))
        if after is None:
            return
        cutoff = sortable(now - timedelta(seconds=self._settings.disable_after_seconds))
        if after["failing_since"] <= cutoff and self._endpoints.disable_if_failing_since(
                endpoint["user_id"], endpoint["id"], cutoff, sortable(now)):
            log.warning("webhook endpoint %s disabled: failing since %s", endpoint["id"],
                        after["failing_since"])
