"""Pieces of the webhook pipeline on their own: address checks, signatures, retry timing,
stream record parsing and the local stack's event-source discovery."""
from __future__ import annotations

import base64
import hashlib
import hmac
import ipaddress
import random
import threading

import pytest
from chalice import Blueprint, Chalice, Cron, Rate

from chalicelib.services.webhooks.delivery import Dispatcher
from chalicelib.services.webhooks.settings import PRODUCTION_SCHEDULE, WebhookSettings
from chalicelib.services.webhooks.signing import delivery_headers, encode_body, new_secret
from chalicelib.services.webhooks.urls import UrlGuard, UrlRefused, is_public
from chalicelib.storage.outbox import outbox_item_from_stream
from chalicelib.storage.webhook_deliveries import delivery_id_for
from devstack.pollers import rate_seconds, schedule_pollers, stream_pollers
from devstack.webhook_receiver import leadnod_signature_ok, standard_signature_ok
from support.webhooks import fake_dns


@pytest.mark.parametrize("address, public", [
    ("93.184.216.34", True), ("2606:2800:220:1:248:1893:25c8:1946", True),
    ("127.0.0.1", False), ("10.1.2.3", False), ("172.31.255.1", False), ("192.168.0.1", False),
    ("169.254.169.254", False), ("100.64.0.1", False), ("0.0.0.0", False),
    ("224.0.0.251", False), ("240.0.0.1", False), ("255.255.255.255", False),
    ("::1", False), ("::", False), ("fe80::1", False), ("fc00::1", False), ("ff02::1", False),
    ("::ffff:10.0.0.1", False), ("::ffff:93.184.216.34", True), ("2002:7f00:1::", False),
    ("64:ff9b::a00:1", False),
])
def test_only_globally_routable_unicast_addresses_are_public(address, public):
    assert is_public(ipaddress.ip_address(address)) is public


def test_delivery_connects_to_the_address_it_checked(monkeypatch):
    fake_dns(monkeypatch, {"hooks.example.com": "93.184.216.34"})
    target = UrlGuard(allow_loopback=False).target("https://hooks.example.com:8443/in?a=1")

    assert (target.address, target.host, target.port) == (
        "93.184.216.34", "hooks.example.com", 8443)
    assert target.path == "/in?a=1" and target.host_header == "hooks.example.com:8443"
    local = UrlGuard(allow_loopback=True).target("http://127.0.0.1:9000")
    assert (local.address, local.path, local.host_header) == ("127.0.0.1", "/", "127.0.0.1:9000")
    with pytest.raises(UrlRefused):
        UrlGuard(allow_loopback=False).target("http://127.0.0.1:9000/x")


def test_the_stacks_own_ports_come_from_its_environment_in_the_local_stage_only():
    from chalicelib.config import Settings

    env = {"AWS_ENDPOINT_URL": "http://127.0.0.1:5123", "MOTO_PORT": "5124", "PORT": "8123"}
    local = Settings.from_env({"LEADNOD_STAGE": "dev", **env}).webhooks
    prod = Settings.from_env({"LEADNOD_STAGE": "prod", **env}).webhooks

    assert local.own_ports == {5123, 5124, 8123}
    assert Settings.from_env({"LEADNOD_STAGE": "dev"}).webhooks.own_ports == {5000, 8000}
    assert not prod.allow_loopback and prod.own_ports == frozenset()


def test_delivery_checks_the_stacks_own_ports_again_before_connecting():
    """An endpoint stored before the stack moved to this port is refused at send time."""
    from chalicelib.services.webhooks.http import WebhookHttpClient
    from devstack.webhook_receiver import WebhookReceiver

    with WebhookReceiver() as receiver:
        guard = UrlGuard(allow_loopback=True, own_ports=frozenset({receiver.port}))
        result = WebhookHttpClient(guard).post(f"http://127.0.0.1:{receiver.port}/moto-api/reset",
                                               b"{}", {"Content-Type": "application/json"})
        assert result.status is None and "local stack's own" in result.error
        assert receiver.received == []


@pytest.mark.parametrize("url", [
    "http://127.0.0.1:9000/x", "https://127.0.0.1/x", "https://127.0.0.2/x", "https://[::1]/x",
    "https://localhost/x", "https://10.0.0.1/x", "https://169.254.169.254/latest",
    "https://[::ffff:127.0.0.1]/x", "https://2130706433/x"])
def test_non_local_stages_refuse_every_internal_address(url):
    with pytest.raises(UrlRefused):
        UrlGuard(allow_loopback=False).target(url)


def test_both_signatures_verify_with_the_receivers_recipes():
    secret = new_secret()
    body = encode_body({"id": "evt_1", "type": "ping", "data": {"amount": 12.5, "name": "Zoë"}})
    headers = {k.lower(): v for k, v in delivery_headers(
        secret=secret, body=body, event_id="evt_1", event_type="ping", delivery_id="dlv_1",
        timestamp=1_900_000_000).items()}

    assert headers["x-leadnod-signature"] == hmac.new(secret.encode(), body,
                                                      hashlib.sha256).hexdigest()
    assert leadnod_signature_ok(secret, body, headers["x-leadnod-signature"])
    assert not leadnod_signature_ok(secret, body + b" ", headers["x-leadnod-signature"])
    signed = b"evt_1.1900000000." + body
    assert headers["webhook-signature"] == "v1," + base64.b64encode(
        hmac.new(secret.encode(), signed, hashlib.sha256).digest()).decode()
    assert not standard_signature_ok(secret, body, headers)  # 2030: outside the 5 minutes
    assert "Zoë".encode() in body and b" " not in body


def test_retries_follow_the_schedule_with_jitter():
    dispatcher = Dispatcher(None, None, None, None, None, settings=WebhookSettings(),
                            clock=None, executor=None, rng=random.Random(7))
    delays = [dispatcher.retry_delay(attempt) for attempt in range(1, 12)]

    for delay, base in zip(delays, PRODUCTION_SCHEDULE, strict=False):
        assert base * 0.8 <= delay <= base * 1.2
    assert 2.5 * 86400 < sum(PRODUCTION_SCHEDULE) < 3.5 * 86400  # about three days
    assert WebhookSettings().max_attempts == 12
    assert dispatcher.retry_delay(99) <= 36000 * 1.2  # past the end: the last step again


def test_settings_come_from_the_stage_and_the_environment():
    from chalicelib.config import Settings

    local = Settings(stage="dev").webhooks
    prod = Settings.from_env({"LEADNOD_STAGE": "prod", "WEBHOOK_RETRY_SCHEDULE": "1,2",
                              "WEBHOOK_DLQ_URL": "dlq", "TABLE_NAME": "t"}).webhooks
    assert local.allow_loopback and local.retry_schedule[0] < 5
    assert not prod.allow_loopback and prod.retry_schedule == (1, 2) and prod.dlq_url == "dlq"
    assert Settings(stage="sandbox").webhooks.retry_schedule == PRODUCTION_SCHEDULE
    # Read once: a later change to the environment does not reach settings already made.
    env = {"WEBHOOK_DLQ_URL": "first"}
    settings = Settings.from_env(env)
    env["WEBHOOK_DLQ_URL"] = "second"
    assert settings.webhooks.dlq_url == "first"


def test_delivery_ids_are_stable_per_event_and_endpoint():
    first = delivery_id_for("evt_a", "whk_b")
    assert first == delivery_id_for("evt_a", "whk_b") != delivery_id_for("evt_a", "whk_c")
    assert first.startswith("dlv_") and len(first) == 26


def test_only_outbox_inserts_are_taken_from_the_stream():
    image = {"PK": {"S": "OUTBOX#evt_1"}, "SK": {"S": "OUTBOX"},
             "payload": {"M": {"id": {"S": "evt_1"}, "n": {"N": "3"}}},
             "recipients": {"L": [{"S": "usr_1"}]}}
    insert = {"eventName": "INSERT", "dynamodb": {"Keys": {"PK": image["PK"]}, "NewImage": image}}

    item = outbox_item_from_stream(insert)
    assert item["payload"] == {"id": "evt_1", "n": 3} and item["recipients"] == ["usr_1"]
    assert outbox_item_from_stream({**insert, "eventName": "REMOVE"}) is None
    other = {"eventName": "INSERT", "dynamodb": {"Keys": {"PK": {"S": "USER#usr_1"}}}}
    assert outbox_item_from_stream(other) is None


def test_the_local_stack_finds_streams_and_rate_schedules_on_the_app():
    app, bp = Chalice(app_name="probe"), Blueprint("probe")

    @bp.on_dynamodb_record(stream_arn="arn:aws:dynamodb:us-east-1:1:table/t/stream/s")
    def changes(event):  # pragma: no cover - discovery only
        return None

    @bp.schedule(Rate(5, unit=Rate.MINUTES))
    def every_five(event):  # pragma: no cover
        return None

    @bp.schedule(Cron(0, 12, "*", "*", "?", "*"))
    def at_noon(event):  # pragma: no cover
        return None

    app.register_blueprint(bp)

    class Streams:
        def describe_stream(self, StreamArn):
            return {"StreamDescription": {"Shards": [{"ShardId": "s-1"}]}}

        def get_shard_iterator(self, **kwargs):
            return {"ShardIterator": f"{kwargs['ShardId']}@{kwargs['ShardIteratorType']}"}

    [stream] = stream_pollers(app, Streams(), threading.Event())
    assert stream.function_name == "changes" and stream._iterators == {"s-1": "s-1@LATEST"}
    [timer] = schedule_pollers(app, threading.Event())
    assert (timer.function_name, timer._period) == ("every_five", 300)
    assert rate_seconds("rate(1 minute)") == 60 and rate_seconds("rate(2 hours)") == 7200
    assert rate_seconds("cron(0 12 * * ? *)") is None


def _self_signed(tmp_path, hostname: str) -> tuple[str, str]:
    import datetime

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, hostname)])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(minutes=1))
            .not_valid_after(now + datetime.timedelta(hours=1))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName(hostname)]), critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    cert_file, key_file = tmp_path / f"{hostname}.pem", tmp_path / f"{hostname}.key"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                           serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return str(cert_file), str(key_file)


def test_https_goes_to_the_checked_address_and_verifies_the_host_name(tmp_path):
    import ssl

    from chalicelib.services.webhooks.http import WebhookHttpClient
    from chalicelib.services.webhooks.urls import Target
    from devstack.webhook_receiver import WebhookReceiver

    cert, key = _self_signed(tmp_path, "hooks.example.com")
    with WebhookReceiver() as receiver:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert, key)
        receiver._server.socket = context.wrap_socket(receiver._server.socket, server_side=True)

        class CheckedAs(UrlGuard):
            """What the guard answers after resolving: connect to 127.0.0.1 for this name."""
            def __init__(self, host: str) -> None:
                super().__init__(allow_loopback=False)
                self.host = host

            def target(self, url: str) -> Target:
                return Target("https", self.host, receiver.port, "127.0.0.1", "/in")

        good = WebhookHttpClient(CheckedAs("hooks.example.com"), ca_certs=cert).post(
            "https://hooks.example.com/in", b"{}", {"Content-Type": "application/json"})
        wrong_name = WebhookHttpClient(CheckedAs("other.example.com"), ca_certs=cert).post(
            "https://other.example.com/in", b"{}", {"Content-Type": "application/json"})

        assert good.ok and good.status == 200
        [request] = receiver.received
        assert request.headers["host"] == f"hooks.example.com:{receiver.port}"
        assert wrong_name.status is None and "SSLError" in wrong_name.error
