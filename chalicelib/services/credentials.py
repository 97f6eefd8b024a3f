"""Self-service API credentials (docs/auth.md "Rotating a client secret"): a user rotates the
secret of the credential its token came from; an organization's owner or admin may rotate a
member's. The new secret is shown once; the previous ones keep working for the grace period.
Each rotation is announced by `credentials.rotated`, written with it, to the organization."""
from __future__ import annotations

from datetime import timedelta
from typing import Any

from ..auth.caller import Caller
from ..clock import Clock, isoformat
from ..errors import not_found
from ..models.users import RotatedCredentials, RotateSecret
from ..storage.table import NamedAction
from ..storage.teams import member_check
from ..storage.users import CheckRefused, UserRepository
from .events import EventRecorder
from .oauth import OAuthService
from .teams import TeamService


class CredentialService:
    def __init__(self, users: UserRepository, oauth: OAuthService, team: TeamService,
                 events: EventRecorder, clock: Clock) -> None:
        self._users, self._oauth, self._team = users, oauth, team
        self._events, self._clock = events, clock

    def rotate_own(self, caller: Caller, request: RotateSecret) -> RotatedCredentials:
        credential = self._users.get_credential(caller.client_id)
        if credential is None or credential["user_id"] != caller.person_id:
            raise not_found("client", caller.client_id, param="client_id")
        return self._rotate(caller, credential, request.grace_seconds)

    def rotate_member(self, caller: Caller, member_id: str,
                      request: RotateSecret) -> RotatedCredentials:
        """The member check is a condition of the rotation's transaction (no read first): only
        an active member of the caller's organization, not its owner, is rotated."""
        caller.require_client("have a team")
        caller.require_manager("rotate members' credentials")
        credentials = self._users.credentials_of(member_id)
        if not credentials:
            raise not_found("user", member_id, param="user_id")
        try:
            return self._rotate(caller, credentials[0], request.grace_seconds,
                                checks=(member_check(caller.user_id, member_id),))
        except CheckRefused as exc:
            raise self._team.refusal(caller, exc.item, member_id) from None

    def _rotate(self, caller: Caller, credential: dict[str, Any], grace_seconds: int,
                checks: tuple[NamedAction, ...] = ()) -> RotatedCredentials:
        client_id = credential["client_id"]
        expires = isoformat(self._clock.now() + timedelta(seconds=grace_seconds))

        def announce(credential: dict[str, Any]) -> list[dict[str, Any]]:
            return self._events.record("credentials.rotated", {
                "user_id": credential["user_id"], "client_id": client_id,
                "rotated_by": caller.person_id, "previous_secret_expires_at": expires},
                [caller.user_id])

        def answer(secret: str) -> RotatedCredentials:
            return RotatedCredentials(client_id=client_id, client_secret=secret,
                                      previous_secret_expires_at=expires)

        return answer(self._oauth.rotate_secret(client_id, grace_seconds, announce=announce,
                                                credential=credential, answer=answer,
                                                checks=checks))
