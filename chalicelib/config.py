"""Runtime settings, read from environment variables once per process."""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import lru_cache

DEFAULT_LOCAL_PORT = 8000


def environment_of(stage: str) -> str:
    """What event and webhook payloads call a stage (their `environment` field): `production`
    for prod, `sandbox` for every other. The API contract knows only these two values, so the
    local stack (dev) says `sandbox`, like the sandbox it stands in for (docs/events.md)."""
    return "production" if stage == "prod" else "sandbox"


def local_base_url(env: dict[str, str] | None = None) -> str:
    """The local stack's base URL, from the port its API listens on (`PORT`, as `make run`
    sets it). The dev stage's token issuer and audience and the OpenAPI document's local
    server follow it, so a stack on another port issues tokens naming that port."""
    env = os.environ if env is None else env
    return f"http://127.0.0.1:{env.get('PORT') or DEFAULT_LOCAL_PORT}"


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
    max_body_bytes: int = 1_048_576
    # Unauthenticated requests that reach the API, per source address (docs/rate-limits.md).
    unauthenticated_per_minute: int = 60
    unauthenticated_per_day: int = 10_000

    @property
    def environment(self) -> str:
        return environment_of(self.stage)

    @property
    def is_local(self) -> bool:
        return self.stage == "dev"

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> "Settings":
        env = dict(os.environ if env is None else env)
        stage = env.get("LEADNOD_STAGE", "dev")
        defaults = cls()
        local = local_base_url(env)  # deployed stages set TOKEN_ISSUER/AUDIENCE (.chalice)
        return cls(
            stage=stage,
            table_name=env.get("TABLE_NAME", f"leadnod-{stage}"),
            token_signing_key_ids=_csv(
                env.get("TOKEN_SIGNING_KEY_IDS", f"alias/leadnod-{stage}-token-signing")),
            token_issuer=env.get("TOKEN_ISSUER", local),
            token_audience=env.get("TOKEN_AUDIENCE", f"{local}/v1"),
            token_ttl_seconds=int(env.get("TOKEN_TTL_SECONDS", "3600")),
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
            max_body_bytes=int(env.get("MAX_BODY_BYTES", str(defaults.max_body_bytes))),
            unauthenticated_per_minute=int(env.get("UNAUTHENTICATED_RATE_PER_MINUTE",
                                                   str(defaults.unauthenticated_per_minute))),
            unauthenticated_per_day=int(env.get("UNAUTHENTICATED_RATE_PER_DAY",
                                                str(defaults.unauthenticated_per_day))),
        )


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings.from_env()
