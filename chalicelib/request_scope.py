"""The request being served, for code below the route (`@operation`'s view, the keyed-POST
path): a ContextVar the HTTP middleware sets from the request Chalice hands it.

Not `app.current_request` / `Blueprint.current_request`: those are one attribute of the
process-wide app, so a server running requests side by side in one process (threads) hands
one request another's body and caller (issue 12). A ContextVar belongs to the thread (or task)
serving the request, so the answer is right however the process is driven.
"""
from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, Iterator

_request: ContextVar[Any] = ContextVar("leadnod_request")


@contextmanager
def serving(request: Any) -> Iterator[Any]:
    """Make `request` the current one until the block ends."""
    token = _request.set(request)
    try:
        yield request
    finally:
        _request.reset(token)


def current_request() -> Any:
    """The Chalice `Request` being served; LookupError outside a request."""
    return _request.get()

