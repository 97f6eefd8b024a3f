"""The escrow follow-ups of an engagement's end come from the table stream (consumers/escrow.py,
services/payments/followups.py): the POST that completes or terminates makes no escrow call;
the stream consumer starts the auto-release or refunds the available escrow, once, however
often its record is delivered. The crash between the two: test_followups_crash.py."""
from __future__ import annotations

import pytest

from chalicelib.services.payments.escrow import EscrowService, termination_refund_id
from support.streams import StreamTap

from .conftest import audit, events_of, wait_execution, wait_payment


def end(deal, verb, **body):
    answer = deal.post(f"/v1/engagements/{deal.id}/{verb}", body)
    assert answer.status == 200, answer.body
    return answer.json()


def refunds_on_termination(deal):
    return [e["data"] for e in events_of(deal.services, deal.client.user_id, "payment.refunded")
            if e["data"]["engagement_id"] == deal.id and e["data"]["trigger"] == "termination"]


def payment_types(deal):
    history = deal.api.get(f"/v1/payments?engagement_id={deal.id}&limit=100",
                           token=deal.client.token)
    return sorted(p["type"] for p in history.json()["data"])


def test_termination_refunds_from_the_stream_once_however_often_the_record_comes(make_deal,
                                                                                 pay):
    deal = make_deal(fresh=True)
    deal.fund(6_000)
    deal.release(2_500)
    stream = StreamTap(pay, "escrow_followups")
    assert end(deal, "terminate", reason="Budget cut")["status"] == "terminated"
    # The answer is the engagement; the refund is not made by the request.
    assert pay.payments_repo.get(termination_refund_id(deal.id), consistent=True) is None
    assert deal.balance()["available"] == 3_500

    assert stream.deliver() > 0
    refund = wait_payment(pay, termination_refund_id(deal.id))
    assert (refund["type"], refund["status"], refund["amount"]) == ("escrow_refund",
                                                                    "succeeded", 3_500)
    stream.redeliver()  # a retried batch, a replay: nothing moves twice
    stream.redeliver()
    assert deal.balance() == {"engagement_id": deal.id, "currency": "usd", "funded": 6_000,
                              "released": 2_500, "refunded": 3_500, "in_dispute": 0,
                              "available": 0}
    assert payment_types(deal) == ["escrow_fund", "escrow_refund", "escrow_release"]
    assert [e["payment_id"] for e in refunds_on_termination(deal)] == [refund["id"]]
    assert audit(pay, engagement_id=deal.id).ok


def test_completion_starts_the_auto_release_from_the_stream_once(make_deal, pay):
    deal = make_deal(fresh=True)
    deal.fund(4_000)
    stream = StreamTap(pay, "escrow_followups")
    sfn = pay.client("stepfunctions")
    arn = pay.workflows.execution_arn("auto_release", f"autorelease-{deal.id}")
    assert end(deal, "complete")["status"] == "completed"
    with pytest.raises(sfn.exceptions.ExecutionDoesNotExist):  # not started by the request
        sfn.describe_execution(executionArn=arn)

    assert stream.deliver() > 0
    assert wait_execution(pay, arn, timeout=15) == "SUCCEEDED"  # review period: 1 s here
    stream.redeliver()  # the execution has ended: starting it again is refused, not repeated
    assert pay.workflows.status(arn) == "SUCCEEDED"
    released = [e["data"] for e in events_of(pay, deal.pro.user_id, "payment.released")
                if e["data"]["trigger"] == "auto_release"]
    assert [e["amount"] for e in released] == [4_000]
    assert deal.balance()["released"] == 4_000
    assert audit(pay, engagement_id=deal.id).ok


def test_a_failing_follow_up_fails_its_batch_which_comes_again(make_deal, pay, monkeypatch):
    deal = make_deal(fresh=True)
    deal.fund(1_500)
    stream = StreamTap(pay, "escrow_followups")
    end(deal, "terminate", reason="Budget cut")
    real = EscrowService.on_engagement_terminated
    calls: list[str] = []

    def unavailable(self, engagement):
        calls.append(engagement["id"])
        raise ConnectionError("DynamoDB unavailable")

    monkeypatch.setattr(EscrowService, "on_engagement_terminated", unavailable)
    assert stream.deliver() == 0  # the batch failed: the poller, like Lambda, keeps it
    assert calls == [deal.id]
    assert pay.payments_repo.get(termination_refund_id(deal.id), consistent=True) is None
    monkeypatch.setattr(EscrowService, "on_engagement_terminated", real)
    assert stream.deliver() > 0  # the same records again
    assert wait_payment(pay, termination_refund_id(deal.id))["status"] == "succeeded"
    assert deal.balance()["refunded"] == 1_500


def test_a_refund_created_by_a_call_that_stopped_before_its_start_is_resumed(make_deal, pay,
                                                                            monkeypatch):
    """The first delivery created the refund and died before starting its execution; the
    client then refunded part of the escrow by hand. The redelivered record resumes the refund
    it created, which finds less escrow than it asks for and fails cleanly: one refund, not a
    second one for the new balance, and no refund left `processing` forever."""
    deal = make_deal()
    deal.fund(2_000)
    deal.set_status("terminated")
    engagement = pay.payments_repo.engagement(deal.id)
    starts: list[str] = []
    monkeypatch.setattr(pay.workflows, "start",  # the crash: nothing starts
                        lambda machine, name, payload: starts.append(name))
    created = pay.escrow.on_engagement_terminated(engagement)
    monkeypatch.undo()
    assert created is not None and starts == [f"refund-{created.id}"]
    by_hand = deal.post("/v1/payments/escrow/refund", {"engagement_id": deal.id, "amount": 500})
    assert by_hand.status in (201, 202), by_hand.body
    wait_payment(pay, by_hand.json()["id"])

    again = pay.escrow.on_engagement_terminated(engagement)
    assert again is not None and (again.id, again.amount) == (created.id, 2_000)
    assert wait_payment(pay, created.id)["status"] == "failed"
    assert deal.balance()["available"] == 1_500
    assert audit(pay, engagement_id=deal.id).ok


def test_a_dispute_opened_by_a_process_that_died_before_its_start_is_started_by_the_stream(
        make_deal, pay, monkeypatch):
    """Opening answers from its commit (the key's record is in it), so a retry cannot start the
    execution a crash skipped: the dispute's INSERT does, once."""
    deal = make_deal(fresh=True)
    deal.fund(3_000)
    stream = StreamTap(pay, "escrow_followups")

    def crash(*_args):
        raise RuntimeError("Lambda timed out")

    monkeypatch.setattr(pay.workflows, "start", crash)
    body = {"engagement_id": deal.id, "amount": 1_000, "reason": "No meetings"}
    assert deal.post("/v1/payments/escrow/dispute", body, key="dsp-crash").status == 500
    monkeypatch.undo()
    retried = deal.post("/v1/payments/escrow/dispute", body, key="dsp-crash")
    assert (retried.status, retried.headers["idempotent-replayed"]) == (201, "true")
    dispute = pay.disputes_repo.get(retried.json()["id"], consistent=True)
    with pytest.raises(Exception, match="ExecutionDoesNotExist"):
        pay.client("stepfunctions").describe_execution(executionArn=dispute["execution_arn"])
    assert stream.deliver() > 0
    described = pay.client("stepfunctions").describe_execution(
        executionArn=dispute["execution_arn"])
    assert described["status"] in ("RUNNING", "SUCCEEDED")
    stream.redeliver()  # started once: a second start is a no-op
    assert len([e for e in pay.client("stepfunctions").list_executions(
        stateMachineArn=described["stateMachineArn"])["executions"]
        if e["executionArn"] == dispute["execution_arn"]]) == 1


def test_a_concession_whose_process_died_before_settling_is_settled_by_the_stream(
        make_deal, pay, monkeypatch):
    """The decision is written with the answer, so the retry replays it (202) and cannot
    settle; the dispute's newly set resolution on the stream does, once."""
    from support.waiting import wait_until

    deal = make_deal(fresh=True)
    deal.fund(4_000)
    opened = deal.post("/v1/payments/escrow/dispute",
                       {"engagement_id": deal.id, "amount": 1_500, "reason": "No meetings"})
    dispute_id = opened.json()["id"]
    wait_until(lambda: pay.disputes_repo.get(dispute_id, True).get("task_token"))
    stream = StreamTap(pay, "escrow_followups")

    def crash(*_args):
        raise RuntimeError("Lambda timed out")

    monkeypatch.setattr(pay.workflows, "answer", crash)
    path = f"/v1/payments/disputes/{dispute_id}/accept"
    assert deal.post(path, as_=deal.pro, key="accept-1").status == 500
    monkeypatch.undo()
    again = deal.post(path, as_=deal.pro, key="accept-1")
    assert (again.status, again.headers["idempotent-replayed"]) == (202, "true")
    assert again.json()["resolution"]["refund"] == 1_500
    assert pay.disputes_repo.get(dispute_id, True)["status"] != "resolved"
    assert stream.deliver() > 0
    wait_until(lambda: pay.disputes_repo.get(dispute_id, True)["status"] == "resolved")
    stream.redeliver()
    assert deal.balance()["refunded"] == 1_500 and deal.balance()["in_dispute"] == 0
    assert audit(pay, engagement_id=deal.id).ok
