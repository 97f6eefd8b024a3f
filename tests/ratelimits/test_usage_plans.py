"""API Gateway usage plans, the outer guard, as far as moto goes: plans, API keys, plan keys,
moving a key between plans, and what the authorizer hands to API Gateway and the limiter.
moto does not enforce throttles or quotas (nor implement GetUsage): enforcement is tested at
the application layer (test_rate_limits.py, test_sliding_window.py)."""
from __future__ import annotations

import uuid

import pytest
from chalice.app import AuthRequest

from chalicelib.auth.authorizer import authorize
from chalicelib.errors import Conflict
from chalicelib.services.ratelimit import PLAN_LIMITS

PLANS = ("professional", "enterprise", "custom")


def new_account(services, plan="professional", email=None):
    return services.accounts.create_account(
        user_type="client", name="Key Holder", email=email or f"{uuid.uuid4().hex}@example.com",
        plan=plan, company="Keys Inc", industry="saas")


def plans_holding(services, key_id):
    apigateway = services.client("apigateway")
    return [plan for plan in PLANS
            if any(item["id"] == key_id for item in apigateway.get_usage_plan_keys(
                usagePlanId=services.settings.usage_plan_ids[plan])["items"])]


@pytest.mark.parametrize("plan", ["professional", "enterprise"])
def test_usage_plans_are_an_outer_guard_at_twice_the_documented_limits(services, plan):
    found = services.client("apigateway").get_usage_plan(
        usagePlanId=services.settings.usage_plan_ids[plan])
    limits = PLAN_LIMITS[plan]
    # Token bucket: a burst of twice the per-minute limit, refilled at twice its rate, so the
    # API's own limiter (with its headers) is what a client meets first.
    assert found["throttle"]["rateLimit"] * 60 == 2 * limits.per_minute
    assert found["throttle"]["burstLimit"] == 2 * limits.per_minute
    assert (found["quota"]["limit"], found["quota"]["period"]) == (2 * limits.per_day, "DAY")


def test_custom_usage_plan_is_a_loose_outer_guard(services):
    found = services.client("apigateway").get_usage_plan(
        usagePlanId=services.settings.usage_plan_ids["custom"])
    assert found["throttle"]["rateLimit"] * 60 > PLAN_LIMITS["enterprise"].per_minute
    assert found["quota"]["limit"] > PLAN_LIMITS["enterprise"].per_day


def test_set_plan_moves_the_key_between_usage_plans(services):
    created = new_account(services)
    key_id = services.users_repo.get(created.user.id)["api_key_id"]
    assert plans_holding(services, key_id) == ["professional"]
    services.accounts.set_plan(created.user.id, "enterprise")
    assert plans_holding(services, key_id) == ["enterprise"]
    services.accounts.set_plan(created.user.id, "custom", per_minute=120, per_day=5000)
    assert plans_holding(services, key_id) == ["custom"]
    services.accounts.set_plan(created.user.id, "custom", per_minute=240, per_day=9000)
    assert plans_holding(services, key_id) == ["custom"]
    services.accounts.set_plan(created.user.id, "professional")
    assert plans_holding(services, key_id) == ["professional"]
    item = services.users_repo.get(created.user.id)
    assert item["plan"] == "professional" and item.get("rate_per_minute") is None


def test_authorizer_passes_custom_limits_with_the_account_key(services):
    """(test_authorizer.py covers the key for the standard plans.)"""
    created = new_account(services)
    services.accounts.set_plan(created.user.id, "custom", per_minute=120, per_day=5000)
    token = services.token_issuer.issue(user_id=created.user.id, client_id=created.client_id,
                                        scopes=["read"])
    request = AuthRequest("TOKEN", f"Bearer {token}",
                          "arn:aws:execute-api:us-east-1:123456789012:api/dev/GET/v1/users/me")
    answer = authorize(request, services.token_verifier, services.users_repo.get)
    item = services.users_repo.get(created.user.id)
    assert answer["usageIdentifierKey"] == item["api_key_value"]
    assert answer["context"]["plan"] == "custom"
    assert (answer["context"]["rate_per_minute"], answer["context"]["rate_per_day"]) == (120, 5000)


def test_no_orphan_key_when_the_account_is_refused(services):
    email = f"{uuid.uuid4().hex}@example.com"
    new_account(services, email=email)
    apigateway = services.client("apigateway")
    before = len(apigateway.get_api_keys(limit=500)["items"])
    with pytest.raises(Conflict):
        new_account(services, email=email)
    assert len(apigateway.get_api_keys(limit=500)["items"]) == before
