"""The posting index: a search reads O(limit) postings, its pages equal a brute-force ranking,
profile updates stay within one TransactWriteItems, and the repository API other services use."""
from __future__ import annotations

import random
import uuid

import pytest

from bench._support import CallCounter

PROS = 200
BONUS = {"available": 10, "limited": 4, "unavailable": 0}  # the documented formula, restated


@pytest.fixture(scope="module")
def corpus(aws_env):
    """Pros written straight to the table (as bench/search.py does) with a marker word and
    marker skills, so only this module's queries see most of them."""
    from chalicelib import wiring
    from chalicelib.services.search_index import tokens_for
    from chalicelib.storage.users import posting_item, search_index, user_key

    services = wiring.reset()
    rng = random.Random(11)
    marker = "zc" + uuid.uuid4().hex[:8]
    skills = [f"{marker}s{i}" for i in range(6)]
    users = []
    with services.table.batch_writer() as batch:
        for n in range(PROS):
            user = {"id": f"usr_{marker}{rng.randrange(10**6):06d}{n:03d}", "type": "sales_pro",
                    "name": f"Pro {n}", "email": f"{marker}{n}@example.com", "status": "active",
                    "industry": rng.choice(["saas", "fintech", "healthcare", "retail"]),
                    "plan": "professional", "version": 1, "created_at": "2024-01-15T10:30:00Z",
                    "updated_at": "2024-01-15T10:30:00Z",
                    "profile": {"headline": f"{marker} seller", "skills": rng.sample(skills, 2),
                                "years_experience": rng.randint(0, 25),
                                "availability": rng.choice(list(BONUS)),
                                "compensation_models": ["commission"]}}
            postings = tokens_for(user)
            batch.put_item(Item={**user_key(user["id"]), **user,
                                 "search_index": search_index(postings)})
            for token, posting in postings.items():
                batch.put_item(Item=posting_item(token, posting))
            users.append(user)
    return marker, skills, users


def oracle(users, skills=(), industry=None, availability=None, min_experience=None):
    hits = []
    for user in users:
        profile = user["profile"]
        matches = len(set(skills) & set(profile["skills"]))
        if ((skills and not matches) or (industry and user["industry"] != industry)
                or (availability and profile["availability"] != availability)
                or (min_experience is not None and profile["years_experience"] < min_experience)):
            continue
        relevance = (20 * matches + BONUS[profile["availability"]]
                     + min(profile["years_experience"], 20))
        hits.append((-relevance, user["id"]))
    return [user_id for _, user_id in sorted(hits)]


def walk(services, limit, **filters):
    from chalicelib.models.users import UserSearchParams

    seen, cursor = [], None
    while True:
        page = services.search.search(UserSearchParams(limit=limit, cursor=cursor, **filters),
                                      "usr_tester")
        assert len(page.data) == limit or not page.has_more
        seen += [user.id for user in page.data]
        if not page.has_more:
            return seen
        cursor = page.next_cursor


@pytest.mark.parametrize("limit,shape", [
    (50, {}),
    (7, {"industry": "saas"}),
    (20, {"skills": (0, 1)}),
    (30, {"skills": (0, 1, 2), "drive_by_skills": True}),
    (4, {"skills": (3,), "availability": "limited", "min_experience": 5, "drive_by_skills": True}),
])
def test_pages_equal_a_brute_force_ranking(services, corpus, limit, shape):
    marker, skills, users = corpus
    shape = dict(shape)
    chosen = [skills[i] for i in shape.pop("skills", ())]
    q = {} if shape.pop("drive_by_skills", False) else {"q": marker}
    filters = {**shape, **({"skills": ",".join(chosen)} if chosen else {})}
    assert walk(services, limit, **q, **filters) == oracle(users, chosen, **shape)


def reads(services, **filters):
    from chalicelib.models.users import UserSearchParams

    counter = CallCounter(services.table.meta.client)
    page = services.search.search(UserSearchParams(**filters), "usr_tester")
    return page, counter


def test_a_broad_query_reads_a_bounded_number_of_postings(services, corpus):
    marker = corpus[0]
    page, counter = reads(services, q=marker, limit=10)
    assert len(page.data) == 10 and page.has_more
    assert counter.calls["Query"] == 1 and counter.items["Query"] <= 2 * 10 + 1
    assert counter.items["BatchGetItem"] == 10  # only the page's profiles

    page, counter = reads(services, limit=10)  # every pro of the session, unfiltered
    assert counter.calls["Query"] == 1 and counter.items["Query"] <= 2 * 10 + 1

    page, counter = reads(services, q=marker, availability="available", limit=10)
    assert len(page.data) == 10 and counter.items["Query"] < PROS / 2


def test_a_deep_page_reads_no_more_than_the_first(services, corpus):
    from chalicelib.models.users import UserSearchParams

    cursor = None
    for _ in range(4):
        cursor = services.search.search(
            UserSearchParams(q=corpus[0], limit=10, cursor=cursor), "usr_tester").next_cursor
    page, counter = reads(services, q=corpus[0], limit=10, cursor=cursor)
    assert len(page.data) == 10
    assert counter.calls["Query"] == 1 and counter.items["Query"] <= 2 * 10 + 1


def transaction_sizes(services):
    sizes = []
    services.table.meta.client.meta.events.register(
        "before-parameter-build.dynamodb.TransactWriteItems",
        lambda params, **_: sizes.append(len(params["TransactItems"])))
    return sizes


def test_the_largest_profile_update_fits_one_transaction(api, make_account, services):
    from chalicelib.services.search_index import MAX_POSTINGS

    assert MAX_POSTINGS == 47 and 2 * MAX_POSTINGS + 5 <= 100
    tag = uuid.uuid4().hex[:6]

    def profile(prefix, availability, years):
        return {"skills": [f"{prefix}{tag}k{i}" for i in range(15)],
                "bio": " ".join(f"{prefix}{tag}w{i}" for i in range(30)),
                "location": f"{prefix} city", "availability": availability,
                "years_experience": years, "compensation_models": ["commission", "base", "hybrid"]}

    pro = make_account("sales_pro", industry="saas", profile=profile("old", "limited", 3))
    sizes = transaction_sizes(services)
    answer = api.patch("/v1/users/me", token=pro.token, json_body={
        "email": f"moved-{pro.email}", "profile": profile("new", "available", 12)})
    assert answer.status == 200, answer.body
    assert sizes == [99]  # update + email move (2) + 47 deletes + 47 puts + event (2)

    repo = services.users_repo
    assert pro.user_id not in {p["user_id"] for p in repo.postings(f"skill:old{tag}k0")}
    mine = [p for p in repo.postings(f"skill:new{tag}k14") if p["user_id"] == pro.user_id]
    assert [(p["rank"], p["xp"], p["loc"], len(p["sk"]), len(p["w"])) for p in mine] == [
        ("08", 12, "new city", 15, 25)]


def test_updates_that_do_not_touch_search_write_no_postings(api, sales_pro, services):
    sizes = transaction_sizes(services)
    answer = api.patch("/v1/users/me", token=sales_pro.token,
                       json_body={"profile": {"website": "https://example.com"}})
    assert answer.status == 200 and sizes == [3]  # the user update and its event (2)


def test_postings_expose_what_other_services_read(services, sales_pro):
    mine = [p for p in services.users_repo.postings("skill:negotiation")
            if p["user_id"] == sales_pro.user_id]
    assert len(mine) == 1
    assert {k: mine[0][k] for k in ("user_id", "xp", "av", "ind", "sk")} == {
        "user_id": sales_pro.user_id, "xp": 6, "av": "available", "ind": "saas",
        "sk": ["negotiation"]}


def test_stale_posting_keys_are_deleted_from_the_recorded_index():
    """Postings are deleted by the keys recorded on the user item, not recomputed, so a change
    of the ranking formula cannot leave orphans; items without the record fall back."""
    from chalicelib.services.search_index import tokens_for
    from chalicelib.storage.users import Reindex

    user = {"id": "usr_1", "type": "sales_pro", "name": "Ann", "profile": {"skills": ["demos"]}}
    after = tokens_for({**user, "profile": {"skills": ["demos"], "years_experience": 5}})
    legacy = Reindex(before=tokens_for(user), after=after).deletes(user)
    assert {k["SK"] for k in legacy} == {"20#usr_1"} and len(legacy) == len(after)
    recorded = {**user, "search_index": {"rank": "29", "tokens": ["all", "word:gone"]}}
    assert Reindex(before={}, after=after).deletes(recorded) == [
        {"PK": "SEARCH#all", "SK": "29#usr_1"}, {"PK": "SEARCH#word:gone", "SK": "29#usr_1"}]


def test_an_offset_cursor_from_before_keyset_paging_is_refused(services):
    from chalicelib.errors import InvalidParameter
    from chalicelib.models.users import UserSearchParams

    params = UserSearchParams(q="anything")
    scope = f"search:usr_tester:{params.model_dump_json(exclude={'cursor', 'limit'})}"
    old = services.cursors.encode(scope, 40)  # signed, in scope, but an offset
    with pytest.raises(InvalidParameter) as refused:
        services.search.search(UserSearchParams(q="anything", cursor=old), "usr_tester")
    assert refused.value.code == "invalid_cursor"
