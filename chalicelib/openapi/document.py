"""The whole OpenAPI 3.1 document, assembled from the routes' `@operation` declarations and
the pydantic models they name."""
from __future__ import annotations

from typing import Any

from chalice import Chalice

from ..config import local_base_url
from ..models.errors import ErrorBody
from ..services.events import API_VERSION
from .links import check_provides, links
from .paths import IDEMPOTENCY_KEY, operations, path_operation
from .responses import HEADERS, shared_error_responses
from .schemas import Schemas
from .webhooks import TAG as WEBHOOK_TAG
from .webhooks import envelopes, header_parameters, webhooks

OPENAPI_VERSION = "3.1.0"
DESCRIPTION = """\
The LeadNod API: find, hire and pay independent sales professionals.

Get an access token with your client credentials (`POST /oauth/token`, OAuth 2.0 client
credentials) and send it as `Authorization: Bearer <token>`. GET needs the `read` scope, every
other method `write`. Requests are counted per account, those without an access token per
source address (see the rate-limit headers); lists page with `limit` and the opaque `cursor`
(`next_cursor` of the previous page). Money is integer minor units with a lowercase ISO-4217
`currency`; times are ISO-8601 UTC. Every error answers
`{"error": {"code", "message", "param", "doc_url"}}`; a method a path does not list answers
405 with `Allow`.
"""
SERVERS = [
    {"url": "https://api.leadnod.com", "description": "Production"},
    {"url": "https://sandbox.api.leadnod.com",
     "description": "Sandbox: separate credentials, test data only"},
]
LOCAL_STACK = "Local stack (`make run`)"
TAGS = {  # in the order the docs page shows them
    "Authentication": "OAuth 2.0 client credentials and the keys that verify tokens.",
    "Users": "The caller's account, public profiles, sales-professional search.",
    "Opportunities": "Roles clients post; interests and matches.",
    "Engagements": "A client working with a sales professional: lifecycle, activities, "
                   "metrics.",
    "Messages": "Conversations between clients and sales professionals.",
    "Payments": "Escrow funding, releases, refunds, history and balances.",
    "Disputes": "Disputed escrow amounts, evidence and resolution.",
    "Analytics": "Summaries, engagement analytics, custom reports, exports.",
    "Webhooks": "Endpoints that receive events, their deliveries and test pings.",
    "Events": "The caller's events of the last 30 days.",
    "Meta": "This document.",
    WEBHOOK_TAG: "What LeadNod POSTs to your webhook endpoints, one entry per event type.",
}
SECURITY_SCHEMES = {"oauth2": {
    "type": "oauth2",
    "description": "Client credentials (in the body or as HTTP Basic) for a one-hour bearer "
                   "token.",
    "flows": {"clientCredentials": {
        "tokenUrl": "/oauth/token",
        "scopes": {"read": "GET requests", "write": "POST, PUT, PATCH and DELETE requests"}}},
}}


def build(app: Chalice, local_url: str = local_base_url({})) -> dict[str, Any]:
    """`local_url`: the local stack's server entry (docs/openapi.json: the default port)."""
    routes = list(operations(app))
    events = envelopes()
    schemas = Schemas()
    schemas.want(ErrorBody, "serialization")
    for _, _method, op in routes:
        if op.body is not None:
            schemas.want(op.body, "validation")
        for kind in (op.returns if isinstance(op.returns, tuple) else (op.returns,)):
            if kind not in (None, dict):
                schemas.want(kind, "serialization")
        for _, models in op.responses:
            for model in models if isinstance(models, tuple) else (models,):
                schemas.want(model, "serialization")
    for model in events.values():
        schemas.want(model, "serialization")
    schemas.build()

    paths: dict[str, dict[str, Any]] = {}
    seen_ids: set[str] = set()
    for path, method, op in routes:
        if op.tag not in TAGS:
            raise ValueError(f"{method} {path}: unknown tag {op.tag!r}; add it to TAGS")
        operation = path_operation(method, op, schemas)
        if operation["operationId"] in seen_ids:
            raise ValueError(f"duplicate operationId {operation['operationId']}")
        seen_ids.add(operation["operationId"])
        paths.setdefault(path, {})[method.lower()] = operation
    for path, method, op in routes:
        if op.provides:
            _add_links(paths[path][method.lower()], op, routes)

    return {
        "openapi": OPENAPI_VERSION,
        "info": {"title": "LeadNod API", "version": API_VERSION, "description": DESCRIPTION,
                 "contact": {"name": "LeadNod developer support",
                             "url": "https://docs.leadnod.com"}},
        "servers": [*SERVERS, {"url": local_url, "description": LOCAL_STACK}],
        "tags": [{"name": name, "description": text} for name, text in TAGS.items()],
        "paths": paths,
        "webhooks": webhooks(events, schemas),
        "components": {
            "schemas": schemas.components(),
            "responses": shared_error_responses(schemas),
            "headers": HEADERS,
            "parameters": {"IdempotencyKey": IDEMPOTENCY_KEY, **header_parameters()},
            "securitySchemes": SECURITY_SCHEMES,
        },
    }


def _add_links(operation: dict[str, Any], op: Any, routes: list[Any]) -> None:
    """The same links on every success answer with a body."""
    check_provides(op)
    found = links(op, routes)
    for status, response in operation["responses"].items():
        if found and status.startswith("2") and "content" in response:
            response["links"] = found
