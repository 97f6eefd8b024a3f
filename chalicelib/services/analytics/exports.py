"""Bulk exports: `GET /v1/analytics/export` records a job and queues it; the exports queue's
consumer streams the caller's rows to S3 (multipart, one part in memory at a time), keeping
`rows_written` current; `GET /v1/analytics/export/{id}` answers with a 15-minute download URL.
"""
from __future__ import annotations

import json
import logging
from datetime import date, timedelta
from typing import Any, Iterator

from ...auth.caller import Caller
from ...clock import Clock, isoformat, sortable
from ...errors import not_found
from ...ids import new_id
from ...models.analytics import Export, ExportParams, ExportRequest
from ...storage.commit_riders import answer_in_commit
from ...storage.export_files import DOWNLOAD_URL_SECONDS, PART_SIZE, MultipartWriter, download_url
from ...storage.party_data import PartyData
from ...storage.reports import ExportRepository
from .export_format import activity_record, encoder_for, engagement_record, payment_record
from .periods import DayRange, open_range

log = logging.getLogger(__name__)
PROGRESS_EVERY_ROWS = 5_000
MAX_RECEIVES = 3  # the exports queue's maxReceiveCount (infra/template.yaml)


class ExportService:
    def __init__(self, exports: ExportRepository, party_data: PartyData, s3: Any, bucket: str,
                 sqs: Any, queue_url: str, clock: Clock, part_size: int = PART_SIZE) -> None:
        self._exports, self._party_data, self._clock = exports, party_data, clock
        self._s3, self._bucket, self._sqs, self._queue_url = s3, bucket, sqs, queue_url
        self.part_size = part_size

    # ------------------------------------------------------------------ API
    def request(self, caller: Caller, params: ExportParams | ExportRequest) -> Export:
        """Record the job, then queue it (a lost message leaves a `processing` job that the
        caller can simply request again; it expires with the rest after 7 days)."""
        now = self._clock.now()
        days = open_range(params.from_, params.to, now.date())
        export = {"id": new_id("exp"), "status": "processing", "format": params.format,
                  "dataset": params.dataset, "from": days.first_key, "to": days.last_key,
                  "user_type": caller.user_type, "rows_written": 0, "created_at": sortable(now)}
        answer = Export.model_validate(export)
        with answer_in_commit(answer):
            self._exports.create(caller.user_id, export, int(now.timestamp()))
        self._sqs.send_message(QueueUrl=self._queue_url, MessageBody=json.dumps(
            {"user_id": caller.user_id, "export_id": export["id"]}))
        return answer

    def get(self, caller: Caller, export_id: str) -> Export:
        item = self._exports.get(caller.user_id, export_id)
        if item is None:
            raise not_found("export", export_id)
        if item["status"] == "completed":
            now = self._clock.now()
            item = {**item, "expires_at": isoformat(now + timedelta(seconds=DOWNLOAD_URL_SECONDS)),
                    "download_url": download_url(self._s3, self._bucket, item["s3_key"],
                                                 item["s3_key"].rsplit("/", 1)[-1])}
        return Export.model_validate(item)

    # ------------------------------------------------------------------ worker
    def handle_messages(self, records: list[dict[str, Any]]) -> None:
        for record in records:
            body = json.loads(record["body"])
            receives = int((record.get("attributes") or {}).get("ApproximateReceiveCount", 1))
            self.run(body["user_id"], body["export_id"], final_attempt=receives >= MAX_RECEIVES)

    def run(self, user_id: str, export_id: str, final_attempt: bool = True) -> None:
        """Write the file and complete the job. A failure aborts the upload and is raised so
        SQS redelivers the message, except on the last delivery, which marks the job failed."""
        job = self._exports.get(user_id, export_id, consistent=True)
        if job is None or job["status"] != "processing":
            return  # finished by an earlier delivery, or expired
        encoder = encoder_for(job["format"], job["dataset"])
        key = f"exports/{user_id}/{export_id}.{encoder.extension}"
        writer = MultipartWriter(self._s3, self._bucket, key, encoder.content_type,
                                 self.part_size)
        rows = 0
        try:
            writer.write(encoder.header())
            for record_type, record in self.records(user_id, job):
                writer.write(encoder.row(record_type, record))
                rows += 1
                if rows % PROGRESS_EVERY_ROWS == 0:
                    self._exports.progress(user_id, export_id, rows)
            size = writer.close()
        except Exception:
            writer.abort()
            if not final_attempt:
                raise
            log.exception("export %s failed on its last attempt", export_id)
            self._exports.finish(user_id, export_id, {
                "status": "failed", "rows_written": rows, "completed_at": self._now(),
                "error": "The export could not be completed. Request a new one."})
            return
        self._exports.finish(user_id, export_id, {
            "status": "completed", "rows_written": rows, "row_count": rows, "size": size,
            "s3_key": key, "completed_at": self._now()})

    def records(self, user_id: str, job: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
        """The caller's rows, read page by page through their own lists (never anyone else's):
        engagements active in the range, then their activities in the range, then payments."""
        days = DayRange(_day(job.get("from")), date.fromisoformat(job["to"]))
        user_type, dataset = job["user_type"], job["dataset"]
        if dataset in ("engagements", "all"):
            for eng in self._party_data.engagements(user_id, user_type, days.last_key):
                ended = eng.get("completed_at") or eng.get("terminated_at")
                if not (days.first_key and ended and ended[:10] < days.first_key):
                    yield "engagement", engagement_record(eng)
        if dataset in ("activities", "all"):
            for eng in self._party_data.engagements(user_id, user_type, days.last_key):
                for activity in self._party_data.activities(eng["id"], days.first_key,
                                                            days.last_key):
                    yield "activity", activity_record(activity)
        if dataset in ("payments", "all"):
            for payment in self._party_data.payments(user_id, user_type, days.first_key,
                                                     days.last_key):
                yield "payment", payment_record(payment)

    def _now(self) -> str:
        return sortable(self._clock.now())


def _day(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None
