"""`GET /v1/openapi.json`: the OpenAPI document of this API (no token needed)."""
from __future__ import annotations

from chalice import Blueprint, Response

from .operations import operation

bp = Blueprint(__name__)


@operation(bp, "GET", "/v1/openapi.json", returns=dict, public=True, headers=("Cache-Control",),
           tag="Meta", summary="Get the OpenAPI document")
def openapi_document() -> Response:
    """This API's OpenAPI 3.1 document, generated from the routes themselves. Public; counted
    per source address like every request without an access token."""
    from ..openapi import document_text  # built on first use only: keeps cold starts lean

    return Response(body=document_text(bp.current_app), status_code=200,
                    headers={"Content-Type": "application/json",
                             "Cache-Control": "public, max-age=300"})
