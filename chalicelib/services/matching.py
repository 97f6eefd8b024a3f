"""Matching sales pros to an opportunity, off the request path.

A run (the matching queue's worker) finds candidates through the sales-pro search postings,
never by reading every pro: the pros of the opportunity's industry (`SEARCH#industry:<i>`),
those with a skill named by a requirement (`SEARCH#skill:<phrase>`) and those who expressed
interest. A posting carries everything scored except the track record, which gives every
candidate a tight upper bound of its score; candidates are then scored exactly (profile + track
record, BatchGetItem) best bound first, 100 at a time, until no remaining bound can beat the
K-th best score.
The top K are stored (storage/matches.py) and `GET .../matches` is one Query.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..auth.caller import Caller
from ..clock import Clock, sortable
from ..models.matching import Match, MatchListParams, MatchPage
from ..models.users import PublicUser
from ..storage.cursors import CursorCodec
from ..storage.matches import MatchRepository
from ..storage.opportunities import OpportunityRepository, to_dynamo
from ..storage.users import UserRepository
from .access import owned_opportunity
from .events import EventRecorder
from .match_scoring import Criteria, criteria_for, score, upper_bound

TOP_K = 50
SCORING_WINDOW = 100  # profiles + track records per round: 200 keys, two BatchGetItem calls
MAX_SKILL_PHRASES = 60  # one postings Query each; most are empty and cost 0.5 RCU


@dataclass(frozen=True)
class RunResult:
    opportunity_id: str
    generation: int | None  # None: nothing to match (missing or not open)
    candidates: int  # pros bounded from postings
    scored: int  # pros whose profile was read
    stored: int
    changed: bool  # False when the result equals what was published (nothing written)


class MatchingService:
    def __init__(self, matches: MatchRepository, opportunities: OpportunityRepository,
                 users: UserRepository, events: EventRecorder, cursors: CursorCodec,
                 clock: Clock) -> None:
        self._matches, self._opps, self._users = matches, opportunities, users
        self._events, self._cursors, self._clock = events, cursors, clock

    # full runs --------------------------------------------------------------------------
    def run(self, opp_id: str) -> RunResult:
        """Compute and publish the opportunity's top candidates. Safe to repeat and to run
        concurrently: the newest generation wins, the others delete themselves."""
        opp = self._matches.start_run(opp_id)
        if opp is None or opp.get("status") != "open":
            return RunResult(opp_id, None, 0, 0, 0, False)
        gen = int(opp["match_runs"])
        criteria = criteria_for(opp, self._opps.interested_pro_ids(opp_id))
        bounds = self._bounds(criteria)
        top, scored = self._top(criteria, bounds)
        _, published = self._matches.read(opp_id)
        if published and _comparable(top) == _comparable(published):
            return RunResult(opp_id, gen, len(bounds), scored, len(top), False)
        self._matches.write_generation(opp_id, gen, top)
        events: list[dict[str, Any]] = []
        if {m["sales_pro_id"] for m in top} - {m["sales_pro_id"] for m in published}:
            events = self._matched_events(opp, top)
        if self._matches.publish(opp_id, gen, sortable(self._clock.now()), events):
            self._matches.discard(opp_id, older_than=gen)
            return RunResult(opp_id, gen, len(bounds), scored, len(top), True)
        self._matches.discard(opp_id, generation=gen)  # a newer run published first
        return RunResult(opp_id, gen, len(bounds), scored, len(top), False)

    def _matched_events(self, opp: dict[str, Any], top: list[dict[str, Any]],
                        **extra: Any) -> list[dict[str, Any]]:
        return self._events.record("opportunity.matched", {
            "opportunity_id": opp["id"], "client_id": opp["client_id"], "candidate_count": len(top),
            "top_sales_pro_ids": [m["sales_pro_id"] for m in top[:5]], **extra},
            [opp["client_id"]])

    # one candidate ----------------------------------------------------------------------
    def rescore(self, opp_id: str, pro_id: str) -> bool:
        """Re-score one pro inside the published matches (their profile changed, or they
        expressed interest) instead of re-running the whole opportunity: one Query, one
        BatchGetItem, one GetItem and, when something changed, one small transaction. The
        pro enters the top K if they now beat its last member, and leaves it if they are no
        longer an active sales pro. Returns whether anything was written."""
        opp, published = self._matches.read(opp_id)
        if opp is None or opp.get("status") != "open" or opp.get("match_gen") is None:
            return False  # a full run is pending or pointless
        current = next((m for m in published if m["sales_pro_id"] == pro_id), None)
        others = [m for m in published if m["sales_pro_id"] != pro_id]
        profiles, records = self._matches.profiles_and_records([pro_id])
        user = profiles.get(pro_id)
        new: dict[str, Any] | None = None
        if user and user.get("type") == "sales_pro" and user.get("status", "active") == "active":
            interested = self._opps.get_interest(opp_id, pro_id) is not None
            total, breakdown = score(criteria_for(opp, [pro_id] if interested else []), user,
                                     records.get(pro_id))
            new = _match(user, total, breakdown)
        if new and len(others) >= TOP_K and current is None and \
                (-new["score"], pro_id) > (-float(others[TOP_K - 1]["score"]),
                                           others[TOP_K - 1]["sales_pro_id"]):
            new = None  # does not make the top K
        if new and current and _comparable([new]) == _comparable([current]):
            return False
        if new is None and current is None:
            return False
        evicted = others[TOP_K - 1:] if new and current is None else []
        remove = [{"PK": m["PK"], "SK": m["SK"]} for m in ([current] if current else []) + evicted]
        events: list[dict[str, Any]] = []
        if new and current is None:  # a newcomer: announce the list as it now stands
            ranked = sorted([*others, new], key=lambda m: (-float(m["score"]), m["sales_pro_id"]))
            events = self._matched_events(opp, ranked[:TOP_K], new_sales_pro_id=pro_id)
        return self._matches.replace(opp_id, int(opp["match_gen"]), remove, new, events)

    def _bounds(self, criteria: Criteria) -> list[tuple[float, str]]:
        """Every candidate with the upper bound of its score, best first."""
        postings: dict[str, dict[str, Any]] = {}
        tokens = [f"industry:{criteria.industry}"] if criteria.industry else []
        tokens += [f"skill:{phrase}" for phrase in criteria.skill_phrases[:MAX_SKILL_PHRASES]]
        for token in tokens:
            for posting in self._users.postings(token):
                postings.setdefault(posting["user_id"], posting)
        bounds = [(upper_bound(criteria, posting), uid) for uid, posting in postings.items()]
        # Interested pros outside the postings read (other industry, no matching skill)
        # are always scored.
        bounds += [(100.0, uid) for uid in criteria.interested if uid not in postings]
        return sorted(bounds, key=lambda b: (-b[0], b[1]))

    def _top(self, criteria: Criteria,
             bounds: list[tuple[float, str]]) -> tuple[list[dict[str, Any]], int]:
        best: list[dict[str, Any]] = []
        scored = 0
        for start in range(0, len(bounds), SCORING_WINDOW):
            if len(best) >= TOP_K and best[-1]["score"] > bounds[start][0]:
                break  # nobody left can reach the top K
            window = [uid for _, uid in bounds[start:start + SCORING_WINDOW]]
            profiles, records = self._matches.profiles_and_records(window)
            scored += len(window)
            for uid in window:
                user = profiles.get(uid)
                if not user or user.get("type") != "sales_pro" or \
                        user.get("status", "active") != "active":
                    continue
                best.append(_match(user, *score(criteria, user, records.get(uid))))
            best = sorted(best, key=lambda m: (-m["score"], m["sales_pro_id"]))[:TOP_K]
        return best, scored

    # the read ---------------------------------------------------------------------------
    def matches(self, caller: Caller, opp_id: str, params: MatchListParams) -> MatchPage:
        """The stored candidates, best first (owner only). One Query."""
        opp, items = self._matches.read(opp_id)
        opp = owned_opportunity(caller, opp, opp_id, "see its matches")
        scope = f"matches:{opp_id}:{caller.user_id}"
        offset = int(self._cursors.decode(scope, params.cursor)) if params.cursor else 0
        window = items[offset:offset + params.limit]
        more = offset + params.limit < len(items)
        return MatchPage(data=[Match.model_validate(item) for item in window], has_more=more,
                         next_cursor=self._cursors.encode(scope, offset + params.limit)
                         if more else None, matched_at=opp.get("matched_at"))


def _match(user: dict[str, Any], total: float, breakdown: dict[str, float]) -> dict[str, Any]:
    """A candidate as stored, with the public profile it is shown with."""
    return {"sales_pro_id": user["id"], "score": total, "breakdown": breakdown,
            "sales_pro": PublicUser.model_validate(user).model_dump(mode="json")}


def _comparable(matches: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    """Candidates in stored form (Decimals, no nulls), to tell whether anything changed."""
    return [(m["sales_pro_id"], to_dynamo(m["score"]), to_dynamo(m["breakdown"]),
             to_dynamo(m["sales_pro"])) for m in matches]
