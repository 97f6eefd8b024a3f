"""Black-box races: concurrent HTTP requests against the local stack (`python -m devstack`), as
integrators' clients send them. Each request is served by an execution environment of its own
(issue 12), so the API's guards (conditional writes, idempotency records, the rate counter)
are what decide: the same money is spent once, a first message makes one conversation, a keyed
POST runs once, a minute's quota admits exactly its limit.

These replace tests that called the services from threads because `chalice local` handed one
request another's body (tests/payments/test_races.py); service-level tests that force an
interleaving with barriers stay next to their services."""
from __future__ import annotations

import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
import requests

from bench._http_mix import (OPPORTUNITY, admin_json, access_token, call, list_all,
                             new_accounts, open_engagement, wait_settled)


pytestmark = pytest.mark.stack_races  # `make test-races` (CI runs it): about 50 s

def at_once(base: str, sends: list[tuple[str, str, Any, str, dict[str, str]]]) -> list[Any]:
    """Send (method, path, body, token, headers) requests from one thread each, released
    together; [(status, JSON body, headers)] in order."""
    gate = threading.Barrier(len(sends))

    def send(request: tuple[str, str, Any, str, dict[str, str]]) -> Any:
        method, path, body, token, headers = request
        gate.wait(timeout=30)
        answer = requests.request(method, f"{base}{path}", json=body, timeout=30,
                                  headers={"Authorization": f"Bearer {token}", **headers})
        return answer.status_code, answer.json() if answer.content else None, answer.headers
    with ThreadPoolExecutor(len(sends)) as pool:
        return list(pool.map(send, sends))


@pytest.fixture(scope="module")
def stack(local_stack, local_admin):
    people = new_accounts(local_stack["base"], local_admin,
                          {"Client": "client", "Pro": "sales_pro", "Alice": "client",
                           "Bob": "sales_pro"})
    return local_stack["base"], people, local_admin


def money_race(base: str, engagement_id: str, moves: list[tuple[str, int, Any]]) -> list[str]:
    """Run (kind, amount, caller) money POSTs at once; each one's outcome: 'won', or the code
    it lost with (at once, or in its execution)."""
    paths = {"fund": "escrow/fund", "release": "escrow/release", "refund": "escrow/refund",
             "dispute": "escrow/dispute"}
    answers = at_once(base, [
        ("POST", f"/v1/payments/{paths[kind]}", {"engagement_id": engagement_id,
                                                 "amount": amount,
                                                 **({"reason": "Not done"} if kind == "dispute"
                                                    else {})}, who.token, {})
        for kind, amount, who in moves])
    outcomes = []
    for (kind, _, who), (status, body, _) in zip(moves, answers, strict=False):
        if status >= 400:
            outcomes.append(body["error"]["code"])
        elif kind == "dispute":
            outcomes.append(("won", body["id"]))
        else:
            payment = wait_settled(base, who.token, body["id"])
            outcomes.append("won" if payment["status"] == "succeeded" else
                            payment["failure_code"])
    return outcomes


def balance(base: str, client: Any, engagement_id: str) -> dict[str, Any]:
    return call(base, "GET", f"/v1/payments/balance?engagement_id={engagement_id}",
                client.token)


def audited(admin: Any, engagement_id: str) -> bool:
    return admin("audit-ledger", "--engagement-id", engagement_id).returncode == 0


def test_eight_concurrent_releases_of_the_full_balance_release_it_once(stack):
    base, people, admin = stack
    client, pro = people["Client"], people["Pro"]
    engagement = open_engagement(base, client, pro, funded=10_000)
    paid_before = call(base, "GET", "/v1/payments/balance?currency=usd", pro.token)["released"]

    outcomes = money_race(base, engagement, [("release", 10_000, client)] * 8)

    assert outcomes.count("won") == 1, outcomes
    assert set(outcomes) == {"won", "insufficient_escrow_balance"}
    assert balance(base, client, engagement) == {
        "engagement_id": engagement, "currency": "usd", "funded": 10_000, "released": 10_000,
        "refunded": 0, "in_dispute": 0, "available": 0}
    paid = call(base, "GET", "/v1/payments/balance?currency=usd", pro.token)["released"]
    assert paid - paid_before == 10_000
    assert audited(admin, engagement)


def test_release_dispute_and_refund_racing_for_the_same_money_one_wins(stack):
    base, people, admin = stack
    client, pro = people["Client"], people["Pro"]
    for _ in range(2):
        engagement = open_engagement(base, client, pro, funded=5_000)
        outcomes = money_race(base, engagement, [
            ("release", 5_000, client), ("dispute", 5_000, pro), ("refund", 5_000, client),
            ("release", 5_000, client)])
        won = [o for o in outcomes if o == "won" or isinstance(o, tuple)]
        assert len(won) == 1, outcomes
        assert set(outcomes) - set(won) <= {"insufficient_escrow_balance"}, outcomes
        figures = balance(base, client, engagement)
        assert figures["available"] == 0
        assert figures["released"] + figures["refunded"] + figures["in_dispute"] == 5_000
        if isinstance(won[0], tuple):  # a dispute won: settle it, leave nothing waiting
            decided = admin_json(admin, "resolve-dispute", "--dispute-id", won[0][1],
                                 "--release", "2500", "--refund", "2500")
            assert decided["status"] == "resolved"
        assert audited(admin, engagement)


def test_funding_and_spending_concurrently_never_lose_a_credit(stack):
    base, people, admin = stack
    client = people["Client"]
    engagement = open_engagement(base, client, people["Pro"], funded=1_000)
    outcomes = money_race(base, engagement,
                          [("fund", 1_000, client), ("release", 700, client)] * 3)
    funds, releases = outcomes[0::2], outcomes[1::2]
    assert funds == ["won"] * 3  # funding never loses
    assert set(releases) <= {"won", "insufficient_escrow_balance"}
    released = 700 * releases.count("won")
    figures = balance(base, client, engagement)
    assert (figures["funded"], figures["released"]) == (4_000, released)
    assert figures["available"] == 4_000 - released >= 0
    assert audited(admin, engagement)


def test_concurrent_posts_with_one_idempotency_key_move_money_once(stack):
    base, people, admin = stack
    client = people["Client"]
    engagement = open_engagement(base, client, people["Pro"])
    key, body = str(uuid.uuid4()), {"engagement_id": engagement, "amount": 2_500}
    answers = at_once(base, [("POST", "/v1/payments/escrow/fund", body, client.token,
                              {"Idempotency-Key": key})] * 8)

    served = [(status, body) for status, body, _ in answers if status != 409]
    refused = [body["error"]["code"] for status, body, _ in answers if status == 409]
    assert served and set(refused) <= {"idempotency_key_in_use"}, answers
    assert {status for status, _ in served} <= {201, 202}
    assert len({body["id"] for _, body in served}) == 1  # the first answer, replayed
    assert sum(h.get("Idempotent-Replayed") != "true" for s, _, h in answers if s != 409) == 1
    assert wait_settled(base, client.token, served[0][1]["id"])["status"] == "succeeded"
    payments = list_all(base, f"/v1/payments?engagement_id={engagement}", client.token)
    assert [(p["type"], p["amount"]) for p in payments] == [("escrow_fund", 2_500)]
    assert balance(base, client, engagement)["funded"] == 2_500
    assert audited(admin, engagement)


def test_concurrent_creates_with_one_idempotency_key_create_one_opportunity(stack):
    base, people, _ = stack
    client, key = people["Client"], str(uuid.uuid4())
    answers = at_once(base, [("POST", "/v1/opportunities", {**OPPORTUNITY, "title": key},
                              client.token, {"Idempotency-Key": key})] * 8)
    created = {body["id"] for status, body, _ in answers if status == 201}
    assert len(created) == 1 and all(
        status == 201 or (status, body["error"]["code"]) == (409, "idempotency_key_in_use")
        for status, body, _ in answers), answers
    stored = [o["id"] for o in list_all(base, "/v1/opportunities", client.token)
              if o["title"] == key]
    assert stored == list(created)


def test_concurrent_first_messages_make_exactly_one_conversation(stack):
    base, people, _ = stack
    alice, bob = people["Alice"], people["Bob"]
    answers = at_once(base, [
        ("POST", "/v1/messages/send", {"recipient_id": (bob if i % 2 == 0 else alice).user_id,
                                       "body": f"m{i}"},
         (alice if i % 2 == 0 else bob).token, {}) for i in range(8)])

    assert [status for status, _, _ in answers] == [201] * 8, answers
    assert [body["body"] for _, body, _ in answers] == [f"m{i}" for i in range(8)]
    conversations = {body["conversation_id"] for _, body, _ in answers}
    assert len(conversations) == 1
    conversation = conversations.pop()
    for account in (alice, bob):
        listed = list_all(base, "/v1/messages/conversations", account.token)
        assert [(c["id"], c["unread_count"]) for c in listed] == [(conversation, 4)]
        started = list_all(base, "/v1/events?type=conversation.started", account.token)
        assert len(started) == 1
    messages = list_all(base, f"/v1/messages/conversations/{conversation}", alice.token)
    assert sorted(m["body"] for m in messages) == [f"m{i}" for i in range(8)]


def test_concurrent_readers_clear_the_unread_count_once_and_agree_on_read_at(stack):
    base, people, _ = stack
    alice, bob = people["Alice"], people["Bob"]
    path = "/v1/messages/conversations"
    conversation = call(base, "POST", "/v1/messages/send", alice.token,
                        {"recipient_id": bob.user_id, "body": "read me"})["conversation_id"]
    pages = at_once(base, [("GET", f"{path}/{conversation}", None, bob.token, {})] * 4)

    assert [status for status, _, _ in pages] == [200] * 4
    read_ats = {tuple(m["read_at"] for m in page["data"] if m["recipient_id"] == bob.user_id)
                for _, page, _ in pages}
    assert len(read_ats) == 1 and None not in next(iter(read_ats))
    listed = list_all(base, path, bob.token)
    assert [c["unread_count"] for c in listed if c["id"] == conversation] == [0]


def test_65_concurrent_requests_on_a_professional_account_admit_exactly_60(stack):
    base, _, admin = stack
    made = admin_json(admin, "create-account", "--type", "client", "--name", "Burst",
                      "--email", f"burst-{uuid.uuid4().hex[:10]}@example.com",
                      "--company", "Burst Inc", "--industry", "saas")
    token = access_token(base, made["client_id"], made["client_secret"])
    if 60 - time.time() % 60 < 15:  # the limiter counts in UTC minutes: stay inside one
        time.sleep(60 - time.time() % 60 + 0.05)
    answers = []
    for _ in range(5):  # 13 at once, five times
        answers += at_once(base, [("GET", "/v1/users/me", None, token, {})] * 13)

    statuses = sorted(status for status, _, _ in answers)
    assert statuses == [200] * 60 + [429] * 5
    remaining = sorted(int(h["X-RateLimit-Remaining"]) for s, _, h in answers if s == 200)
    assert remaining == list(range(60))  # each admitted request counted once
    assert all(body["id"] == made["user_id"] for s, body, _ in answers if s == 200)
