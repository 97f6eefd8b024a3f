"""The SDK README's Python blocks, run in order as a reader would run them (the API docs'
examples among them), against the app, with two fresh accounts' credentials in the
environment. Only the HTTP transport is substituted."""
from __future__ import annotations

import re

import httpx

import leadnod
from support import ROOT

from .transport import AsyncChaliceTransport, ChaliceTransport

README = ROOT / "sdk" / "python" / "README.md"


def python_blocks() -> list:
    return re.findall(r"```python\n(.*?)```", README.read_text(), re.S)


def test_the_readme_runs_as_written(monkeypatch, capsys, sdk_api, people):
    from chalicelib.services.webhooks.signing import leadnod_signature
    from support.webhooks import fake_dns

    transport = ChaliceTransport(sdk_api)

    class Client(leadnod.Client):
        def __init__(self, **options):
            options.setdefault("http_client", httpx.Client(transport=transport))
            super().__init__(**options)

    class AsyncClient(leadnod.AsyncClient):
        def __init__(self, **options):
            options.setdefault("http_client",
                               httpx.AsyncClient(transport=AsyncChaliceTransport(transport)))
            super().__init__(**options)

    monkeypatch.setattr(leadnod, "Client", Client)
    monkeypatch.setattr(leadnod, "AsyncClient", AsyncClient)
    fake_dns(monkeypatch, {"your-app.com": "93.184.216.34"})
    reader, pro = people.new("client", company="Acme Corp", industry="saas"), \
        people.new("sales_pro", industry="saas")
    for name, value in (("LEADNOD_CLIENT_ID", reader.client_id),
                        ("LEADNOD_CLIENT_SECRET", reader.client_secret),
                        ("LEADNOD_PRO_CLIENT_ID", pro.client_id),
                        ("LEADNOD_PRO_CLIENT_SECRET", pro.client_secret)):
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("LEADNOD_BASE_URL", raising=False)

    namespace: dict = {"__name__": "readme"}
    blocks = python_blocks()
    assert len(blocks) >= 10
    for number, block in enumerate(blocks, start=1):
        exec(compile(block, f"{README.name} python block {number}", "exec"), namespace)

    handle = namespace["handle_leadnod_webhook"]
    body = b'{"id":"evt_1","type":"engagement.created","created":"2024-03-15T14:30:00Z",' \
           b'"api_version":"2024-06-01","environment":"sandbox","data":{"status":"pending"}}'
    signature = leadnod_signature("your_webhook_secret", body)
    assert handle(body, {"X-LeadNod-Signature": signature}) == 200
    assert handle(body + b" ", {"X-LeadNod-Signature": signature}) == 400
    printed = capsys.readouterr().out
    for expected in ("Signed in as", "400 invalid_parameter email",
                     "The 'email' field must be a valid email address.",
                     "1 4800000 480000", "succeeded", "10000 4000 6000",
                     "evt_1 engagement.created", "['engagement.created', 'payment.received']",
                     "no such opportunity", "403 insufficient_role", "Jordan Lee member"):
        assert expected in printed, expected
    assert not [e for e in transport.exchanges if e.status and e.status >= 500]
