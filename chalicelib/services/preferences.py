"""Per-user notification preferences for messages (email on new message, digest frequency)."""
from __future__ import annotations

from ..clock import Clock, sortable
from ..models.messages import NotificationPreferences, PreferencesUpdate
from ..storage.preferences import PreferencesRepository


class PreferencesService:
    def __init__(self, preferences: PreferencesRepository, clock: Clock) -> None:
        self._preferences, self._clock = preferences, clock

    def get(self, user_id: str) -> NotificationPreferences:
        """Stored choices over the defaults; a user who never chose has no item."""
        return NotificationPreferences.model_validate(self._preferences.get(user_id) or {})

    def update(self, user_id: str, update: PreferencesUpdate) -> NotificationPreferences:
        changes = update.changes()
        if not changes:
            return self.get(user_id)
        item = self._preferences.update(user_id, changes, sortable(self._clock.now()))
        return NotificationPreferences.model_validate(item)
