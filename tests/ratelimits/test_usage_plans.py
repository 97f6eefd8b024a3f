"""API Gateway usage plans, the outer flood guard, as far as moto goes: the plans, each plan's
pool of API keys, accounts that create no key, and the pool key the authorizer hands to API
Gateway. moto does not enforce throttles (nor implement GetUsage): enforcement is tested at the
application layer (test_rate_limits.py, test_sliding_window.py)."""
from __future__ import annotations

import uuid

import pytest
from chalice.app import AuthRequest

from chalicelib.auth.authorizer import authorize
from chalicelib.auth.key_pools import POOL_PLANS, pool_key_value
from chalicelib.services.ratelimit import PLAN_LIMITS

ARN = "arn:aws:execute-api:us-east-1:123456789012:api/dev/GET/v1/users/me"
# One rate-limit counter item takes every request of its organization (docs/rate-limits.md);
# its partition takes 1,000 writes a second.
COUNTER_PARTITION_WRITES = 1000


def new_account(services, plan="professional", email=None):
    return services.accounts.create_account(
        user_type="client", name="Key Holder", email=email or f"{uuid.uuid4().hex}@example.com",
        plan=plan, company="Keys Inc", industry="saas")


def usage_key(services, user_id, client_id):
    token = services.token_issuer.issue(user_id=user_id, client_id=client_id, scopes=["read"])
    answer = authorize(AuthRequest("TOKEN", f"Bearer {token}", ARN), services.token_verifier,
                       services.users_repo.get, services.key_pools)
    assert answer["policyDocument"]["Statement"][0]["Effect"] == "Allow"
    return answer


def pool_values(services, plan):
    """The values of the keys attached to `plan`'s usage plan, from API Gateway."""
    apigateway = services.client("apigateway")
    pages = apigateway.get_paginator("get_usage_plan_keys").paginate(
        usagePlanId=services.settings.usage_plan_ids[plan])
    return {item["value"] for page in pages for item in page["items"]}


def api_key_count(services):
    pages = services.client("apigateway").get_paginator("get_api_keys").paginate()
    return sum(len(page["items"]) for page in pages)


@pytest.mark.parametrize("plan", POOL_PLANS)
def test_usage_plans_are_a_flood_guard_sized_for_a_pool_of_organizations(services, plan):
    found = services.client("apigateway").get_usage_plan(
        usagePlanId=services.settings.usage_plan_ids[plan])
    throttle = found["throttle"]
    # A key is shared: far above what any one organization's plan allows...
    assert throttle["rateLimit"] * 60 > 10 * PLAN_LIMITS["enterprise"].per_minute
    # ...yet one organization flooding through its key stays under its counter's partition in
    # the first second (bucket + refill), so the exact limiter never fails open on throttling.
    assert throttle["burstLimit"] + throttle["rateLimit"] < COUNTER_PARTITION_WRITES
    assert "quota" not in found  # a shared daily quota would let one flood lock out the rest


@pytest.mark.parametrize("plan", POOL_PLANS)
def test_each_plan_has_a_pool_of_keys_one_per_slot(services, plan):
    slots = services.settings.api_key_pool_slots
    assert len(slots) == 16
    # (other tests add keys made the old way to the plans; moto keeps a deleted key's plan key)
    pooled = {v for v in pool_values(services, plan) if v.startswith(f"leadnod-dev-{plan}-")}
    assert pooled == {pool_key_value("dev", plan, slot) for slot in slots}


def test_creating_50_accounts_creates_no_api_key_and_each_gets_a_key_of_its_plans_pool(services):
    before = api_key_count(services)
    plans = [POOL_PLANS[i % 3] for i in range(50)]
    created = [new_account(services, plan=plan) for plan in plans]
    assert api_key_count(services) == before
    pools = {plan: pool_values(services, plan) for plan in POOL_PLANS}
    used = set()
    for account, plan in zip(created, plans, strict=True):
        assert "api_key_id" not in services.users_repo.get(account.user.id)
        key = usage_key(services, account.user.id, account.client_id)["usageIdentifierKey"]
        assert key in pools[plan]
        used.add(key)
    assert len(used) > 16  # spread over the slots, not one key per plan


def test_a_plan_change_moves_the_organization_to_the_new_plans_pool_alone(services):
    created = new_account(services)
    keys_before = api_key_count(services)
    first = usage_key(services, created.user.id, created.client_id)["usageIdentifierKey"]
    services.accounts.set_plan(created.user.id, "enterprise")
    moved = usage_key(services, created.user.id, created.client_id)["usageIdentifierKey"]
    assert first in pool_values(services, "professional")
    assert moved in pool_values(services, "enterprise")
    # the same slot of the other pool: the hash is of the organization, not of the plan
    assert moved == first.replace("-professional-", "-enterprise-")
    services.accounts.set_plan(created.user.id, "professional")
    assert usage_key(services, created.user.id, created.client_id)["usageIdentifierKey"] == first
    assert api_key_count(services) == keys_before


def test_authorizer_passes_custom_limits_with_the_custom_pools_key(services):
    created = new_account(services)
    services.accounts.set_plan(created.user.id, "custom", per_minute=120, per_day=5000)
    answer = usage_key(services, created.user.id, created.client_id)
    assert answer["usageIdentifierKey"] in pool_values(services, "custom")
    assert answer["context"]["plan"] == "custom"
    assert (answer["context"]["rate_per_minute"], answer["context"]["rate_per_day"]) == (120, 5000)


def test_every_member_of_an_organization_shares_its_key(services):
    from chalicelib.auth.caller import Caller
    from chalicelib.models.users import NewMember

    owner = new_account(services, plan="enterprise")
    caller = Caller(owner.user.id, "client", "enterprise", frozenset({"write"}), owner.client_id,
                    member_id=owner.user.id, role="owner")
    keys_before = api_key_count(services)
    added = services.team.add(caller, NewMember(name="Rita Ops", role="member",
                                                email=f"{uuid.uuid4().hex}@example.com"))
    member_key = usage_key(services, added.user.id,
                           added.credentials.client_id)["usageIdentifierKey"]
    assert member_key == usage_key(services, owner.user.id, owner.client_id)[
        "usageIdentifierKey"]
    assert api_key_count(services) == keys_before
