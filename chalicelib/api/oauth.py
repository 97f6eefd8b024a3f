"""`POST /oauth/token` and the public keys that verify its tokens."""
from __future__ import annotations

from urllib.parse import parse_qsl

from chalice import Blueprint, Response

from ..models.oauth import TokenRequest
from ..services.oauth import OAuthError, token_response
from ..wiring import container

bp = Blueprint(__name__)
FORM = "application/x-www-form-urlencoded"


def _token_request(request) -> TokenRequest:
    content_type = (request.headers.get("content-type") or "application/json").split(";")[0]
    raw = request.raw_body or b""
    if content_type.strip().lower() == FORM:
        return TokenRequest.model_validate(dict(parse_qsl(raw.decode("utf-8", "replace"))))
    try:
        return TokenRequest.model_validate_json(raw or b"{}")
    except ValueError:
        raise OAuthError("invalid_request", "The request body must be a JSON object or "
                         "application/x-www-form-urlencoded.") from None


@bp.route("/oauth/token", methods=["POST"], content_types=["application/json", FORM])
def issue_token() -> Response:
    request = bp.current_request
    token = container().oauth.token(_token_request(request), request.headers.get("authorization"))
    return token_response(token)


@bp.route("/.well-known/jwks.json", methods=["GET"])
def jwks() -> Response:
    return Response(body=container().keys.jwks(), status_code=200,
                    headers={"Cache-Control": "public, max-age=300"})
