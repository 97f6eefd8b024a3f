"""The Idempotency-Key record written in the operation's own transaction, with its answer
(storage/commit_riders.py, `answer_in_commit`): the work and its record commit together, so a
retry after any crash replays, and duplicates racing each other make one object."""
from __future__ import annotations

import threading
import uuid

import pytest

from support.marketplace import DOCS_OPPORTUNITY

HOOK = {"url": "http://127.0.0.1:9/hook", "events": ["*"]}


def post(market, path, account, key, body):
    return market.api.post(path, token=account.token, json_body=body,
                           headers={"Idempotency-Key": key})


def webhook_ids(market, account):
    return [w["id"] for w in market.api.get("/v1/webhooks", token=account.token).json()["data"]]


def test_a_crash_after_the_commit_is_answered_by_the_record(market, monkeypatch):
    """The process dies after the transaction (here: the matching request after it raises):
    the retry replays the committed answer instead of creating a second opportunity."""
    client = market.account("client")
    key = str(uuid.uuid4())
    from chalicelib.services.match_requests import MatchRequests

    def dies(*_args):
        raise RuntimeError("the Lambda was killed")

    monkeypatch.setattr(MatchRequests, "match", dies)
    crashed = post(market, "/v1/opportunities", client, key, DOCS_OPPORTUNITY)
    assert (crashed.status, crashed.error["code"]) == (500, "internal_error")
    monkeypatch.undo()
    retried = post(market, "/v1/opportunities", client, key, DOCS_OPPORTUNITY)
    assert retried.status == 201 and retried.headers["idempotent-replayed"] == "true"
    listed = market.api.get("/v1/opportunities", token=client.token).json()["data"]
    assert [o["id"] for o in listed] == [retried.json()["id"]]


def test_duplicates_racing_each_other_make_one_object(market):
    client = market.account("client")
    key = str(uuid.uuid4())
    answers, start = [], threading.Barrier(6)

    def send():
        start.wait()
        answers.append(post(market, "/v1/webhooks", client, key, HOOK))

    threads = [threading.Thread(target=send) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert len(webhook_ids(market, client)) == 1
    made = [a for a in answers if a.status == 201]
    assert made and {a.json()["id"] for a in made} == set(webhook_ids(market, client))
    # The rest replayed the winner, or were told it was still in flight.
    assert all(a.status == 201 or (a.status, a.error["code"]) == (409, "idempotency_key_in_use")
               for a in answers)


def test_the_record_and_the_object_are_one_write(market):
    """No record without its object: a create the service refuses leaves neither, so the key
    is free for the corrected request."""
    client = market.account("client")
    key = str(uuid.uuid4())
    refused = post(market, "/v1/engagements", client, key,
                   {"opportunity_id": "opp_" + "0" * 22, "sales_pro_id": market.pro.user_id})
    assert refused.status == 404
    opp = market.opportunity(client)
    made = post(market, "/v1/engagements", client, key,
                {"opportunity_id": opp["id"], "sales_pro_id": market.pro.user_id})
    assert made.status == 201 and "idempotent-replayed" not in made.headers


def test_an_answer_other_than_the_committed_one_is_a_bug(services):
    """The service commits the answer it will give; answering anything else is refused loudly
    (the retry would otherwise see a different answer)."""
    from chalicelib.services.idempotency import Answer
    from chalicelib.storage.commit_riders import answer_in_commit

    def action() -> Answer:
        with answer_in_commit({"id": "said"}):
            services.store.transact([{"Put": {"Item": {
                "PK": f"TEST#{uuid.uuid4()}", "SK": "X", "entity": "test"}}}])
        return Answer(201, {"id": "answered"})

    with pytest.raises(TypeError, match="committed"):
        services.idempotency.run_in_commit(
            user_id="usr_test", route="test", key=str(uuid.uuid4()), body={}, status=201,
            action=action, recorded=lambda answer: answer)


def test_every_post_that_takes_an_idempotency_key_answers_in_its_commit():
    """Powertools' two writes remain only for an operation that does not declare it; none does
    today (docs/architecture.md)."""
    from app import app
    from chalicelib.openapi.paths import operations

    keyed = [(method, path, op) for path, method, op in operations(app)
             if method == "POST" and op.accepts_idempotency_key]
    assert len(keyed) > 20
    assert [f"{method} {path}" for method, path, op in keyed if not op.answer_in_commit] == []
