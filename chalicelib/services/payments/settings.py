"""Payment settings, from the environment (the infra stack's outputs and per-stage values)."""
from __future__ import annotations

import os
from dataclasses import dataclass, field

MACHINES = ("fund", "release", "refund", "auto_release", "dispute")
DEFAULT_REVIEW_PERIOD = 14 * 86400  # as Upwork does
SANDBOX_STAGES = ("dev", "sandbox")


@dataclass(frozen=True)
class PaymentSettings:
    stage: str = "dev"
    table_name: str = "leadnod-dev"
    queue_url: str = ""
    machine_arns: dict[str, str] = field(default_factory=dict)
    review_period_seconds: int = DEFAULT_REVIEW_PERIOD
    dispute_recheck_seconds: int = 86400
    charge_timeout_seconds: int = 900

    @property
    def sandbox(self) -> bool:
        """dev and sandbox take test payment methods only; production takes real ones."""
        return self.stage in SANDBOX_STAGES

    @property
    def default_payment_method(self) -> str | None:
        return "pm_card_visa" if self.sandbox else None

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> "PaymentSettings":
        env = dict(os.environ if env is None else env)
        stage = env.get("LEADNOD_STAGE", "dev")
        return cls(
            stage=stage,
            table_name=env.get("TABLE_NAME", f"leadnod-{stage}"),
            queue_url=env.get("PAYMENTS_QUEUE_URL", ""),
            # FundStateMachineArn -> FUND_STATE_MACHINE_ARN, AutoRelease... -> AUTO_RELEASE_...
            machine_arns={m: env.get(f"{m.upper()}_STATE_MACHINE_ARN", "") for m in MACHINES},
            review_period_seconds=int(env.get("ESCROW_REVIEW_PERIOD_SECONDS",
                                              str(DEFAULT_REVIEW_PERIOD))),
            dispute_recheck_seconds=int(env.get("ESCROW_DISPUTE_RECHECK_SECONDS", "86400")),
            charge_timeout_seconds=int(env.get("PAYMENT_CHARGE_TIMEOUT_SECONDS", "900")),
        )
