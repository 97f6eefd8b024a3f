"""What #16 added, through the SDK, sync and async: rotating the caller's client secret
(`client.users.rotate_credentials`) and a team member's (`client.team.rotate_credentials`),
the account's usage (`client.usage.retrieve`), and an export started with a JSON body
(`client.analytics.export.create`)."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from typing import Any

import pytest

import leadnod
from leadnod.models import Export, RotatedCredentials, Usage, UsageWindow

from support.accounts import new_account, unique


def rotated_around(answer: RotatedCredentials, seconds: int) -> bool:
    expected = datetime.now(timezone.utc) + timedelta(seconds=seconds)
    return abs((answer.previous_secret_expires_at - expected).total_seconds()) < 60


def signs_in(sdk: Any, client_id: str, client_secret: str) -> bool:
    """Whether a fresh client (no token yet) with these credentials gets an answer."""
    try:
        sdk.run(sdk.client(client_id=client_id, client_secret=client_secret).users.me())
    except leadnod.AuthenticationError as refused:
        assert refused.status == 401
        return False
    return True


def test_rotating_the_callers_secret_with_no_grace(sdk, people):
    account = people.new("client")
    client = sdk.client(account)
    sdk.run(client.users.me())  # the client holds a token from here on

    rotated = sdk.run(client.users.rotate_credentials(grace_seconds=0))
    assert isinstance(rotated, RotatedCredentials)
    assert rotated.client_id == account.client_id
    assert rotated.client_secret and rotated.client_secret != account.client_secret
    assert rotated_around(rotated, 0)

    assert not signs_in(sdk, account.client_id, account.client_secret)
    assert signs_in(sdk, account.client_id, rotated.client_secret)
    # a token issued before the rotation stays valid until it expires
    assert sdk.run(client.users.me()).id == account.user_id


def test_the_previous_secret_keeps_working_for_the_default_grace(sdk, people):
    account = people.new("sales_pro")
    rotated = sdk.run(sdk.client(account).users.rotate_credentials())
    assert rotated_around(rotated, 3600)  # the API's default: nothing sent, nothing assumed
    assert signs_in(sdk, account.client_id, account.client_secret)
    assert signs_in(sdk, account.client_id, rotated.client_secret)


def test_a_grace_out_of_range_is_an_invalid_request(sdk, people):
    client = sdk.client(people.new("client"))
    with pytest.raises(leadnod.InvalidRequestError) as refused:
        sdk.run(client.users.rotate_credentials(grace_seconds=86_401))
    assert (refused.value.status, refused.value.param) == (400, "grace_seconds")


def test_a_replayed_rotation_answers_without_the_secret(sdk, people):
    """The API keeps no copy of a secret: a retry it had already run answers the same
    credentials with `client_secret` None, which the model accepts."""
    client = sdk.client(people.new("client"))
    key = f"rotate-{unique()}"
    first = sdk.run(client.users.rotate_credentials(grace_seconds=60, idempotency_key=key))
    again = sdk.run(client.users.rotate_credentials(grace_seconds=60, idempotency_key=key))
    assert first.client_secret is not None and again.client_secret is None
    assert (again.client_id, again.previous_secret_expires_at) == (
        first.client_id, first.previous_secret_expires_at)


def test_the_owner_rotates_a_members_secret_and_a_member_may_not(sdk, people):
    owner_account = people.new("client")
    owner = sdk.client(owner_account)
    added = sdk.run(owner.team.add(name=f"Member {unique()}", email=f"{unique()}@example.com",
                                   role="member"))
    credentials = added.credentials

    rotated = sdk.run(owner.team.rotate_credentials(added.user.id, grace_seconds=0))
    assert isinstance(rotated, RotatedCredentials)
    assert rotated.client_id == credentials.client_id
    assert rotated.client_secret and rotated.client_secret != credentials.client_secret
    assert not signs_in(sdk, credentials.client_id, credentials.client_secret)
    assert signs_in(sdk, credentials.client_id, rotated.client_secret)

    member = sdk.client(client_id=credentials.client_id, client_secret=rotated.client_secret)
    with pytest.raises(leadnod.PermissionDeniedError) as refused:
        sdk.run(member.team.rotate_credentials(owner_account.user_id))
    assert (refused.value.status, refused.value.code) == (403, "insufficient_role")
    assert signs_in(sdk, owner_account.client_id, owner_account.client_secret)


def test_usage_is_the_plans_limits_and_this_request(sdk, services):
    account = new_account(services, "client")  # professional: 60 a minute, 10000 a day
    client = sdk.client(account)
    me = sdk.run(client.users.me())

    usage = sdk.run(client.usage.retrieve())
    assert isinstance(usage, Usage) and isinstance(usage.per_minute, UsageWindow)
    assert (usage.plan, usage.organization_id) == ("professional", me.organization_id)
    assert (usage.per_minute.limit, usage.per_day.limit) == (60, 10_000)
    assert usage.per_minute.used >= 2 and usage.per_day.used >= 2  # users.me and this one
    assert usage.per_minute.remaining == usage.per_minute.limit - usage.per_minute.used
    assert usage.per_day.resets_at.time() == datetime.min.time()  # midnight UTC
    assert sdk.run(client.usage.retrieve()).per_day.used == usage.per_day.used + 1


def test_a_sales_professionals_usage_has_no_organization(sdk, people):
    usage = sdk.run(sdk.client(people.pro).usage.retrieve())
    assert (usage.plan, usage.organization_id) == ("custom", None)


def test_an_export_created_with_a_json_body(sdk, people):
    client = sdk.client(people.client)
    export = sdk.run(client.analytics.export.create(
        format="json", dataset="activities", from_=date(2026, 1, 1), to="2026-03-31"))
    assert isinstance(export, Export) and export.id.startswith("exp_")
    assert (export.status, export.format, export.dataset) == ("processing", "json", "activities")
    assert (export.from_, export.to) == (date(2026, 1, 1), date(2026, 3, 31))
    assert sdk.run(client.analytics.export.retrieve(export.id)).id == export.id

    defaults = sdk.run(client.analytics.export.create())
    assert (defaults.format, defaults.dataset) == ("csv", "all")
    with pytest.raises(leadnod.InvalidRequestError) as refused:
        sdk.run(client.analytics.export.create(format="xml"))
    assert refused.value.param == "format"
