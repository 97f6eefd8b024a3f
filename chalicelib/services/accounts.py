"""Operator-side account management: accounts, plans, verification.

No API Gateway call here: usage plans meter the key the authorizer picks from the plan's pool
(auth/key_pools.py), so creating an account creates no key and a plan change moves nothing."""
from __future__ import annotations

from typing import Any

from ..clock import Clock, sortable
from ..errors import InvalidParameter, not_found
from ..storage.legacy_api_keys import LegacyApiKeys
from ..storage.table import ConditionFailed
from ..storage.users import UserRepository
from .events import EventRecorder
from .users import NewAccount, UserService

PLANS = ("professional", "enterprise", "custom")


class AccountAdmin:
    def __init__(self, users: UserService, repo: UserRepository, legacy_keys: LegacyApiKeys,
                 events: EventRecorder, clock: Clock) -> None:
        self._users, self._repo, self._legacy_keys = users, repo, legacy_keys
        self._events, self._clock = events, clock

    def create_account(self, *, user_type: str, name: str, email: str, plan: str = "professional",
                       **fields: Any) -> NewAccount:
        if plan not in PLANS:
            raise InvalidParameter(f"Unknown plan '{plan}'.", param="plan")
        return self._users.create_account(user_type=user_type, name=name, email=email,
                                          plan=plan, **fields)

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
        if updated.get("api_key_id") and plan != current.get("plan", "professional"):
            # An account still on its own key (made before the pools) moves to the new plan's
            # pool now; `admin retire-api-keys` deletes the key later.
            self._legacy_keys.retire(user_id, updated["api_key_id"], sortable(self._clock.now()))
        return updated

    def verify(self, user_id: str) -> bool:
        """Mark a user verified (KYC done) and emit `user.verified`, once; False when the user
        already was."""
        events = self._events.record("user.verified", {"user_id": user_id}, [user_id])
        try:
            return self._repo.mark_verified(user_id, events)
        except ConditionFailed:
            raise not_found("user", user_id, param="user_id") from None
