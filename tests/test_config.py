"""Settings (chalicelib/config.py): the stage's name in payloads."""
from __future__ import annotations

import pytest

from chalicelib.clock import FrozenClock
from chalicelib.config import Settings
from chalicelib.services.events import EventRecorder


@pytest.mark.parametrize(("stage", "environment"), [
    ("dev", "sandbox"), ("sandbox", "sandbox"), ("prod", "production")])
def test_events_name_the_environment_the_api_contract_knows(stage, environment):
    """`environment` is `production` or `sandbox` (docs/events.md, EventEnvelope): the local
    stack is a sandbox, never a third value integrators would not expect."""
    settings = Settings.from_env({"LEADNOD_STAGE": stage})
    actions = EventRecorder(settings, FrozenClock()).record(
        "user.verified", {"user_id": "usr_1"}, ["usr_1"])

    assert settings.environment == environment
    assert {action["Put"]["Item"]["payload"]["environment"] for action in actions} == {environment}
