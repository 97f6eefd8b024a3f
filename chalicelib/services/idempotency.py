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

from aws_lambda_powertools.utilities.idempotency import (DynamoDBPersistenceLayer,
                                                         IdempotencyConfig, idempotent_function)
from aws_lambda_powertools.utilities.idempotency.exceptions import (
    IdempotencyAlreadyInProgressError, IdempotencyValidationError)

from ..errors import Conflict, InvalidParameter, idempotency_key_reused

KEY_PREFIX = "payments"  # Powertools' key prefix: stable across function renames and deploys
RETENTION_SECONDS = 24 * 3600
KEY_FORMAT = re.compile(r"^[\x21-\x7e]{1,255}$")  # printable ASCII, like Stripe's keys


@dataclass(frozen=True)
class Answer:
    status: int
    body: Any  # the JSON answer (None for no body)
    replayed: bool = False


def persistence_layer(table_name: str, dynamodb_client: Any) -> DynamoDBPersistenceLayer:
    """One partition per record (storage/idempotency_records.py): no hot partition."""
    from ..storage.idempotency_records import PartitionedRecords

    return PartitionedRecords(table_name, dynamodb_client)


def record_key(user_id: str, key: str) -> dict[str, str]:
    """Where the record of (caller, Idempotency-Key) lives: Powertools hashes the JSON of
    `event_key_jmespath`'s result, `[user, key]`, with MD5 and prefixes KEY_PREFIX."""
    digest = hashlib.md5(json.dumps([user_id, key]).encode(), usedforsecurity=False)
    return {"PK": f"idempotency#{KEY_PREFIX}#{digest.hexdigest()}", "SK": "IDEMPOTENCY"}


def _replayed(response: Any, idempotent_data: Any) -> Any:
    return {**response, "replayed": True}


class IdempotentRequests:
    def __init__(self, persistence: DynamoDBPersistenceLayer) -> None:
        self._persistence = persistence
        self._config = IdempotencyConfig(
            event_key_jmespath="[user, key]", payload_validation_jmespath="[route, body]",
            expires_after_seconds=RETENTION_SECONDS, response_hook=_replayed)

    def run(self, *, user_id: str, route: str, key: str | None, body: dict[str, Any],
            action: Callable[[], Answer], lambda_context: Any = None) -> Answer:
        """Run `action` once per (caller, key); without a key, just run it."""
        if key is None:
            return action()
        if not KEY_FORMAT.match(key):
            raise InvalidParameter("The 'Idempotency-Key' header must be 1-255 printable ASCII "
                                   "characters (a UUID is a good choice).",
                                   param="Idempotency-Key")
        # An in-progress record expires with the invocation (a crashed request frees its key).
        context: Any = lambda_context or SimpleNamespace(
            get_remaining_time_in_millis=lambda: 30_000)
        self._config.register_lambda_context(context)

        @idempotent_function(data_keyword_argument="request", persistence_store=self._persistence,
                             config=self._config, key_prefix=KEY_PREFIX)
        def execute(request: dict[str, Any]) -> dict[str, Any]:
            answer = action()
            return {"status": answer.status, "body": answer.body}

        try:
            saved = execute(request={"user": user_id, "key": key, "route": route, "body": body})
        except IdempotencyValidationError:
            raise idempotency_key_reused() from None
        except IdempotencyAlreadyInProgressError:
            raise Conflict("A request with this Idempotency-Key is still being processed; "
                           "retry after it completes.", param="Idempotency-Key",
                           code="idempotency_key_in_use") from None
        return Answer(saved["status"], saved["body"], bool(saved.get("replayed")))
