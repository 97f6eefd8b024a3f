"""Sales-professional search over an inverted index of posting items (no Scan).

Each pro has one posting per token (`all`, `industry:saas`, `skill:cold calling`,
`location:austin, tx`, `availability:available`, `comp:hybrid`, `word:<term>`); a posting
carries `xp` (years of experience) and `av` (availability) so ranking needs no profile reads.
A search reads the postings of the tokens it filters on, intersects them, ranks, and
fetches only the profiles of the page it returns.
"""
from __future__ import annotations

import re
from collections import Counter
from typing import Any

from ..models.common import Page
from ..models.users import PublicUser, UserSearchParams
from ..storage.cursors import CursorCodec
from ..storage.users import UserRepository

MAX_WORD_TOKENS = 25
STOPWORDS = frozenset("a an and are as at be by for from has have in is it of on or the to "
                      "with we our you your i my me".split())
AVAILABILITY_BONUS = {"available": 10, "limited": 4, "unavailable": 0}
_WORD = re.compile(r"[a-z0-9][a-z0-9+#.-]*[a-z0-9+#]|[a-z0-9]")


def normalize(text: str) -> str:
    return " ".join(text.lower().split())


def words(text: str) -> list[str]:
    return [w for w in _WORD.findall(text.lower()) if w not in STOPWORDS]


def tokens_for(user: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The postings a user should have: none for clients."""
    if user.get("type") != "sales_pro" or user.get("status", "active") != "active":
        return {}
    profile = user.get("profile") or {}
    attrs = {"xp": int(profile.get("years_experience") or 0),
             "av": profile.get("availability") or "available"}
    tokens = ["all", f"availability:{attrs['av']}"]
    if user.get("industry"):
        tokens.append(f"industry:{user['industry']}")
    if profile.get("location"):
        tokens.append(f"location:{normalize(profile['location'])}")
    tokens += [f"comp:{model}" for model in profile.get("compensation_models") or []]
    tokens += [f"skill:{normalize(skill)}" for skill in profile.get("skills") or []]
    text = " ".join(filter(None, [user.get("name"), profile.get("headline"), profile.get("bio")]))
    tokens += [f"word:{w}" for w in list(dict.fromkeys(words(text)))[:MAX_WORD_TOKENS]]
    return {token: dict(attrs) for token in dict.fromkeys(tokens)}


class SearchService:
    def __init__(self, users: UserRepository, cursors: CursorCodec) -> None:
        self._users, self._cursors = users, cursors

    def _postings(self, token: str) -> dict[str, dict[str, Any]]:
        return {p["SK"]: p for p in self._users.postings(token)}

    def search(self, params: UserSearchParams, caller_id: str) -> Page[PublicUser]:
        required = [f"industry:{params.industry}" if params.industry else None,
                    f"location:{normalize(params.location)}" if params.location else None,
                    f"availability:{params.availability}" if params.availability else None,
                    f"comp:{params.compensation_model}" if params.compensation_model else None]
        required += [f"word:{w}" for w in dict.fromkeys(words(params.q or ""))]
        required_tokens = [t for t in required if t]
        skills = [normalize(s) for s in params.skill_list()]

        candidates: dict[str, dict[str, Any]] | None = None
        for token in required_tokens:  # every filter must match: intersect
            found = self._postings(token)
            candidates = found if candidates is None else {
                uid: p for uid, p in candidates.items() if uid in found}
        skill_hits: Counter[str] = Counter()
        if skills:  # any of the skills matches; more matches rank higher
            skill_postings: dict[str, dict[str, Any]] = {}
            for skill in skills:
                for uid, posting in self._postings(f"skill:{skill}").items():
                    skill_hits[uid] += 1
                    skill_postings[uid] = posting
            candidates = skill_postings if candidates is None else {
                uid: p for uid, p in candidates.items() if uid in skill_hits}
        if candidates is None:
            candidates = self._postings("all")
        if params.min_experience is not None:
            candidates = {k: v for k, v in candidates.items()
                          if int(v.get("xp", 0)) >= params.min_experience}

        def score(item: tuple[str, dict[str, Any]]) -> tuple[float, str]:
            user_id, posting = item
            relevance = (20 * skill_hits.get(user_id, 0)
                         + AVAILABILITY_BONUS.get(posting.get("av", ""), 0)
                         + min(int(posting.get("xp", 0)), 20))
            return (-relevance, user_id)

        ranked = [uid for uid, _ in sorted(candidates.items(), key=score)]
        scope = f"search:{caller_id}:{params.model_dump_json(exclude={'cursor', 'limit'})}"
        offset = int(self._cursors.decode(scope, params.cursor)) if params.cursor else 0
        window = ranked[offset:offset + params.limit]
        profiles = self._users.get_many(window)
        data = [PublicUser.model_validate(profiles[uid]) for uid in window if uid in profiles]
        more = offset + params.limit < len(ranked)
        return Page[PublicUser](
            data=data, has_more=more,
            next_cursor=self._cursors.encode(scope, offset + params.limit) if more else None)
