"""Saved reports and export jobs, both owned by one account (`USER#<usr>` partition), so a
GetItem with the caller's id can never return someone else's (keys: docs/data-model.md)."""
from __future__ import annotations

import json
from typing import Any

from boto3.dynamodb.conditions import Key

from .table import ConditionFailed, PageResult, Store

INLINE_ROWS_LIMIT = 300_000  # bytes of JSON; larger row sets go to S3 (items max out at 400 KB)
EXPORT_RETENTION_SECONDS = 7 * 86400  # the bucket's lifecycle rule deletes the files then too


def report_key(user_id: str, report_id: str) -> dict[str, str]:
    return {"PK": f"USER#{user_id}", "SK": f"RPT#{report_id}"}


def export_key(user_id: str, export_id: str) -> dict[str, str]:
    return {"PK": f"USER#{user_id}", "SK": f"EXP#{export_id}"}


class ReportRepository:
    def __init__(self, store: Store, s3: Any, bucket: str) -> None:
        self.store, self._s3, self._bucket = store, s3, bucket

    def create(self, user_id: str, report: dict[str, Any]) -> None:
        item = {**report_key(user_id, report["id"]), "entity": "report",
                "GSI1PK": f"USER#{user_id}#RPTS",
                "GSI1SK": f"{report['created_at']}#{report['id']}",
                **{k: v for k, v in report.items() if k != "rows"}}
        rows = json.dumps(report["rows"], separators=(",", ":"))
        if len(rows) > INLINE_ROWS_LIMIT:
            item["s3_key"] = f"reports/{user_id}/{report['id']}.json"
            self._s3.put_object(Bucket=self._bucket, Key=item["s3_key"], Body=rows.encode(),
                                ContentType="application/json")
        else:
            item["rows_json"] = rows  # one string attribute: cheap to write, no Decimal round trip
        self.store.put(item, condition="attribute_not_exists(PK)")

    def get(self, user_id: str, report_id: str) -> dict[str, Any] | None:
        item = self.store.get(report_key(user_id, report_id))
        if item is None:
            return None
        if "s3_key" in item:
            body = self._s3.get_object(Bucket=self._bucket, Key=item["s3_key"])["Body"].read()
            return {**item, "rows": json.loads(body)}
        return {**item, "rows": json.loads(item.get("rows_json", "[]"))}

    def page(self, user_id: str, limit: int, cursor: str | None) -> PageResult:
        """Newest first, without the rows (`ProjectionExpression` would not save RCUs; the
        list simply does not return them)."""
        return self.store.page(f"rpts:{user_id}", Key("GSI1PK").eq(f"USER#{user_id}#RPTS"),
                               limit=limit, cursor=cursor, index="GSI1", forward=False)


class ExportRepository:
    def __init__(self, store: Store) -> None:
        self.store = store

    def create(self, user_id: str, export: dict[str, Any], created_epoch: int) -> None:
        self.store.put({**export_key(user_id, export["id"]), "entity": "export",
                        "GSI1PK": f"USER#{user_id}#EXPS",
                        "GSI1SK": f"{export['created_at']}#{export['id']}",
                        "ttl": created_epoch + EXPORT_RETENTION_SECONDS, **export},
                       condition="attribute_not_exists(PK)")

    def get(self, user_id: str, export_id: str, consistent: bool = False) -> dict[str, Any] | None:
        return self.store.get(export_key(user_id, export_id), consistent=consistent)

    def progress(self, user_id: str, export_id: str, rows_written: int) -> None:
        self.store.update(export_key(user_id, export_id), "SET rows_written = :n",
                          values={":n": rows_written}, return_values="NONE")

    def finish(self, user_id: str, export_id: str, changes: dict[str, Any]) -> bool:
        """Set the final state once: only a `processing` export can complete or fail (a
        redelivered message for a finished export changes nothing)."""
        names = {f"#f{n}": name for n, name in enumerate(changes)}
        values = {f":f{n}": value for n, value in enumerate(changes.values())}
        sets = ", ".join(f"#f{n} = :f{n}" for n in range(len(changes)))
        try:
            self.store.update(export_key(user_id, export_id), f"SET {sets}",
                              values={**values, ":processing": "processing"},
                              names={**names, "#status": "status"},
                              condition="#status = :processing", return_values="NONE")
        except ConditionFailed:
            return False
        return True
