"""The one rule for who may see an object (chalicelib/services/access.py), without storage."""
from __future__ import annotations

import uuid

import pytest

from chalicelib.auth.caller import Caller
from chalicelib.errors import Forbidden, NotFound
from chalicelib.services.access import (Parties, owned_opportunity, require_party, role_of,
                                        visible_opportunity)


def caller(user_type: str) -> Caller:
    return Caller(f"usr_{uuid.uuid4().hex[:22]}", user_type, "professional",
                  frozenset({"read", "write"}), "")


@pytest.fixture()
def sides() -> tuple[Caller, Caller, Caller]:
    return caller("client"), caller("sales_pro"), caller("client")


def engagement(client: Caller, pro: Caller) -> dict[str, str]:
    return {"id": "eng_1", "client_id": client.user_id, "sales_pro_id": pro.user_id}


def test_each_party_is_told_its_side_and_anyone_else_none(sides):
    client, pro, stranger = sides
    item = engagement(client, pro)
    assert role_of(client, item) == "client"
    assert role_of(pro, item) == "sales_pro"
    assert role_of(stranger, item) is None


def test_a_user_id_counts_like_the_caller_who_has_it(sides):
    client, pro, stranger = sides
    parties = Parties(client.user_id, pro.user_id)
    assert parties.role_of(client.user_id) == "client"
    assert parties.role_of(pro.user_id) == "sales_pro"
    assert parties.role_of(stranger.user_id) is None


def test_a_party_gets_the_object_back(sides):
    client, pro, _ = sides
    item = engagement(client, pro)
    assert require_party(pro, item, "engagement", "eng_1") is item


def test_someone_elses_object_is_answered_like_a_missing_one(sides):
    client, pro, stranger = sides
    with pytest.raises(NotFound) as other:
        require_party(stranger, engagement(client, pro), "payment", "pay_1")
    with pytest.raises(NotFound) as missing:
        require_party(stranger, None, "payment", "pay_1")
    assert other.value.body() == missing.value.body()
    assert other.value.body()["error"] == {
        "code": "resource_missing", "message": "No such payment: 'pay_1'.", "param": "id",
        "doc_url": "https://docs.leadnod.com/errors/resource_missing"}


def test_the_404_names_the_parameter_the_id_came_in(sides):
    client, pro, stranger = sides
    with pytest.raises(NotFound) as exc:
        require_party(stranger, engagement(client, pro), "engagement", "eng_1",
                      param="filters.engagement_id")
    assert exc.value.param == "filters.engagement_id"


def test_an_object_that_does_not_name_its_parties_is_seen_by_no_one(sides):
    client, _, _ = sides
    assert role_of(client, {"id": "eng_1"}) is None
    with pytest.raises(NotFound):
        require_party(client, {"id": "eng_1"}, "engagement", "eng_1")


def opportunity(owner: Caller, status: str) -> dict[str, str]:
    return {"id": "opp_1", "client_id": owner.user_id, "status": status}


@pytest.mark.parametrize("status", ["open", "paused", "closed"])
def test_the_owner_sees_and_owns_its_opportunity_in_any_status(sides, status):
    owner, _, _ = sides
    opp = opportunity(owner, status)
    assert visible_opportunity(owner, opp, "opp_1") is opp
    assert owned_opportunity(owner, opp, "opp_1", "change it") is opp


def test_a_sales_pro_sees_an_open_opportunity_but_may_not_act_as_its_owner(sides):
    owner, pro, _ = sides
    opp = opportunity(owner, "open")
    assert visible_opportunity(pro, opp, "opp_1") is opp
    with pytest.raises(Forbidden, match=r"^Only the opportunity's owner can change it\.$"):
        owned_opportunity(pro, opp, "opp_1", "change it")


def test_an_opportunity_is_hidden_from_other_clients_and_from_pros_once_not_open(sides):
    owner, pro, other_client = sides
    for who, status in ((other_client, "open"), (pro, "paused"), (pro, "closed")):
        with pytest.raises(NotFound) as exc:
            owned_opportunity(who, opportunity(owner, status), "opp_1", "change it",
                              param="opportunity_id")
        assert exc.value.message == "No such opportunity: 'opp_1'."
        assert exc.value.param == "opportunity_id"
    with pytest.raises(NotFound):
        visible_opportunity(owner, None, "opp_1")
