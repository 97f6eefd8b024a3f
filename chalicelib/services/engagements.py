"""Engagements: a client engages a sales pro for one of its opportunities.

Lifecycle (each transition a conditional write, so two racing calls cannot both win):

    pending --start (sales pro)--> active --complete (client)--> completed
    pending|active --terminate (either party, reason)--> terminated

Only the two parties see an engagement (anyone else: 404); a party calling a transition that
belongs to the other party gets 403; a transition from the wrong state is 409.

What an end starts in escrow (the auto-release timer, the refund) is not done here: the table
stream hands the transition's event to services/payments/followups.py, so it happens even if
this process stops right after the commit.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..auth.caller import Caller
from ..clock import Clock, sortable
from ..errors import Conflict, Forbidden, InvalidParameter, not_found
from ..ids import new_id
from ..models.common import Page
from ..models.engagements import Engagement, EngagementCreate, EngagementListParams
from ..storage.commit_riders import answer_in_commit
from ..storage.engagements import (AlreadyEngaged, EngagementRepository, NotASalesPro,
                                   OpportunityUnavailable, TransitionRefused)
from .access import owned_opportunity, require_party, role_of
from .events import EventRecorder
from .opportunities import OpportunityService


@dataclass(frozen=True)
class Transition:
    verb: str
    allowed_from: tuple[str, ...]
    to: str
    actor: str  # "client", "sales_pro" or "either"
    event: str
    stamp: str


TRANSITIONS = {
    "start": Transition("start", ("pending",), "active", "sales_pro", "engagement.started",
                        "started_at"),
    "complete": Transition("complete", ("active",), "completed", "client",
                           "engagement.completed", "completed_at"),
    "terminate": Transition("terminate", ("pending", "active"), "terminated", "either",
                            "engagement.terminated", "terminated_at"),
}
ACTOR_WORDS = {"client": "the client", "sales_pro": "the sales professional"}


def event_data(eng: dict[str, Any]) -> dict[str, Any]:
    return {"engagement_id": eng["id"], "client_id": eng["client_id"],
            "sales_pro_id": eng["sales_pro_id"], "opportunity_id": eng["opportunity_id"],
            "status": eng["status"]}


class EngagementService:
    def __init__(self, repo: EngagementRepository, opportunities: OpportunityService,
                 events: EventRecorder, clock: Clock) -> None:
        self._repo, self._opps = repo, opportunities
        self._events, self._clock = events, clock

    def party(self, caller: Caller, eng_id: str) -> dict[str, Any]:
        """The engagement if the caller is one of its two parties; 404 otherwise."""
        return require_party(caller, self._repo.get(eng_id), "engagement", eng_id)

    def create(self, caller: Caller, body: EngagementCreate) -> Engagement:
        """By the opportunity's owner. Terms not given are copied from the opportunity."""
        caller.require_client("create engagements")
        opp, pro = self._repo.opportunity_and_user(body.opportunity_id, body.sales_pro_id)
        opp = owned_opportunity(caller, opp, body.opportunity_id,
                                "engage sales professionals for it", param="opportunity_id")
        if opp["status"] == "closed":
            raise Conflict("This opportunity is closed; reopen work with a new opportunity.",
                           param="opportunity_id", code="opportunity_closed")
        if pro is None or pro.get("status", "active") != "active":
            raise not_found("user", body.sales_pro_id, param="sales_pro_id")
        if pro["type"] != "sales_pro":
            raise InvalidParameter("The 'sales_pro_id' must identify a sales professional.",
                                   param="sales_pro_id")
        now = sortable(self._clock.now())
        terms = {name: opp.get(name) for name in
                 ("compensation_model", "commission_rate", "base_salary_range")}
        if body.terms:
            terms.update(body.terms.model_dump(exclude_unset=True))
        eng = {"id": new_id("eng"), "opportunity_id": opp["id"], "opportunity_title": opp["title"],
               "client_id": caller.user_id, "sales_pro_id": pro["id"], "status": "pending",
               "terms": {k: v for k, v in terms.items() if v is not None},
               "currency": opp.get("currency", "usd"), "open_disputes": 0, "created_at": now,
               "updated_at": now, "version": 1}
        events = self._events.record("engagement.created", event_data(eng),
                                     [eng["client_id"], eng["sales_pro_id"]])
        answer = Engagement.model_validate(eng)
        try:
            with answer_in_commit(answer):
                self._repo.create(eng, events)
        except OpportunityUnavailable:
            raise not_found("opportunity", body.opportunity_id, param="opportunity_id") from None
        except NotASalesPro:
            raise not_found("user", body.sales_pro_id, param="sales_pro_id") from None
        except AlreadyEngaged:
            raise Conflict("This sales professional already has an open engagement for this "
                           "opportunity.", param="sales_pro_id", code="engagement_exists") from None
        return answer

    def get(self, caller: Caller, eng_id: str) -> Engagement:
        return Engagement.model_validate(self.party(caller, eng_id))

    def list(self, caller: Caller, params: EngagementListParams) -> Page[Engagement]:
        """The caller's engagements (as client or as sales pro), newest first."""
        party_attr = "client_id" if caller.is_client else "sales_pro_id"
        if params.opportunity_id:
            result = self._repo.list_for_opportunity(
                params.opportunity_id, party_attr, caller.user_id, params.status,
                limit=params.limit, cursor=params.cursor)
        else:
            result = self._repo.list_for("GSI1" if caller.is_client else "GSI2", caller.user_id,
                                         params.status, limit=params.limit, cursor=params.cursor)
        return Page[Engagement](data=[Engagement.model_validate(i) for i in result.items],
                                has_more=result.has_more, next_cursor=result.next_cursor)

    def transition(self, caller: Caller, eng_id: str, verb: str,
                   reason: str | None = None) -> Engagement:
        rule = TRANSITIONS[verb]
        eng = self.party(caller, eng_id)
        role = role_of(caller, eng)
        if rule.actor not in ("either", role):
            raise Forbidden(f"Only {ACTOR_WORDS[rule.actor]} can {verb} this engagement.")
        self._check_state(eng, rule)
        now = sortable(self._clock.now())
        changes = {"updated_at": now, rule.stamp: now}
        if reason is not None:
            changes.update(termination_reason=reason, terminated_by=caller.user_id)
        after = {**eng, **changes, "status": rule.to}
        events = self._events.record(rule.event, {**event_data(after), **(
            {"reason": reason} if reason else {})}, [eng["client_id"], eng["sales_pro_id"]])
        answer = Engagement.model_validate({**after, "version": eng["version"] + 1})
        try:
            with answer_in_commit(answer):
                written = self._repo.transition(
                    eng, to=rule.to, allowed_from=rule.allowed_from,
                    actor_attr="client_id" if role == "client" else "sales_pro_id",
                    actor_id=caller.user_id, changes=changes, events=events)
        except TransitionRefused:  # another call changed it first: say what it is now
            self._check_state(self._repo.get(eng_id, consistent=True) or eng, rule)
            raise Conflict("The engagement changed while we were updating it; retry.",
                           code="concurrent_update") from None
        return Engagement.model_validate(written)

    @staticmethod
    def _check_state(eng: dict[str, Any], rule: Transition) -> None:
        if eng["status"] not in rule.allowed_from:
            allowed = " or ".join(rule.allowed_from)
            raise Conflict(f"Cannot {rule.verb} an engagement that is {eng['status']}; only "
                           f"{allowed} engagements can be {_past(rule.verb)}.",
                           code="invalid_state_transition")


def _past(verb: str) -> str:
    return {"start": "started", "complete": "completed", "terminate": "terminated"}[verb]
