"""Webhook delivery settings, per stage, overridable with environment variables: a view of
`config.Settings` (which reads the environment once), like `PaymentSettings`."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping
from urllib.parse import urlsplit

# Seconds to wait before each retry: attempt 1 is immediate, attempt k+1 waits SCHEDULE[k-1].
# Production spans ~3 days like Stripe and Svix (5 s, 5 min, 30 min, 2 h, 5 h, then 10 h six
# times: 12 attempts over ~2.8 days); the local stack and tests use seconds.
PRODUCTION_SCHEDULE = (5, 300, 1800, 7200, 18000) + (36000,) * 6
LOCAL_SCHEDULE = (1, 2, 4, 8, 16)
DISABLE_AFTER_SECONDS = 5 * 86400
# What `of` reads: the WEBHOOK_* variables, and where the local stack's own ports are.
LOCAL_PORT_NAMES = ("MOTO_PORT", "PORT", "AWS_ENDPOINT_URL")


def env_names(name: str) -> bool:
    return name.startswith("WEBHOOK_") or name in LOCAL_PORT_NAMES


def _schedule(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in text.split(",") if part.strip())


def local_stack_ports(env: Mapping[str, str]) -> frozenset[int]:
    """The local stack's own loopback ports: its AWS endpoint (moto) and its API. A webhook
    there would let any account drive the stack itself (moto's /moto-api/reset wipes it)."""
    texts = (env.get("MOTO_PORT") or "5000", env.get("PORT") or "8000")
    ports = {int(text) for text in texts if text.strip().isdigit()}
    try:
        endpoint = urlsplit(env.get("AWS_ENDPOINT_URL", ""))
        ports.add(endpoint.port or (443 if endpoint.scheme == "https" else 80)
                  if endpoint.hostname else 0)
    except ValueError:
        pass
    return frozenset(ports - {0})


@dataclass(frozen=True)
class WebhookSettings:
    queue_url: str = ""
    dlq_url: str = ""
    retry_schedule: tuple[int, ...] = PRODUCTION_SCHEDULE
    jitter: float = 0.2               # each delay is multiplied by a factor in [1-j, 1+j]
    disable_after_seconds: int = DISABLE_AFTER_SECONDS
    sweep_after_seconds: int = 60     # outbox items older than this are the sweeper's
    timeout_seconds: float = 10.0
    concurrency: int = 10             # parallel HTTP requests per batch
    max_endpoints: int = 20
    allow_loopback: bool = False      # the local stage delivers to http://127.0.0.1:<port>
    own_ports: frozenset[int] = frozenset()  # ...but never to the stack's own ports

    @property
    def max_attempts(self) -> int:
        return 1 + len(self.retry_schedule)

    @classmethod
    def of(cls, *, local: bool, env: Mapping[str, str]) -> "WebhookSettings":
        """For the local stage or a deployed one, from the variables `ENV_NAMES` lists."""
        default = LOCAL_SCHEDULE if local else PRODUCTION_SCHEDULE
        schedule = env.get("WEBHOOK_RETRY_SCHEDULE")
        return cls(
            queue_url=env.get("WEBHOOK_QUEUE_URL", ""),
            dlq_url=env.get("WEBHOOK_DLQ_URL", ""),
            retry_schedule=_schedule(schedule) if schedule is not None else default,
            jitter=float(env.get("WEBHOOK_RETRY_JITTER", "0.2")),
            disable_after_seconds=int(env.get("WEBHOOK_DISABLE_AFTER_SECONDS",
                                              str(DISABLE_AFTER_SECONDS))),
            sweep_after_seconds=int(env.get("WEBHOOK_SWEEP_AFTER_SECONDS", "60")),
            timeout_seconds=float(env.get("WEBHOOK_TIMEOUT_SECONDS", "10")),
            concurrency=int(env.get("WEBHOOK_CONCURRENCY", "10")),
            allow_loopback=local,
            own_ports=local_stack_ports(env) if local else frozenset(),
        )
