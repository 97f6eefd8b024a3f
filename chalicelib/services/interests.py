"""Sales pros express interest in open opportunities; owners list who did."""
from __future__ import annotations

from ..auth.caller import Caller
from ..clock import Clock, sortable
from ..errors import Conflict, InvalidParameter, not_found
from ..ids import new_id
from ..models.common import ListParams, Page
from ..models.opportunities import Interest, InterestCreate
from ..storage.commit_riders import answer_in_commit
from ..storage.opportunities import AlreadyInterested, NotOpen, OpportunityRepository
from .access import role_of
from .match_requests import MatchRequests
from .opportunities import OpportunityService


class InterestService:
    def __init__(self, opportunities: OpportunityService, repo: OpportunityRepository,
                 clock: Clock, match_requests: MatchRequests) -> None:
        self._opps, self._repo = opportunities, repo
        self._clock, self._match = clock, match_requests

    def express(self, caller: Caller, opp_id: str, body: InterestCreate) -> Interest:
        """Once per pro and opportunity (the interest's key is the pro's id): a repeat is a
        409 `already_interested`. Interest counts in matching, so the pro is re-scored in the
        opportunity's matches. No read first: the transaction's condition that the opportunity
        exists and is open is what a sales pro may see (anything else is a 404)."""
        caller.require_sales_pro("express interest in opportunities")
        interest = {"id": new_id("int"), "opportunity_id": opp_id,
                    "sales_pro_id": caller.user_id, "message": body.message,
                    "created_at": sortable(self._clock.now())}
        answer = Interest.model_validate(interest)
        try:
            with answer_in_commit(answer):
                self._repo.add_interest(opp_id, interest, [])
        except AlreadyInterested:
            existing = self._repo.get_interest(opp_id, caller.user_id) or {}
            raise Conflict("You have already expressed interest in this opportunity "
                           f"('{existing.get('id', '')}').", code="already_interested") from None
        except NotOpen:  # closed, paused or deleted since we read it
            raise not_found("opportunity", opp_id) from None
        self._match.rescore(opp_id, caller.user_id)
        return answer

    def list(self, caller: Caller, opp_id: str, params: ListParams) -> Page[Interest]:
        """Newest first; the opportunity's owner only. One Query when the list's head (first
        page) or the caller's own cursor (later pages) vouches for the caller; otherwise the
        opportunity is read, which also tells a sales pro's 403 from a stranger's 404."""
        try:
            result = self._repo.list_interests(opp_id, caller.user_id, limit=params.limit,
                                               cursor=params.cursor)
        except InvalidParameter:  # a bad cursor: a stranger still gets the unknown id's 404
            self._opps.owned(caller, opp_id, "see who is interested")
            raise
        if not params.cursor and (result.head is None or role_of(caller, result.head) != "client"):
            self._opps.owned(caller, opp_id, "see who is interested")
        return Page[Interest](data=[Interest.model_validate(i) for i in result.items],
                              has_more=result.has_more, next_cursor=result.next_cursor)
