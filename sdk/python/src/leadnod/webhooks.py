"""Check that a webhook request comes from LeadNod, then read its event.

    from leadnod import webhooks

    @app.post("/webhooks/leadnod")                      # Flask
    def receive():
        try:
            event = webhooks.construct_event(request.get_data(),
                                             request.headers["X-LeadNod-Signature"], SECRET)
        except webhooks.SignatureVerificationError:
            return "", 400
        ...                                             # dedupe on event.id
        return "", 200

Signatures are HMAC-SHA256 keyed with the endpoint's secret exactly as shown when it was
created (UTF-8, `whsec_` prefix included), over the raw request body: pass the bytes you
received, before any JSON parsing. Two headers carry one:
- `X-LeadNod-Signature`: the lowercase hex HMAC of the body;
- `webhook-signature` (Standard Webhooks): `v1,<base64 HMAC of "{webhook-id}.{webhook-
  timestamp}.{body}">`, which also binds the timestamp; pass the three `webhook-*` headers
  (a mapping) and requests older than `tolerance` seconds are refused, which stops replays.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from typing import Any, Mapping, Optional, Union

from ._exceptions import SignatureVerificationError
from .models import Event

__all__ = ["verify", "construct_event", "Event", "SignatureVerificationError",
           "DEFAULT_TOLERANCE"]

DEFAULT_TOLERANCE = 300  # seconds between `webhook-timestamp` and now
Payload = Union[bytes, str]
SignatureHeader = Union[str, Mapping[str, str]]


def _bytes(value: Payload) -> bytes:
    return value.encode("utf-8") if isinstance(value, str) else bytes(value)


def _digest(secret: str, message: bytes) -> bytes:
    return hmac.new(secret.encode("utf-8"), message, hashlib.sha256).digest()


def _header(headers: Mapping[str, str], name: str) -> Optional[str]:
    for key, value in headers.items():
        if key.lower() == name:
            return value
    return None


def _verify_standard(body: bytes, headers: Mapping[str, str], secret: str,
                     tolerance: Optional[float], now: Optional[float]) -> None:
    message_id = _header(headers, "webhook-id")
    timestamp = _header(headers, "webhook-timestamp")
    signatures = _header(headers, "webhook-signature")
    if not message_id or not timestamp or not signatures:
        raise SignatureVerificationError(
            "Missing webhook-id, webhook-timestamp or webhook-signature header.")
    if not timestamp.isdigit():
        raise SignatureVerificationError("The webhook-timestamp header is not a number.")
    if tolerance is not None:
        drift = abs((time.time() if now is None else now) - int(timestamp))
        if drift > tolerance:
            raise SignatureVerificationError(
                f"The webhook-timestamp is {int(drift)} s from now (over {tolerance} s): "
                "refused as a possible replay.")
    signed = f"{message_id}.{timestamp}.".encode("utf-8") + body
    expected = base64.b64encode(_digest(secret, signed)).decode("ascii")
    matched = False
    for part in signatures.split():
        version, _, value = part.partition(",")
        if version == "v1":  # compare them all: timing must not reveal which one matched
            matched |= hmac.compare_digest(expected, value)
    if not matched:
        raise SignatureVerificationError("No webhook-signature matches the body.")


def verify(payload: Payload, signature_header: SignatureHeader, secret: str, *,
           tolerance: Optional[float] = DEFAULT_TOLERANCE, now: Optional[float] = None) -> bool:
    """`True` when the request is signed with `secret`; else `SignatureVerificationError`
    (the same answer as every LeadNod SDK's verify helper).

    `payload` is the raw body. `signature_header` is the `X-LeadNod-Signature` header's value,
    or the request's headers (any mapping): then `X-LeadNod-Signature` is checked if present,
    else the Standard Webhooks headers, whose timestamp must be within `tolerance` seconds of
    `now` (default: the clock; `tolerance=None` skips the check). Comparisons take constant
    time."""
    if not secret:
        raise ValueError("secret must be the webhook endpoint's secret")
    body = _bytes(payload)
    if isinstance(signature_header, Mapping):
        leadnod = _header(signature_header, "x-leadnod-signature")
        if leadnod is None:
            _verify_standard(body, signature_header, secret, tolerance, now)
            return True
        signature_header = leadnod
    expected = _digest(secret, body).hex()
    if not hmac.compare_digest(expected, (signature_header or "").strip().lower()):
        raise SignatureVerificationError("The X-LeadNod-Signature does not match the body.")
    return True


def construct_event(payload: Payload, signature_header: SignatureHeader, secret: str, *,
                    tolerance: Optional[float] = DEFAULT_TOLERANCE,
                    now: Optional[float] = None) -> Event:
    """`verify`, then the body as an `Event` (`id`, `type`, `created`, `api_version`,
    `environment`, `data`). Raises `SignatureVerificationError` for a bad signature and for a
    body that is not an event."""
    verify(payload, signature_header, secret, tolerance=tolerance, now=now)
    try:
        data: Any = json.loads(_bytes(payload).decode("utf-8"))
        return Event.model_validate(data)
    except ValueError as exc:  # JSONDecodeError, UnicodeDecodeError, ValidationError
        raise SignatureVerificationError(f"The body is not a LeadNod event: {exc}") from None
