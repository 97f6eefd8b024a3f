"""An organization's members (docs/teams.md, docs/data-model.md "Users and organizations").

A client user item names its organization's account (`account_id`, the id of the user who
signed the company up) and its `role`; members are listed on GSI2 under `ORG#<account_id>`.
Items written before organizations existed have neither: their user is the owner of a
one-person organization (read that way everywhere; `backfill` writes it down).
"""
from __future__ import annotations

from typing import Any, Iterator

from boto3.dynamodb.conditions import Key

from .table import Action, ConditionFailed, NamedAction, Refused, Store, TransactionFailed
from .users import credential_key, email_key, member_index, user_key


class MemberRefused(Refused[dict[str, Any]]):
    """The member is not (or no longer) in this organization, or is its owner. `item` is the
    member as it was (None: no such user)."""


# An active member of the organization, not its owner (what team writes may change).
MEMBER = "account_id = :acct AND #status = :active AND #role <> :owner"


def _member_update(account_id: str, member_id: str, sets: str, now: str, remove: str = "",
                   **values: Any) -> Action:
    """Update an active member of `account_id`'s organization who is not its owner: `sets`
    (with `values` as `:name`), `updated_at` and the version. Each action names exactly the
    values it uses: DynamoDB refuses an unused one."""
    return {"Update": {
        "Key": user_key(member_id),
        "UpdateExpression": f"SET {sets}, updated_at = :now ADD version :one"
                            + (f" REMOVE {remove}" if remove else ""),
        "ConditionExpression": MEMBER,
        "ExpressionAttributeNames": {"#status": "status", "#role": "role"},
        "ExpressionAttributeValues": {":acct": account_id, ":active": "active",
                                      ":owner": "owner", ":now": now, ":one": 1,
                                      **{f":{name}": value for name, value in values.items()}}}}


def member_check(account_id: str, member_id: str) -> NamedAction:
    """An active member of `account_id`'s organization who is not its owner, as a condition
    of another write (named `member`)."""
    return ("member", {"ConditionCheck": {
        "Key": user_key(member_id), "ConditionExpression": MEMBER,
        "ExpressionAttributeNames": {"#status": "status", "#role": "role"},
        "ExpressionAttributeValues": {":acct": account_id, ":active": "active",
                                      ":owner": "owner"}}})


class TeamRepository:
    def __init__(self, store: Store) -> None:
        self.store = store

    def members(self, account_id: str) -> list[dict[str, Any]]:
        """The organization's active members, oldest first (one Query of GSI2)."""
        items = self.store.query_all(Key("GSI2PK").eq(f"ORG#{account_id}"), index="GSI2")
        return [item for item in items if item.get("status", "active") == "active"]

    def set_role(self, account_id: str, member: dict[str, Any], role: str, now: str,
                 events: list[Action]) -> dict[str, Any]:
        """Change a member's role (not the owner's: ownership moves with `transfer`). Returns
        the member as written, from the item as read (no read after)."""
        self._transact([("member", _member_update(account_id, member["id"], "#role = :role",
                                                  now, role=role)), *events])
        return {**member, "role": role, "updated_at": now,
                "version": int(member.get("version", 0)) + 1}

    def remove(self, account_id: str, member: dict[str, Any], client_ids: list[str], now: str,
               events: list[Action]) -> None:
        """Take a member out: no longer listed, status `removed` (the authorizer refuses its
        live tokens), its credentials deleted and its email free again, all at once."""
        self._transact([
            ("member", _member_update(account_id, member["id"], "#status = :removed", now,
                                      remove="GSI2PK, GSI2SK", removed="removed")),
            *({"Delete": {"Key": credential_key(client_id)}} for client_id in client_ids),
            {"Delete": {"Key": email_key(member["email"]), "ConditionExpression": "user_id = :me",
                        "ExpressionAttributeValues": {":me": member["id"]}}},
            *events])

    def transfer(self, account_id: str, owner_id: str, new_owner_id: str, now: str,
                 events: list[Action]) -> None:
        """The owner becomes an admin and an active member the owner, together."""
        self._transact([
            ("owner", {"Update": {
                "Key": user_key(owner_id),
                "UpdateExpression": "SET #role = :admin, updated_at = :now ADD version :one",
                "ConditionExpression": "account_id = :acct AND #role = :owner",
                "ExpressionAttributeNames": {"#role": "role"},
                "ExpressionAttributeValues": {":acct": account_id, ":owner": "owner",
                                              ":admin": "admin", ":now": now, ":one": 1}}}),
            ("member", _member_update(account_id, new_owner_id, "#role = :new_role", now,
                                      new_role="owner")),
            *events])

    def _transact(self, actions: list[Action | NamedAction]) -> None:
        try:
            self.store.transact(actions)
        except TransactionFailed as exc:
            if exc.refusals:
                named = ("member", "owner")
                item = next((exc.item(n) for n in named if exc.refused(n)), None)
                raise MemberRefused(item) from None
            raise

    # migration ---------------------------------------------------------------------------
    def legacy_clients(self) -> Iterator[dict[str, Any]]:
        """Client users written before organizations (no `account_id`): GSI1 `USERS#client`."""
        for item in self.store.query_all(Key("GSI1PK").eq("USERS#client"), index="GSI1"):
            if "account_id" not in item:
                yield item

    def make_owner(self, user: dict[str, Any]) -> bool:
        """Write down that a legacy client user owns its one-person organization; False when
        another run (or a change) already did."""
        index = member_index(user["id"], user["created_at"], user["id"])
        try:
            self.store.update(
                user_key(user["id"]),
                "SET account_id = :me, #role = :owner, GSI2PK = :pk, GSI2SK = :sk",
                values={":me": user["id"], ":owner": "owner", ":pk": index["GSI2PK"],
                        ":sk": index["GSI2SK"]},
                names={"#role": "role"},
                condition="attribute_exists(PK) AND attribute_not_exists(account_id)")
        except ConditionFailed:
            return False
        return True
