"""Opaque pagination cursors: base64url(JSON) + HMAC-SHA256, bound to the list they came from.

The scope (e.g. `opps:usr_x:status=open`) is signed with the position, so a cursor cannot be
edited to read another partition nor replayed against another list or another user.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
from decimal import Decimal
from functools import cached_property
from typing import Any, Callable

from ..errors import InvalidParameter


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else str(value)
    return value


class CursorCodec:
    def __init__(self, load_key: Callable[[], bytes]) -> None:
        # The key is read when a cursor is first made or checked, not when the storage layer is
        # built: most first requests of a new environment (a read by id) never page.
        self._load_key = load_key

    @cached_property
    def _key(self) -> bytes:
        return self._load_key()

    def _sign(self, payload: bytes) -> str:
        return _b64(hmac.new(self._key, payload, hashlib.sha256).digest()[:16])

    def encode(self, scope: str, position: Any) -> str:
        body = json.dumps({"s": scope, "p": position}, separators=(",", ":"), default=_plain)
        payload = body.encode()
        return f"{_b64(payload)}.{self._sign(payload)}"

    def decode(self, scope: str, cursor: str) -> Any:
        invalid = InvalidParameter("The 'cursor' is invalid or does not belong to this list.",
                                   param="cursor", code="invalid_cursor")
        try:
            encoded, signature = cursor.split(".")
            payload = _unb64(encoded)
        except (ValueError, TypeError):
            raise invalid from None
        # As bytes: compare_digest refuses str with non-ASCII characters (a TypeError).
        if not hmac.compare_digest(self._sign(payload).encode(), signature.encode()):
            raise invalid
        data = json.loads(payload)
        if data.get("s") != scope:
            raise invalid
        return data["p"]
