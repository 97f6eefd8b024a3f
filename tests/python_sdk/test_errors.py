"""The SDK's exceptions: one class per kind of failure, and every error the API answers with
is a `leadnod.APIError` (over an in-memory transport: the mapping needs no API)."""
from __future__ import annotations

import httpx
import pytest

import leadnod
from leadnod import webhooks

BY_STATUS = {400: leadnod.InvalidRequestError, 401: leadnod.AuthenticationError,
             403: leadnod.PermissionDeniedError, 404: leadnod.NotFoundError,
             405: leadnod.APIError, 409: leadnod.ConflictError, 413: leadnod.APIError,
             415: leadnod.APIError, 422: leadnod.InvalidRequestError,
             429: leadnod.RateLimitError, 500: leadnod.APIError, 503: leadnod.APIError}


def answering(status: int) -> leadnod.Client:
    def answer(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/oauth/token":
            return httpx.Response(200, json={"access_token": "t", "token_type": "Bearer",
                                             "expires_in": 3600, "scope": "read write"})
        return httpx.Response(status, headers={"X-Request-Id": "req_1"}, json={"error": {
            "code": "some_code", "message": "Refused.", "param": None, "doc_url": None}})
    return leadnod.Client(client_id="cli_1", client_secret="lns_1", base_url="http://x",
                          max_retries=0,
                          http_client=httpx.Client(transport=httpx.MockTransport(answer)))


@pytest.mark.parametrize("status", sorted(BY_STATUS))
def test_every_error_answer_is_an_api_error_of_its_own_kind(status):
    with answering(status) as client, pytest.raises(leadnod.APIError) as raised:
        client.users.me()
    error = raised.value
    assert type(error) is BY_STATUS[status] and isinstance(error, leadnod.LeadNodError)
    assert (error.status, error.code, error.request_id) == (status, "some_code", "req_1")


def test_no_answer_and_a_bad_signature_are_not_api_errors():
    def unreachable(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)
    client = leadnod.Client(client_id="cli_1", client_secret="lns_1", base_url="http://x",
                            max_retries=0,
                            http_client=httpx.Client(transport=httpx.MockTransport(unreachable)))
    with client, pytest.raises(leadnod.APIConnectionError) as no_answer:
        client.users.me()
    with pytest.raises(leadnod.SignatureVerificationError) as forged:
        webhooks.construct_event(b"{}", "t=1,v1=00", "your_webhook_secret")
    for error in (no_answer.value, forged.value):
        assert isinstance(error, leadnod.LeadNodError)
        assert not isinstance(error, leadnod.APIError)


def test_every_exception_name_is_still_importable_from_the_package():
    from leadnod import (APIConnectionError, APIError, APITimeoutError,  # noqa: F401
                         AuthenticationError, ConflictError, InvalidRequestError, LeadNodError,
                         NotFoundError, PermissionDeniedError, RateLimitError,
                         SignatureVerificationError)
    from leadnod.webhooks import SignatureVerificationError as from_webhooks

    assert from_webhooks is SignatureVerificationError
    assert issubclass(APITimeoutError, APIConnectionError)
    assert {name for name in leadnod.__all__ if name.endswith("Error")} == {
        "LeadNodError", "APIError", "InvalidRequestError", "AuthenticationError",
        "PermissionDeniedError", "NotFoundError", "ConflictError", "RateLimitError",
        "APIConnectionError", "APITimeoutError", "SignatureVerificationError"}
