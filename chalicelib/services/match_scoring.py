"""How well a sales pro fits an opportunity: a 0-100 score that explains itself.

Each factor earns up to its weight in points; the breakdown lists the points per factor and
they add up to the score. The factors and their weights: industry 20, skills 30, experience 15,
availability 10, compensation 10, track_record 10 and interest 5; docs/marketplace.md
("Score") says how each is earned.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from .search_index import STOPWORDS, normalize

WEIGHTS = {"industry": 20, "skills": 30, "experience": 15, "availability": 10,
           "compensation": 10, "track_record": 10, "interest": 5}
AVAILABILITY_SHARE = {"available": 1.0, "limited": 0.5, "unavailable": 0.0}
PARTIAL_SKILL_SHARE = 0.6
DEFAULT_YEARS = 10
MAX_PHRASE_WORDS = 3
_YEARS = re.compile(r"(\d{1,2})\s*\+?\s*(?:years?|yrs?)\b", re.IGNORECASE)
_WORD = re.compile(r"[a-z0-9][a-z0-9+#.-]*[a-z0-9+#]|[a-z0-9]")


@dataclass(frozen=True)
class Requirement:
    text: str
    phrases: frozenset[str]  # normalized skill phrases that satisfy it (whole text first)


@dataclass(frozen=True)
class Criteria:
    """What an opportunity asks for, in the terms of the search postings."""
    industry: str | None
    compensation_model: str | None
    min_years: int | None
    skills: tuple[Requirement, ...] = ()
    interested: frozenset[str] = field(default_factory=frozenset)

    @property
    def skill_phrases(self) -> list[str]:
        return sorted({p for r in self.skills for p in r.phrases})


def _phrases(text: str) -> frozenset[str]:
    whole = normalize(text)
    words = [w for w in _WORD.findall(whole) if w not in STOPWORDS]
    grams = {" ".join(words[i:i + n]) for n in range(1, MAX_PHRASE_WORDS + 1)
             for i in range(len(words) - n + 1)}
    return frozenset({whole, *grams})


def criteria_for(opp: dict[str, Any], interested: list[str] | None = None) -> Criteria:
    """Requirements stating years ("5+ years experience") set the experience bar; the others
    are skill requirements."""
    years: list[int] = []
    skills: list[Requirement] = []
    for text in opp.get("requirements") or []:
        found = [int(n) for n in _YEARS.findall(text)]
        if found:
            years.append(max(found))
        else:
            skills.append(Requirement(text, _phrases(text)))
    return Criteria(industry=opp.get("industry"), compensation_model=opp.get("compensation_model"),
                    min_years=max(years) if years else None, skills=tuple(skills),
                    interested=frozenset(interested or ()))


def _skills_share(criteria: Criteria, pro_skills: set[str]) -> float:
    if not criteria.skills:
        return 1.0
    total = 0.0
    for requirement in criteria.skills:
        if normalize(requirement.text) in pro_skills:
            total += 1.0
        elif requirement.phrases & pro_skills:
            total += PARTIAL_SKILL_SHARE
    return total / len(criteria.skills)


def _experience_share(criteria: Criteria, years: int) -> float:
    bar = criteria.min_years or DEFAULT_YEARS
    return min(years / bar, 1.0) if bar else 1.0


def _compensation_share(wanted: str | None, accepted: list[str]) -> float:
    if wanted is None:
        return 1.0
    if not accepted:
        return 0.5
    if wanted in accepted:
        return 1.0
    neighbours = {"hybrid": {"commission", "base"}, "commission": {"hybrid"}, "base": {"hybrid"}}
    return 0.5 if neighbours[wanted] & set(accepted) else 0.0


def _track_share(record: dict[str, Any]) -> float:
    completed = min(int(record.get("engs_completed_lifetime", 0)), 5) / 5
    deals = min(int(record.get("deals_closed", 0)), 20) / 20
    return 0.6 * completed + 0.4 * deals


def _points(shares: dict[str, float]) -> dict[str, float]:
    return {name: round(WEIGHTS[name] * shares[name], 1) for name in WEIGHTS}


FULL_TRACK_RECORD = {"engs_completed_lifetime": 5, "deals_closed": 20}


def upper_bound(criteria: Criteria, posting: dict[str, Any]) -> float:
    """The most a pro can score, from one of their search postings alone (no profile read).
    A posting carries the pro's industry, skills, experience, availability and compensation
    models (services/search_index.py), so only the track record is unknown: counted as full."""
    pro = {"id": posting["user_id"], "industry": posting.get("ind"),
           "profile": {"skills": posting.get("sk") or [], "years_experience": posting.get("xp"),
                       "availability": posting.get("av"),
                       "compensation_models": posting.get("comp") or []}}
    return score(criteria, pro, FULL_TRACK_RECORD)[0]


def score(criteria: Criteria, user: dict[str, Any],
          record: dict[str, Any] | None) -> tuple[float, dict[str, float]]:
    """The full score of one pro from their profile and track record."""
    profile = user.get("profile") or {}
    shares = {
        "industry": float(bool(criteria.industry) and user.get("industry") == criteria.industry),
        "skills": _skills_share(criteria, {normalize(s) for s in profile.get("skills") or []}),
        "experience": _experience_share(criteria, int(profile.get("years_experience") or 0)),
        "availability": AVAILABILITY_SHARE.get(profile.get("availability") or "available", 0.0),
        "compensation": _compensation_share(criteria.compensation_model,
                                            list(profile.get("compensation_models") or [])),
        "track_record": _track_share(record or {}),
        "interest": float(user["id"] in criteria.interested),
    }
    breakdown = _points(shares)
    return round(sum(breakdown.values()), 1), breakdown
