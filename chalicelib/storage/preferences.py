"""Notification preferences: one item per user, `USER#<usr>` / `PREFS`; absent = defaults."""
from __future__ import annotations

from typing import Any

from .table import Store


def preferences_key(user_id: str) -> dict[str, str]:
    return {"PK": f"USER#{user_id}", "SK": "PREFS"}


class PreferencesRepository:
    def __init__(self, store: Store) -> None:
        self.store = store

    def get(self, user_id: str) -> dict[str, Any] | None:
        return self.store.get(preferences_key(user_id), consistent=True)

    def update(self, user_id: str, changes: dict[str, Any], at: str) -> dict[str, Any]:
        """SET only the given attributes (an upsert), so concurrent PATCHes of different
        fields both stick; returns the whole item after the update."""
        fields = {**changes, "updated_at": at, "entity": "preferences"}
        names = {f"#a{i}": name for i, name in enumerate(fields)}
        values = {f":v{i}": value for i, value in enumerate(fields.values())}
        sets = ", ".join(f"#a{i} = :v{i}" for i in range(len(fields)))
        return self.store.update(preferences_key(user_id), f"SET {sets}", values=values,
                                 names=names)
