"""A search request in the terms of the postings: which token lists to read, which postings
pass the filters, and how relevant each one is — all from posting attributes alone."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..models.users import UserSearchParams
from .search_index import (MAX_SKILLS, MAX_STATIC_SCORE, SKILL_MATCH_SCORE, normalize, rank_of,
                           score_of, words)

# Merging more skill lists than this costs a Query per list per page; past it, the next filter
# (or `all`) drives and the skills are checked on each posting instead.
MAX_MERGED_SKILLS = 8


@dataclass(frozen=True)
class SearchQuery:
    industry: str | None = None
    location: str | None = None
    availability: str | None = None
    compensation_model: str | None = None
    min_experience: int | None = None
    words: tuple[str, ...] = ()
    skills: tuple[str, ...] = ()

    @classmethod
    def from_params(cls, params: UserSearchParams) -> SearchQuery:
        return cls(industry=params.industry,
                   location=normalize(params.location) if params.location else None,
                   availability=params.availability,
                   compensation_model=params.compensation_model,
                   min_experience=params.min_experience,
                   words=tuple(dict.fromkeys(words(params.q or ""))),
                   skills=tuple(dict.fromkeys(normalize(s) for s in params.skill_list())))

    def driving_tokens(self) -> list[str]:
        """The token lists whose (merged) rank order the search walks: the most selective filter
        by a fixed heuristic — a `q` word (the longest: long words are rarer), else the skills,
        else location, industry, compensation model, availability, else every pro."""
        if self.words:
            return [f"word:{max(self.words, key=len)}"]
        if self.skills and len(self.skills) <= MAX_MERGED_SKILLS:
            return [f"skill:{skill}" for skill in self.skills]
        for token, value in (("location", self.location), ("industry", self.industry),
                             ("comp", self.compensation_model),
                             ("availability", self.availability)):
            if value:
                return [f"{token}:{value}"]
        return ["all"]

    def accepts(self, posting: dict[str, Any]) -> bool:
        """Every filter, on the posting's attributes (skills: any of)."""
        return ((self.industry is None or posting.get("ind") == self.industry)
                and (self.location is None or posting.get("loc") == self.location)
                and (self.availability is None or posting.get("av") == self.availability)
                and (self.compensation_model is None
                     or self.compensation_model in (posting.get("comp") or []))
                and (self.min_experience is None or int(posting["xp"]) >= self.min_experience)
                and all(word in (posting.get("w") or []) for word in self.words)
                and (not self.skills or self._skill_matches(posting) > 0))

    def _skill_matches(self, posting: dict[str, Any]) -> int:
        return len(set(self.skills).intersection(posting.get("sk") or []))

    def relevance(self, posting: dict[str, Any]) -> int:
        """Skill matches x 20 + the static score (availability, capped experience)."""
        return SKILL_MATCH_SCORE * self._skill_matches(posting) + score_of(posting["rank"])

    def unread_bound(self, last: dict[str, Any]) -> tuple[int, str]:
        """A sort key (-relevance, user_id) that every posting after `last` in the walk sorts
        strictly after: they rank no better than `last`, and tie with it only at a greater user
        id, while they may match every requested skill (a pro has at most 15)."""
        best = SKILL_MATCH_SCORE * min(len(self.skills), MAX_SKILLS) + score_of(last["rank"])
        return (-best, last["user_id"])

    def resume_after(self, relevance: int, user_id: str) -> tuple[str, str] | None:
        """Where the walk may resume after emitting (relevance, user_id): every result matches
        at least one requested skill (if any), so every posting up to static score
        `relevance - 20` (`- 0` without skills) and that user id relevance-sorts at or before
        it, i.e. was emitted already. None: from the start."""
        static = relevance - (SKILL_MATCH_SCORE if self.skills else 0)
        if static > MAX_STATIC_SCORE:
            return None
        return rank_of(max(static, 0)), user_id
