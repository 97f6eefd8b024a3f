"""Prefixed random ids like `usr_4fJ9...` (22 base62 characters ≈ 131 bits)."""
from __future__ import annotations

import hashlib
import secrets
import string

_ALPHABET = string.digits + string.ascii_letters


def new_id(prefix: str) -> str:
    return f"{prefix}_" + "".join(secrets.choice(_ALPHABET) for _ in range(22))


def has_prefix(value: str, prefix: str) -> bool:
    return value.startswith(f"{prefix}_") and len(value) == len(prefix) + 23


def derived_id(prefix: str, seed: str) -> str:
    """A stable id for a stable request (an Idempotency-Key, an engagement's termination)."""
    number = int.from_bytes(hashlib.sha256(seed.encode()).digest(), "big")
    chars = []
    for _ in range(22):
        number, digit = divmod(number, 62)
        chars.append(_ALPHABET[digit])
    return f"{prefix}_{''.join(chars)}"


def request_object_id(prefix: str, user_id: str, route: str, idempotency_key: str | None) -> str:
    """The id of the object a keyed POST creates: derived from its Idempotency-Key when it has
    one, so that a retry after a crash (record expired, execution never started) finds it."""
    if idempotency_key is None:
        return new_id(prefix)
    return derived_id(prefix, f"{user_id}:{route}:{idempotency_key}")
