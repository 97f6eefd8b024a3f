"""Client teams (docs/teams.md): an organization's members, their roles, ownership transfer.

The organization is its account (`Caller.user_id`): every object a member creates belongs to
it, so sharing needs nothing here. This service manages who is in it. Listing is for every
member; adding, changing and removing members for the owner and admins; an admin cannot touch
the owner, and only the owner hands ownership on.
"""
from __future__ import annotations

from typing import Any, TypeGuard

from ..auth.caller import Caller
from ..clock import Clock, sortable
from ..errors import Conflict, Forbidden, InvalidParameter, not_found
from ..models.common import Page
from ..models.users import AddedMember, MemberCredentials, NewMember, RoleChange, User
from ..storage.commit_riders import answer_in_commit
from ..storage.teams import MemberRefused, TeamRepository
from ..storage.users import UserRepository
from .events import EventRecorder
from .users import NewAccount, UserService, member_view


class TeamService:
    def __init__(self, users: UserService, users_repo: UserRepository, team: TeamRepository,
                 events: EventRecorder, clock: Clock) -> None:
        self._users, self._users_repo, self._team = users, users_repo, team
        self._events, self._clock = events, clock

    def members(self, caller: Caller) -> Page[User]:
        caller.require_client("have a team")
        members = self._team.members(caller.user_id)
        if not any(m["id"] == caller.user_id for m in members):
            account = self._users_repo.get(caller.user_id)  # written before organizations?
            if account and "account_id" not in account and account.get("status") == "active":
                members.insert(0, account)
        return Page[User](data=[member_view(m, caller.plan) for m in members], has_more=False)

    def add(self, caller: Caller, request: NewMember) -> AddedMember:
        caller.require_client("have a team")
        caller.require_manager("add team members")
        account = self._users_repo.get(caller.user_id) or {}
        created = self._users.create_account(
            user_type="client", name=request.name, email=request.email, plan=caller.plan,
            company=account.get("company"), industry=account.get("industry"),
            account_id=caller.user_id, role=request.role, answer=added)
        return added(created)

    def change_role(self, caller: Caller, member_id: str, request: RoleChange) -> User:
        member = self.member(caller, member_id, "change roles")
        if member["id"] == caller.person_id:
            raise Forbidden("You cannot change your own role; ask the owner or another admin.")
        now = sortable(self._clock.now())
        events = self._changed(caller, member_id, ["role"])
        try:
            updated = self._team.set_role(caller.user_id, member, request.role, now, events)
        except MemberRefused as exc:
            raise self.refusal(caller, exc.item, member_id) from None
        return member_view(updated, caller.plan)

    def remove(self, caller: Caller, member_id: str) -> None:
        member = self.member(caller, member_id, "remove team members")
        now = sortable(self._clock.now())
        # Users made before 2026-12 do not list their credentials: those are looked up.
        client_ids = member.get("client_ids") or self._users_repo.client_ids_for(member_id)
        try:
            self._team.remove(caller.user_id, member, client_ids, now,
                              self._changed(caller, member_id, ["status"]))
        except MemberRefused as exc:
            raise self.refusal(caller, exc.item, member_id) from None

    def transfer_ownership(self, caller: Caller, member_id: str) -> User:
        caller.require_client("have a team")
        if caller.role != "owner":
            raise Forbidden("Only the organization's owner can transfer ownership.",
                            code="insufficient_role")
        if member_id == caller.person_id:
            raise InvalidParameter("You already own this organization.", param="user_id")
        now = sortable(self._clock.now())
        events = [*self._changed(caller, caller.person_id, ["role"]),
                  *self._changed(caller, member_id, ["role"])]
        # Read first, so the answer (the new owner as it will be) goes in with the commit; the
        # transaction's conditions still decide (a member changed since is refused there).
        member = self._users_repo.get(member_id)
        if member is None:
            raise self.refusal(caller, None, member_id)
        answer = member_view({**member, "role": "owner", "updated_at": now,
                              "version": int(member.get("version", 0)) + 1}, caller.plan)
        try:
            with answer_in_commit(answer):
                self._team.transfer(caller.user_id, caller.person_id, member_id, now, events)
        except MemberRefused as exc:
            raise self.refusal(caller, exc.item, member_id) from None
        return answer

    # ------------------------------------------------------------------ helpers
    def member(self, caller: Caller, member_id: str, action: str) -> dict[str, Any]:
        """An active member of the caller's organization (404 for anyone else's users)."""
        caller.require_client("have a team")
        caller.require_manager(action)
        member = self._users_repo.get(member_id)
        if not _active_member_of(member, caller):
            raise not_found("user", member_id, param="user_id")
        if member.get("role", "owner") == "owner":
            raise Forbidden("The owner cannot be removed or demoted; the owner transfers "
                            "ownership first (POST /v1/users/me/team/{user_id}/transfer).",
                            code="owner_protected")
        return member

    def _changed(self, caller: Caller, member_id: str,
                 changed: list[str]) -> list[dict[str, Any]]:
        return self._events.record("user.updated", {"user_id": member_id, "changed": changed},
                                   [caller.user_id])

    @staticmethod
    def refusal(caller: Caller, item: dict[str, Any] | None, member_id: str) -> Exception:
        """Why storage refused, from the member as it was."""
        if not _active_member_of(item, caller):
            return not_found("user", member_id, param="user_id")
        if item.get("role") == "owner":
            return Forbidden("The owner cannot be removed or demoted.", code="owner_protected")
        return Conflict("The team changed while this request ran; retry.",
                        code="concurrent_update")


def _active_member_of(item: dict[str, Any] | None,
                      caller: Caller) -> TypeGuard[dict[str, Any]]:
    """A client user, active, in the caller's organization (an item written before
    organizations belongs to its own)."""
    return item is not None and item.get("type") == "client" and \
        item.get("account_id", item["id"]) == caller.user_id and \
        item.get("status", "active") == "active"


def added(created: NewAccount) -> AddedMember:
    return AddedMember(user=created.user, credentials=MemberCredentials(
        client_id=created.client_id, client_secret=created.client_secret))
