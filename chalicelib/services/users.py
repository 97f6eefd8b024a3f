"""Accounts and profiles: creation (operators), reading, self-service updates."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from ..auth.caller import Caller, organization_id_of
from ..auth.secrets import hash_secret, new_client_secret
from ..clock import Clock, sortable
from ..errors import Conflict, InvalidParameter, not_found
from ..ids import new_id
from ..models.users import SALES_PRO_FIELDS, ProfileUpdate, PublicUser, User, UserUpdate
from ..storage.commit_riders import answer_in_commit
from ..storage.users import EmailTaken, Reindex, UserRepository, VersionConflict, search_index
from .events import EventRecorder
from .search_index import tokens_for

PLAN_LIMITS = {"professional": (60, 10_000), "enterprise": (300, 100_000)}


@dataclass(frozen=True)
class NewAccount:
    user: User
    client_id: str
    client_secret: str


# Told (before, after) once an account was created (before = None) or changed; matching
# uses it to re-match sales pros whose profile changed.
ChangeListener = Callable[[dict[str, Any] | None, dict[str, Any]], None]


def member_view(item: dict[str, Any], plan: str) -> User:
    """A user as its owner (or a teammate) sees it: clients with their organization and role
    (an item written before organizations: the owner of its own), and the account's plan."""
    view = {**item, "plan": plan}
    if item.get("type") == "client":
        view.update(organization_id=organization_id_of(item.get("account_id", item["id"])),
                    role=item.get("role", "owner"))
    return User.model_validate(view)


class UserService:
    def __init__(self, users: UserRepository, events: EventRecorder, clock: Clock,
                 on_change: ChangeListener | None = None) -> None:
        self._users, self._events, self._clock = users, events, clock
        self._on_change = on_change or (lambda before, after: None)

    def create_account(self, *, user_type: str, name: str, email: str, plan: str = "professional",
                       company: str | None = None, industry: str | None = None,
                       profile: dict[str, Any] | None = None, user_id: str | None = None,
                       client_id: str | None = None, account_id: str | None = None,
                       role: str = "owner",
                       answer: Callable[[NewAccount], Any] | None = None) -> NewAccount:
        """Create a user with its first client credential. Raises Conflict on a taken email.
        A client user belongs to an organization: its own (as owner) unless `account_id` names
        another's, which then hears of it (`user.created` goes to the organization). `answer`
        turns the new account into the request's answer, written with the commit."""
        now = sortable(self._clock.now())
        if profile:
            profile = ProfileUpdate.model_validate(profile).model_dump(exclude_none=True)
        user: dict[str, Any] = {
            "id": user_id or new_id("usr"), "type": user_type, "email": email, "name": name,
            "company": company, "industry": industry, "plan": plan, "status": "active",
            "verified": False, "profile": profile or {}, "created_at": now, "updated_at": now,
            "version": 1,
        }
        if user_type == "client":
            user.update(account_id=account_id or user["id"], role=role)
        secret = new_client_secret()
        credential = {"client_id": client_id or new_id("cli"), "user_id": user["id"],
                      "secrets": [{"hash": hash_secret(secret), "created_at": now}],
                      "created_at": now, "version": 1}
        data = {"user_id": user["id"], "type": user_type}
        if user_type == "client":
            data.update(organization_id=organization_id_of(user["account_id"]), role=role)
        event = self._events.record("user.created", data, [user.get("account_id", user["id"])])
        created = NewAccount(user=member_view(user, plan), client_id=credential["client_id"],
                             client_secret=secret)
        try:
            with answer_in_commit(answer(created) if answer else None):
                self._users.create(user, credential, tokens_for(user), event)
        except EmailTaken:
            raise Conflict(f"An account with email '{email}' already exists.", param="email",
                           code="email_taken") from None
        self._on_change(None, user)
        return created

    def _load(self, user_id: str) -> dict[str, Any]:
        item = self._users.get(user_id)
        if item is None or item.get("status", "active") != "active":
            raise not_found("user", user_id)
        return item

    def me(self, caller: Caller) -> User:
        """The person behind the token; a member's plan is its organization's."""
        return member_view(self._load(caller.person_id), caller.plan)

    def public_profile(self, user_id: str) -> PublicUser:
        return PublicUser.model_validate(self._load(user_id))

    def update_me(self, caller: Caller, update: UserUpdate) -> User:
        user_id = caller.person_id
        for _ in range(3):  # optimistic locking: retry when a concurrent update won
            current = self._load(user_id)
            changes = self._changes(current, update)
            if not changes:
                return member_view(current, caller.plan)
            changes["updated_at"] = sortable(self._clock.now())
            after = {**current, **changes}
            before, postings = tokens_for(current), tokens_for(after)
            # Postings are rewritten only when what they hold (or their recorded keys) changed.
            reindex = None
            if postings != before or current.get("search_index") != search_index(postings):
                reindex = Reindex(before=before, after=postings)
            event = self._events.record(
                "user.updated",
                {"user_id": user_id, "changed": sorted(set(changes) - {"updated_at"})},
                [caller.user_id])  # a member's changes are its organization's news
            try:
                self._users.update(current, changes, event, reindex)
            except VersionConflict:
                continue
            except EmailTaken:
                raise Conflict(f"An account with email '{update.email}' already exists.",
                               param="email", code="email_taken") from None
            self._on_change(current, after)
            return member_view({**after, "version": current["version"] + 1}, caller.plan)
        raise Conflict("The profile was changed concurrently; retry the request.",
                       code="concurrent_update")

    @staticmethod
    def _changes(current: dict[str, Any], update: UserUpdate) -> dict[str, Any]:
        fields = update.model_dump(exclude_unset=True)
        profile_update = fields.pop("profile", None)
        changes = {k: v for k, v in fields.items() if current.get(k) != v}
        if "name" in changes and changes["name"] is None:
            raise InvalidParameter("The 'name' field cannot be null.", param="name")
        if "email" in changes and changes["email"] is None:
            raise InvalidParameter("The 'email' field cannot be null.", param="email")
        if profile_update:
            if current["type"] != "sales_pro":
                for name in SALES_PRO_FIELDS:
                    if name in profile_update:
                        raise InvalidParameter(
                            f"The 'profile.{name}' field applies to sales professionals only.",
                            param=f"profile.{name}")
            profile = {**(current.get("profile") or {}), **profile_update}
            profile = {k: v for k, v in profile.items() if v is not None}
            if profile != (current.get("profile") or {}):
                changes["profile"] = profile
        return changes
