"""devstack.gateway turns Chalice's local gateway errors into the template's gateway responses."""
from __future__ import annotations

import http.client
import json
import socket
import threading
from typing import Iterator

import pytest
from chalice import AuthResponse, Chalice
from chalice.test import Client, HTTPResponse

from devstack.gateway import GatewayResponses, reshape_test_response
from devstack.http_front import ApiServer
from devstack.lambda_pool import LambdaSettings
from devstack.lambda_runtime import Runtime
from support.http import parsed, raw_exchange

REQUEST_ID = "5d2e6a4c-0000-4000-8000-000000000001"
READ_TIMEOUT = 1.5  # the front's socket timeout here (10 s on the stack)


@pytest.fixture(scope="module")
def responses() -> GatewayResponses:
    return GatewayResponses.from_template()


def error_of(body: bytes) -> dict:
    return json.loads(body)["error"]


def test_every_gateway_response_of_the_template_is_loaded(responses):
    assert set(responses.by_type) == {
        "UNAUTHORIZED", "ACCESS_DENIED", "MISSING_AUTHENTICATION_TOKEN", "THROTTLED",
        "QUOTA_EXCEEDED", "REQUEST_TOO_LARGE", "AUTHORIZER_FAILURE",
        "AUTHORIZER_CONFIGURATION_ERROR", "DEFAULT_4XX", "DEFAULT_5XX"}
    assert responses.by_type["DEFAULT_4XX"].status is None  # keeps the original status


# What chalice/local.py 1.34.0 raises, byte for byte.
CHALICE_ERRORS = {
    "missing token": (401, "UnauthorizedException", b'{"message":"Unauthorized"}'),
    "deny": (403, "AccessDeniedException",
             b'{"Message": "User is not authorized to access this resource"}'),
    "unknown route": (403, "UnauthorizedException", b'{"message": "Missing Authentication Token"}'),
    "unknown route with auth": (
        403, "UnauthorizedException",
        b'{"message": "Authorization header requires \'Credential\' parameter. Authorization '
        b'header requires \'Signature\' parameter. Authorization header requires '
        b'\'SignedHeaders\' parameter. Authorization header requires existence of either a '
        b'\'X-Amz-Date\' or a \'Date\' header. Authorization=Bearer "x"y"}'),
    "authorizer returned nothing": (500, "AuthorizerConfigurationException", b'{"message":null}'),
}


@pytest.mark.parametrize("case, status, code, www_authenticate", [
    ("missing token", 401, "unauthorized", 'Bearer realm="leadnod"'),
    ("deny", 401, "invalid_token", 'Bearer realm="leadnod", error="invalid_token"'),
    ("unknown route", 404, "not_found", None),
    ("unknown route with auth", 404, "not_found", None),
    ("authorizer returned nothing", 500, "internal_error", None),
])
def test_chalice_local_gateway_errors_become_the_template_responses(responses, case, status,
                                                                    code, www_authenticate):
    chalice_status, error_type, body = CHALICE_ERRORS[case]
    headers = {"x-amzn-RequestId": REQUEST_ID, "x-amzn-ErrorType": error_type}
    new_status, new_headers, new_body = responses.reshape(chalice_status, headers, body,
                                                          REQUEST_ID)
    assert new_status == status
    assert error_of(new_body)["code"] == code
    assert new_headers["Content-Type"] == "application/json"
    assert new_headers["X-Request-Id"] == REQUEST_ID
    assert new_headers.get("WWW-Authenticate") == www_authenticate


@pytest.mark.parametrize("status, headers, body", [
    (200, {}, b'{"data": []}'),
    (401, {"Content-Type": "application/json"},
     b'{"error": {"code": "invalid_token", "message": "app", "param": null, "doc_url": "x"}}'),
    (403, {}, b'{"message": "Missing Authentication Token"}'),  # no gateway error type
    (404, {}, b'{"error": {"code": "not_found"}}'),
    (500, {}, b'{"Code": "InternalServerError", "Message": "An internal server error occurred."}'),
])
def test_the_api_own_answers_pass_through_unchanged(responses, status, headers, body):
    assert responses.reshape(status, headers, body, REQUEST_ID) == (status, headers, body)


def tiny_app() -> Chalice:
    app = Chalice(app_name="gateway-test")

    @app.authorizer()
    def bearer(auth_request):
        token = auth_request.token.removeprefix("Bearer ")
        if token == "broken":
            return None
        routes = ["*"] if token == "good" else []
        return AuthResponse(routes=routes, principal_id="usr_1")

    @app.route("/things", authorizer=bearer)
    def things():
        return {"data": []}

    @app.route("/echo", methods=["POST"])
    def echo():
        return app.current_request.json_body

    return app


@pytest.fixture(scope="module")
def client(tmp_path_factory) -> Iterator[Client]:
    with Client(tiny_app(), project_dir=str(tmp_path_factory.mktemp("project"))) as client:
        yield client


@pytest.mark.parametrize("path, headers, status, code", [
    ("/things", {}, 401, "unauthorized"),
    ("/things", {"Authorization": "Bearer bad"}, 401, "invalid_token"),
    ("/nowhere", {}, 404, "not_found"),
    ("/nowhere", {"Authorization": "Bearer good"}, 404, "not_found"),
    ("/things", {"Authorization": "Bearer broken"}, 500, "internal_error"),
])
def test_test_client_answers_are_reshaped_like_api_gateway(client, responses, path, headers,
                                                           status, code):
    answer = reshape_test_response(client.http.get(path, headers=headers), responses)
    assert isinstance(answer, HTTPResponse)
    assert answer.status_code == status
    assert error_of(answer.body)["code"] == code
    assert answer.headers["X-Request-Id"] == answer.headers["x-amzn-RequestId"]


def test_test_client_route_answers_are_untouched(client, responses):
    answer = client.http.get("/things", headers={"Authorization": "Bearer good"})
    assert reshape_test_response(answer, responses).body == answer.body == b'{"data":[]}'


@pytest.fixture(scope="module")
def local_server(responses) -> Iterator[tuple[str, int]]:
    """The local stack's HTTP front (devstack/http_front.py) with the app run in-process."""
    app = tiny_app()
    runtime = Runtime(LambdaSettings("gateway-test", 128, 30), app)
    server = ApiServer(("127.0.0.1", 0), runtime.handle, app.routes, responses,
                       read_timeout=READ_TIMEOUT)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[:2]
    server.shutdown()
    server.server_close()


def local_get(address: tuple[str, int], path: str, headers: dict) -> http.client.HTTPResponse:
    connection = http.client.HTTPConnection(*address, timeout=5)
    connection.request("GET", path, headers=headers)
    return connection.getresponse()


def test_local_server_sends_the_gateway_response_over_http(local_server):
    answer = local_get(local_server, "/things", {"Authorization": "Bearer bad"})
    body = answer.read()
    assert answer.status == 401
    assert error_of(body)["code"] == "invalid_token"
    assert answer.headers["Content-Type"] == "application/json"
    assert answer.headers["WWW-Authenticate"] == 'Bearer realm="leadnod", error="invalid_token"'
    assert answer.headers["X-Request-Id"]
    assert int(answer.headers["Content-Length"]) == len(body)


def test_local_server_passes_route_answers_through(local_server):
    answer = local_get(local_server, "/things", {"Authorization": "Bearer good"})
    assert (answer.status, answer.read()) == (200, b'{"data":[]}')


@pytest.mark.parametrize("method", ["TRACE", "CONNECT", "PROPFIND", "QUERY"])
def test_a_method_no_route_declares_is_a_405_in_the_api_format(local_server, method):
    connection = http.client.HTTPConnection(*local_server, timeout=5)
    connection.request(method, "/things", body=b"ignored", headers={"Content-Type": "text/plain"})
    answer = connection.getresponse()
    body = answer.read()
    assert answer.status == 405
    assert error_of(body)["code"] == "method_not_allowed"
    assert answer.headers["Allow"] == "GET"
    assert answer.headers["Content-Type"] == "application/json"
    assert answer.headers["X-Request-Id"]
    connection.request("GET", "/things", headers={"Authorization": "Bearer good"})
    assert connection.getresponse().read() == b'{"data":[]}'  # same connection, still in step


def test_a_method_no_route_declares_on_an_unknown_path_is_the_unknown_route_answer(local_server):
    connection = http.client.HTTPConnection(*local_server, timeout=5)
    connection.request("TRACE", "/nowhere")
    answer = connection.getresponse()
    assert answer.status == 404
    assert error_of(answer.read())["code"] == "not_found"


@pytest.mark.parametrize("request_line, status", [
    (b"GARBAGE", 400), (b"GET /things HTTP/9.9", 505), (b"GET /things HTTP/x.y", 400),
    (b"GET /things", 400), (b"GET / things HTTP/1.1 extra", 400)])
def test_protocol_errors_are_answered_in_the_api_format(local_server, request_line, status):
    raw, _ = raw_exchange(local_server, request_line + b"\r\nHost: local\r\n\r\n")
    answered, headers, body = parsed(raw)
    assert answered == status, raw
    assert set(error_of(body)) == {"code", "message", "param", "doc_url"}
    assert headers["Content-Type"] == "application/json" and headers["Connection"] == "close"
    assert int(headers["Content-Length"]) == len(body)
    assert "Server" not in headers and b"Python" not in raw and b"<html" not in raw.lower()


def test_a_body_shorter_than_its_content_length_times_out_with_408(local_server):
    raw, took = raw_exchange(local_server, b"POST /things HTTP/1.1\r\nHost: local\r\n"
                             b"Content-Type: application/json\r\nContent-Length: 100\r\n"
                             b"Authorization: Bearer good\r\n\r\n{\"a\"", wait=10)
    status, headers, body = parsed(raw)
    assert status == 408 and error_of(body)["code"] == "request_timeout"
    assert READ_TIMEOUT <= took < READ_TIMEOUT + 3 and headers["Connection"] == "close"


def test_a_stalled_client_does_not_hold_up_others(local_server):
    with socket.create_connection(local_server, timeout=10) as stalled:
        stalled.sendall(b"POST /things HTTP/1.1\r\nHost: local\r\nContent-Length: 10\r\n\r\n")
        answer = local_get(local_server, "/things", {"Authorization": "Bearer good"})
        assert (answer.status, answer.read()) == (200, b'{"data":[]}')


def test_chunked_bodies_are_read_and_the_connection_stays_in_step(local_server):
    connection = http.client.HTTPConnection(*local_server, timeout=5)
    connection.request("POST", "/echo", body=iter([b'{"a": ', b"1}"]),
                       headers={"Content-Type": "application/json"})
    answer = connection.getresponse()
    assert (answer.status, json.loads(answer.read())) == (200, {"a": 1})
    connection.request("GET", "/things", headers={"Authorization": "Bearer good"})
    assert connection.getresponse().read() == b'{"data":[]}'


def test_a_payload_over_api_gateways_quota_is_413_before_it_is_read(local_server):
    raw, _ = raw_exchange(local_server, b"POST /echo HTTP/1.1\r\nHost: local\r\n"
                          b"Content-Length: 10485761\r\n\r\n{")
    status, _, body = parsed(raw)
    assert status == 413 and error_of(body)["code"] == "request_too_large"


def test_head_answers_carry_no_body(local_server):
    connection = http.client.HTTPConnection(*local_server, timeout=5)
    connection.request("HEAD", "/things", headers={"Authorization": "Bearer good"})
    answer = connection.getresponse()
    assert answer.read() == b"" and answer.status in (200, 405)
    connection.request("GET", "/things", headers={"Authorization": "Bearer good"})
    assert connection.getresponse().read() == b'{"data":[]}'
