"""Settings (chalicelib/config.py): the environment read once, the stage's name in payloads, the
payment settings as a view."""
from __future__ import annotations

import pytest

from chalicelib.clock import FrozenClock
from chalicelib.config import Settings
from chalicelib.services.events import EventRecorder
from chalicelib.services.payments.settings import DEFAULT_REVIEW_PERIOD, PaymentSettings


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


def test_payment_settings_come_from_the_one_read_of_the_environment():
    env = {"LEADNOD_STAGE": "prod", "PAYMENTS_QUEUE_URL": "https://sqs/payments",
           "AUTO_RELEASE_STATE_MACHINE_ARN": "arn:auto", "ESCROW_REVIEW_PERIOD_SECONDS": "5",
           "PAYMENT_CHARGE_TIMEOUT_SECONDS": "30"}

    payments = Settings.from_env(env).payments

    assert payments == PaymentSettings(
        stage="prod", table_name="leadnod-prod", queue_url="https://sqs/payments",
        machine_arns={"fund": "", "release": "", "refund": "", "auto_release": "arn:auto",
                      "dispute": ""},
        review_period_seconds=5, dispute_recheck_seconds=86400, charge_timeout_seconds=30)
    assert not payments.sandbox


def test_payment_defaults_are_the_payment_modules_own():
    assert Settings().payments == PaymentSettings()
    assert Settings.from_env({}).payments.review_period_seconds == DEFAULT_REVIEW_PERIOD
    assert Settings.from_env({"LEADNOD_STAGE": "sandbox"}).payments.sandbox
