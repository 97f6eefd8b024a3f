"""User, email-claim, credential and search-posting items (keys: docs/data-model.md)."""
from __future__ import annotations

from typing import Any, Iterable

from boto3.dynamodb.conditions import Key

from .table import Store, TransactionFailed


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


def posting_key(token: str, user_id: str) -> dict[str, str]:
    return {"PK": f"SEARCH#{token}", "SK": user_id}


def _new(key: dict[str, str], **attrs: Any) -> dict[str, Any]:
    return {"Put": {"Item": {**key, **attrs}, "ConditionExpression": "attribute_not_exists(PK)"}}


class UserRepository:
    def __init__(self, store: Store) -> None:
        self.store = store

    def get(self, user_id: str) -> dict[str, Any] | None:
        item = self.store.get(user_key(user_id))
        return item

    def get_many(self, user_ids: Iterable[str]) -> dict[str, dict[str, Any]]:
        keys = [(f"USER#{uid}", "PROFILE") for uid in user_ids]
        return {item["id"]: item for item in self.store.batch_get(keys).values()}

    def user_id_for_email(self, email: str) -> str | None:
        item = self.store.get(email_key(email))
        return item["user_id"] if item else None

    def create(self, user: dict[str, Any], credential: dict[str, Any],
               postings: dict[str, dict[str, Any]], extra: list[dict[str, Any]]) -> None:
        """User, its email claim, first credential and search postings in one transaction;
        the email claim's condition makes emails unique."""
        actions = [
            _new(user_key(user["id"]), **user, entity="user",
                 GSI1PK=f"USERS#{user['type']}", GSI1SK=f"{user['created_at']}#{user['id']}"),
            _new(email_key(user["email"]), entity="email", user_id=user["id"]),
            _new(credential_key(credential["client_id"]), **credential, entity="credential",
                 GSI1PK=f"USER#{user['id']}", GSI1SK=f"CLIENT#{credential['client_id']}"),
            *({"Put": {"Item": {**posting_key(token, user["id"]), **attrs}}}
              for token, attrs in postings.items()),
            *extra,
        ]
        try:
            self.store.transact(actions)
        except TransactionFailed as exc:
            if 1 in exc.failed_indexes:
                raise EmailTaken(user["email"]) from None
            raise

    def update(self, current: dict[str, Any], changes: dict[str, Any],
               postings_put: dict[str, dict[str, Any]], postings_delete: Iterable[str],
               extra: list[dict[str, Any]]) -> None:
        """Apply `changes` (top-level attributes) if the item still has `current["version"]`;
        moves the email claim and the search postings in the same transaction."""
        user_id = current["id"]
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
        actions: list[dict[str, Any]] = [{"Update": update}]
        new_email = changes.get("email")
        email_moves = bool(new_email) and new_email.lower() != current["email"].lower()
        if email_moves:
            actions.append(_new(email_key(new_email), entity="email", user_id=user_id))
            actions.append({"Delete": {"Key": email_key(current["email"]),
                                       "ConditionExpression": "user_id = :me",
                                       "ExpressionAttributeValues": {":me": user_id}}})
        actions += [{"Delete": {"Key": posting_key(token, user_id)}} for token in postings_delete]
        actions += [{"Put": {"Item": {**posting_key(token, user_id), **attrs}}}
                    for token, attrs in postings_put.items()]
        actions += extra
        try:
            self.store.transact(actions)
        except TransactionFailed as exc:
            if 0 in exc.failed_indexes:
                raise VersionConflict(user_id) from None
            if email_moves and 1 in exc.failed_indexes:
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

    # credentials -------------------------------------------------------------------------
    def get_credential(self, client_id: str) -> dict[str, Any] | None:
        return self.store.get(credential_key(client_id), consistent=True)

    def client_ids_for(self, user_id: str) -> list[str]:
        items = self.store.query_all(
            Key("GSI1PK").eq(f"USER#{user_id}") & Key("GSI1SK").begins_with("CLIENT#"), index="GSI1")
        return [item["client_id"] for item in items]

    def replace_secrets(self, credential: dict[str, Any], secrets: list[dict[str, Any]]) -> None:
        """Swap the secret list if nobody else rotated meanwhile (optimistic version check)."""
        self.store.update(credential_key(credential["client_id"]),
                          expression="SET secrets = :s, version = :next",
                          values={":s": secrets, ":v": credential["version"],
                                  ":next": credential["version"] + 1},
                          condition="version = :v")

    # search postings --------------------------------------------------------------------
    def postings(self, token: str) -> list[dict[str, Any]]:
        return list(self.store.query_all(Key("PK").eq(f"SEARCH#{token}")))
