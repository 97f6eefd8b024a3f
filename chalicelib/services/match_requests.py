"""Asking for matching work: messages on the matching queue (`leadnod-<stage>-matching`).

Most messages are sent after the change they follow has committed. If SQS refuses the send, the
change stands and the failure is logged: the request must not fail (a retry would duplicate
the change), and the next change of the opportunity, or an operator's `rematch`, recomputes
its matches. A deleted opportunity has no next change, so its clean-up is asked for from the
table stream instead (`removed_opportunities`, the stream consumer's `matching_cleanup` part):
a send that fails there fails the batch, which Lambda retries.
"""
from __future__ import annotations

import logging
from typing import Any, Iterable

from botocore.exceptions import BotoCoreError, ClientError
from pydantic import BaseModel

from ..models.matching import (MatchOpportunity, OpportunityDeleted, RescoreCandidate,
                               SalesProChanged)
from ..storage.stream_records import removed

log = logging.getLogger(__name__)
SCORED_PROFILE_FIELDS = ("skills", "years_experience", "availability", "compensation_models")
SHOWN_FIELDS = ("name", "company", "industry", "profile")


class MatchRequests:
    def __init__(self, sqs: Any, queue_url: str | None) -> None:
        self._sqs, self._queue_url = sqs, queue_url

    def match(self, opportunity_ids: Iterable[str]) -> None:
        """Queue a matching run for each opportunity (one message each)."""
        self._send([MatchOpportunity(opportunity_id=opp_id) for opp_id in opportunity_ids])

    def rescore(self, opportunity_id: str, sales_pro_id: str) -> None:
        self._send([RescoreCandidate(opportunity_id=opportunity_id, sales_pro_id=sales_pro_id)])

    def removed_opportunities(self, records: Iterable[dict[str, Any]]) -> int:
        """Queue the clean-up (matches, interests) of every opportunity a stream batch deleted;
        raises if SQS refuses any of it. The worker's clean-up is idempotent, so a retried
        batch asking again is harmless."""
        gone = sorted({item["id"] for item in removed(records, "opportunity")})
        self._send([OpportunityDeleted(opportunity_id=opp_id) for opp_id in gone], strict=True)
        return len(gone)

    def sales_pro_changed(self, before: dict[str, Any] | None, after: dict[str, Any]) -> None:
        """Listener for account creation and profile updates. Only sales pros matter: a change
        to a scored field re-scores them where they could now match, a change to what a match
        shows refreshes the matches they are in."""
        if after.get("type") != "sales_pro":
            return
        rescore = before is None or _scored(before) != _scored(after)
        if not rescore and all(before.get(f) == after.get(f) for f in SHOWN_FIELDS):  # type: ignore[union-attr]
            return
        industries = {user["industry"] for user in (before, after)
                      if user and user.get("industry") is not None}
        self._send([SalesProChanged(sales_pro_id=after["id"], industries=sorted(industries),
                                    rescore=rescore)])

    def _send(self, messages: list[BaseModel], strict: bool = False) -> None:
        """Queue `messages`; a refusal is logged, or with `strict` raised."""
        if not messages:
            return
        if not self._queue_url:
            log.warning("no matching queue configured; %d message(s) dropped", len(messages))
            return
        for start in range(0, len(messages), 10):  # SendMessageBatch takes 10 entries
            entries = [{"Id": str(i), "MessageBody": message.model_dump_json()}
                       for i, message in enumerate(messages[start:start + 10])]
            try:
                answer = self._sqs.send_message_batch(QueueUrl=self._queue_url, Entries=entries)
            except (BotoCoreError, ClientError):
                if strict:
                    raise
                log.exception("matching request not queued: %s",
                              [e["MessageBody"] for e in entries])
                continue
            for failed in answer.get("Failed", []):
                log.error("matching request not queued: %s", failed)
            if strict and answer.get("Failed"):
                raise RuntimeError(f"matching requests not queued: {answer['Failed']}")


def _scored(user: dict[str, Any]) -> tuple[Any, ...]:
    profile = user.get("profile") or {}
    return (user.get("industry"), user.get("status", "active"),
            *(profile.get(field) for field in SCORED_PROFILE_FIELDS))
