"""Opportunities: clients create and manage them, sales pros browse the open ones.

Visibility: a client sees only its own opportunities (any status); a sales pro sees every
open one. What a caller may not see is a 404; what they may see but not change is a 403.
"""
from __future__ import annotations

from typing import Any

from ..auth.caller import Caller
from ..clock import Clock, sortable
from ..errors import Conflict
from ..ids import new_id
from ..models.common import Page
from ..models.opportunities import (Opportunity, OpportunityCreate, OpportunityListParams,
                                    OpportunityUpdate)
from ..storage.commit_riders import answer_in_commit
from ..storage.opportunities import OpportunityRepository, VersionConflict, to_dynamo
from ..storage.opportunity_browse import OpenOpportunityBrowser
from ..storage.table import ConditionFailed, PageResult
from .access import owned_opportunity, visible_opportunity
from .events import EventRecorder
from .match_requests import MatchRequests

# A change to any of these (while open) changes who fits the opportunity.
MATCHING_FIELDS = ("industry", "requirements", "compensation_model", "status")


def event_data(opp: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"opportunity_id": opp["id"], "client_id": opp["client_id"], "title": opp["title"],
            "status": opp["status"], "industry": opp.get("industry"), **extra}


def as_page(result: PageResult) -> Page[Opportunity]:
    return Page[Opportunity](data=[Opportunity.model_validate(i) for i in result.items],
                             has_more=result.has_more, next_cursor=result.next_cursor)


class OpportunityService:
    def __init__(self, repo: OpportunityRepository, browser: OpenOpportunityBrowser,
                 events: EventRecorder, clock: Clock, match_requests: MatchRequests) -> None:
        self._repo, self._browser, self._events = repo, browser, events
        self._clock, self._match = clock, match_requests

    # access -----------------------------------------------------------------------------
    def visible(self, caller: Caller, opp_id: str, param: str = "id") -> dict[str, Any]:
        """The opportunity if the caller may see it: its owner, or a sales pro while open."""
        return visible_opportunity(caller, self._repo.get(opp_id), opp_id, param=param)

    def owned(self, caller: Caller, opp_id: str, action: str, param: str = "id") -> dict[str, Any]:
        """The opportunity if the caller owns it; 403 if they can see it, 404 otherwise."""
        return owned_opportunity(caller, self._repo.get(opp_id), opp_id, action, param=param)

    # create -----------------------------------------------------------------------------
    def new_opportunity(self, client_id: str, body: OpportunityCreate,
                        opportunity_id: str | None = None) -> dict[str, Any]:
        now = sortable(self._clock.now())
        return {"id": opportunity_id or new_id("opp"), "client_id": client_id,
                "requirements": [], "currency": "usd",
                **body.model_dump(exclude_none=True),
                "status": "open", "interest_count": 0, "created_at": now, "updated_at": now,
                "version": 1}

    def created_events(self, opp: dict[str, Any]) -> list[dict[str, Any]]:
        return self._events.record("opportunity.created", event_data(opp), [opp["client_id"]])

    def create(self, caller: Caller, body: OpportunityCreate, *,
               opportunity_id: str | None = None) -> Opportunity:
        """Create an open opportunity (clients only) and queue its first matching run."""
        caller.require_client("create opportunities")
        opp = self.new_opportunity(caller.user_id, body, opportunity_id)
        answer = Opportunity.model_validate(opp)
        try:
            with answer_in_commit(answer):
                self._repo.create([opp], self.created_events(opp))
        except ConditionFailed:
            raise Conflict(f"Opportunity '{opp['id']}' already exists.",
                           code="opportunity_exists") from None
        self._match.match([opp["id"]])
        return answer

    # read -------------------------------------------------------------------------------
    def get(self, caller: Caller, opp_id: str) -> Opportunity:
        return Opportunity.model_validate(self.visible(caller, opp_id))

    def list(self, caller: Caller, params: OpportunityListParams) -> Page[Opportunity]:
        """Clients: their own, any status. Sales pros: open ones from every client."""
        filters = {name: value for name in ("status", "industry", "compensation_model")
                   if (value := getattr(params, name)) is not None}
        if caller.is_client:
            return as_page(self._repo.list_for_client(
                caller.user_id, filters, limit=params.limit, cursor=params.cursor))
        if params.status not in (None, "open"):
            return Page[Opportunity](data=[], has_more=False)
        scope = f"opps:open:{caller.user_id}:" + ",".join(f"{k}={v}" for k, v in
                                                           sorted(filters.items()))
        narrow = {k: v for k, v in filters.items() if k == "compensation_model"}
        if params.industry:
            result = self._repo.list_open_in_industry(params.industry, narrow, limit=params.limit,
                                                      cursor=params.cursor, scope=scope)
        else:
            result = self._browser.page(narrow, limit=params.limit, cursor=params.cursor,
                                        scope=scope)
        return as_page(result)

    # change -----------------------------------------------------------------------------
    def update(self, caller: Caller, opp_id: str, update: OpportunityUpdate) -> Opportunity:
        """Partial update by the owner. Closed is final. Status open/paused/closed moves the
        opportunity in and out of the browse lists in the same write."""
        for _ in range(3):  # optimistic locking: retry when a concurrent update won
            current = self.owned(caller, opp_id, "change it")
            sent = update.model_dump(exclude_unset=True)
            changes = {k: v for k, v in sent.items() if to_dynamo(v) != current.get(k)}
            if not changes:
                return Opportunity.model_validate(current)
            if current["status"] == "closed":
                raise Conflict("This opportunity is closed and can no longer be changed.",
                               code="opportunity_closed")
            changes["updated_at"] = sortable(self._clock.now())
            after = {**current, **changes}
            events: list[dict[str, Any]] = []
            if changes.get("status") == "closed":
                events += self._events.record("opportunity.closed", event_data(after),
                                              [current["client_id"]])
            edited = sorted(set(changes) - {"updated_at", "status"})
            if edited or changes.get("status") in ("open", "paused"):
                events += self._events.record(
                    "opportunity.updated",
                    event_data(after, changed=sorted(set(changes) - {"updated_at"})),
                    [current["client_id"]])
            try:
                written = self._repo.update(current, changes, events)
            except VersionConflict:
                continue
            if written["status"] == "open" and any(f in changes for f in MATCHING_FIELDS):
                self._match.match([opp_id])
            return Opportunity.model_validate(written)
        raise Conflict("The opportunity was changed concurrently; retry the request.",
                       code="concurrent_update")

    def delete(self, caller: Caller, opp_id: str) -> None:
        """Hard delete by the owner. Engagements made from it keep their own copy of what
        they need; its interests and matches are removed by the matching worker, asked from
        the item's removal on the table stream (MatchRequests.removed_opportunities), so a
        crash after the commit cannot lose the clean-up."""
        for _ in range(3):
            current = self.owned(caller, opp_id, "delete it")
            events = [] if current["status"] == "closed" else self._events.record(
                "opportunity.closed", event_data({**current, "status": "closed"}, deleted=True),
                [current["client_id"]])
            try:
                self._repo.delete(current, events)
            except VersionConflict:
                continue
            return
        raise Conflict("The opportunity was changed concurrently; retry the request.",
                       code="concurrent_update")
