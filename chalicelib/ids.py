"""Prefixed random ids like `usr_4fJ9...` (22 base62 characters ≈ 131 bits)."""
from __future__ import annotations

import secrets
import string

_ALPHABET = string.digits + string.ascii_letters


def new_id(prefix: str) -> str:
    return f"{prefix}_" + "".join(secrets.choice(_ALPHABET) for _ in range(22))


def has_prefix(value: str, prefix: str) -> bool:
    return value.startswith(f"{prefix}_") and len(value) == len(prefix) + 23
