"""The matching queue's consumer: turns a batch of messages into matching work.

Jobs are de-duplicated within a batch (ten "match opp_x" messages run once). A job that
fails reports the ids of the messages that asked for it as batch item failures, so only those
are retried (and reach the DLQ after 5 receives); a message that cannot be parsed is logged
and dropped, since retrying it cannot help.
"""
from __future__ import annotations

import logging
from collections import defaultdict
from typing import Any, Callable

from pydantic import ValidationError

from ..models.matching import (MATCH_MESSAGE, MatchOpportunity, OpportunityDeleted,
                               RescoreCandidate, SalesProChanged)
from ..storage.matches import MatchRepository
from ..storage.opportunities import OpportunityRepository
from .matching import MatchingService

log = logging.getLogger(__name__)
# On a scored profile change, re-score the pro in at most this many of the newest open
# opportunities per industry (plus every opportunity where they are already matched).
MAX_RESCORE_PER_INDUSTRY = 100


class MatchingWorker:
    def __init__(self, matching: MatchingService, opportunities: OpportunityRepository,
                 matches: MatchRepository) -> None:
        self._matching, self._opps, self._matches = matching, opportunities, matches

    def handle(self, records: list[tuple[str, str]]) -> list[str]:
        """`records` = (message id, body). Returns the ids of the messages to retry."""
        jobs: dict[tuple[str, ...], list[str]] = defaultdict(list)
        actions: dict[tuple[str, ...], Callable[[], Any]] = {}
        for message_id, body in records:
            try:
                message = MATCH_MESSAGE.validate_json(body)
            except ValidationError:
                log.error("unreadable matching message %s dropped: %.200s", message_id, body)
                continue
            key, action = self._job(message)
            jobs[key].append(message_id)
            actions[key] = action
        failed: list[str] = []
        for key, message_ids in jobs.items():
            try:
                actions[key]()
            except Exception:
                log.exception("matching job %s failed", key)
                failed += message_ids
        return failed

    def _job(self, message: Any) -> tuple[tuple[str, ...], Callable[[], Any]]:
        if isinstance(message, MatchOpportunity):
            return ("match", message.opportunity_id), \
                lambda: self._matching.run(message.opportunity_id)
        if isinstance(message, OpportunityDeleted):
            return ("forget", message.opportunity_id), \
                lambda: self.forget(message.opportunity_id)
        if isinstance(message, RescoreCandidate):
            return ("rescore", message.opportunity_id, message.sales_pro_id), \
                lambda: self._matching.rescore(message.opportunity_id, message.sales_pro_id)
        assert isinstance(message, SalesProChanged)
        return ("pro", message.sales_pro_id, ",".join(message.industries), str(message.rescore)), \
            lambda: self.sales_pro_changed(message)

    def forget(self, opp_id: str) -> int:
        """Delete a deleted opportunity's interests, claims and matches."""
        if self._opps.get(opp_id, consistent=True) is not None:
            return 0  # it exists (again): nothing to clean
        keys = list(self._opps.children_keys(opp_id))
        self._matches.delete_keys(keys)
        return len(keys)

    def sales_pro_changed(self, message: SalesProChanged) -> set[str]:
        """Re-score the pro in every opportunity the change can affect; returns those where
        the stored matches changed. Opportunities outside the pro's industries that the pro
        would now match only through a skill are picked up by their next full run."""
        affected = self._matches.opportunities_matching(message.sales_pro_id)
        if message.rescore:
            for industry in message.industries:
                affected |= set(self._opps.open_ids_in_industry(industry,
                                                                MAX_RESCORE_PER_INDUSTRY))
        return {opp_id for opp_id in sorted(affected)
                if self._matching.rescore(opp_id, message.sales_pro_id)}
