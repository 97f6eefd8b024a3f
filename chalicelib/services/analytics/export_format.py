"""Export rows and their encodings: CSV (RFC 4180, spreadsheet-safe) and JSON Lines.

CSV cells that a spreadsheet would run as a formula — text starting with `=`, `+`, `-`, `@`,
a tab or a carriage return (OWASP "CSV Injection") — get a leading `'`, which spreadsheets
show as text and never evaluate. Numbers we produce are written as numbers.
"""
from __future__ import annotations

import csv
import io
import json
from decimal import Decimal
from typing import Any, Mapping

ENGAGEMENT_COLUMNS = ("id", "opportunity_id", "opportunity_title", "client_id", "sales_pro_id",
                      "status", "compensation_model", "commission_rate", "currency", "created_at",
                      "started_at", "completed_at", "terminated_at", "termination_reason")
ACTIVITY_COLUMNS = ("id", "engagement_id", "type", "occurred_at", "description", "outcome",
                    "value", "logged_by", "created_at")
PAYMENT_COLUMNS = ("id", "engagement_id", "type", "status", "amount", "currency", "client_id",
                   "sales_pro_id", "description", "created_at", "updated_at")
COLUMNS = {"engagements": ENGAGEMENT_COLUMNS, "activities": ACTIVITY_COLUMNS,
           "payments": PAYMENT_COLUMNS}
# `all` is one file: a `record_type` column, then every column of the three, in that order.
COLUMNS["all"] = ("record_type", *dict.fromkeys(
    ENGAGEMENT_COLUMNS + ACTIVITY_COLUMNS + PAYMENT_COLUMNS))
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
UTF8_BOM = "\ufeff"  # lets spreadsheet programs detect UTF-8 (names with accents stay readable)


def _plain(value: Any) -> Any:
    """DynamoDB values → JSON/CSV values; stored times shown at second precision."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, str) and len(value) == 27 and value[10] == "T" and value.endswith("Z"):
        return value[:19] + "Z"  # 2026-01-01T10:00:00.123456Z → 2026-01-01T10:00:00Z
    return value


def engagement_record(item: Mapping[str, Any]) -> dict[str, Any]:
    terms = item.get("terms") or {}
    record = {name: _plain(item.get(name)) for name in ENGAGEMENT_COLUMNS}
    record["compensation_model"] = terms.get("compensation_model")
    record["commission_rate"] = _plain(terms.get("commission_rate"))
    return record


def activity_record(item: Mapping[str, Any]) -> dict[str, Any]:
    return {name: _plain(item.get(name)) for name in ACTIVITY_COLUMNS}


def payment_record(item: Mapping[str, Any]) -> dict[str, Any]:
    return {name: _plain(item.get(name)) for name in PAYMENT_COLUMNS}


def neutralise(value: Any) -> Any:
    """A cell a spreadsheet shows as text; numbers pass through, None is an empty cell."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


class CsvEncoder:
    extension, content_type = "csv", "text/csv; charset=utf-8"

    def __init__(self, dataset: str) -> None:
        self.columns = COLUMNS[dataset]
        self._text = io.StringIO()
        # RFC 4180: CRLF line breaks; fields with commas, quotes or line breaks quoted, quotes
        # doubled.
        self._writer = csv.writer(self._text, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)

    def header(self) -> bytes:
        return UTF8_BOM.encode() + self._line(self.columns)

    def row(self, record_type: str, record: Mapping[str, Any]) -> bytes:
        values = {**record, "record_type": record_type}
        return self._line([neutralise(values.get(name)) for name in self.columns])

    def _line(self, cells: Any) -> bytes:
        self._text.seek(0)
        self._text.truncate()
        self._writer.writerow(cells)
        return self._text.getvalue().encode()


class JsonLinesEncoder:
    """One JSON object per line (`record_type` first), UTF-8, `\\n` separated: streams in and
    out without holding the file, and `jq`, pandas (`lines=True`) and BigQuery read it."""
    extension, content_type = "jsonl", "application/x-ndjson"

    def __init__(self, dataset: str) -> None:
        self.columns = COLUMNS[dataset]

    def header(self) -> bytes:
        return b""

    def row(self, record_type: str, record: Mapping[str, Any]) -> bytes:
        return (json.dumps({"record_type": record_type, **record}, ensure_ascii=False,
                           separators=(",", ":")) + "\n").encode()


def encoder_for(export_format: str, dataset: str) -> CsvEncoder | JsonLinesEncoder:
    return CsvEncoder(dataset) if export_format == "csv" else JsonLinesEncoder(dataset)
