"""Sales-professional search over ranked posting lists (no Scan, no full-list reads).

The postings of a token are stored in static-rank order (services/search_index.py). A search
walks ONE driving list — or, for a few skills, their lists merged in rank order — checks every
other filter on the posting attributes, and stops as soon as the page is final: it holds
`limit + 1` results and the `limit`-th of them outranks anything the unread postings could
score (`SearchQuery.unread_bound`). Without skills, or with one, relevance follows the walk order,
so a page reads about `limit / selectivity` postings; with several skills it reads on until the
postings' static score has dropped far enough. Only the page's profiles are then read.

Cursors are keyset, not offsets: they carry the last emitted `(relevance, user_id)` (signed, bound
to caller and filters). The next page resumes the Query at the first posting that could still
follow it (`SearchQuery.resume_after`), so page 50 costs about what page 1 does, and a pro whose
rank changed between pages cannot shift the whole rest of the list. The trade-off: pages follow a
moving index, so a pro whose profile changes mid-walk may appear twice or not at all (an offset
cursor has the same problem, for everybody after the change).
"""
from __future__ import annotations

import bisect
import heapq
from typing import Any, Iterator

from ..errors import InvalidParameter
from ..models.common import Page
from ..models.users import PublicUser, UserSearchParams
from ..storage.cursors import CursorCodec
from ..storage.users import UserRepository
# Re-exported: other services (matching) tokenize the same way.
from .search_index import (AVAILABILITY_BONUS, MAX_WORD_TOKENS, STOPWORDS,  # noqa: F401
                           normalize, tokens_for, words)
from .search_query import SearchQuery

SortKey = tuple[int, str]  # (-relevance, user_id): ascending is the result order


class SearchService:
    def __init__(self, users: UserRepository, cursors: CursorCodec) -> None:
        self._users, self._cursors = users, cursors

    def search(self, params: UserSearchParams, caller_id: str) -> Page[PublicUser]:
        query = SearchQuery.from_params(params)
        scope = f"search:{caller_id}:{params.model_dump_json(exclude={'cursor', 'limit'})}"
        after = self._position(scope, params.cursor) if params.cursor else None
        ranked = self._rank(query, after, params.limit)
        window = [user_id for _, user_id in ranked[:params.limit]]
        profiles = self._users.get_many(window)
        data = [PublicUser.model_validate(profiles[uid]) for uid in window if uid in profiles]
        more = len(ranked) > params.limit
        last = ranked[params.limit - 1] if more else None
        return Page[PublicUser](
            data=data, has_more=more,
            next_cursor=self._cursors.encode(scope, [-last[0], last[1]]) if last else None)

    def _position(self, scope: str, cursor: str) -> SortKey:
        position = self._cursors.decode(scope, cursor)
        if not (isinstance(position, list) and len(position) == 2
                and isinstance(position[0], int) and isinstance(position[1], str)):
            raise InvalidParameter("The 'cursor' is invalid or does not belong to this list.",
                                   param="cursor", code="invalid_cursor")
        return -position[0], position[1]

    def _rank(self, query: SearchQuery, after: SortKey | None, limit: int) -> list[SortKey]:
        """The results after `after` in relevance order: at least the next `limit + 1` when
        there are that many, of which the first `limit` are final."""
        ranked: list[SortKey] = []
        seen: set[str] = set()
        for posting in self._walk(query, after, 2 * limit + 1):
            user_id = posting["user_id"]
            if user_id in seen:  # merged skill lists hold one posting per matching skill
                continue
            seen.add(user_id)
            if query.accepts(posting):
                key = (-query.relevance(posting), user_id)
                if after is None or key > after:
                    bisect.insort(ranked, key)
            if len(ranked) > limit and ranked[limit - 1] <= query.unread_bound(posting):
                break
        return ranked

    def _walk(self, query: SearchQuery, after: SortKey | None,
              want: int) -> Iterator[dict[str, Any]]:
        """The driving postings in (rank, user_id) order, from where `after` allows."""
        start = query.resume_after(-after[0], after[1]) if after else None
        tokens = query.driving_tokens()
        page_size = max(10, -(-want // len(tokens)))
        lists = [self._users.ranked_postings(token, after=start, page_size=page_size)
                 for token in tokens]
        if len(lists) == 1:
            return lists[0]
        return heapq.merge(*lists, key=lambda posting: (posting["rank"], posting["user_id"]))
