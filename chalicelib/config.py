"""Runtime settings: every environment variable the app reads, read once per container
(`get_settings()`, cleared by `wiring.reset()`). Other settings are views of this one."""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Mapping

from .services.payments.settings import DEFAULT_REVIEW_PERIOD, MACHINES, PaymentSettings
from .services.webhooks.settings import WebhookSettings, env_names

DEFAULT_LOCAL_PORT = 8000


def environment_of(stage: str) -> str:
    """What event and webhook payloads call a stage (their `environment` field): `production`
    for prod, `sandbox` for every other. The API contract knows only these two values, so the
    local stack (dev) says `sandbox`, like the sandbox it stands in for (docs/events.md)."""
    return "production" if stage == "prod" else "sandbox"


def local_base_url(env: Mapping[str, str] | None = None) -> str:
    """The local stack's base URL, from the port its API listens on (`PORT`, as `make run`
    sets it). The dev stage's token issuer and audience and the OpenAPI document's local
    server follow it, so a stack on another port issues tokens naming that port."""
    port = (os.environ if env is None else env).get("PORT")
    return f"http://127.0.0.1:{port or DEFAULT_LOCAL_PORT}"


def _csv(value: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in value.split(",") if part.strip())


@dataclass(frozen=True)
class Settings:
    stage: str = "dev"
    table_name: str = "leadnod-dev"
    token_signing_key_ids: tuple[str, ...] = ("alias/leadnod-dev-token-signing",)
    token_issuer: str = f"http://127.0.0.1:{DEFAULT_LOCAL_PORT}"
    token_audience: str = f"http://127.0.0.1:{DEFAULT_LOCAL_PORT}/v1"
    token_ttl_seconds: int = 3600
    app_secret_arn: str = "leadnod/dev/app"
    queue_urls: dict[str, str] = field(default_factory=dict)
    export_bucket: str = ""
    usage_plan_ids: dict[str, str] = field(default_factory=dict)
    # The slots of every plan's API key pool (infra/template.yaml, auth/key_pools.py).
    api_key_pool_slots: tuple[str, ...] = ()
    max_body_bytes: int = 1_048_576
    # Unauthenticated requests that reach the API, per source address (docs/rate-limits.md).
    unauthenticated_per_minute: int = 60
    unauthenticated_per_day: int = 10_000
    # Escrow (docs/payments.md): the infra stack's state machines, and the timings tests shorten.
    state_machine_arns: dict[str, str] = field(default_factory=dict)
    escrow_review_period_seconds: int = DEFAULT_REVIEW_PERIOD
    escrow_dispute_recheck_seconds: int = 86400
    payment_charge_timeout_seconds: int = 900
    # Webhook delivery (services/webhooks/settings.py): the variables it reads, kept as read.
    webhook_env: Mapping[str, str] = field(default_factory=dict)

    @property
    def environment(self) -> str:
        return environment_of(self.stage)

    @property
    def is_local(self) -> bool:
        return self.stage == "dev"

    @property
    def payments(self) -> PaymentSettings:
        return PaymentSettings(
            stage=self.stage, table_name=self.table_name,
            queue_url=self.queue_urls.get("payments", ""), machine_arns=self.state_machine_arns,
            review_period_seconds=self.escrow_review_period_seconds,
            dispute_recheck_seconds=self.escrow_dispute_recheck_seconds,
            charge_timeout_seconds=self.payment_charge_timeout_seconds)

    @property
    def webhooks(self) -> WebhookSettings:
        return WebhookSettings.of(local=self.is_local, env=self.webhook_env)

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> "Settings":
        env = dict(os.environ if env is None else env)
        stage = env.get("LEADNOD_STAGE", "dev")
        defaults = cls()
        local = local_base_url(env)  # deployed stages set TOKEN_ISSUER/AUDIENCE (.chalice)

        def number(name: str, default: int) -> int:
            return int(env.get(name, str(default)))
        return cls(
            stage=stage,
            table_name=env.get("TABLE_NAME", f"leadnod-{stage}"),
            token_signing_key_ids=_csv(
                env.get("TOKEN_SIGNING_KEY_IDS", f"alias/leadnod-{stage}-token-signing")),
            token_issuer=env.get("TOKEN_ISSUER", local),
            token_audience=env.get("TOKEN_AUDIENCE", f"{local}/v1"),
            token_ttl_seconds=number("TOKEN_TTL_SECONDS", defaults.token_ttl_seconds),
            app_secret_arn=env.get("APP_SECRET_ARN", f"leadnod/{stage}/app"),
            queue_urls={
                key[: -len("_QUEUE_URL")].lower(): value
                for key, value in env.items() if key.endswith("_QUEUE_URL")
            },
            export_bucket=env.get("EXPORT_BUCKET", ""),
            usage_plan_ids={
                key[len("USAGE_PLAN_"): -len("_ID")].lower(): value
                for key, value in env.items()
                if key.startswith("USAGE_PLAN_") and key.endswith("_ID")
            },
            api_key_pool_slots=_csv(env.get("API_KEY_POOL_SLOTS", "")),
            max_body_bytes=number("MAX_BODY_BYTES", defaults.max_body_bytes),
            unauthenticated_per_minute=number("UNAUTHENTICATED_RATE_PER_MINUTE",
                                              defaults.unauthenticated_per_minute),
            unauthenticated_per_day=number("UNAUTHENTICATED_RATE_PER_DAY",
                                           defaults.unauthenticated_per_day),
            # FundStateMachineArn -> FUND_STATE_MACHINE_ARN, AutoRelease... -> AUTO_RELEASE_...
            state_machine_arns={m: env.get(f"{m.upper()}_STATE_MACHINE_ARN", "")
                                for m in MACHINES},
            escrow_review_period_seconds=number("ESCROW_REVIEW_PERIOD_SECONDS",
                                                defaults.escrow_review_period_seconds),
            escrow_dispute_recheck_seconds=number("ESCROW_DISPUTE_RECHECK_SECONDS",
                                                  defaults.escrow_dispute_recheck_seconds),
            payment_charge_timeout_seconds=number("PAYMENT_CHARGE_TIMEOUT_SECONDS",
                                                  defaults.payment_charge_timeout_seconds),
            webhook_env={name: value for name, value in env.items() if env_names(name)},
        )


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings.from_env()
