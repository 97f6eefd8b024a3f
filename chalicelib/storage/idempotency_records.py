"""Where Powertools keeps the Idempotency-Key records (services/idempotency.py), one partition
per key (docs/data-model.md "Idempotency").

Powertools' DynamoDB layer puts every record of a table with a sort key under one partition key
(`idempotency#payments` here until 2026-12): DynamoDB takes about 1,000 writes a second per
partition, so every client's keyed POSTs together were capped there. Each record now has its own
partition, `idempotency#<Powertools' key>` / `IDEMPOTENCY`, and writes spread with the key's
hash.

Records written the old way live 24 h. So that a retry of a request made just before the change
still finds its answer, a new write first looks at the old place, for as long as old records
can be alive: the first process of the new scheme writes a cut-over item (once, conditionally);
every process reads it once, and looks at the old place until 25 h after it (an hour's margin
for the old functions a rolling deploy still runs). Then no extra read is made.
"""
from __future__ import annotations

import datetime as dt
import time
from typing import Any

from aws_lambda_powertools.utilities.idempotency import DynamoDBPersistenceLayer
from aws_lambda_powertools.utilities.idempotency.exceptions import (
    IdempotencyItemAlreadyExistsError)
from aws_lambda_powertools.utilities.idempotency.persistence.datarecord import (
    STATUS_CONSTANTS, DataRecord)
from botocore.exceptions import ClientError

PREFIX = "idempotency#"
SORT = "IDEMPOTENCY"
LEGACY_PK = "idempotency#payments"       # the one partition of the old scheme
CUTOVER_KEY = {"PK": {"S": "idempotency#cutover"}, "SK": {"S": SORT}}
LEGACY_WINDOW_SECONDS = 25 * 3600          # the records' 24 h, and an hour for the deploy


def cutover_item(at: int) -> dict[str, Any]:
    """The cut-over item (DynamoDB JSON): the new scheme's first write at `at` (epoch s)."""
    return {**CUTOVER_KEY, "entity": {"S": "idempotency_cutover"}, "at": {"N": str(at)}}


# Powertools' own condition for taking a key: no record, an expired one, or an in-progress one
# whose invocation has timed out.
FREE = ("attribute_not_exists(#id) OR #expiry < :now OR (#status = :inprogress AND "
        "attribute_exists(#in_progress_expiry) AND #in_progress_expiry < :now_in_millis)")
RECORD = "idempotency-record"         # the rider's action names (storage/commit_riders.py)
LEGACY_RECORD = "idempotency-legacy"


class PartitionedRecords(DynamoDBPersistenceLayer):
    def __init__(self, table_name: str, client: Any) -> None:
        super().__init__(table_name=table_name, key_attr="PK", sort_key_attr="SK",
                         static_pk_value=LEGACY_PK, expiry_attr="ttl", boto3_client=client)
        self._legacy_until: float | None = None

    def _get_key(self, idempotency_key: str) -> dict:
        return {"PK": {"S": PREFIX + idempotency_key}, "SK": {"S": SORT}}

    def _item_to_data_record(self, item: dict[str, Any]) -> DataRecord:
        record = super()._item_to_data_record(item)
        legacy = item["PK"]["S"] == LEGACY_PK
        record.idempotency_key = item["SK"]["S"] if legacy else item["PK"]["S"][len(PREFIX):]
        return record

    def _put_record(self, data_record: DataRecord) -> None:
        if time.time() < self._legacy_deadline():
            legacy = self._legacy_record(data_record.idempotency_key)
            if legacy is not None:
                self._validate_payload(data_payload=data_record, stored_data_record=legacy)
                raise IdempotencyItemAlreadyExistsError(old_data_record=legacy)
        super()._put_record(data_record)

    # An answer written in the operation's own transaction (services/idempotency.py) --------
    def commit_actions(self, record: DataRecord) -> list[tuple[str, dict[str, Any]]]:
        """The record as a transaction's Put, refused (with the record) when the key is
        taken; while old-scheme records may live, a ConditionCheck of the old place too.
        Values are the resource layer's Python types, as the Store's other actions."""
        now = dt.datetime.now().timestamp()
        guard = {"ConditionExpression": FREE, "ExpressionAttributeNames": {
            "#id": "PK", "#expiry": "ttl", "#status": "status",
            "#in_progress_expiry": "in_progress_expiration"}, "ExpressionAttributeValues": {
            ":now": int(now), ":now_in_millis": int(now * 1000),
            ":inprogress": STATUS_CONSTANTS["INPROGRESS"]}}
        item = {"PK": PREFIX + record.idempotency_key, "SK": SORT, "ttl": record.expiry_timestamp,
                "status": record.status, "data": record.response_data,
                "validation": record.payload_hash}
        actions = [(RECORD, {"Put": {"Item": item, **guard}})]
        if time.time() < self._legacy_deadline():
            actions.append((LEGACY_RECORD, {"ConditionCheck": {
                "Key": {"PK": LEGACY_PK, "SK": record.idempotency_key}, **guard}}))
        return actions

    def find(self, idempotency_key: str) -> DataRecord | None:
        """The live record of a key (either scheme), or None: one read."""
        if time.time() >= self._legacy_deadline():
            item = self.client.get_item(TableName=self.table_name, ConsistentRead=True,
                                        Key=self._get_key(idempotency_key)).get("Item")
            return self._live(self._item_to_data_record(item)) if item else None
        keys = [self._get_key(idempotency_key),
                {"PK": {"S": LEGACY_PK}, "SK": {"S": idempotency_key}}]
        answer = self.client.batch_get_item(RequestItems={self.table_name: {
            "Keys": keys, "ConsistentRead": True}})
        for item in answer["Responses"].get(self.table_name, []):
            if (record := self._live(self._item_to_data_record(item))) is not None:
                return record
        return None

    def _legacy_record(self, idempotency_key: str) -> DataRecord | None:
        """The old scheme's record of this key, if it still counts (as Powertools' own
        condition reads it: not expired, and not an in-progress record past its expiry)."""
        item = self.client.get_item(TableName=self.table_name, ConsistentRead=True, Key={
            "PK": {"S": LEGACY_PK}, "SK": {"S": idempotency_key}}).get("Item")
        return None if item is None else self._live(self._item_to_data_record(item))

    @staticmethod
    def _live(record: DataRecord) -> DataRecord | None:
        """The record if it still holds its key (Powertools' own condition, read)."""
        now = dt.datetime.now().timestamp()
        stale_in_progress = (record.status == STATUS_CONSTANTS["INPROGRESS"]
                             and record.in_progress_expiry_timestamp is not None
                             and record.in_progress_expiry_timestamp < now * 1000)
        if (record.expiry_timestamp or 0) < now or stale_in_progress:
            return None
        return record

    def _legacy_deadline(self) -> float:
        """Until when old records may be alive (read once per process)."""
        if self._legacy_until is None:
            now = int(time.time())
            try:
                self.client.put_item(
                    TableName=self.table_name, ConditionExpression="attribute_not_exists(PK)",
                    Item=cutover_item(now),
                    ReturnValuesOnConditionCheckFailure="ALL_OLD")
                at = now
            except ClientError as exc:
                if exc.response["Error"]["Code"] != "ConditionalCheckFailedException":
                    raise
                at = int(exc.response["Item"]["at"]["N"])
            self._legacy_until = at + LEGACY_WINDOW_SECONDS
        return self._legacy_until
