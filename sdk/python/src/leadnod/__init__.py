"""The official Python SDK for the LeadNod API.

    import leadnod

    client = leadnod.Client()            # LEADNOD_CLIENT_ID / LEADNOD_CLIENT_SECRET
    for opportunity in client.opportunities.list(industry="saas"):
        print(opportunity.title)

`leadnod.AsyncClient` has the same surface with `await`; `leadnod.webhooks` checks the
signatures of webhook requests. See the README for more.
"""
from . import models, webhooks
from ._base import PRODUCTION_BASE_URL, SANDBOX_BASE_URL
from ._client import AsyncClient, Client
from ._exceptions import (APIConnectionError, APIError, APITimeoutError, AuthenticationError,
                          ConflictError, InvalidRequestError, LeadNodError, NotFoundError,
                          PermissionDeniedError, RateLimitError, SignatureVerificationError)
from ._pagination import AsyncPage, SyncPage
from ._types import NOT_GIVEN, NotGiven
from ._version import __version__

__all__ = [
    "Client", "AsyncClient", "models", "webhooks", "SyncPage", "AsyncPage", "NOT_GIVEN",
    "NotGiven", "PRODUCTION_BASE_URL", "SANDBOX_BASE_URL", "__version__", "LeadNodError",
    "APIError", "InvalidRequestError", "AuthenticationError", "PermissionDeniedError",
    "NotFoundError", "ConflictError", "RateLimitError", "APIConnectionError",
    "APITimeoutError", "SignatureVerificationError",
]
