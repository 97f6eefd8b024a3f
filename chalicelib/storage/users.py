"""User, email-claim, credential and search-posting items (keys: docs/data-model.md)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable, Iterator

from boto3.dynamodb.conditions import Key

from .aggregates import new_account_totals
from .table import Action, ConditionFailed, NamedAction, Refused, Store, TransactionFailed


class CheckRefused(Refused[dict[str, Any]]):
    """A condition a caller added to a write (`checks`) refused it; `name` says which."""

    def __init__(self, name: str, item: dict[str, Any] | None) -> None:
        super().__init__(item)
        self.name = name


class EmailTaken(Exception):
    pass


class VersionConflict(Exception):
    """The item changed since it was read; the caller may retry."""


def user_key(user_id: str) -> dict[str, str]:
    return {"PK": f"USER#{user_id}", "SK": "PROFILE"}


def email_key(email: str) -> dict[str, str]:
    return {"PK": f"EMAIL#{email.lower()}", "SK": "EMAIL"}


def credential_key(client_id: str) -> dict[str, str]:
    return {"PK": f"CLIENT#{client_id}", "SK": "CREDENTIAL"}


def posting_key(token: str, rank: str, user_id: str) -> dict[str, str]:
    """`rank` is fixed-width and inverted (services/search_index.py): ascending = best first."""
    return {"PK": f"SEARCH#{token}", "SK": f"{rank}#{user_id}"}


def posting_item(token: str, posting: dict[str, Any]) -> dict[str, Any]:
    return {**posting_key(token, posting["rank"], posting["user_id"]), **posting}


def search_index(postings: dict[str, dict[str, Any]]) -> dict[str, Any] | None:
    """What the user item records of its postings, so an update deletes exactly the keys that
    exist even after the ranking or tokenizing code changed."""
    if not postings:
        return None
    return {"rank": next(iter(postings.values()))["rank"], "tokens": list(postings)}


@dataclass(frozen=True)
class Reindex:
    """A user's postings before and after a change (token -> posting attributes). `before` is
    only used for user items written before `search_index` was recorded."""
    before: dict[str, dict[str, Any]]
    after: dict[str, dict[str, Any]]

    def deletes(self, current: dict[str, Any]) -> list[dict[str, str]]:
        index = current.get("search_index") or search_index(self.before)
        if not index:
            return []
        new_keys = {(token, posting["rank"]) for token, posting in self.after.items()}
        return [posting_key(token, index["rank"], current["id"]) for token in index["tokens"]
                if (token, index["rank"]) not in new_keys]


def member_index(account_id: str, created_at: str, user_id: str) -> dict[str, str]:
    """Where an organization lists its members (GSI2, storage/teams.py)."""
    return {"GSI2PK": f"ORG#{account_id}", "GSI2SK": f"{created_at}#{user_id}"}


def _new(key: dict[str, str], **attrs: Any) -> dict[str, Any]:
    return {"Put": {"Item": {**key, **attrs}, "ConditionExpression": "attribute_not_exists(PK)"}}


class UserRepository:
    def __init__(self, store: Store) -> None:
        self.store = store

    def get(self, user_id: str, consistent: bool = False) -> dict[str, Any] | None:
        return self.store.get(user_key(user_id), consistent=consistent)

    def get_many(self, user_ids: Iterable[str],
                 consistent: bool = False) -> dict[str, dict[str, Any]]:
        keys = [(f"USER#{uid}", "PROFILE") for uid in user_ids]
        return {item["id"]: item
                for item in self.store.batch_get(keys, consistent=consistent).values()}

    def user_id_for_email(self, email: str) -> str | None:
        item = self.store.get(email_key(email))
        return item["user_id"] if item else None

    def create(self, user: dict[str, Any], credential: dict[str, Any],
               postings: dict[str, dict[str, Any]], extra: list[dict[str, Any]]) -> None:
        """User, its email claim, first credential and search postings in one transaction;
        the email claim's condition makes emails unique. A new account (not a member joining
        another's organization) also gets its analytics totals, marked as counted from the
        start (docs/analytics.md, "Counters kept since #20")."""
        index: dict[str, Any] = {"search_index": search_index(postings)} if postings else {}
        if user.get("account_id"):  # a client user: listed among its organization's members
            index.update(member_index(user["account_id"], user["created_at"], user["id"]))
        actions: list[Action | NamedAction] = [
            # `client_ids`: its credentials, so removing a member needs no Query for them
            _new(user_key(user["id"]), **user, **index, entity="user",
                 client_ids=[credential["client_id"]],
                 GSI1PK=f"USERS#{user['type']}", GSI1SK=f"{user['created_at']}#{user['id']}"),
            ("email", _new(email_key(user["email"]), entity="email", user_id=user["id"])),
            _new(credential_key(credential["client_id"]), **credential, entity="credential",
                 GSI1PK=f"USER#{user['id']}", GSI1SK=f"CLIENT#{credential['client_id']}"),
            *({"Put": {"Item": posting_item(token, posting)}}
              for token, posting in postings.items()),
            *extra,
        ]
        if user.get("account_id", user["id"]) == user["id"]:
            actions.append(new_account_totals(user["id"]))
        try:
            self.store.transact(actions)
        except TransactionFailed as exc:
            if exc.refused("email"):
                raise EmailTaken(user["email"]) from None
            raise

    def update(self, current: dict[str, Any], changes: dict[str, Any],
               extra: list[dict[str, Any]], reindex: Reindex | None = None) -> None:
        """Apply `changes` (top-level attributes) if the item still has `current["version"]`;
        moves the email claim and, with `reindex`, replaces the search postings in the same
        transaction (a changed rank changes every posting's key: deletes + puts, <= 94)."""
        user_id = current["id"]
        if reindex is not None:
            changes = {**changes, "search_index": search_index(reindex.after)}
        names = {f"#a{i}": name for i, name in enumerate(changes)}
        values = {f":v{i}": value for i, value in enumerate(changes.values())}
        sets = ", ".join(f"#a{i} = :v{i}" for i in range(len(changes)))
        update: dict[str, Any] = {
            "Key": user_key(user_id),
            "UpdateExpression": f"SET {sets}, version = :next" if sets else "SET version = :next",
            "ConditionExpression": "version = :version",
            "ExpressionAttributeValues": {**values, ":version": current["version"],
                                          ":next": current["version"] + 1},
        }
        if names:
            update["ExpressionAttributeNames"] = names
        actions: list[Action | NamedAction] = [("user", {"Update": update})]
        new_email: str | None = changes.get("email")
        email_moves = new_email is not None and new_email.lower() != current["email"].lower()
        if new_email is not None and email_moves:
            actions.append(("email", _new(email_key(new_email), entity="email", user_id=user_id)))
            actions.append({"Delete": {"Key": email_key(current["email"]),
                                       "ConditionExpression": "user_id = :me",
                                       "ExpressionAttributeValues": {":me": user_id}}})
        if reindex is not None:
            actions += [{"Delete": {"Key": key}} for key in reindex.deletes(current)]
            actions += [{"Put": {"Item": posting_item(token, posting)}}
                        for token, posting in reindex.after.items()]
        actions += extra
        try:
            self.store.transact(actions)
        except TransactionFailed as exc:
            if exc.refused("user"):
                raise VersionConflict(user_id) from None
            if exc.refused("email"):
                raise EmailTaken(new_email) from None
            raise

    def set_attributes(self, user_id: str, **attrs: Any) -> dict[str, Any]:
        """Operator changes (plan, API key); refused if the user does not exist."""
        names = {f"#a{i}": name for i, name in enumerate(attrs)}
        values = {f":v{i}": value for i, value in enumerate(attrs.values())}
        sets = ", ".join(f"#a{i} = :v{i}" for i in range(len(attrs)))
        return self.store.update(user_key(user_id), expression=f"SET {sets} ADD version :one",
                                 names=names, values={**values, ":one": 1},
                                 condition="attribute_exists(PK)")

    def mark_verified(self, user_id: str, events: list[Action]) -> bool:
        """Set `verified` with its events, once: False when it already was. Raises
        ConditionFailed when there is no such user."""
        try:
            self.store.transact([("user", {"Update": {
                "Key": user_key(user_id), "UpdateExpression": "SET verified = :t",
                "ConditionExpression": "attribute_exists(PK) AND verified <> :t",
                "ExpressionAttributeValues": {":t": True}}}), *events])
        except TransactionFailed as exc:
            if exc.refused("user") and exc.item("user") is None:
                raise ConditionFailed(None) from None
            if exc.refused("user"):
                return False
            raise
        return True

    # credentials -------------------------------------------------------------------------
    def get_credential(self, client_id: str) -> dict[str, Any] | None:
        return self.store.get(credential_key(client_id), consistent=True)

    def client_ids_for(self, user_id: str) -> list[str]:
        return [item["client_id"] for item in self.credentials_of(user_id)]

    def credentials_of(self, user_id: str) -> list[dict[str, Any]]:
        """A user's credential items, from GSI1 (eventually consistent: a write based on one
        is checked by its version)."""
        return list(self.store.query_all(
            Key("GSI1PK").eq(f"USER#{user_id}") & Key("GSI1SK").begins_with("CLIENT#"),
            index="GSI1"))

    def replace_secrets(self, credential: dict[str, Any], secrets: list[dict[str, Any]],
                        events: list[Action] | None = None,
                        checks: tuple[NamedAction, ...] = ()) -> None:
        """Swap the secret list if nobody else rotated meanwhile (optimistic version check),
        with the events that announce it and the caller's `checks`. Raises ConditionFailed
        when another rotation won, CheckRefused when a check failed."""
        try:
            self.store.transact([("credential", {"Update": {
                "Key": credential_key(credential["client_id"]),
                "UpdateExpression": "SET secrets = :s, version = :next",
                "ConditionExpression": "version = :v",
                "ExpressionAttributeValues": {":s": secrets, ":v": credential["version"],
                                              ":next": credential["version"] + 1}}}),
                *checks, *(events or [])])
        except TransactionFailed as exc:
            for name, _ in checks:
                if exc.refused(name):
                    raise CheckRefused(name, exc.item(name)) from None
            if exc.refused("credential"):
                raise ConditionFailed(exc.item("credential")) from None
            raise

    # search postings --------------------------------------------------------------------
    def postings(self, token: str) -> list[dict[str, Any]]:
        """Every posting of `token`, best rank first; each holds user_id, rank, xp, av, ind,
        loc, comp, sk and w (docs/data-model.md)."""
        return list(self.store.query_all(Key("PK").eq(f"SEARCH#{token}")))

    def ranked_postings(self, token: str, after: tuple[str, str] | None = None,
                        page_size: int = 50, max_page_size: int = 1000) -> Iterator[dict[str, Any]]:
        """The postings of `token` strictly after `(rank, user_id)`, best first, lazily: one
        Query per page, each page twice the previous, so a reader that stops early pays for
        about what it used."""
        condition = Key("PK").eq(f"SEARCH#{token}")
        if after is not None:
            condition &= Key("SK").gt(posting_key(token, *after)["SK"])
        start: dict[str, Any] | None = None
        while True:
            items, start = self.store.query(condition, limit=page_size, start_key=start)
            yield from items
            if not start:
                return
            page_size = min(2 * page_size, max_page_size)
