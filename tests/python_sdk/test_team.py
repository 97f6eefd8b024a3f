"""Client teams through the SDK (`client.team`, docs/teams.md), sync and async: an owner adds
members, each signs in with the credentials the answer holds (a client of its own) and sees
the organization's objects; roles are enforced; ownership moves by a transfer; a removed
member's client is refused."""
from __future__ import annotations

from typing import Any, Dict

import pytest

import leadnod
from leadnod.models import AddedMember, MemberCredentials, Opportunity, User

from support.accounts import unique
from support.marketplace import DOCS_OPPORTUNITY


def add(sdk: Any, owner: Any, role: str) -> AddedMember:
    return sdk.run(owner.team.add(name=f"Member {unique()}", email=f"{unique()}@example.com",
                                  role=role))


def signed_in(sdk: Any, added: AddedMember) -> Any:
    """A client of the member's own, with the credentials `team.add` answered."""
    return sdk.client(client_id=added.credentials.client_id,
                      client_secret=added.credentials.client_secret)


def roles(sdk: Any, client: Any) -> Dict[str, str]:
    return {member.id: member.role for member in sdk.all(client.team.list())}


def test_a_member_added_by_the_owner_signs_in_and_sees_the_owners_objects(sdk, people):
    owner = sdk.client(people.new("client", company="Acme Corp", industry="saas"))
    me = sdk.run(owner.users.me())
    assert me.role == "owner" and me.organization_id and me.organization_id.startswith("org_")

    added = add(sdk, owner, "member")
    assert isinstance(added, AddedMember) and isinstance(added.user, User)
    assert isinstance(added.credentials, MemberCredentials)
    assert added.credentials.client_id and added.credentials.client_secret
    assert (added.user.role, added.user.organization_id) == ("member", me.organization_id)
    assert added.user.type == "client" and added.user.id != me.id

    member = signed_in(sdk, added)
    member_me = sdk.run(member.users.me())
    assert (member_me.id, member_me.role) == (added.user.id, "member")
    assert member_me.organization_id == me.organization_id

    opp = sdk.run(owner.opportunities.create(**DOCS_OPPORTUNITY))
    seen = sdk.run(member.opportunities.retrieve(opp.id))
    assert isinstance(seen, Opportunity) and seen.id == opp.id
    assert opp.id in [o.id for o in sdk.all(member.opportunities.list())]

    page = sdk.run(member.team.list())
    assert isinstance(page, leadnod.AsyncPage if sdk.is_async else leadnod.SyncPage)
    assert all(isinstance(user, User) for user in page.data) and page.has_more is False
    assert roles(sdk, member) == {me.id: "owner", added.user.id: "member"}


def test_a_member_may_not_change_the_team(sdk, people):
    owner = sdk.client(people.new("client"))
    owner_id = sdk.run(owner.users.me()).id
    member = signed_in(sdk, add(sdk, owner, "member"))
    with pytest.raises(leadnod.PermissionDeniedError) as refused:
        sdk.run(member.team.add(name="Not Allowed", email=f"{unique()}@example.com",
                                role="member"))
    assert (refused.value.status, refused.value.code) == (403, "insufficient_role")
    with pytest.raises(leadnod.PermissionDeniedError) as demote:
        sdk.run(member.team.update(owner_id, role="member"))
    assert demote.value.code == "insufficient_role"
    assert len(roles(sdk, owner)) == 2  # nothing was added


def test_roles_change_and_ownership_moves_by_a_transfer(sdk, people):
    owner = sdk.client(people.new("client"))
    owner_id = sdk.run(owner.users.me()).id
    admin_added, member_added = add(sdk, owner, "admin"), add(sdk, owner, "member")
    admin = signed_in(sdk, admin_added)
    admin_id, member_id = admin_added.user.id, member_added.user.id

    promoted = sdk.run(admin.team.update(member_id, role="admin"))
    assert isinstance(promoted, User) and (promoted.id, promoted.role) == (member_id, "admin")
    with pytest.raises(leadnod.PermissionDeniedError) as protected:
        sdk.run(admin.team.update(owner_id, role="member"))
    assert protected.value.code == "owner_protected"
    with pytest.raises(leadnod.InvalidRequestError):
        sdk.run(owner.team.update(member_id, role="owner"))  # only a transfer makes an owner
    with pytest.raises(leadnod.PermissionDeniedError):
        sdk.run(admin.team.transfer_ownership(admin_id))  # the owner's to give

    new_owner = sdk.run(owner.team.transfer_ownership(admin_id))
    assert isinstance(new_owner, User) and (new_owner.id, new_owner.role) == (admin_id, "owner")
    assert roles(sdk, owner) == {owner_id: "admin", admin_id: "owner", member_id: "admin"}
    assert sdk.run(owner.users.me()).role == "admin"
    [transfer] = sdk.transport.sent("POST", f"/v1/users/me/team/{admin_id}/transfer")[-1:]
    assert transfer.status == 200 and transfer.headers.get("idempotency-key")


def test_a_removed_members_client_is_refused(sdk, people):
    owner = sdk.client(people.new("client"))
    added = add(sdk, owner, "member")
    member = signed_in(sdk, added)
    assert sdk.run(member.users.me()).id == added.user.id  # it holds a live token now

    assert sdk.run(owner.team.remove(added.user.id)) is None
    assert added.user.id not in roles(sdk, owner)
    with pytest.raises(leadnod.AuthenticationError) as refused:
        sdk.run(member.users.me())  # its token is refused, and so are its credentials
    assert refused.value.status == 401
    with pytest.raises(leadnod.AuthenticationError):
        sdk.run(signed_in(sdk, added).users.me())  # a new client: the credentials alone
    with pytest.raises(leadnod.NotFoundError):
        sdk.run(owner.team.remove(added.user.id))
    with pytest.raises(ValueError):
        sdk.run(owner.team.remove(""))


def test_sales_pros_have_no_team(sdk, people):
    pro = sdk.client(people.pro)
    with pytest.raises(leadnod.PermissionDeniedError) as refused:
        sdk.run(pro.team.list())
    assert refused.value.code == "forbidden"
    me = sdk.run(pro.users.me())
    assert (me.role, me.organization_id) == (None, None)
