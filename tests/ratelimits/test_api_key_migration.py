"""Accounts made before the key pools, each with its own API key, move to their plan's pool
without downtime, and `admin retire-api-keys` deletes the old keys, safely re-run."""
from __future__ import annotations

import secrets
import uuid
from argparse import Namespace
from types import SimpleNamespace

import pytest
from chalice.app import AuthRequest

from chalicelib.admin import commands
from chalicelib.auth.authorizer import authorize
from chalicelib.clock import FrozenClock
from chalicelib.services.api_key_retirement import ApiKeyRetirement

ARN = "arn:aws:execute-api:us-east-1:123456789012:api/dev/GET/v1/users/me"


def old_style_account(services, plan="professional"):
    """An account as `create-account` made them before the pools: a key of its own, named after
    the user, in its plan's usage plan, and named on the user item."""
    created = services.accounts.create_account(
        user_type="client", name="Old Timer", email=f"{uuid.uuid4().hex}@example.com", plan=plan)
    apigateway = services.client("apigateway")
    key = apigateway.create_api_key(name=created.user.id, enabled=True,
                                    value=secrets.token_urlsafe(30))
    apigateway.create_usage_plan_key(usagePlanId=services.settings.usage_plan_ids[plan],
                                     keyId=key["id"], keyType="API_KEY")
    services.users_repo.set_attributes(created.user.id, api_key_id=key["id"],
                                       api_key_value=key["value"])
    return SimpleNamespace(user_id=created.user.id, client_id=created.client_id,
                           key_id=key["id"], key_value=key["value"], plan=plan)


def usage_key(services, account):
    token = services.token_issuer.issue(user_id=account.user_id, client_id=account.client_id,
                                        scopes=["read"])
    answer = authorize(AuthRequest("TOKEN", f"Bearer {token}", ARN), services.token_verifier,
                       services.users_repo.get, services.key_pools)
    return answer["usageIdentifierKey"]


def key_exists(services, key_id):
    apigateway = services.client("apigateway")
    try:
        apigateway.get_api_key(apiKey=key_id)
    except apigateway.exceptions.NotFoundException:
        return False
    return True


def retirement(services, clock):
    """The command's service on a clock the test moves; sleeping moves it."""
    return ApiKeyRetirement(services.legacy_api_keys, services.client("apigateway"), clock,
                            sleep=clock.advance)


def test_an_old_account_keeps_its_own_key_until_retired_then_gets_its_pool_key(services):
    old = old_style_account(services)
    assert usage_key(services, old) == old.key_value
    report = retirement(services, FrozenClock()).run(grace_seconds=90)
    assert report.retired >= 1 and report.deleted >= 1
    assert usage_key(services, old) == services.key_pools.key_for(old.user_id, "professional")
    assert not key_exists(services, old.key_id)
    item = services.users_repo.get(old.user_id)
    assert not {"api_key_id", "api_key_value", "retired_api_key_id",
                "api_key_retired_at"} & set(item)


def test_keys_are_deleted_only_after_the_authorizer_cache_let_go_of_them(services):
    clock = FrozenClock()
    accounts = [old_style_account(services, plan) for plan in ("professional", "enterprise")]
    first = retirement(services, clock).run(grace_seconds=90, wait=False)
    assert first.waiting >= 2 and first.delete_after is not None
    for old in accounts:  # already on the pool: the old key only serves cached answers now
        assert usage_key(services, old) == services.key_pools.key_for(old.user_id, old.plan)
        assert key_exists(services, old.key_id)
    clock.advance(60)
    too_soon = retirement(services, clock).run(grace_seconds=90, wait=False)
    assert too_soon.retired == 0 and all(key_exists(services, a.key_id) for a in accounts)
    clock.advance(31)
    later = retirement(services, clock).run(grace_seconds=90, wait=False)
    assert later.deleted >= 2 and later.waiting == 0
    assert not any(key_exists(services, a.key_id) for a in accounts)


def test_a_run_interrupted_after_deleting_a_key_finishes_on_the_next(services):
    clock = FrozenClock()
    old = old_style_account(services)
    retirement(services, clock).run(grace_seconds=90, wait=False)
    services.client("apigateway").delete_api_key(apiKey=old.key_id)  # then the run stopped
    clock.advance(91)
    report = retirement(services, clock).run(grace_seconds=90)
    assert report.already_deleted >= 1
    assert "retired_api_key_id" not in services.users_repo.get(old.user_id)


def test_running_again_changes_nothing(services):
    old_style_account(services)
    retirement(services, FrozenClock()).run(grace_seconds=90)
    keys = services.client("apigateway").get_api_keys(limit=500)["items"]
    again = retirement(services, FrozenClock()).run(grace_seconds=90)
    assert again.to_dict() == {"accounts": 0, "retired": 0, "deleted": 0, "already_deleted": 0,
                               "waiting": 0, "delete_after": None}
    assert services.client("apigateway").get_api_keys(limit=500)["items"] == keys


def test_a_plan_change_moves_an_old_account_to_the_new_plans_pool_at_once(services):
    old = old_style_account(services)
    services.accounts.set_plan(old.user_id, "enterprise")
    assert usage_key(services, old) == services.key_pools.key_for(old.user_id, "enterprise")
    assert services.users_repo.get(old.user_id)["retired_api_key_id"] == old.key_id
    retirement(services, FrozenClock()).run(grace_seconds=0)
    assert not key_exists(services, old.key_id)


def test_the_command_runs_on_the_local_stack_and_reports(services):
    old = old_style_account(services)
    report = commands.retire_api_keys(services, Namespace(grace_seconds=0, no_wait=False))
    assert report["retired"] >= 1 and report["deleted"] >= 1
    assert not key_exists(services, old.key_id)


def test_the_command_refuses_a_grace_shorter_than_the_authorizer_cache_on_aws():
    deployed = SimpleNamespace(settings=SimpleNamespace(is_local=False))
    with pytest.raises(commands.CommandError, match="authorizer"):
        commands.retire_api_keys(deployed, Namespace(grace_seconds=60, no_wait=False))
