"""GET /v1/users/search: filters over the posting index, relevance order, pagination."""
from __future__ import annotations

import uuid

import pytest


@pytest.fixture
def pros(make_account):
    """Pros with a unique marker word in their headline, so tests see only their own data."""
    marker = "zq" + uuid.uuid4().hex[:8]
    specs = [
        ("saas", ["cold calling", "negotiation"], 10, "Austin, TX", "available", ["commission"]),
        ("saas", ["negotiation"], 3, "Austin, TX", "limited", ["hybrid"]),
        ("fintech", ["cold calling"], 7, "Remote", "available", ["commission", "hybrid"]),
        ("saas", ["demos"], 1, "Remote", "unavailable", ["base"]),
    ]
    made = []
    for industry, skills, years, location, availability, models in specs:
        made.append(make_account(
            "sales_pro", industry=industry,
            profile={"headline": f"{marker} seller", "skills": skills, "years_experience": years,
                     "location": location, "availability": availability,
                     "compensation_models": models}))
    return marker, made


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


def test_profile_change_moves_postings(api, client_account, pros):
    marker, made = pros
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
