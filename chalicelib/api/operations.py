"""`@operation`: each API operation declared once — its Chalice route, what it validates and
answers — so the OpenAPI document (chalicelib/openapi) is read from the same declaration that
runs, and cannot drift from it.

The decorator registers the route (behind the authorizer unless `public`), parses the declared
`body`/`query` models with `parse_body`/`parse_query` (the API's error format), and calls the
handler with the keyword arguments it names: path parameters, `body`, `query`, `caller`,
`request`, and `idempotency_key` (only on `idempotent` operations). A handler answers a model
(sent with the declared status) or `(status, model)` with one of the declared statuses; a GET
that needs other headers returns a `Response` itself. Every authenticated POST runs once per
Idempotency-Key: its record holds the status and the model's JSON, replayed to a retry.
"""
from __future__ import annotations

import functools
import inspect
import re
from dataclasses import dataclass
from typing import Any, Callable, Union

from chalice import Blueprint, Response
from pydantic import BaseModel

from ..auth.caller import current_caller
from ..http import media_type, parse_body, parse_query, respond
from ..request_scope import current_request
from ..wiring import container
from .lazy_routes import resolved
from .routing import AUTH

JSON = "application/json"
# What `returns` may be: a model, several (the answer is one of them), `dict` (any JSON
# object) or None (no body, e.g. 204).
Returns = Union[type, tuple[type, ...], None]
Parser = Callable[[Any, Any], BaseModel]  # (request, the model class it validates into)
INJECTED = ("body", "query", "caller", "request", "idempotency_key")


@dataclass(frozen=True)
class Operation:
    """What the OpenAPI document says about one route (one or more methods on one path)."""
    methods: tuple[str, ...]
    path: str
    name: str                      # the handler's name; operationId derives from it
    summary: str
    tag: str
    description: str | None
    body: type[BaseModel] | None
    query: type[BaseModel] | None
    returns: Returns
    statuses: tuple[int, ...]      # success statuses; the first is the usual one
    errors: tuple[int, ...]        # route-specific error statuses (shared ones are added)
    public: bool
    idempotent: bool               # the handler reads the Idempotency-Key (money POSTs)
    headers: tuple[str, ...]       # success response headers beyond the shared ones
    # Error bodies that differ from the usual (a tuple: the answer is one of them).
    responses: tuple[tuple[int, type[BaseModel] | tuple[type[BaseModel], ...]], ...]
    content_types: tuple[str, ...]
    # What the answer gives other operations: (parameter name, JSON pointer into the answer),
    # e.g. ("opportunity_id", "/id"); the document turns them into OpenAPI links.
    provides: tuple[tuple[str, str], ...] = ()
    # A `Location` header filled from the answer, e.g. "/v1/analytics/export/{id}" (and then
    # "Location" is among `headers`); a replayed answer gets the same.
    location: str | None = None
    # Fields of the answer shown once (client secrets): never kept in the idempotency record.
    shown_once: tuple[str, ...] = ()
    # The service writes the Idempotency-Key record in its own transaction, with the answer
    # (`answer_in_commit`, storage/commit_riders.py) instead of Powertools' writes around it.
    answer_in_commit: bool = False

    def headers_for(self, answer: Any) -> dict[str, str] | None:
        if self.location is None:
            return None
        fields = answer.model_dump(mode="json") if isinstance(answer, BaseModel) else answer
        return {"Location": self.location.format(**fields)} if isinstance(fields, dict) else None

    @property
    def status(self) -> int:
        return self.statuses[0]

    @property
    def accepts_idempotency_key(self) -> bool:
        """The decorator runs every authenticated POST once per key; `idempotent` handlers
        (the money POSTs) also derive their object's id from it."""
        return self.idempotent or ("POST" in self.methods and not self.public)

    def operation_id(self, method: str) -> str:
        """The handler's name; an alias method (PUT beside PATCH) gets a suffix."""
        return self.name if method == self.methods[0] else f"{self.name}_{method.lower()}"


def _returned_types(returns: Returns) -> tuple[type, ...]:
    """The classes an answer may be an instance of (`Page[X]` is checked as `Page`: services
    may build the page unparametrised)."""
    declared = returns if isinstance(returns, tuple) else () if returns is None else (returns,)
    return tuple((getattr(kind, "__pydantic_generic_metadata__", None) or {}).get("origin")
                 or kind for kind in declared)


def _paragraphs(doc: str | None) -> str | None:
    """A docstring as Markdown paragraphs (its line breaks are only wrapping)."""
    if not doc:
        return None
    return "\n\n".join(" ".join(part.split()) for part in doc.split("\n\n"))


def operation(bp: Blueprint, methods: str | tuple[str, ...], path: str, *, summary: str,
              tag: str, body: type[BaseModel] | None = None,
              query: type[BaseModel] | None = None, returns: Returns = None,
              status: int | tuple[int, ...] = 200, errors: tuple[int, ...] = (),
              public: bool = False, idempotent: bool = False, headers: tuple[str, ...] = (),
              responses: dict[int, type[BaseModel] | tuple[type[BaseModel], ...]] | None = None,
              content_types: tuple[str, ...] = (JSON,),
              parse: Parser = parse_body, provides: dict[str, str] | None = None,
              location: str | None = None, shown_once: tuple[str, ...] = (),
              answer_in_commit: bool = False) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register `handler` as the route `methods path` and describe it (see the module doc).
    `parse` replaces `parse_body` for bodies that are not plain JSON (the token endpoint), and
    then also checks the Content-Type against `content_types` (`media_type`);
    `provides` names the values its answer gives other operations (see `Operation`)."""
    method_list = (methods,) if isinstance(methods, str) else tuple(methods)
    statuses = (status,) if isinstance(status, int) else tuple(status)
    returned = _returned_types(returns)

    def register(handler: Callable[..., Any]) -> Callable[..., Any]:
        wanted = set(inspect.signature(handler).parameters)
        path_names = set(re.findall(r"{(\w+)}", path))
        unknown = wanted - path_names - set(INJECTED)
        if unknown:
            raise TypeError(f"{handler.__name__} takes {sorted(unknown)}: not a path parameter "
                            f"nor one of {INJECTED}")
        if "idempotency_key" in wanted and not idempotent:
            raise TypeError(f"{handler.__name__} reads Idempotency-Key: declare idempotent=True")
        for name, model in (("body", body), ("query", query)):
            if name in wanted and model is None:
                raise TypeError(f"{handler.__name__} takes '{name}' but declares no model")
        op = Operation(
            methods=method_list, path=path, name=handler.__name__, summary=summary, tag=tag,
            description=_paragraphs(inspect.getdoc(handler)), body=body, query=query,
            returns=returns, statuses=statuses, errors=tuple(sorted(set(errors))), public=public,
            idempotent=idempotent, headers=(*headers, *(("Location",) if location else ())),
            location=location, shown_once=shown_once, answer_in_commit=answer_in_commit,
            responses=tuple(sorted((responses or {}).items())), content_types=content_types,
            provides=tuple((provides or {}).items()))

        @functools.wraps(handler)
        def view(**path_params: str) -> Response:
            request = current_request()
            given: dict[str, Any] = {}
            if parse is parse_body:
                media_type(request, content_types)
            if body is not None:
                given["body"] = parse(request, body)
            if query is not None:
                given["query"] = parse_query(request, query)
            if "caller" in wanted:
                given["caller"] = current_caller(request)
            if "request" in wanted:
                given["request"] = request
            if "idempotency_key" in wanted:
                given["idempotency_key"] = (request.headers or {}).get("idempotency-key")

            def call() -> Any:
                return handler(**path_params, **{k: v for k, v in given.items() if k in wanted})

            key = (request.headers or {}).get("idempotency-key")
            if key is not None and op.accepts_idempotency_key:
                return _run_once(request, op, key, path_params, given.get("body"),
                                 lambda: _checked(op, returned, call()))
            result = call()
            if isinstance(result, Response):
                return result
            status, model = _checked(op, returned, result)
            return respond(model, status, op.headers_for(model))

        view.operation = op  # type: ignore[attr-defined]
        # Chalice lets every Content-Type through: `media_type` (or a custom `parse`) refuses
        # what `content_types` leaves out, with the API's message (docs/errors.md).
        bp.route(path, methods=list(method_list), authorizer=None if public else AUTH,
                 content_types=["*/*"])(view)
        return view

    return register


def _checked(op: Operation, returned: tuple[type, ...], result: Any) -> tuple[int, Any]:
    """(status, model) from a handler's answer, which the document must describe."""
    status, model = result if isinstance(result, tuple) else (op.status, result)
    allowed = returned + tuple(t for _, kinds in op.responses
                               for t in (kinds if isinstance(kinds, tuple) else (kinds,)))
    # The document promises `returns` and `statuses`; answering something else is a bug.
    if model is not None and returned and not isinstance(model, allowed):
        raise TypeError(f"{op.name} returned {type(model).__name__}, declared {op.returns!r}")
    if status not in op.statuses and status not in dict(op.responses):
        raise TypeError(f"{op.name} answered {status}, declared {op.statuses}")
    return status, model


def _run_once(request: Any, op: Operation, key: str, path_params: dict[str, str],
              body: BaseModel | None, call: Callable[[], tuple[int, Any]]) -> Response:
    """A POST with an Idempotency-Key: the first answer (status and the model's JSON) is kept
    for 24 h and replayed to a retry with the same key; the same key on another request is
    422, and a concurrent duplicate 409 (services/idempotency.py)."""
    from ..services.idempotency import Answer  # Powertools: only when a key is sent

    fresh: list[Any] = []

    def action() -> Answer:  # the handler's answer as sent (secrets included), kept in `fresh`
        status, model = call()
        fresh.append(model.model_dump(mode="json") if isinstance(model, BaseModel) else model)
        return Answer(status, fresh[0])

    def recorded(answer: Answer) -> Answer:
        return Answer(answer.status, _without_secrets(answer.body, op.shown_once))

    scope: dict[str, Any] = {
        "user_id": current_caller(request).user_id, "route": op.name, "key": key,
        "body": {"path": path_params, "body": body.model_dump(mode="json") if body else None}}
    if op.answer_in_commit:
        answer = container().idempotency.run_in_commit(**scope, status=op.status, action=action,
                                                       recorded=recorded)
    else:
        answer = container().idempotency.run(
            **scope, action=lambda: recorded(action()),
            lambda_context=getattr(request, "lambda_context", None))
    if fresh and not answer.replayed:  # this request ran: its answer, secrets included
        answer = Answer(answer.status, fresh[0])
    return respond(answer.body, answer.status,
                   {**(op.headers_for(answer.body) or {}),
                    **({"Idempotent-Replayed": "true"} if answer.replayed else {})})


def _without_secrets(answer: Any, paths: tuple[str, ...]) -> Any:
    """The answer as the idempotency record keeps it: a client secret is shown once and stored
    only hashed, so a replay carries null in its place (docs/auth.md)."""
    if not paths or not isinstance(answer, dict):
        return answer
    kept = {**answer}
    for path in paths:
        *parents, leaf = path.split(".")
        node = kept
        for name in parents:
            node[name] = {**node.get(name, {})}
            node = node[name]
        if leaf in node:
            node[leaf] = None
    return kept


def operation_of(view: Callable[..., Any]) -> Operation | None:
    """The declaration of a route's view (of the real one behind a lazy route's stand-in)."""
    return getattr(resolved(view), "operation", None)
