"""Client secrets: random, shown once, stored only as a salted scrypt hash.

scrypt (n=2**14, r=8, p=1, ~30 ms) makes a leaked table useless for offline guessing even
though the secrets already carry 256 bits; it costs one hash per token request.
"""
from __future__ import annotations

import hashlib
import hmac
import os
import secrets

SECRET_PREFIX = "lns_"
_N, _R, _P = 2**14, 8, 1
_DUMMY_SALT = b"\x00" * 16


def new_client_secret() -> str:
    return SECRET_PREFIX + secrets.token_urlsafe(32)


def hash_secret(secret: str, salt: bytes | None = None) -> str:
    salt = salt if salt is not None else os.urandom(16)
    digest = hashlib.scrypt(secret.encode(), salt=salt, n=_N, r=_R, p=_P, dklen=32)
    return f"scrypt${_N}${_R}${_P}${salt.hex()}${digest.hex()}"


def verify_secret(secret: str, stored: str) -> bool:
    """Constant-time comparison against one stored hash."""
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
    except ValueError:
        return False
    if scheme != "scrypt":
        return False
    candidate = hashlib.scrypt(secret.encode(), salt=bytes.fromhex(salt), n=int(n), r=int(r),
                               p=int(p), dklen=32)
    return hmac.compare_digest(candidate.hex(), digest)


def burn_equivalent_time(secret: str) -> None:
    """Spend a hash's worth of time for unknown client ids, so timing does not reveal them."""
    hashlib.scrypt(secret.encode(), salt=_DUMMY_SALT, n=_N, r=_R, p=_P, dklen=32)
