"""Who is calling: what the authorizer verified, as the routes see it."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..errors import Forbidden, Unauthorized


@dataclass(frozen=True)
class Caller:
    user_id: str
    user_type: str
    plan: str
    scopes: frozenset[str]
    client_id: str

    @property
    def is_client(self) -> bool:
        return self.user_type == "client"

    @property
    def is_sales_pro(self) -> bool:
        return self.user_type == "sales_pro"

    def require_client(self, action: str) -> None:
        if not self.is_client:
            raise Forbidden(f"Only client accounts can {action}.")

    def require_sales_pro(self, action: str) -> None:
        if not self.is_sales_pro:
            raise Forbidden(f"Only sales professional accounts can {action}.")

    def to_context(self) -> dict[str, str]:
        """API Gateway authorizer context values must be strings, numbers or booleans."""
        return {"user_id": self.user_id, "user_type": self.user_type, "plan": self.plan,
                "scope": " ".join(sorted(self.scopes)), "client_id": self.client_id}

    @classmethod
    def from_context(cls, context: dict[str, Any] | None) -> "Caller":
        if not context or not context.get("user_id"):
            raise Unauthorized("No valid access token was provided.")
        return cls(user_id=context["user_id"], user_type=context["user_type"],
                   plan=context.get("plan", "professional"),
                   scopes=frozenset(str(context.get("scope", "")).split()),
                   client_id=context.get("client_id", ""))


def current_caller(request: Any) -> Caller:
    return Caller.from_context((request.context or {}).get("authorizer"))
