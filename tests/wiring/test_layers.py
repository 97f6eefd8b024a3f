"""The seams between layers (docs/architecture.md): storage owns every DynamoDB key, wire
format and refused condition; services hold the rules; each shared rule is written once."""
from __future__ import annotations

import re
from pathlib import Path

CHALICELIB = Path(__file__).resolve().parents[2] / "chalicelib"
SERVICES = sorted((CHALICELIB / "services").rglob("*.py"))

# What only storage may spell: action kinds and expressions of TransactWriteItems, typed
# attribute values, key prefixes of the engagement partition, and positional refusals.
STORAGE_ONLY = re.compile(r'"(Put|Update|Delete|ConditionCheck)"\s*:|ConditionExpression|'
                          r'UpdateExpression|\{"S":|"ENG#|failed_indexes|CancellationReasons|'
                          r'boto3\.dynamodb')


def test_no_service_builds_dynamodb_wire_formats_or_reads_refusals_by_position():
    offenders = [f"{path.relative_to(CHALICELIB)}:{number}: {line.strip()}"
                 for path in SERVICES
                 for number, line in enumerate(path.read_text().splitlines(), 1)
                 if STORAGE_ONLY.search(line)]
    assert offenders == []
    assert len(SERVICES) > 30  # the glob found the services


def test_the_engagement_key_is_spelled_once():
    spelled = [f"{path.relative_to(CHALICELIB)}:{number}"
               for path in sorted(CHALICELIB.rglob("*.py"))
               for number, line in enumerate(path.read_text().splitlines(), 1)
               if re.search(r'f"ENG#\{', line)]
    assert spelled == ["storage/keys.py:8"]


def test_the_party_check_is_written_once():
    """`client_id`/`sales_pro_id` compared with a caller only in services/access.py."""
    pattern = re.compile(r'\[\s*"(client_id|sales_pro_id)"\s*\]\s*(==|!=)\s*\w*\.?user_id|'
                         r'user_id\s*(==|!=|in|not in)\s*\(?\w+\[\s*"(client_id|sales_pro_id)"')
    offenders = [f"{path.relative_to(CHALICELIB)}:{number}: {line.strip()}"
                 for path in SERVICES if path.name != "access.py"
                 for number, line in enumerate(path.read_text().splitlines(), 1)
                 if pattern.search(line)]
    assert offenders == []
