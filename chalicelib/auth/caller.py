"""Who is calling: what the authorizer verified, as the routes see it.

`user_id` is the account the caller acts for: a sales pro's own id, or for a client user its
organization's account (docs/teams.md): every object a member creates belongs to it, lists,
limits, events and webhooks are the organization's. `member_id` is the person behind the
token (the same id for sales pros and for an organization's first owner), `role` their role
in the organization (`owner`, `admin`, `member`; empty for sales pros)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..errors import Forbidden, Unauthorized


MANAGERS = ("owner", "admin")


def organization_id_of(account_id: str) -> str:
    """An organization's public id, from its account's (`usr_X` -> `org_X`)."""
    return "org_" + account_id.partition("_")[2]


@dataclass(frozen=True)
class Caller:
    user_id: str
    user_type: str
    plan: str
    scopes: frozenset[str]
    client_id: str
    member_id: str = ""
    role: str = ""
    # A custom plan's own limits, as the authorizer read them (None: the plan's).
    rate_per_minute: int | None = None
    rate_per_day: int | None = None

    @property
    def person_id(self) -> str:
        """The user behind the token (their own profile, credentials)."""
        return self.member_id or self.user_id

    @property
    def organization_id(self) -> str | None:
        return organization_id_of(self.user_id) if self.is_client else None

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

    def require_manager(self, action: str) -> None:
        """Moving money, webhooks and the team are for an organization's owner and admins."""
        # No role: a context from before organizations (an authorizer answer cached over a
        # deploy), whose caller owned its one-person organization.
        if self.is_client and (self.role or "owner") not in MANAGERS:
            raise Forbidden(f"Only an organization's owner or admins can {action}; your role "
                            f"is '{self.role}'.", code="insufficient_role")

    def to_context(self) -> dict[str, str]:
        """API Gateway authorizer context values must be strings, numbers or booleans."""
        return {"user_id": self.user_id, "user_type": self.user_type, "plan": self.plan,
                "scope": " ".join(sorted(self.scopes)), "client_id": self.client_id,
                "member_id": self.person_id, "role": self.role}

    @classmethod
    def from_context(cls, context: dict[str, Any] | None) -> "Caller":
        if not context or not context.get("user_id"):
            raise Unauthorized("No valid access token was provided.")
        return cls(user_id=context["user_id"], user_type=context["user_type"],
                   plan=context.get("plan", "professional"),
                   scopes=frozenset(str(context.get("scope", "")).split()),
                   client_id=context.get("client_id", ""),
                   member_id=context.get("member_id", ""), role=context.get("role", ""),
                   rate_per_minute=_number(context.get("rate_per_minute")),
                   rate_per_day=_number(context.get("rate_per_day")))


def _number(value: Any) -> int | None:
    """API Gateway hands authorizer context values on as strings."""
    return None if value is None or value == "" else int(value)


def current_caller(request: Any) -> Caller:
    return Caller.from_context((request.context or {}).get("authorizer"))
