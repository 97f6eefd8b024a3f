"""Webhook secrets, the request body and the signature headers (docs/webhooks.md).

Both signatures use the endpoint secret's UTF-8 bytes, exactly as shown at creation
(`whsec_` prefix included), as the HMAC-SHA256 key:
- `X-LeadNod-Signature`: lowercase hex HMAC of the raw body (what the public docs promise);
- `webhook-signature` (Standard Webhooks): `v1,` + base64 HMAC of
  `"{webhook-id}.{webhook-timestamp}.{body}"`, which binds the timestamp so receivers can refuse
  replays.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
from decimal import Decimal
from typing import Any

SECRET_PREFIX = "whsec_"
USER_AGENT = "LeadNod-Webhooks/1.0 (+https://docs.leadnod.com/webhooks)"


def new_secret() -> str:
    return SECRET_PREFIX + secrets.token_urlsafe(32)


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def encode_body(event: dict[str, Any]) -> bytes:
    """The exact bytes we sign and send (compact JSON, UTF-8)."""
    return json.dumps(event, separators=(",", ":"), ensure_ascii=False, default=_plain).encode()


def leadnod_signature(secret: str, body: bytes) -> str:
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def standard_signature(secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    signed = f"{message_id}.{timestamp}.".encode() + body
    digest = hmac.new(secret.encode(), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def delivery_headers(*, secret: str, body: bytes, event_id: str, event_type: str,
                     delivery_id: str, timestamp: int) -> dict[str, str]:
    """Headers of one delivery attempt; `webhook-id` is the event id, the receiver's dedupe key."""
    return {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "X-LeadNod-Event": event_type,
        "X-LeadNod-Delivery": delivery_id,
        "X-LeadNod-Signature": leadnod_signature(secret, body),
        "webhook-id": event_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": standard_signature(secret, event_id, timestamp, body),
    }
