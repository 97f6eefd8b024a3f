"""GET /v1/users/search: filters over the posting index, relevance order, pagination."""
from __future__ import annotations

import uuid

import pytest

from support.accounts import new_account


@pytest.fixture(scope="module")
def make_module_account(aws_env):
    """Accounts that live for the whole module (creating one costs a transaction and a KMS
    signature), for tests that only read them."""
    from chalicelib import wiring

    services = wiring.reset()

    def make(user_type, **fields):
        return new_account(services, user_type, **fields)
    return make


def make_pros(make, specs):
    """Pros with a unique marker word in their headline, so tests see only their own data."""
    marker = "zq" + uuid.uuid4().hex[:8]
    made = []
    for industry, skills, years, location, availability, models in specs:
        made.append(make(
            "sales_pro", industry=industry,
            profile={"headline": f"{marker} seller", "skills": skills, "years_experience": years,
                     "location": location, "availability": availability,
                     "compensation_models": models}))
    return marker, made


PRO_SPECS = [  # static score: available 10 / limited 4 / unavailable 0 + years (cap 20)
    ("saas", ["cold calling", "negotiation"], 10, "Austin, TX", "available", ["commission"]),  # 20
    ("saas", ["negotiation"], 3, "Austin, TX", "limited", ["hybrid"]),  # 7
    ("fintech", ["cold calling"], 7, "Remote", "available", ["commission", "hybrid"]),  # 17
    ("saas", ["demos"], 1, "Remote", "unavailable", ["base"]),  # 1
]


@pytest.fixture(scope="module")
def pros(make_module_account):
    return make_pros(make_module_account, PRO_SPECS)


@pytest.fixture
def own_pros(make_account):
    """Pros a test may change."""
    return make_pros(make_account, PRO_SPECS)


def ids(answer):
    assert answer.status == 200, answer.body
    return [user["id"] for user in answer.json()["data"]]


def test_free_text_finds_only_matching_pros(api, client_account, pros):
    marker, made = pros
    found = ids(api.get(f"/v1/users/search?q={marker}", token=client_account.token))
    assert set(found) == {p.user_id for p in made}


def test_filters_intersect(api, client_account, pros):
    marker, made = pros
    found = ids(api.get(f"/v1/users/search?q={marker}&industry=saas&availability=available",
                        token=client_account.token))
    assert found == [made[0].user_id]
    found = ids(api.get(f"/v1/users/search?q={marker}&location=austin,%20tx&min_experience=5",
                        token=client_account.token))
    assert found == [made[0].user_id]
    found = ids(api.get(f"/v1/users/search?q={marker}&compensation_model=hybrid",
                        token=client_account.token))
    assert set(found) == {made[1].user_id, made[2].user_id}


def test_skills_match_any_and_rank_by_matches(api, client_account, pros):
    marker, made = pros
    found = ids(api.get(f"/v1/users/search?q={marker}&skills=cold%20calling,negotiation",
                        token=client_account.token))
    assert found[0] == made[0].user_id  # matches both skills
    assert set(found) == {made[0].user_id, made[1].user_id, made[2].user_id}


def test_clients_never_appear(api, client_account, pros, make_account):
    marker, _ = pros
    make_account("client", name=f"{marker} client")
    found = ids(api.get(f"/v1/users/search?q={marker}", token=client_account.token))
    assert all(not f.startswith("x") for f in found) and len(found) == 4


def test_pages_walk_the_whole_result_without_repeats(api, client_account, pros):
    marker, made = pros
    seen, cursor = [], None
    while True:
        path = f"/v1/users/search?q={marker}&limit=1" + (f"&cursor={cursor}" if cursor else "")
        page = api.get(path, token=client_account.token).json()
        seen += [u["id"] for u in page["data"]]
        if not page["has_more"]:
            assert page["next_cursor"] is None
            break
        cursor = page["next_cursor"]
    assert sorted(seen) == sorted(p.user_id for p in made)


def test_cursor_from_another_search_or_user_is_refused(api, client_account, make_account, pros):
    marker, _ = pros
    page = api.get(f"/v1/users/search?q={marker}&limit=1", token=client_account.token).json()
    other = make_account("client")
    answer = api.get(f"/v1/users/search?q={marker}&limit=1&cursor={page['next_cursor']}",
                     token=other.token)
    assert answer.status == 400 and answer.error["code"] == "invalid_cursor"
    answer = api.get(f"/v1/users/search?q=other&limit=1&cursor={page['next_cursor']}",
                     token=client_account.token)
    assert answer.status == 400


def test_profile_change_moves_postings(api, client_account, own_pros):
    marker, made = own_pros
    api.patch("/v1/users/me", token=made[3].token,
              json_body={"profile": {"availability": "available", "skills": ["cold calling"]}})
    found = ids(api.get(f"/v1/users/search?q={marker}&availability=available&skills=cold%20calling",
                        token=client_account.token))
    assert made[3].user_id in found
    gone = ids(api.get(f"/v1/users/search?q={marker}&skills=demos", token=client_account.token))
    assert made[3].user_id not in gone


@pytest.mark.parametrize("query,param", [
    ("industry=mining", "industry"), ("availability=sometimes", "availability"),
    ("min_experience=-1", "min_experience"), ("min_experience=abc", "min_experience"),
    ("compensation_model=equity", "compensation_model"),
])
def test_bad_filters_are_400(api, client_account, query, param):
    answer = api.get(f"/v1/users/search?{query}", token=client_account.token)
    assert answer.status == 400 and answer.error["param"] == param


def test_results_come_in_relevance_order(api, client_account, pros):
    marker, made = pros
    found = ids(api.get(f"/v1/users/search?q={marker}", token=client_account.token))
    assert found == [made[i].user_id for i in (0, 2, 1, 3)]  # static scores 20, 17, 7, 1


def test_min_experience_keeps_pros_with_at_least_that_many_years(api, client_account, pros):
    marker, made = pros
    search = f"/v1/users/search?q={marker}&min_experience="
    assert ids(api.get(search + "7", token=client_account.token)) == [made[0].user_id,
                                                                      made[2].user_id]
    assert len(ids(api.get(search + "0", token=client_account.token))) == 4
    assert ids(api.get(search + "11", token=client_account.token)) == []


@pytest.fixture(scope="module")
def skill_pros(make_module_account):
    """Walk order (static score) differs from relevance order once skill matches count."""
    tag = uuid.uuid4().hex[:6]
    x, y = f"x{tag}", f"y{tag}"
    return (x, y), make_pros(make_module_account, [
        ("saas", [x], 20, "Remote", "available", []),  # static 30, relevance 50
        ("saas", [y], 10, "Remote", "available", []),  # static 20, relevance 40
        ("saas", [x, y], 15, "Remote", "limited", []),  # static 19, relevance 59
        ("saas", [y], 2, "Remote", "unavailable", []),  # static 2, relevance 22
    ])[1]


def walk(api, token, query, limit):
    seen, cursor = [], None
    while True:
        path = f"/v1/users/search?{query}&limit={limit}" + (f"&cursor={cursor}" if cursor else "")
        page = api.get(path, token=token).json()
        seen += [u["id"] for u in page["data"]]
        if not page["has_more"]:
            return seen
        cursor = page["next_cursor"]


@pytest.mark.parametrize("limit", [1, 2, 20])
def test_several_skills_rank_more_matches_above_a_better_static_score(api, client_account,
                                                                      skill_pros, limit):
    (x, y), made = skill_pros
    expected = [made[i].user_id for i in (2, 0, 1, 3)]
    assert walk(api, client_account.token, f"skills={x},{y}", limit) == expected
    assert walk(api, client_account.token, f"skills={y}", limit) == [
        made[i].user_id for i in (1, 2, 3)]


def test_profile_change_moves_the_pros_rank(api, client_account, own_pros, services):
    marker, made = own_pros
    answer = api.patch("/v1/users/me", token=made[3].token,
                       json_body={"profile": {"availability": "available", "years_experience": 25}})
    assert answer.status == 200, answer.body
    found = ids(api.get(f"/v1/users/search?q={marker}", token=client_account.token))
    assert found == [made[i].user_id for i in (3, 0, 2, 1)]  # 30 now beats 20, 17, 7
    mine = [p for p in services.users_repo.postings(f"word:{marker}")
            if p["user_id"] == made[3].user_id]
    assert [(p["rank"], p["xp"], p["av"]) for p in mine] == [("00", 25, "available")]
    assert made[3].user_id not in {
        p["user_id"] for p in services.users_repo.postings("availability:unavailable")}
