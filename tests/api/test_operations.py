"""`@operation`: one declaration registers the route, validates, injects and answers; what it
declares is what the OpenAPI document shows."""
from __future__ import annotations

import json

import pytest
from chalice import Blueprint, Chalice
from chalice.test import Client
from pydantic import ValidationError

from chalicelib import request_scope
from chalicelib.api.operations import operation, operation_of
from chalicelib.clock import FrozenClock
from chalicelib.config import Settings
from chalicelib.models.common import ListParams, RequestBody
from chalicelib.services.events import EventRecorder


class Echo(RequestBody):
    text: str


def small_app() -> tuple[Chalice, Blueprint]:
    app = Chalice(app_name="ops")
    request_scope.register(app)
    return app, Blueprint(__name__)


def test_declared_models_are_parsed_injected_and_answered_with_the_declared_status():
    app, bp = small_app()

    @operation(bp, "POST", "/things/{thing_id}", body=Echo, query=ListParams, returns=Echo,
               status=201, public=True, tag="T", summary="Echo")
    def echo(thing_id: str, body: Echo, query: ListParams) -> Echo:
        return Echo(text=f"{thing_id}:{body.text}:{query.limit}")

    app.register_blueprint(bp)
    with Client(app) as client:
        answer = client.http.post("/things/t1?limit=5", body=json.dumps({"text": "hi"}),
                                  headers={"Content-Type": "application/json"})
    assert answer.status_code == 201
    assert json.loads(answer.body) == {"text": "t1:hi:5"}
    declared = operation_of(app.routes["/things/{thing_id}"]["POST"].view_function)
    assert declared.body is Echo and declared.query is ListParams and declared.status == 201
    assert app.routes["/things/{thing_id}"]["POST"].view_name == "echo"


def test_answering_something_other_than_what_is_declared_is_an_error():
    app, bp = small_app()

    @operation(bp, "GET", "/wrong", returns=Echo, public=True, tag="T", summary="Wrong")
    def wrong() -> ListParams:
        return ListParams()

    app.register_blueprint(bp)
    with Client(app) as client:
        assert client.http.get("/wrong").status_code == 500


def test_handlers_may_only_take_path_parameters_and_injected_values():
    _, bp = small_app()
    with pytest.raises(TypeError, match="not a path parameter"):
        @operation(bp, "GET", "/x", tag="T", summary="X")
        def stray(user: str) -> None: ...
    with pytest.raises(TypeError, match="idempotent=True"):
        @operation(bp, "POST", "/y", tag="T", summary="Y")
        def keyed(idempotency_key: str | None) -> None: ...
    with pytest.raises(TypeError, match="declares no model"):
        @operation(bp, "POST", "/z", tag="T", summary="Z")
        def bodyless(body: Echo) -> None: ...


def test_event_data_must_match_its_declared_model():
    recorder = EventRecorder(Settings(), FrozenClock())
    assert recorder.record("user.verified", {"user_id": "usr_1"}, ["usr_1"])
    with pytest.raises(ValidationError):
        recorder.record("user.verified", {"user_id": "usr_1", "surprise": 1}, ["usr_1"])
    with pytest.raises(ValidationError):
        recorder.record("escrow.funded", {"payment_id": "pay_1"}, ["usr_1"])
