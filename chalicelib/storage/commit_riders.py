"""Writes that ride along with a request's transaction: the Idempotency-Key record.

A keyed POST used to cost two extra writes (Powertools' in-progress record before the work, its
answer after) on top of the work's own transaction. For operations that declare
`answer_in_commit` (api/operations.py), the record is instead one more action of the
operation's own TransactWriteItems, written with the answer: the service says what it will
answer before it commits (`answer_in_commit(model)`), and `Store.transact` adds the rider's
actions to that transaction. Either both the work and its record commit, or neither does; a
retry under the same key is refused by the record's condition, and the refusal carries the
record (ALL_OLD) to replay. This module is only the meeting point, kept free of Powertools so
importing the Store stays cheap; the rider itself is services/idempotency.py's `CommitSlot`.
"""
from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, Iterator, Protocol

NamedAction = tuple[str, dict[str, Any]]
# name → (DynamoDB's cancellation code, the item as it was in low-level JSON, or None)
Cancellation = dict[str, tuple[str, dict[str, Any] | None]]


class Rider(Protocol):
    def carry(self, answer: Any, status: int | None) -> None:
        """What the request will answer if the next transaction commits (None: nothing)."""

    def carrying(self) -> bool:
        """Whether an answer waits for the next write (a lone Put becomes a transaction)."""

    def actions(self) -> list[NamedAction]:
        """The actions to add to the transaction being written ([] when there are none)."""

    def committed(self) -> None:
        """The transaction carrying `actions()` committed."""

    def refusal(self, cancellations: Cancellation) -> Exception | None:
        """The exception to raise instead of the transaction's own failure, if the rider's
        actions are what cancelled it (the key was answered before, or is in use)."""


_rider: ContextVar[Rider | None] = ContextVar("leadnod_commit_rider", default=None)


@contextmanager
def riding(rider: Rider) -> Iterator[Rider]:
    """Make `rider` ride the transactions written until the block ends."""
    token = _rider.set(rider)
    try:
        yield rider
    finally:
        _rider.reset(token)


def current_rider() -> Rider | None:
    return _rider.get()


@contextmanager
def answer_in_commit(answer: Any, status: int | None = None) -> Iterator[None]:
    """The transaction written inside the block is the one that makes `answer` true: the
    request's idempotency record (if it sent a key) is written in it. `status` defaults to the
    operation's usual one. Outside a keyed request this does nothing."""
    rider = _rider.get()
    if rider is None:
        yield
        return
    rider.carry(answer, status)
    try:
        yield
    finally:
        rider.carry(None, None)
