"""`Idempotency-Key` for every authenticated POST (run by `@operation`, api/operations.py),
with Powertools Idempotency on the table. The money POSTs also derive their object's id from
the key (`ids.request_object_id`, called by their services).

The record is keyed by (caller, key), so keys never collide across accounts, and remembers a
hash of (route, body): the same key with another body or on another endpoint is refused with
422 `idempotency_key_reused`; while the first request runs, a duplicate gets 409
`idempotency_key_in_use`. A finished request's answer (status and body) is replayed for 24 h.
Errors are not remembered: Powertools deletes the record when the request raises, so a refused
request may be retried with the same key.
"""
from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any, Callable

from aws_lambda_powertools.utilities.idempotency import IdempotencyConfig, idempotent_function
from aws_lambda_powertools.utilities.idempotency.exceptions import (
    IdempotencyAlreadyInProgressError, IdempotencyValidationError)
from aws_lambda_powertools.utilities.idempotency.persistence.datarecord import (
    STATUS_CONSTANTS, DataRecord)

from ..errors import ApiError, Conflict, InvalidParameter, idempotency_key_reused
from ..storage.commit_riders import Cancellation, NamedAction, riding
from ..storage.idempotency_records import LEGACY_RECORD, RECORD, PartitionedRecords

KEY_PREFIX = "payments"  # Powertools' key prefix: stable across function renames and deploys
RETENTION_SECONDS = 24 * 3600
KEY_FORMAT = re.compile(r"^[\x21-\x7e]{1,255}$")  # printable ASCII, like Stripe's keys


@dataclass(frozen=True)
class Answer:
    status: int
    body: Any  # the JSON answer (None for no body)
    replayed: bool = False


def persistence_layer(table_name: str, dynamodb_client: Any) -> PartitionedRecords:
    """One partition per record (storage/idempotency_records.py): no hot partition."""
    return PartitionedRecords(table_name, dynamodb_client)


def record_key(user_id: str, key: str) -> dict[str, str]:
    """Where the record of (caller, Idempotency-Key) lives: Powertools hashes the JSON of
    `event_key_jmespath`'s result, `[user, key]`, with MD5 and prefixes KEY_PREFIX."""
    digest = hashlib.md5(json.dumps([user_id, key]).encode(), usedforsecurity=False)
    return {"PK": f"idempotency#{KEY_PREFIX}#{digest.hexdigest()}", "SK": "IDEMPOTENCY"}


def _in_use() -> Conflict:
    return Conflict("A request with this Idempotency-Key is still being processed; retry after "
                    "it completes.", param="Idempotency-Key", code="idempotency_key_in_use")


def _replayed(response: Any, idempotent_data: Any) -> Any:
    return {**response, "replayed": True}


class IdempotentRequests:
    def __init__(self, persistence: PartitionedRecords) -> None:
        self._persistence = persistence
        self._config = IdempotencyConfig(
            event_key_jmespath="[user, key]", payload_validation_jmespath="[route, body]",
            expires_after_seconds=RETENTION_SECONDS, response_hook=_replayed)

    def run(self, *, user_id: str, route: str, key: str | None, body: dict[str, Any],
            action: Callable[[], Answer], lambda_context: Any = None) -> Answer:
        """Run `action` once per (caller, key); without a key, just run it."""
        if key is None:
            return action()
        _check_format(key)
        # An in-progress record expires with the invocation (a crashed request frees its key).
        context: Any = lambda_context or SimpleNamespace(
            get_remaining_time_in_millis=lambda: 30_000)
        self._config.register_lambda_context(context)

        @idempotent_function(data_keyword_argument="request", persistence_store=self._persistence,
                             config=self._config, key_prefix=KEY_PREFIX)
        def execute(request: dict[str, Any]) -> dict[str, Any]:
            return _stored(action())

        try:
            saved = execute(request={"user": user_id, "key": key, "route": route, "body": body})
        except IdempotencyValidationError:
            raise idempotency_key_reused() from None
        except IdempotencyAlreadyInProgressError:
            raise _in_use() from None
        return _answer(saved, bool(saved.get("replayed")))

    def run_in_commit(self, *, user_id: str, route: str, key: str, body: dict[str, Any],
                      status: int, action: Callable[[], Answer],
                      recorded: Callable[[Answer], Answer]) -> Answer:
        """Run `action` once per (caller, key), its record written in the action's own
        transaction (`answer_in_commit`, storage/commit_riders.py) rather than before and after
        it. A retry is refused by that transaction (or, if the action refuses first, finds the
        record with one read) and gets the first answer. `recorded` is the answer as the record
        keeps it (no secrets)."""
        _check_format(key)
        self._persistence.configure(self._config, key_prefix=KEY_PREFIX)
        slot = CommitSlot(self._persistence, {"user": user_id, "key": key, "route": route,
                                              "body": body}, status, recorded)
        try:
            with riding(slot):
                answer = action()
        except AlreadyAnswered as answered:
            return slot.replay(answered.record)
        except ApiError:  # a retry of a request that succeeded may be refused by its success
            found = self._persistence.find(slot.record.idempotency_key)
            if found is None:
                raise
            return slot.replay(found)
        if not slot.written:  # the action committed nothing with its answer: record it now
            self._persistence.save_success(slot.data, _stored(recorded(answer)))
        elif slot.carried != recorded(answer):  # a service said one thing and answered another
            raise TypeError(f"{route} committed {slot.carried} but answered {recorded(answer)}")
        return answer


def _check_format(key: str) -> None:
    if not KEY_FORMAT.match(key):
        raise InvalidParameter("The 'Idempotency-Key' header must be 1-255 printable ASCII "
                               "characters (a UUID is a good choice).", param="Idempotency-Key")


def _stored(answer: Answer) -> dict[str, Any]:
    """The answer as its record keeps it. The body is kept as text: Powertools writes records
    with sorted keys, and a replay must send the fields in the first answer's order."""
    return {"status": answer.status, "text": json.dumps(answer.body)}


def _answer(saved: dict[str, Any], replayed: bool) -> Answer:
    # Records written before 2026-12-03 keep the body itself (its keys sorted).
    body = json.loads(saved["text"]) if "text" in saved else saved["body"]
    return Answer(saved["status"], body, replayed)


class AlreadyAnswered(Exception):
    """The key's record refused the transaction: the key was answered before."""

    def __init__(self, record: DataRecord) -> None:
        super().__init__("idempotency key already answered")
        self.record = record


class CommitSlot:
    """The rider (storage/commit_riders.py) of one keyed request: the record to write with
    the transaction that carries the answer, once."""

    def __init__(self, persistence: PartitionedRecords, data: dict[str, Any], status: int,
                 recorded: Callable[[Answer], Answer]) -> None:
        self._persistence, self.data, self._status = persistence, data, status
        self._recorded = recorded
        self.record = DataRecord(
            idempotency_key=persistence._get_hashed_idempotency_key(data) or "",
            status=STATUS_CONSTANTS["COMPLETED"],
            payload_hash=persistence._get_hashed_payload(data))
        self._answer: Answer | None = None
        self.carried: Answer | None = None  # what the committed record says
        self.written = False

    def carry(self, answer: Any, status: int | None) -> None:
        if answer is None or self.written:
            self._answer = None
            return
        body = answer.model_dump(mode="json") if hasattr(answer, "model_dump") else answer
        self._answer = self._recorded(Answer(status or self._status, body))

    def carrying(self) -> bool:
        return self._answer is not None and not self.written

    def actions(self) -> list[NamedAction]:
        if self._answer is None or self.written:
            return []
        self.record.expiry_timestamp = self._persistence._get_expiry_timestamp()
        self.record.response_data = json.dumps(_stored(self._answer))
        return self._persistence.commit_actions(self.record)

    def committed(self) -> None:
        if self._answer is not None:
            self.written, self.carried, self._answer = True, self._answer, None

    def refusal(self, cancellations: Cancellation) -> Exception | None:
        for name in (RECORD, LEGACY_RECORD):
            code, item = cancellations.get(name, (None, None))
            if code == "ConditionalCheckFailed" and item is not None:
                return AlreadyAnswered(self._persistence._item_to_data_record(item))
            if code == "TransactionConflict":  # the same key, in flight beside this request
                return _in_use()
        return None

    def replay(self, record: DataRecord) -> Answer:
        try:
            self._persistence._validate_payload(self.record, record)
        except IdempotencyValidationError:
            raise idempotency_key_reused() from None
        if record.status != STATUS_CONSTANTS["COMPLETED"] or not record.response_data:
            raise _in_use()
        return _answer(json.loads(record.response_data), replayed=True)
