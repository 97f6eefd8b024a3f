"""`POST /oauth/token` and the public keys that verify its tokens."""
from __future__ import annotations

import logging
from typing import Any
from urllib.parse import parse_qsl

from chalice import Blueprint, Response

from ..errors import ApiError, UnsupportedMediaType
from ..http import media_type
from ..models.errors import OAuthErrorBody
from ..models.oauth import Jwks, TokenRequest, TokenResponse
from ..services.oauth import OAuthError, token_response
from ..wiring import container
from .operations import JSON, operation

bp = Blueprint(__name__)
log = logging.getLogger(__name__)
TAG = "Authentication"
FORM = "application/x-www-form-urlencoded"
MEDIA_TYPES = (JSON, FORM)


def _token_request(request: Any, model: type[TokenRequest]) -> TokenRequest:
    """RFC 6749 form bodies as well as JSON ones (the docs' examples send JSON)."""
    try:
        content_type = media_type(request, MEDIA_TYPES)
    except UnsupportedMediaType as error:
        raise OAuthError("invalid_request", error.message, error.status) from None
    raw = request.raw_body or b""
    if content_type == FORM:
        return model.model_validate(dict(parse_qsl(raw.decode("utf-8", "replace"))))
    try:
        return model.model_validate_json(raw or b"{}")
    except ValueError:
        raise OAuthError("invalid_request", "The request body must be a JSON object or "
                         "application/x-www-form-urlencoded.") from None


@operation(bp, "POST", "/oauth/token", body=TokenRequest, parse=_token_request,
           returns=TokenResponse, public=True, content_types=MEDIA_TYPES, errors=(401, 429),
           headers=("Cache-Control",),
           responses={status: OAuthErrorBody for status in (400, 401, 415, 429, 500)}, tag=TAG,
           summary="Get an access token")
def issue_token(request: Any, body: TokenRequest) -> Response:
    """OAuth 2.0 client credentials grant (RFC 6749 §4.4). Client credentials go in the body
    or as HTTP Basic (`Authorization: Basic base64(client_id:client_secret)`); `scope` is
    `read`, `write` or both (the default). Errors use RFC 6749's `{error, error_description}`."""
    try:
        issued = container().oauth.token(body, request.headers.get("authorization"))
    except ApiError:
        raise
    except Exception:  # RFC 6749's shape for our failures too (a KMS or DynamoDB outage)
        log.exception("token endpoint failed")
        raise _server_error(request) from None
    return token_response(issued)


def _server_error(request: Any) -> OAuthError:
    request_id = (request.context or {}).get("requestId")
    quote = f"request id {request_id}" if request_id else "this answer's X-Request-Id"
    return OAuthError("server_error", f"Something went wrong on our end. Quote {quote} to "
                      "support.", 500)


@operation(bp, "GET", "/.well-known/jwks.json", returns=Jwks, public=True, tag=TAG,
           summary="Get the token signing keys (JWKS)")
def jwks() -> Response:
    """The public keys that verify access tokens (RS256), for resource servers of your own."""
    return Response(body=container().keys.jwks(), status_code=200,
                    headers={"Cache-Control": "public, max-age=300"})
