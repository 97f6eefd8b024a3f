"""Backfill of the two counters the summary reads instead of Queries (`active_sales_pros`,
`interests_sent`) on accounts whose aggregates were written before they were kept
(docs/analytics.md, "Counters kept since #20"). `python -m chalicelib.admin
backfill-analytics-counters`, once the deploy that started keeping them has finished: from then
on nothing writes pairs or interests the old way, which is what makes each count final.

- A client: its pair items were kept by the old code and the new alike, so the count is taken
  from them again; it is written (with the marker) only if the counter's version has not moved
  since it was read: a pair that crossed 0 <-> 1 meanwhile makes it read and count again.
- A sales pro: the interests written before the counters lack the `counted` flag and form a
  fixed set. They are added per day to the day items (each day once: a repeat is refused),
  then, as the day items recorded them, to the running total with the marker (once).
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Iterable, Iterator

from ...storage.aggregates import ACTIVE_SALES_PROS_VERSION, BACKFILLED, COUNTERS
from ...storage.counter_backfill import AccountBusy, CounterBackfillStore


@dataclass
class BackfillReport:
    clients: int = 0
    sales_pros: int = 0
    backfilled: int = 0  # accounts whose counters this run made whole
    already: int = 0  # accounts an earlier (or concurrent) run had backfilled
    interests_added: int = 0
    busy: list[str] = field(default_factory=list)  # still moving after every attempt: run again

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


class CounterBackfill:
    def __init__(self, store: CounterBackfillStore, attempts: int = 5) -> None:
        self._store, self._attempts = store, attempts

    def run(self, accounts: Iterable[tuple[str, str]] | None = None) -> BackfillReport:
        """Every account (GSI1 `USERS#<type>`), or the given (user id, type) pairs."""
        report = BackfillReport()
        for user_id, user_type in self._every_account() if accounts is None else accounts:
            try:
                if user_type == "client":
                    report.clients += 1
                    outcome = self.client(user_id)
                else:
                    report.sales_pros += 1
                    outcome, added = self.sales_pro(user_id)
                    report.interests_added += added
            except AccountBusy:
                outcome = "busy"
            if outcome == "busy":
                report.busy.append(user_id)
            elif outcome == "backfilled":
                report.backfilled += 1
            else:
                report.already += 1
        return report

    def client(self, client_id: str) -> str:
        """'backfilled', 'already' or 'busy'. The version is read before the pairs are counted,
        so a crossing committed after the read, seen by the count or not, refuses the write."""
        for _ in range(self._attempts):
            totals = self._store.totals(client_id)
            if totals.get(COUNTERS) == BACKFILLED:
                return "already"
            count = self._store.count_active_pairs(client_id)
            if self._store.set_active_sales_pros(client_id, count,
                                                 totals.get(ACTIVE_SALES_PROS_VERSION)):
                return "backfilled"
        return "busy"

    def sales_pro(self, pro_id: str) -> tuple[str, int]:
        """('backfilled' | 'already', interests added to the total)."""
        if self._store.totals(pro_id).get(COUNTERS) == BACKFILLED:
            return "already", 0
        for day, count in sorted(self._store.uncounted_interests(pro_id).items()):
            self._store.add_to_day(pro_id, day, count)
        added = self._store.added_to_days(pro_id)
        if self._store.add_to_total(pro_id, added):
            return "backfilled", added
        return "already", 0

    def _every_account(self) -> Iterator[tuple[str, str]]:
        for user_type in ("client", "sales_pro"):
            for user_id in self._store.accounts(user_type):
                yield user_id, user_type
