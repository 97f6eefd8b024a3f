"""Idempotency records, one partition per key (storage/idempotency_records.py): no hot
partition; records of the old single-partition scheme keep answering for their 24 h."""
from __future__ import annotations

import json
import time

from support.accounts import new_account, unique

BODY = {"title": "Idempotent AE", "industry": "saas", "compensation_model": "commission",
        "commission_rate": 0.1}


def post(api, account, key, body=BODY):
    return api.post("/v1/opportunities", token=account.token, json_body=body,
                    headers={"Idempotency-Key": key})


def test_each_record_has_its_own_partition(api, services):
    from boto3.dynamodb.conditions import Key

    from chalicelib.services.idempotency import record_key

    account = new_account(services, "client")
    keys = [f"k-{unique()}" for _ in range(3)]
    for key in keys:
        assert post(api, account, key).status == 201
    places = [record_key(account.user_id, key) for key in keys]
    assert len({place["PK"] for place in places}) == 3
    for place in places:
        record = services.store.get(place, consistent=True)
        assert record["status"] == "COMPLETED"
    old = list(services.store.query_all(Key("PK").eq("idempotency#payments")))
    assert not [item for item in old if account.user_id in json.dumps(item, default=str)]


def test_a_record_written_the_old_way_still_answers_a_retry(api, services):
    """A request answered just before the change (its record on the old partition) is
    replayed, not run again; another body under its key is still 422."""
    from chalicelib.services.idempotency import KEY_PREFIX, record_key

    account = new_account(services, "client")
    key = f"old-{unique()}"
    first = post(api, account, key)
    assert first.status == 201
    place = record_key(account.user_id, key)
    item = services.store.get(place, consistent=True)
    services.table.delete_item(Key=place)  # move it where the old scheme kept it
    services.table.put_item(Item={**item, "PK": "idempotency#payments",
                                  "SK": place["PK"].removeprefix("idempotency#")})
    assert place["PK"].removeprefix("idempotency#").startswith(f"{KEY_PREFIX}#")
    again = post(api, account, key)
    assert again.status == 201 and again.headers["idempotent-replayed"] == "true"
    assert again.json()["id"] == first.json()["id"]
    assert services.store.get(place, consistent=True) is None  # nothing new was written
    other = post(api, account, key, {**BODY, "title": "Another"})
    assert (other.status, other.error["code"]) == (422, "idempotency_key_reused")


def test_old_records_are_looked_for_only_during_their_lifetime(api, services, monkeypatch):
    """In the window the record's transaction also checks the old place (a ConditionCheck, no
    extra call); after it, it does not."""
    from chalicelib.storage import idempotency_records

    layer = services.idempotency._persistence
    assert layer._legacy_deadline() > time.time()  # this run's cut-over opened the window
    written = []
    real = layer.commit_actions
    monkeypatch.setattr(layer, "commit_actions",
                        lambda record: written.append(real(record)) or written[-1])
    account = new_account(services, "client")
    assert post(api, account, f"w-{unique()}").status == 201
    assert [name for name, _ in written[-1]] == ["idempotency-record", "idempotency-legacy"]
    monkeypatch.setattr(layer, "_legacy_until",
                        time.time() - 1)  # 25 h after the cut-over
    assert post(api, account, f"w-{unique()}").status == 201
    assert [name for name, _ in written[-1]] == ["idempotency-record"]  # no more looking
    assert idempotency_records.LEGACY_WINDOW_SECONDS == 25 * 3600


def test_both_ways_of_recording_replay_the_fields_in_the_first_answers_order(services):
    """Powertools writes a record's data with sorted keys; the body inside it is kept as text,
    so a replay answers the fields in the order the first answer had them."""
    from chalicelib.services.idempotency import Answer

    body = {"id": "x_1", "object": "thing", "zeta": 1, "alpha": {"b": 2, "a": 1}}
    key = unique()
    runs = []

    def action() -> Answer:
        runs.append(1)
        return Answer(201, body)

    first, again = (services.idempotency.run(user_id="usr_order", route="POST /things",
                                             key=key, body={}, action=action)
                    for _ in range(2))
    assert len(runs) == 1
    assert again.replayed and not first.replayed
    assert json.dumps(again.body) == json.dumps(first.body) == json.dumps(body)
