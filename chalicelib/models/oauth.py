"""`POST /oauth/token` (RFC 6749 §4.4, client credentials)."""
from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class TokenRequest(BaseModel):
    # RFC 6749 §3.2: unrecognised parameters are ignored, so no extra="forbid" here.
    model_config = ConfigDict(extra="ignore")
    grant_type: str | None = None
    client_id: str | None = None
    client_secret: str | None = None
    scope: str | None = None


class TokenResponse(BaseModel):
    access_token: str
    token_type: str = "Bearer"
    expires_in: int
    scope: str


class Jwk(BaseModel):
    """An RSA public key (RFC 7517) that verifies access tokens signed with its `kid`."""
    model_config = ConfigDict(extra="allow")
    kty: str
    kid: str
    use: str
    alg: str
    n: str
    e: str


class Jwks(BaseModel):
    keys: list[Jwk]
