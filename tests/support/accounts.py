"""Accounts with tokens, made through the users service (no HTTP)."""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any, NamedTuple


@dataclass
class Account:
    user_id: str
    client_id: str
    client_secret: str
    email: str
    type: str
    token: str


class Pair(NamedTuple):
    client: Account
    sales_pro: Account


def unique(prefix: str = "t") -> str:
    return f"{prefix}{uuid.uuid4().hex[:10]}"


def new_account(services: Any, user_type: str = "client", *, plan: str = "professional",
                scopes: str = "read write", unlimited: bool = False, **fields: Any) -> Account:
    """An account with a token. `unlimited` lifts the rate limits, for accounts shared by many
    tests that are not about rate limiting."""
    email = fields.pop("email", None) or f"{unique()}@example.com"
    name = fields.pop("name", None) or f"Test {unique()}"
    created = services.users.create_account(user_type=user_type, name=name, email=email,
                                            plan=plan, **fields)
    if unlimited:
        services.users_repo.set_attributes(created.user.id, plan="custom",
                                           rate_per_minute=100_000, rate_per_day=10_000_000)
    token = services.token_issuer.issue(user_id=created.user.id, client_id=created.client_id,
                                        scopes=scopes.split())
    return Account(created.user.id, created.client_id, created.client_secret, email,
                   user_type, token)


def new_pair(services: Any) -> Pair:
    """A client and a sales professional, shared by many tests: no rate limits (the tests
    sharing them are not about those)."""
    return Pair(new_account(services, "client", unlimited=True),
                new_account(services, "sales_pro", unlimited=True))
