"""`POST /oauth/token` (RFC 6749 §4.4, client credentials)."""
from __future__ import annotations

from typing import Any, Callable

from pydantic import ConfigDict, Field

from .common import Model


def _only(schema: dict[str, Any]) -> Callable[[dict[str, Any]], None]:
    """`json_schema_extra` that replaces a field's schema with `schema`."""
    def replace(generated: dict[str, Any]) -> None:
        generated.clear()
        generated.update(schema)
    return replace


class TokenRequest(Model):
    # Every field is optional here so that services/oauth.py can answer what is missing or
    # wrong with RFC 6749 §5.2 errors; the document says what a valid request is.
    # RFC 6749 §3.2: unrecognised parameters are ignored, so no extra="forbid" here.
    model_config = ConfigDict(extra="ignore", json_schema_extra={"required": ["grant_type"]})
    grant_type: str | None = Field(None, json_schema_extra=_only(
        {"type": "string", "enum": ["client_credentials"]}))
    client_id: str | None = Field(None, json_schema_extra=_only(
        {"type": "string", "minLength": 1, "description": "Or send HTTP Basic credentials."}))
    client_secret: str | None = Field(None, json_schema_extra=_only(
        {"type": "string", "minLength": 1}))
    scope: str | None = Field(None, json_schema_extra=_only(
        {"type": "string", "pattern": "^ *((read|write)( +(read|write))*)? *$",
         "description": "Space-separated `read` and/or `write`; both when left out."}))


class TokenResponse(Model):
    access_token: str
    token_type: str = "Bearer"
    expires_in: int
    scope: str


class Jwk(Model):
    """An RSA public key (RFC 7517) that verifies access tokens signed with its `kid`."""
    model_config = ConfigDict(extra="allow")
    kty: str
    kid: str
    use: str
    alg: str
    n: str
    e: str


class Jwks(Model):
    keys: list[Jwk]
