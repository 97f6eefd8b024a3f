"""Payment settings: a view of `chalicelib.config.Settings` (`Settings.payments`), which reads
the environment once (the infra stack's outputs and per-stage values)."""
from __future__ import annotations

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
