"""What a sales pro's search postings hold (keys: docs/data-model.md, "Sales-pro search index").

A pro has one posting per token (`all`, `availability:<av>`, `industry:<i>`,
`location:<normalized>`, `comp:<model>`, `skill:<normalized>`, `word:<term>`). Every posting of
a pro carries the same attributes — enough to check every search filter and to rank without
reading the profile — and sits in its token's partition in static-rank order:

    static score = availability bonus (available 10, limited 4, unavailable 0)
                   + years of experience, capped at 20                       -> 0..30
    rank         = 30 - static score, two digits ("00" is the best)

so an ascending Query of a token returns its best pros first (ties by user id).
"""
from __future__ import annotations

import re
from typing import Any

MAX_WORD_TOKENS = 25
MAX_SKILLS = 15  # the profile allows 15 skills; more are never indexed
# 1 all + 1 availability + 1 industry + 1 location + 3 comp + 15 skills + 25 words. A profile
# update that moves the rank deletes and puts them all in one transaction with the user update,
# the email move (2) and the event (2): 2 * 47 + 5 = 99 <= 100 TransactWriteItems actions.
MAX_POSTINGS = 4 + 3 + MAX_SKILLS + MAX_WORD_TOKENS
STOPWORDS = frozenset("a an and are as at be by for from has have in is it of on or the to "
                      "with we our you your i my me".split())
AVAILABILITY_BONUS = {"available": 10, "limited": 4, "unavailable": 0}
MAX_EXPERIENCE_SCORE = 20
MAX_STATIC_SCORE = max(AVAILABILITY_BONUS.values()) + MAX_EXPERIENCE_SCORE
SKILL_MATCH_SCORE = 20  # per requested skill the pro has (search relevance, not stored)
_WORD = re.compile(r"[a-z0-9][a-z0-9+#.-]*[a-z0-9+#]|[a-z0-9]")


def normalize(text: str) -> str:
    return " ".join(text.lower().split())


def words(text: str) -> list[str]:
    return [w for w in _WORD.findall(text.lower()) if w not in STOPWORDS]


def static_score(years_experience: int, availability: str) -> int:
    return AVAILABILITY_BONUS.get(availability, 0) + min(max(years_experience, 0),
                                                         MAX_EXPERIENCE_SCORE)


def rank_of(score: int) -> str:
    """Fixed-width and inverted, so ascending string order is descending score."""
    return f"{MAX_STATIC_SCORE - score:02d}"


def score_of(rank: str) -> int:
    return MAX_STATIC_SCORE - int(rank)


def posting_for(user: dict[str, Any]) -> dict[str, Any] | None:
    """The attributes every posting of `user` carries; None for clients and inactive pros."""
    if user.get("type") != "sales_pro" or user.get("status", "active") != "active":
        return None
    profile = user.get("profile") or {}
    xp = int(profile.get("years_experience") or 0)
    av = profile.get("availability") or "available"
    text = " ".join(filter(None, [user.get("name"), profile.get("headline"), profile.get("bio")]))
    posting: dict[str, Any] = {
        "user_id": user["id"], "rank": rank_of(static_score(xp, av)), "xp": xp, "av": av,
        "comp": list(dict.fromkeys(profile.get("compensation_models") or [])),
        "sk": list(dict.fromkeys(normalize(s) for s in profile.get("skills") or []))[:MAX_SKILLS],
        "w": list(dict.fromkeys(words(text)))[:MAX_WORD_TOKENS],
    }
    if user.get("industry"):
        posting["ind"] = user["industry"]
    if profile.get("location"):
        posting["loc"] = normalize(profile["location"])
    return posting


def tokens_for(user: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The postings a user should have, by token: none for clients and inactive pros."""
    posting = posting_for(user)
    if posting is None:
        return {}
    tokens = ["all", f"availability:{posting['av']}"]
    if "ind" in posting:
        tokens.append(f"industry:{posting['ind']}")
    if "loc" in posting:
        tokens.append(f"location:{posting['loc']}")
    tokens += [f"comp:{model}" for model in posting["comp"]]
    tokens += [f"skill:{skill}" for skill in posting["sk"]]
    tokens += [f"word:{word}" for word in posting["w"]]
    return {token: dict(posting) for token in dict.fromkeys(tokens)}
