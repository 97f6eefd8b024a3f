"""`python -m bench capacity`'s arithmetic on the two cases docs/capacity.md works by hand
(its "Case A" and "Case B"): the figures below are the document's, not the code's output."""
from __future__ import annotations

import pytest

from bench._capacity_model import QUOTAS, Load, first_to_bind
from bench.capacity import parse, report

CASE_A = Load()  # 10,000 organizations, 90/9/1, every organization using its whole quota
CASE_B = Load(organizations=50_000, mix=(0.80, 0.15, 0.05), quota_use=0.1)

# quota -> (use at the case's size, organizations it fits up to; None: never or per key)
WORKED = {
    "A": {
        "API keys per region (hard)": (96, None),
        "CreateApiKey calls/s (hard)": (0, None),
        "API Gateway requests/s (account)": (8_255.56, 12_113),
        "Usage plan throttle, busiest pool key": (275.00, 15_500),
        "Lambda concurrency (account)": (883.56, 11_317),
        "DynamoDB table write units/s (on-demand)": (78_380.56, 5_103),
        "DynamoDB partition: RATE#<org> counter": (20, None),
        "DynamoDB partition: OUTBOX (GSI1)": (8_250, 1_212),
        "DynamoDB partition: USER#<org> AGG#ALL": (10, None),
        "DynamoDB partition: OPP#<opp> matching": (500, None),
        "DynamoDB GSI2: OPPS#OPEN#<shard> x4": (2_062.5, 19_393),
        "Stream: outbox records/s per shard": (26.11, None),
        "SQS in-flight messages (webhooks)": (1_971_221, 608),
        "Step Functions StartExecution/s": (82.5, 36_363),
        "Step Functions state transitions/s": (660, 75_757),
        "KMS RSA Sign/s (tokens)": (5.56, 900_000),
    },
    "B": {
        "API Gateway requests/s (account)": (12_701.39, 39_365),
        "Usage plan throttle, busiest pool key": (672.74, 27_900),
        "Lambda concurrency (account)": (1_381.57, 36_190),
        "DynamoDB table write units/s (on-demand)": (120_427.08, 16_607),
        "DynamoDB partition: OUTBOX (GSI1)": (12_673.61, 3_945),
        "DynamoDB GSI2: OPPS#OPEN#<shard> x4": (3_168.40, 63_123),
        "SQS in-flight messages (webhooks)": (2_569_627, 2_334),
        "Step Functions StartExecution/s": (126.74, 118_356),
        "KMS RSA Sign/s (tokens)": (27.78, 900_000),
    },
}
QUOTA = {quota.name: quota for quota in QUOTAS}


def test_case_a_peak_load():
    assert [round(CASE_A.peak_rps(p), 6) for p in ("professional", "enterprise", "custom")] \
        == [0.347222, 3.472222, 20]
    assert CASE_A.org_rps == pytest.approx(0.825)
    assert CASE_A.events == pytest.approx(2_062.5)
    assert CASE_A.mean_events == pytest.approx(810.185, abs=0.001)


def test_case_b_peak_load():
    assert CASE_B.org_rps == pytest.approx(0.2534722, abs=1e-7)
    assert CASE_B.rps == pytest.approx(12_673.61, abs=0.01)
    assert CASE_B.mean_events == pytest.approx(1_056.13, abs=0.01)


@pytest.mark.parametrize("case, load", [("A", CASE_A), ("B", CASE_B)])
def test_each_quota_as_worked_by_hand(case, load):
    for name, (use, fits) in WORKED[case].items():
        assert QUOTA[name].use(load) == pytest.approx(use, rel=1e-4, abs=0.01), name
        assert QUOTA[name].fits_up_to(load) == fits, name


@pytest.mark.parametrize("load, fits", [(CASE_A, 608), (CASE_B, 2_334)])
def test_the_first_to_bind_is_the_webhook_queues_in_flight_messages(load, fits):
    quota, size = first_to_bind(load)
    assert (quota.name, size) == ("SQS in-flight messages (webhooks)", fits)


def test_one_stream_reader_is_within_the_advised_two_at_any_size():
    quota = QUOTA["Stream: readers per shard"]
    assert quota.use(CASE_A) == 1 and quota.fits_up_to(CASE_A) is None is quota.fits_up_to(CASE_B)


def test_the_command_line_builds_case_b_and_prints_every_quota():
    load = parse(["--organizations", "50000", "--mix", "80,15,5", "--quota-use", "0.1"])
    assert load == CASE_B
    lines = report(load)
    assert all(any(line.startswith(q.name) for line in lines) for q in QUOTAS)
    assert lines[-1] == ("first to bind: SQS in-flight messages (webhooks), "
                         "beyond 2,334 organizations")
    assert not any(line.startswith("over at any size") for line in lines)  # one stream reader
