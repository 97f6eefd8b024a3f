"""Webhook endpoints, deliveries and the event feed."""
from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import Field, JsonValue, WithJsonSchema, field_validator, model_validator
from pydantic_core import PydanticCustomError

from ..services.events import EVENT_TYPES
from .common import ApiModel, ListParams, RequestBody, Timestamp, not_null

ALL_EVENTS = "*"
SECRET = re.compile(r"^[\x21-\x7e]{16,128}$")  # printable ASCII, no spaces
WebhookStatus = Literal["enabled", "disabled"]
DeliveryStatus = Literal["pending", "succeeded", "failed"]

# The validators below refuse what the document's enums and patterns leave out, with messages
# that say what to send; WithJsonSchema makes the document say it up front.
EventName = Annotated[str, WithJsonSchema(
    {"type": "string", "enum": [*EVENT_TYPES, ALL_EVENTS]})]
# services/webhooks/urls.py's checks that text can show: an http(s) scheme, a host, a valid
# port, no user info, no fragment, and an RFC 3986 path and query (ASCII, nothing that needs
# escaping left unescaped). A host name is ASCII labels of 1-63 letters, digits and inner
# hyphens, at most 253 characters (one trailing dot aside), as DNS requires. The validator also
# checks the pattern, so the two cannot disagree (tests/webhooks/test_url_pattern.py).
_PORT = r"(:(6553[0-5]|655[0-2][0-9]|65[0-4][0-9]{2}|6[0-4][0-9]{3}|[1-5][0-9]{4}|[0-9]{1,4}))?"
_LABEL = r"[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_NAME = rf"(?=[A-Za-z0-9.-]{{1,253}}\.?([:/?]|$)){_LABEL}(\.{_LABEL})*\.?"
# A path and query as RFC 3986 writes them (the `uri` format): ASCII, anything else
# percent-encoded.
_URI_CHAR = r"[A-Za-z0-9._~!$&'()*+,;=:@/?-]"
# An IPv6 literal in hex groups (no embedded IPv4 form, no zone): every text this allows is an
# address, so the validator's check of it can only agree.
_H = "[0-9A-Fa-f]{1,4}"
_IPV6 = "|".join((rf"({_H}:){{7}}{_H}", rf"({_H}:){{1,7}}:", rf"({_H}:){{1,6}}:{_H}",
                  *(rf"({_H}:){{1,{5 - n}}}(:{_H}){{1,{n + 2}}}" for n in range(4)),
                  rf"{_H}:(:{_H}){{1,6}}", rf":((:{_H}){{1,7}}|:)"))
# `(?!\n)`: Python's `$` also matches before a final newline, ECMA-262's does not.
URL_PATTERN = (rf"^[Hh][Tt][Tt][Pp][Ss]?://({_NAME}|\[({_IPV6})\])"
               rf"{_PORT}([/?]({_URI_CHAR}|%[0-9A-Fa-f]{{2}})*)?$(?!\n)")
WebhookUrl = Annotated[str, Field(max_length=2048), WithJsonSchema({
    "type": "string", "format": "uri", "pattern": URL_PATTERN, "minLength": 1,
    "maxLength": 2048,
    "description": "An absolute https URL whose host resolves to a public address (no user "
                   "name, password or fragment; an internationalized host name in its ASCII, "
                   "xn--, form). http is accepted for loopback hosts on the local stack only."})]


def check_events(value: list[str] | None) -> list[str] | None:
    if value is None:
        return None
    for index, event_type in enumerate(value):
        if event_type != ALL_EVENTS and event_type not in EVENT_TYPES:
            raise PydanticCustomError(
                "unknown_event_type",
                "The 'events' field contains an unknown event type: '{value}'. Use one of the "
                "documented event types, or '*' for all",
                {"param": f"events.{index}", "value": str(event_type)[:100]})
    events = list(dict.fromkeys(value))
    return [ALL_EVENTS] if ALL_EVENTS in events else events


def check_secret(value: str | None) -> str | None:
    if value is not None and not SECRET.match(value):
        raise ValueError("The 'secret' field must be 16-128 printable characters without spaces")
    return value


SECRET_SCHEMA: dict[str, JsonValue] = {
    "pattern": SECRET.pattern,
    "description": "16-128 printable ASCII characters, no spaces; generated when left out."}


class WebhookCreate(RequestBody):
    url: WebhookUrl
    events: list[EventName] = Field(min_length=1, max_length=50)
    secret: str | None = Field(None, json_schema_extra=SECRET_SCHEMA)

    _events = field_validator("events")(classmethod(lambda cls, v: check_events(v)))
    _secret = field_validator("secret")(classmethod(lambda cls, v: check_secret(v)))


class WebhookUpdate(RequestBody):
    # Never null (checked below).
    url: WebhookUrl | None = Field(None, json_schema_extra=not_null())
    events: list[EventName] | None = Field(None, min_length=1, max_length=50,
                                           json_schema_extra=not_null())
    status: WebhookStatus | None = Field(None, json_schema_extra=not_null())
    secret: str | None = Field(None, json_schema_extra=SECRET_SCHEMA)
    rotate_secret: bool | None = None

    _events = field_validator("events")(classmethod(lambda cls, v: check_events(v)))
    _secret = field_validator("secret")(classmethod(lambda cls, v: check_secret(v)))

    @model_validator(mode="after")
    def _one_way_to_change_the_secret(self) -> "WebhookUpdate":
        if self.rotate_secret and self.secret is not None:
            raise PydanticCustomError(
                "conflicting_fields", "Send either 'secret' or 'rotate_secret', not both",
                {"param": "rotate_secret"})
        for name in ("url", "events", "status"):
            if name in self.model_fields_set and getattr(self, name) is None:
                raise PydanticCustomError("null_field", "The '{param}' field cannot be null",
                                          {"param": name})
        return self


class Webhook(ApiModel):
    id: str
    url: str
    events: list[str]
    status: WebhookStatus
    disabled_reason: Literal["manual", "failing"] | None = None
    secret_last4: str
    created_at: Timestamp
    updated_at: Timestamp

    @model_validator(mode="before")
    @classmethod
    def _last4(cls, data: Any) -> Any:
        if isinstance(data, dict) and "secret" in data:
            data = {**data, "secret_last4": data["secret"][-4:]}
        return data


class WebhookWithSecret(Webhook):
    """Only when the secret is created or rotated: the one time it is shown."""
    secret: str


class Delivery(ApiModel):
    id: str
    webhook_id: str
    event_id: str
    event_type: str
    status: DeliveryStatus
    attempts: int = 0
    last_attempt_at: Timestamp | None = None
    last_response_status: int | None = None
    last_response_ms: int | None = None
    last_error: str | None = None
    next_retry_at: Timestamp | None = None
    created_at: Timestamp


class DeliveryListParams(ListParams):
    status: DeliveryStatus | None = None


class Event(ApiModel):
    id: str
    type: str
    created: str
    api_version: str
    environment: str
    data: dict[str, Any]


class EventListParams(ListParams):
    type: Annotated[str, Field(max_length=100), WithJsonSchema(
        {"type": "string", "enum": list(EVENT_TYPES)})] | None = None

    @field_validator("type")
    @classmethod
    def _known(cls, value: str | None) -> str | None:
        if value is not None and value not in EVENT_TYPES:
            raise ValueError(f"The 'type' field must be one of the documented event types, "
                             f"such as 'user.updated'; got '{value[:100]}'")
        return value
