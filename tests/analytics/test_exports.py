"""`GET /v1/analytics/export` → queue → S3 (multipart) → presigned download, end to end."""
from __future__ import annotations

import csv
import io
import json
import threading
from datetime import datetime, timedelta, timezone
from urllib.parse import urlparse

import pytest
from moto.s3 import models as moto_s3

from app import app
from chalicelib.services.analytics import exports as export_service
from devstack.pollers import SqsPoller, sqs_event

from .builders import at, days_ago, put_activity, put_engagement, put_payment

NASTY = ['=HYPERLINK("http://evil.example","click")', "+1+2", "-2+3", "@SUM(A1:A2)",
         "\tindented", "\rreturn", 'Said "hi", then left\r\nNext line']


@pytest.fixture
def worker(services):
    """The exports queue fed to the app's handler, as the local stack and Lambda do."""
    poller = SqsPoller(services.client("sqs"), "leadnod-dev-exports",
                       app.handler_map["analytics_exports"], 1, threading.Event())

    def drain() -> int:
        total = 0
        while (handled := poller.poll_once(wait_seconds=0)):
            total += handled
        return total
    return drain


@pytest.fixture
def data(services, client, pro, other_client):
    """Fresh per test: exports are about exactly which rows come out."""
    mine = put_engagement(services, client.user_id, pro.user_id, created=days_ago(40))
    theirs = put_engagement(services, other_client.user_id, pro.user_id, created=days_ago(40))
    for n, text in enumerate(NASTY):
        put_activity(services, mine, "note", at(days_ago(20 - n)), description=text)
    put_activity(services, mine, "deal_closed", at(days_ago(2)), value=12_500,
                 description="Closed, à la carte")
    put_activity(services, theirs, "call", at(days_ago(3)), description="not yours")
    put_payment(services, mine, 40_000, at(days_ago(30)))
    put_payment(services, theirs, 99_000, at(days_ago(30)))
    return {"mine": mine, "theirs": theirs}


def download(services, url: str) -> bytes:
    """The object behind a presigned URL (in-process moto has no HTTP endpoint to fetch)."""
    parsed = urlparse(url)
    bucket = parsed.hostname.split(".s3", 1)[0]
    query = dict(part.split("=", 1) for part in parsed.query.split("&"))
    assert int(query["X-Amz-Expires"]) == 900
    return services.s3.get_object(Bucket=bucket, Key=parsed.path.lstrip("/"))["Body"].read()


def run_export(api, party, worker, query: str = "") -> dict:
    started = api.get(f"/v1/analytics/export{query}", token=party.token)
    assert started.status == 202, started.body
    job = started.json()
    assert job["id"].startswith("exp_") and job["status"] == "processing"
    assert started.headers["location"] == f"/v1/analytics/export/{job['id']}"
    assert worker() >= 1
    done = api.get(f"/v1/analytics/export/{job['id']}", token=party.token)
    assert done.status == 200
    return done.json()


def test_post_with_a_json_body_starts_the_same_export(api, services, client, worker, data):
    """The docs name /analytics/export without a method; integrators create jobs with POST."""
    started = api.post("/v1/analytics/export", token=client.token,
                       json_body={"format": "json", "dataset": "activities",
                                  "from": days_ago(16).isoformat()})
    assert started.status == 202, started.body
    job = started.json()
    assert started.headers["location"] == f"/v1/analytics/export/{job['id']}"
    assert (job["format"], job["dataset"], job["from"]) == ("json", "activities",
                                                            days_ago(16).isoformat())
    assert worker() >= 1
    assert api.get(started.headers["location"], token=client.token).json()["status"] == \
        "completed"
    bad = api.post("/v1/analytics/export", token=client.token, json_body={"format": "xml"})
    assert (bad.status, bad.error["param"]) == (400, "format")


def test_csv_export_is_the_callers_data_and_spreadsheet_safe(api, services, client, worker,
                                                             data):
    job = run_export(api, client, worker)
    assert job["status"] == "completed" and job["format"] == "csv" and job["dataset"] == "all"
    assert job["row_count"] == job["rows_written"] == 1 + len(NASTY) + 1 + 1
    expires = datetime.fromisoformat(job["expires_at"].replace("Z", "+00:00"))
    assert abs(expires - datetime.now(timezone.utc) - timedelta(minutes=15)) < timedelta(minutes=1)
    raw = download(services, job["download_url"])
    assert len(raw) == job["size"] and raw.startswith(b"\xef\xbb\xbf")
    assert b"\r\n" in raw and data["theirs"]["id"].encode() not in raw and b"99000" not in raw
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    assert [r["record_type"] for r in rows] == ["engagement"] + ["activity"] * 8 + ["payment"]
    notes = {r["description"] for r in rows if r["type"] == "note"}
    assert notes == {"'" + text if text[0] in "=+-@\t\r" else text for text in NASTY}
    assert all(not cell.startswith(("=", "+", "-", "@", "\t", "\r"))
               for row in rows for cell in row.values())
    deal = next(r for r in rows if r["type"] == "deal_closed")
    assert (deal["value"], deal["description"]) == ("12500", "Closed, à la carte")
    assert rows[0]["commission_rate"] == "0.1" and rows[0]["created_at"].endswith(":00Z")


def test_json_lines_export_of_activities_in_a_range(api, services, client, worker, data):
    job = run_export(api, client, worker, f"?format=json&dataset=activities&from={days_ago(16)}"
                                          f"&to={days_ago(2)}")
    assert job["from"] == days_ago(16).isoformat()
    text = download(services, job["download_url"]).decode()
    assert text.endswith("\n")
    records = [json.loads(line) for line in text.split("\n")[:-1]]
    assert len(records) == job["row_count"] == 4  # notes of days 16, 15 and 14, and the deal
    assert {r["record_type"] for r in records} == {"activity"}
    assert records[-1]["value"] == 12_500 and records[-1]["engagement_id"] == data["mine"]["id"]


def test_a_sales_pro_exports_every_engagement_they_are_party_to(api, services, pro, worker,
                                                                data):
    job = run_export(api, pro, worker, "?dataset=payments")
    rows = list(csv.DictReader(io.StringIO(download(services, job["download_url"])
                                           .decode("utf-8-sig"), newline="")))
    assert sorted(int(r["amount"]) for r in rows) == [40_000, 99_000]


def test_large_exports_stream_in_parts_and_report_progress(api, services, client, worker, data,
                                                           monkeypatch):
    monkeypatch.setattr(moto_s3, "S3_UPLOAD_PART_MIN_SIZE", 512)
    monkeypatch.setattr(export_service, "PROGRESS_EVERY_ROWS", 3)
    services.analytics_exports.part_size = 512
    for n in range(30):
        put_activity(services, data["mine"], "email", at(days_ago(1), n % 24),
                     description=f"Follow-up {n} " + "x" * 60)
    calls: list[str] = []
    services.s3.meta.events.register("before-call.s3.*", lambda event_name, **_: calls.append(
        event_name.rsplit(".", 1)[-1]))
    progress: list[int] = []
    real_progress = services.analytics_exports._exports.progress
    monkeypatch.setattr(services.analytics_exports._exports, "progress",
                        lambda *args: progress.append(args[-1]) or real_progress(*args))
    job = run_export(api, client, worker, "?dataset=activities")
    assert job["row_count"] == 38 and progress == list(range(3, 39, 3))
    assert calls.count("UploadPart") >= 5 and "CompleteMultipartUpload" in calls
    assert "PutObject" not in calls
    text = download(services, job["download_url"]).decode("utf-8-sig")
    assert len(list(csv.reader(io.StringIO(text, newline="")))) == 39


def test_a_failed_attempt_is_retried_and_the_last_one_marks_the_export_failed(
        api, services, client, data, monkeypatch):
    monkeypatch.setattr(services.analytics_exports, "part_size", 512)
    monkeypatch.setattr(moto_s3, "S3_UPLOAD_PART_MIN_SIZE", 512)

    def broken(*_args, **_kwargs):
        yield "activity", {"id": "act_1", "description": "x" * 2000}
        raise ConnectionError("DynamoDB went away")

    monkeypatch.setattr(services.analytics_exports, "records", broken)
    job = api.get("/v1/analytics/export", token=client.token).json()
    message = {"body": json.dumps({"user_id": client.user_id, "export_id": job["id"]}),
               "attributes": {"ApproximateReceiveCount": "1"}}
    with pytest.raises(ConnectionError):
        services.analytics_exports.handle_messages([message])
    bucket = services.settings.export_bucket
    assert services.s3.list_multipart_uploads(Bucket=bucket).get("Uploads", []) == []
    assert api.get(f"/v1/analytics/export/{job['id']}", token=client.token).json()[
        "status"] == "processing"
    message["attributes"]["ApproximateReceiveCount"] = "3"
    services.analytics_exports.handle_messages([message])
    failed = api.get(f"/v1/analytics/export/{job['id']}", token=client.token).json()
    assert failed["status"] == "failed" and failed["download_url"] is None
    assert "Request a new one" in failed["error"]


def test_the_consumer_answers_a_failed_attempt_for_redelivery_and_logs_it(
        api, services, client, data, monkeypatch, caplog):
    def broken(*_args, **_kwargs):
        raise ConnectionError("DynamoDB went away")
        yield  # a generator, as records() is

    monkeypatch.setattr(services.analytics_exports, "records", broken)
    job = api.get("/v1/analytics/export", token=client.token).json()

    def delivery(receives: int) -> dict:
        return sqs_event([{"MessageId": "m1", "ReceiptHandle": "r1", "Body": json.dumps(
            {"user_id": client.user_id, "export_id": job["id"]}),
            "Attributes": {"ApproximateReceiveCount": str(receives)}}],
            "arn:aws:sqs:us-east-1:123456789012:leadnod-dev-exports")

    with caplog.at_level("WARNING", logger="chalicelib.consumers.analytics"):
        answer = app.handler_map["analytics_exports"](delivery(1), None)
    assert answer == {"batchItemFailures": [{"itemIdentifier": "m1"}]}
    assert "DynamoDB went away" in caplog.text
    status = api.get(f"/v1/analytics/export/{job['id']}", token=client.token).json()["status"]
    assert status == "processing"
    # The last delivery marks the job failed and is done with; a later one finds nothing to do.
    assert app.handler_map["analytics_exports"](delivery(3), None) == {"batchItemFailures": []}
    assert app.handler_map["analytics_exports"](delivery(4), None) == {"batchItemFailures": []}
    assert api.get(f"/v1/analytics/export/{job['id']}", token=client.token).json()[
        "status"] == "failed"


def test_a_redelivered_message_changes_nothing(api, services, client, worker, data):
    job = run_export(api, client, worker, "?dataset=engagements")
    services.analytics_exports.run(client.user_id, job["id"])
    again = api.get(f"/v1/analytics/export/{job['id']}", token=client.token).json()
    assert (again["row_count"], again["size"]) == (job["row_count"], job["size"])


def test_exports_are_private(api, client, other_client, worker, data):
    job = run_export(api, client, worker, "?dataset=engagements")
    answer = api.get(f"/v1/analytics/export/{job['id']}", token=other_client.token)
    assert answer.status == 404 and answer.error["code"] == "resource_missing"
    assert api.get("/v1/analytics/export/exp_missing", token=client.token).status == 404


@pytest.mark.parametrize("query, param", [
    ("?format=xlsx", "format"), ("?dataset=users", "dataset"),
    ("?from=2026-02-02&to=2026-02-01", "from"), ("?to=tomorrow", "to"), ("?page=2", "page"),
])
def test_bad_export_parameters_are_400(api, client, query, param):
    answer = api.get(f"/v1/analytics/export{query}", token=client.token)
    assert answer.status == 400 and answer.error["param"] == param


def test_exports_need_a_token(api):
    assert api.get("/v1/analytics/export").status == 401
