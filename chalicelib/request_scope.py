"""The request being served, for code below the route (`@operation`'s view, the keyed-POST
path): a ContextVar that `middleware` (registered on the app by `register`) sets from the
request Chalice hands it.

Not `app.current_request` / `Blueprint.current_request`: those are one attribute of the
process-wide app, so a server running requests side by side in one process (threads) hands
one request another's body and caller (issue 12). A ContextVar belongs to the thread (or task)
serving the request, so the answer is right however the process is driven.
"""
from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, Callable, Iterator

from chalice import Chalice

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
    """The Chalice `Request` being served."""
    try:
        return _request.get()
    except LookupError:
        raise LookupError("no request is being served: register chalicelib.request_scope "
                          "on the app") from None



def middleware(request: Any, get_response: Callable[[Any], Any]) -> Any:
    with serving(request):
        return get_response(request)


def register(app: Chalice) -> None:
    """Every app serving `@operation` routes needs this (app.py via `chalicelib.middleware`)."""
    app.register_middleware(middleware, "http")
