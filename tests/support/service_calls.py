"""What one service call answers and which DynamoDB operations it makes: for the tests that
hold an operation to its call budget (#20) through the service, without the API around it."""
from __future__ import annotations

from contextlib import contextmanager
from typing import Any, Callable, Iterator


def read_caller(account: Any) -> Any:
    """The caller a read-scoped token of `account` gives a service."""
    from chalicelib.auth.caller import Caller

    return Caller(account.user_id, account.type, "professional", frozenset({"read"}), "")


def answer_and_calls(call: Callable[[], Any],
                     recorded: list[tuple[str, Any]]) -> tuple[int, list[str]]:
    """(200, or the status of the API error `call` raised; the operations `recorded` saw),
    `recorded` being a `dynamodb_calls`-style list it clears first."""
    from chalicelib.errors import ApiError

    recorded.clear()
    try:
        call()
        status = 200
    except ApiError as refused:
        status = refused.status
    return status, [name for name, _ in recorded]


@contextmanager
def table_operations(services: Any) -> Iterator[list[str]]:
    """Names of the DynamoDB operations made through `services`' table client while inside."""
    made: list[str] = []
    events = services.table.meta.client.meta.events

    def count(model: Any, **_: Any) -> None:
        made.append(model.name)
    events.register("before-call.dynamodb", count)
    try:
        yield made
    finally:
        events.unregister("before-call.dynamodb", count)
