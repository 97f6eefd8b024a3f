"""`python -m chalicelib.admin backfill-read-models`: gives data written before 2026-12-03 the
read models the API keeps for new data since then (docs/deploy.md), so that old data, too,
reads within the call budgets (docs/performance.md). Until it has run, old data reads as
before, one call more; it changes no answer.

- Conversation memberships: the other participant's type and name (the conversation list);
- conversations: each participant's unread count on the conversation item (a first page);
- engagements: their payments' entries, then the flag that says they are whole (engagement
  analytics).

Runs may stop, repeat and overlap, and race the API and the table stream: every write is
conditional on its read model being absent, and the unread copy on the counts being what was
read. A conversation whose counts kept moving is reported busy: run again.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Iterable

from ..storage.conversations import UNREAD_KEPT
from ..storage.payment_entries import PaymentEntryRepository
from ..storage.read_model_backfill import ReadModelBackfillStore
from ..storage.users import UserRepository

ATTEMPTS = 5


@dataclass
class ReadModelReport:
    users: int = 0
    participants_recorded: int = 0
    unread_copied: int = 0
    engagements_flagged: int = 0
    payment_entries: int = 0
    busy: list[str] = field(default_factory=list)  # conversations whose counts kept moving

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


class ReadModelBackfill:
    def __init__(self, store: ReadModelBackfillStore, entries: PaymentEntryRepository,
                 users: UserRepository) -> None:
        self._store, self._entries, self._users = store, entries, users

    def run(self, users: Iterable[tuple[str, str]] | None = None) -> ReadModelReport:
        """Every user (GSI1 `USERS#<type>`), or the given (user id, type) pairs."""
        report = ReadModelReport()
        for user_id, user_type in self._every_user() if users is None else users:
            report.users += 1
            self._conversations(user_id, report)
            if user_type == "client":
                self._engagements(user_id, report)
        return report

    def _conversations(self, user_id: str, report: ReadModelReport) -> None:
        memberships = self._store.memberships(user_id)
        unrecorded = [m for m in memberships if "other_type" not in m]
        people = self._users.get_many({m["other_user_id"] for m in unrecorded}, consistent=True)
        for membership in unrecorded:
            other = people.get(membership["other_user_id"])
            if other is not None:
                report.participants_recorded += self._store.record_participant(
                    user_id, membership["conversation_id"], other)
        for membership in memberships:
            outcome = self._copy_unread(membership["conversation_id"])
            if outcome == "busy":
                report.busy.append(membership["conversation_id"])
            report.unread_copied += outcome == "copied"

    def _copy_unread(self, conversation_id: str) -> str:
        """'copied', 'already' (or gone) or 'busy'."""
        for _ in range(ATTEMPTS):
            conversation = self._store.conversation(conversation_id)
            if conversation is None or conversation.get(UNREAD_KEPT):
                return "already"
            counts = self._store.unread_counts(conversation_id, conversation["participants"])
            if self._store.keep_unread(conversation_id, counts):
                return "copied"
        return "busy"

    def _engagements(self, client_id: str, report: ReadModelReport) -> None:
        for engagement_id in self._store.unflagged_engagements(client_id):
            for payment in self._store.payments(engagement_id):
                report.payment_entries += self._entries.record(payment)
            # Entries first, then the flag: a payment made meanwhile gets its entry from the
            # stream, as every payment does.
            report.engagements_flagged += self._store.flag_payment_entries(engagement_id)

    def _every_user(self) -> Iterable[tuple[str, str]]:
        for user_type in ("client", "sales_pro"):
            for user_id in self._store.users(user_type):
                yield user_id, user_type
