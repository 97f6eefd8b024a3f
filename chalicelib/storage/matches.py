"""Stored matches of an opportunity, written by generation (keys: docs/data-model.md).

A matching run takes the next generation number from the opportunity (`ADD match_runs :1`,
which also reads it consistently), writes its top candidates as
`OPP#<opp>` / `MATCH#<gen:08>#<10000 - score*100:05>#<usr>` (ascending SK = best first), then
publishes the generation by setting `match_gen` on the opportunity, only if no newer run has
published (a slow, older run cannot win), and finally deletes older generations. Readers use
the published generation only, so they never see a half-written one.

The read is one Query: `SK BETWEEN "MATCH#" AND "OPP"` returns the match items followed by
the opportunity item itself (ownership and `match_gen`). Nothing else in the partition may
sort between those two (interests are `INTEREST#`, engagement claims `ENGAGED#`).
"""
from __future__ import annotations

from typing import Any, Iterable

from boto3.dynamodb.conditions import Key

from .opportunities import OPP_SK, opp_key, to_dynamo
from .table import Action, ConditionFailed, NamedAction, Store, TransactionFailed
from .users import user_key

MATCH_PREFIX = "MATCH#"


def match_sk(gen: int, score: float, user_id: str) -> str:
    return f"{MATCH_PREFIX}{gen:08d}#{10000 - round(score * 100):05d}#{user_id}"


def track_record_key(user_id: str) -> dict[str, str]:
    """The account totals item; matching reads its track-record counters."""
    return {"PK": f"USER#{user_id}", "SK": "AGG#TOTAL"}


class MatchRepository:
    def __init__(self, store: Store) -> None:
        self.store = store

    def start_run(self, opp_id: str) -> dict[str, Any] | None:
        """The opportunity with a fresh generation number in `match_runs`, or None if it no
        longer exists."""
        try:
            return self.store.update(opp_key(opp_id), "ADD match_runs :one", values={":one": 1},
                                     condition="attribute_exists(PK)")
        except ConditionFailed:
            return None

    def profiles_and_records(self, user_ids: list[str]) -> tuple[dict[str, Any], dict[str, Any]]:
        """Profiles and track records of the given pros, in BatchGetItem calls of 100 keys."""
        keys = [(k["PK"], k["SK"]) for uid in user_ids
                for k in (user_key(uid), track_record_key(uid))]
        found = self.store.batch_get(keys)
        profiles = {item["id"]: item for (_, sk), item in found.items() if sk == "PROFILE"}
        records = {pk.split("#", 1)[1]: item
                   for (pk, sk), item in found.items() if sk == "AGG#TOTAL"}
        return profiles, records

    def write_generation(self, opp_id: str, gen: int, matches: list[dict[str, Any]]) -> None:
        """BatchWriteItem (25 per call, unprocessed items retried by the batch writer)."""
        with self.store.table.batch_writer() as batch:
            for match in matches:
                batch.put_item(Item=self._item(opp_id, gen, match))

    @staticmethod
    def _item(opp_id: str, gen: int, match: dict[str, Any]) -> dict[str, Any]:
        return {"PK": f"OPP#{opp_id}", "SK": match_sk(gen, match["score"], match["sales_pro_id"]),
                "entity": "match", "gen": gen, **to_dynamo(match),
                # Reverse index: the opportunities a pro is matched in (profile changes).
                "GSI2PK": f"USER#{match['sales_pro_id']}#MATCHES", "GSI2SK": f"OPP#{opp_id}"}

    def publish(self, opp_id: str, gen: int, matched_at: str,
                events: list[dict[str, Any]]) -> bool:
        """Make `gen` the generation readers see, with its events. False if a newer run has
        already published (or the opportunity was deleted meanwhile)."""
        try:
            self.store.transact([("generation", {"Update": {
                "Key": opp_key(opp_id),
                "UpdateExpression": "SET match_gen = :gen, matched_at = :at",
                "ConditionExpression": "attribute_exists(PK) AND "
                                       "(attribute_not_exists(match_gen) OR match_gen < :gen)",
                "ExpressionAttributeValues": {":gen": gen, ":at": matched_at}}}), *events])
        except TransactionFailed as exc:
            if exc.refused("generation"):
                return False
            raise
        return True

    def replace(self, opp_id: str, gen: int, remove: list[dict[str, str]],
                put: dict[str, Any] | None, events: list[dict[str, Any]]) -> bool:
        """Swap single candidates inside the published generation `gen` in one transaction,
        only while `gen` is still the published one. False if a newer run has published."""
        actions: list[Action | NamedAction] = [("generation", {"ConditionCheck": {
            "Key": opp_key(opp_id), "ConditionExpression": "match_gen = :gen",
            "ExpressionAttributeValues": {":gen": gen}}})]
        new_item = self._item(opp_id, gen, put) if put else None
        actions += [{"Delete": {"Key": key}} for key in remove
                    if not new_item or key["SK"] != new_item["SK"]]
        if new_item:
            actions.append({"Put": {"Item": new_item}})
        try:
            self.store.transact([*actions, *events])
        except TransactionFailed as exc:
            if exc.refused("generation"):
                return False
            raise
        return True

    def generation_keys(self, opp_id: str) -> Iterable[tuple[dict[str, str], int]]:
        items = self.store.query_all(
            Key("PK").eq(f"OPP#{opp_id}") & Key("SK").begins_with(MATCH_PREFIX),
            ProjectionExpression="PK, SK, #g", ExpressionAttributeNames={"#g": "gen"})
        for item in items:
            yield {"PK": item["PK"], "SK": item["SK"]}, int(item["gen"])

    def discard(self, opp_id: str, *, older_than: int | None = None,
                generation: int | None = None) -> int:
        """Delete the generations before `older_than`, or exactly `generation`."""
        doomed = [key for key, gen in self.generation_keys(opp_id)
                  if (older_than is not None and gen < older_than) or gen == generation]
        self.delete_keys(doomed)
        return len(doomed)

    def delete_keys(self, keys: list[dict[str, str]]) -> None:
        with self.store.table.batch_writer() as batch:
            for key in keys:
                batch.delete_item(Key=key)

    def read(self, opp_id: str) -> tuple[dict[str, Any] | None, list[dict[str, Any]]]:
        """One Query: (the opportunity item or None, its published matches best first)."""
        items = list(self.store.query_all(
            Key("PK").eq(f"OPP#{opp_id}") & Key("SK").between(MATCH_PREFIX, OPP_SK)))
        opp = items[-1] if items and items[-1]["SK"] == OPP_SK else None
        gen = opp.get("match_gen") if opp else None
        return opp, [i for i in items if i["SK"] != OPP_SK and gen is not None and i["gen"] == gen]

    def opportunities_matching(self, user_id: str) -> set[str]:
        """The opportunities where a pro currently has a stored match."""
        items = self.store.query_all(Key("GSI2PK").eq(f"USER#{user_id}#MATCHES"), index="GSI2",
                                     ProjectionExpression="PK")
        return {item["PK"].split("#", 1)[1] for item in items}
