"""The counters the summary reads: `active_sales_pros` kept by the aggregator from the pair
items, `interests_sent` by the interest's own transaction, and the `counters` marker."""
from __future__ import annotations

import copy

from chalicelib.storage.table import TransactionFailed

from .builders import (apply, at, days_ago, engagement_event, open_account, put_engagement,
                       put_open_opportunity, send_interest)


def totals(services, user_id: str) -> dict:
    return services.table.get_item(Key={"PK": f"USER#{user_id}", "SK": "AGG#ALL"}).get("Item", {})


def active_sales_pros(services, client_id: str) -> int:
    """The counter, checked against the pair items it is kept from."""
    counter = int(totals(services, client_id).get("active_sales_pros", 0))
    assert counter == services.aggregates.active_sales_pros(client_id, consistent=True)
    return counter


def test_active_sales_pros_follows_engagements_starting_and_ending(services, new_party):
    client, pro_a, pro_b = new_party("client"), new_party("sales_pro"), new_party("sales_pro")
    a1, a2 = (put_engagement(services, client.user_id, pro_a.user_id) for _ in range(2))
    b1, b2 = (put_engagement(services, client.user_id, pro_b.user_id) for _ in range(2))
    steps = [
        (a1, "created", "pending", 0), (a1, "started", "active", 1),
        (a2, "started", "active", 1),  # a second active engagement with the same pro
        (b1, "started", "active", 2),
        (a1, "completed", "completed", 2),  # pro A still has a2
        (a2, "terminated", "terminated", 1),
        (b2, "completed", "completed", 1),  # completion first: b2 never counts as active
        (b2, "started", "active", 1),
        (b1, "terminated", "terminated", 0),
    ]
    for eng, verb, status, expected in steps:
        apply(services, engagement_event(eng, verb, status))
        assert active_sales_pros(services, client.user_id) == expected, (verb, status)
    assert int(totals(services, client.user_id)["active_sales_pros_version"]) == 4


def test_a_redelivered_status_event_moves_the_counter_once(services, client, pro):
    eng = put_engagement(services, client.user_id, pro.user_id)
    started = apply(services, engagement_event(eng, "started", "active"))
    assert services.analytics_aggregator.apply(copy.deepcopy(started)) is False
    ended = apply(services, engagement_event(eng, "terminated", "terminated"))
    assert services.analytics_aggregator.apply(copy.deepcopy(ended)) is False
    assert services.analytics_aggregator.apply(copy.deepcopy(started)) is False
    assert active_sales_pros(services, client.user_id) == 0
    assert int(totals(services, client.user_id)["active_sales_pros_version"]) == 2


def test_a_pair_moved_between_read_and_write_is_read_again(services, client, pro,
                                                           monkeypatch):
    first, second = (put_engagement(services, client.user_id, pro.user_id) for _ in range(2))
    real_get, raced = services.aggregates.get, []

    def get_then_race(key, consistent=False):
        found = real_get(key, consistent)
        if not raced and key["SK"].startswith("AGG#PRO#"):
            raced.append(True)  # the other engagement of the pair starts in between
            apply(services, engagement_event(second, "started", "active"))
        return found

    monkeypatch.setattr(services.aggregates, "get", get_then_race)
    apply(services, engagement_event(first, "started", "active"))
    pair = services.table.get_item(
        Key={"PK": f"USER#{client.user_id}", "SK": f"AGG#PRO#{pro.user_id}"})["Item"]
    assert pair["active"] == 2 and active_sales_pros(services, client.user_id) == 1


def test_a_pair_that_stopped_between_read_and_write_is_read_again(services, client, pro,
                                                                  monkeypatch):
    ending, starting = (put_engagement(services, client.user_id, pro.user_id) for _ in range(2))
    apply(services, engagement_event(ending, "started", "active"))
    real_get, raced = services.aggregates.get, []

    def get_then_race(key, consistent=False):
        found = real_get(key, consistent)
        if not raced and key["SK"].startswith("AGG#PRO#"):
            raced.append(True)  # read 1 (no crossing for a start), then the pair drops to 0
            apply(services, engagement_event(ending, "completed", "completed"))
        return found

    monkeypatch.setattr(services.aggregates, "get", get_then_race)
    apply(services, engagement_event(starting, "started", "active"))
    assert active_sales_pros(services, client.user_id) == 1


def test_sign_up_opens_an_accounts_totals_counted_from_the_start(services):
    from support.accounts import new_account

    client, pro = new_account(services, "client"), new_account(services, "sales_pro")
    member = services.users.create_account(user_type="client", name="Member",
                                           email=f"m{client.user_id.lower()}@example.com",
                                           account_id=client.user_id, role="member")
    assert totals(services, client.user_id)["counters"] == "from_start"
    assert totals(services, pro.user_id)["counters"] == "from_start"
    assert totals(services, member.user.id) == {}  # its analytics are the organization's


def test_an_interest_counts_on_the_pros_totals_and_its_day(api, services, client, pro):
    open_account(services, pro.user_id)
    opp_id = put_open_opportunity(services, client.user_id)
    answer = api.post(f"/v1/opportunities/{opp_id}/interest", token=pro.token,
                      json_body={"message": "Keen"})
    assert answer.status == 201, answer.body
    send_interest(services, put_open_opportunity(services, client.user_id), pro.user_id,
                  at(days_ago(2)))
    assert totals(services, pro.user_id)["interests_sent"] == 2
    for day in (days_ago(0), days_ago(2)):
        item = services.table.get_item(Key={"PK": f"USER#{pro.user_id}",
                                            "SK": f"AGG#DAY#{day.isoformat()}"})["Item"]
        assert item["interests_sent"] == 1 and item["entity"] == "analytics_day"
    interest = services.table.get_item(
        Key={"PK": f"OPP#{opp_id}", "SK": f"INTEREST#{pro.user_id}"})["Item"]
    assert interest["counted"] is True
    repeat = api.post(f"/v1/opportunities/{opp_id}/interest", token=pro.token,
                      json_body={"message": "Again"})
    assert repeat.status == 409 and totals(services, pro.user_id)["interests_sent"] == 2


def test_an_interest_cancelled_by_a_concurrent_transaction_is_written_again(
        services, client, pro, monkeypatch):
    opp_id = put_open_opportunity(services, client.user_id)
    store, conflicts = services.opportunities_repo.store, []
    real_transact = store.transact

    def conflict_once(actions):
        if not conflicts:
            conflicts.append(True)  # the aggregator was writing the pro's totals
            raise TransactionFailed({}, True, ["None", "None", "TransactionConflict", "None"])
        return real_transact(actions)

    monkeypatch.setattr(store, "transact", conflict_once)
    send_interest(services, opp_id, pro.user_id, at(days_ago(1)))
    assert conflicts and totals(services, pro.user_id)["interests_sent"] == 1
