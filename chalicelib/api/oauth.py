"""`POST /oauth/token` and the public keys that verify its tokens."""
from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl

from chalice import Blueprint, Response

from ..models.errors import OAuthErrorBody
from ..models.oauth import Jwks, TokenRequest, TokenResponse
from ..services.oauth import OAuthError, token_response
from ..wiring import container
from .operations import JSON, operation

bp = Blueprint(__name__)
TAG = "Authentication"
FORM = "application/x-www-form-urlencoded"


def _token_request(request: Any, model: type[TokenRequest]) -> TokenRequest:
    """RFC 6749 form bodies as well as JSON ones (the docs' examples send JSON)."""
    content_type = (request.headers.get("content-type") or JSON).split(";")[0]
    raw = request.raw_body or b""
    if content_type.strip().lower() == FORM:
        return model.model_validate(dict(parse_qsl(raw.decode("utf-8", "replace"))))
    try:
        return model.model_validate_json(raw or b"{}")
    except ValueError:
        raise OAuthError("invalid_request", "The request body must be a JSON object or "
                         "application/x-www-form-urlencoded.") from None


@operation(bp, "POST", "/oauth/token", body=TokenRequest, parse=_token_request,
           returns=TokenResponse, public=True, content_types=(JSON, FORM), errors=(401, 429),
           headers=("Cache-Control",),
           responses={400: OAuthErrorBody, 401: OAuthErrorBody, 429: OAuthErrorBody}, tag=TAG,
           summary="Get an access token")
def issue_token(request: Any, body: TokenRequest) -> Response:
    """OAuth 2.0 client credentials grant (RFC 6749 §4.4). Client credentials go in the body
    or as HTTP Basic (`Authorization: Basic base64(client_id:client_secret)`); `scope` is
    `read`, `write` or both (the default). Errors use RFC 6749's `{error, error_description}`."""
    return token_response(container().oauth.token(body, request.headers.get("authorization")))


@operation(bp, "GET", "/.well-known/jwks.json", returns=Jwks, public=True, tag=TAG,
           summary="Get the token signing keys (JWKS)")
def jwks() -> Response:
    """The public keys that verify access tokens (RS256), for resource servers of your own."""
    return Response(body=container().keys.jwks(), status_code=200,
                    headers={"Cache-Control": "public, max-age=300"})
