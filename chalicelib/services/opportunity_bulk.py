"""`POST /v1/opportunities/bulk`: up to 100 opportunities in as few writes as possible.

Every item is validated on its own, exactly as `POST /v1/opportunities` would. The valid ones
are written in TransactWriteItems of up to 24 opportunities (each is 4 actions: the item, its
interests list's head, its `opportunity.created` event and outbox entry; 96 of the 100 allowed,
with room for the idempotency record), so 100 items take 5 calls. A transaction is all or
nothing; if one fails (throttling, a conflict), its items are retried one by one so each gets
its own result. Why transactions rather than BatchWriteItem
(25 items, 12 calls for 100 opportunities): fewer round trips, and an opportunity can never
exist without its event. See docs/marketplace.md.
"""
from __future__ import annotations

import json
import logging
from typing import Any

from botocore.exceptions import ClientError
from pydantic import ValidationError

from ..auth.caller import Caller
from ..errors import ApiError, InternalError, InvalidParameter, error_body
from ..models.opportunities import BulkRejected, BulkResult, Opportunity, OpportunityCreate
from ..storage.commit_riders import answer_in_commit
from ..storage.opportunities import OpportunityRepository
from ..storage.table import ConditionFailed, TransactionFailed
from ..validation import to_api_error
from .match_requests import MatchRequests
from .opportunities import OpportunityService

log = logging.getLogger(__name__)
PER_TRANSACTION = 24  # 4 actions each (above)


def _validate(index: int, raw: Any) -> OpportunityCreate | dict[str, Any]:
    """The item as a create body, or its `{"index", "error"}` result."""
    if not isinstance(raw, dict):
        error: ApiError = InvalidParameter("Each entry of 'opportunities' must be an object.",
                                           param=f"opportunities.{index}")
    else:
        try:
            return OpportunityCreate.model_validate_json(json.dumps(raw))
        except ValidationError as exc:
            error = to_api_error(exc)
    return {"index": index, **error_body(error.code, error.message, error.param)}


class BulkOpportunities:
    def __init__(self, opportunities: OpportunityService, repo: OpportunityRepository,
                 match_requests: MatchRequests) -> None:
        self._opps, self._repo, self._match = opportunities, repo, match_requests

    def create(self, caller: Caller,
               items: list[Any]) -> tuple[int, BulkResult | BulkRejected]:
        """Returns (status, answer): 201 when every item was created, 207 when some were,
        400 (with the per-item results) when none was."""
        caller.require_client("create opportunities")
        results: list[Any] = [None] * len(items)
        pending: list[tuple[int, dict[str, Any]]] = []
        for index, raw in enumerate(items):
            checked = _validate(index, raw)
            if isinstance(checked, OpportunityCreate):
                pending.append((index, self._opps.new_opportunity(caller.user_id, checked)))
            else:
                results[index] = checked
        chunks = [pending[start:start + PER_TRANSACTION]
                   for start in range(0, len(pending), PER_TRANSACTION)]
        for number, chunk in enumerate(chunks, 1):
            # The last chunk's first attempt carries the answer it makes true: every item
            # of it created (commit_riders.py); an attempt that fails carries nothing.
            expected = _expected(results, chunk, len(items)) if number == len(chunks) else None
            for index, outcome in self._write(chunk, expected):
                results[index] = outcome
        created = [r["id"] for r in results if "id" in r]
        self._match.match(created)
        if created:
            return (201 if len(created) == len(items) else 207), BulkResult(data=results)
        error = InvalidParameter("None of the opportunities was created; 'data' has the error "
                                 "of each item.", param="opportunities")
        return 400, BulkRejected.model_validate({**error.body(), "data": results})

    def _write(self, chunk: list[tuple[int, dict[str, Any]]],
               expected: tuple[int, BulkResult] | None = None) -> list[tuple[int, Any]]:
        opps = [opp for _, opp in chunk]
        status, answer = expected or (None, None)
        try:
            with answer_in_commit(answer, status):
                self._repo.create(opps,
                                  [a for opp in opps for a in self._opps.created_events(opp)])
            return [(index, _shown(opp)) for index, opp in chunk]
        except (TransactionFailed, ConditionFailed, ClientError):
            if len(chunk) == 1:
                log.exception("bulk opportunity not created")
                error = InternalError("This opportunity could not be created; retry it.")
                return [(chunk[0][0], {"index": chunk[0][0], **error.body()})]
        return [result for item in chunk for result in self._write([item])]


def _expected(results: list[Any], chunk: list[tuple[int, dict[str, Any]]],
              total: int) -> tuple[int, BulkResult]:
    """The answer if this chunk is written: its items created, the others as they are."""
    after = [*results]
    for index, opp in chunk:
        after[index] = _shown(opp)
    created = sum(1 for r in after if "id" in r)
    return (201 if created == total else 207), BulkResult(data=after)


def _shown(opp: dict[str, Any]) -> dict[str, Any]:
    return Opportunity.model_validate(opp).model_dump(mode="json")
