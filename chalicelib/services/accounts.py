"""Operator-side account management: API keys in usage plans, plans, verification."""
from __future__ import annotations

import secrets
from typing import Any

from ..errors import InvalidParameter, not_found
from ..storage.table import ConditionFailed
from ..storage.users import UserRepository
from .events import EventRecorder
from .users import NewAccount, UserService

PLANS = ("professional", "enterprise", "custom")


class ApiKeys:
    """One API Gateway API key per account, in its plan's usage plan (the outer rate guard)."""

    def __init__(self, apigateway: Any, usage_plan_ids: dict[str, str]) -> None:
        self._apigw, self._plans = apigateway, usage_plan_ids

    def create(self, user_id: str, plan: str) -> dict[str, str]:
        key = self._apigw.create_api_key(name=user_id, enabled=True,
                                         value=secrets.token_urlsafe(30))
        self._attach(key["id"], plan)
        return {"id": key["id"], "value": key["value"]}

    def move(self, key_id: str, old_plan: str, new_plan: str) -> None:
        if old_plan == new_plan:
            return
        old = self._plans.get(old_plan)
        if old:
            try:
                self._apigw.delete_usage_plan_key(usagePlanId=old, keyId=key_id)
            except self._apigw.exceptions.NotFoundException:
                pass
        self._attach(key_id, new_plan)

    def delete(self, key_id: str) -> None:
        self._apigw.delete_api_key(apiKey=key_id)

    def _attach(self, key_id: str, plan: str) -> None:
        plan_id = self._plans.get(plan)
        if plan_id:
            self._apigw.create_usage_plan_key(usagePlanId=plan_id, keyId=key_id, keyType="API_KEY")


class AccountAdmin:
    def __init__(self, users: UserService, repo: UserRepository, keys: ApiKeys,
                 events: EventRecorder) -> None:
        self._users, self._repo, self._keys, self._events = users, repo, keys, events

    def create_account(self, *, user_type: str, name: str, email: str, plan: str = "professional",
                       **fields: Any) -> NewAccount:
        if plan not in PLANS:
            raise InvalidParameter(f"Unknown plan '{plan}'.", param="plan")
        from ..ids import new_id

        user_id = new_id("usr")
        key = self._keys.create(user_id, plan)
        try:
            return self._users.create_account(user_type=user_type, name=name, email=email,
                                              plan=plan, user_id=user_id, api_key=key, **fields)
        except Exception:
            self._keys.delete(key["id"])  # no orphan key when the account was not created
            raise

    def set_plan(self, user_id: str, plan: str, per_minute: int | None = None,
                 per_day: int | None = None) -> dict[str, Any]:
        if plan not in PLANS:
            raise InvalidParameter(f"Unknown plan '{plan}'.", param="plan")
        if plan == "custom" and (not per_minute or not per_day or per_minute < 1 or per_day < 1):
            raise InvalidParameter("A custom plan needs --per-minute and --per-day (>= 1).",
                                   param="per_minute")
        if plan != "custom" and (per_minute or per_day):
            raise InvalidParameter("Limits can only be set for the custom plan.", param="plan")
        current = self._repo.get(user_id)
        if current is None:
            raise not_found("user", user_id, param="user_id")
        try:
            updated = self._repo.set_attributes(user_id, plan=plan, rate_per_minute=per_minute,
                                                rate_per_day=per_day)
        except ConditionFailed:
            raise not_found("user", user_id, param="user_id") from None
        if current.get("api_key_id"):
            self._keys.move(current["api_key_id"], current.get("plan", "professional"), plan)
        return updated

    def verify(self, user_id: str) -> bool:
        """Mark a user verified (KYC done) and emit `user.verified`, once; False when the user
        already was."""
        events = self._events.record("user.verified", {"user_id": user_id}, [user_id])
        try:
            return self._repo.mark_verified(user_id, events)
        except ConditionFailed:
            raise not_found("user", user_id, param="user_id") from None
