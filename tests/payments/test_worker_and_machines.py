"""The payments-queue consumer's edge cases, and the state machine definitions themselves."""
from __future__ import annotations

import json

import pytest

from chalicelib.services.payments.worker import ChargeMessage, CreditPending
from devstack.cfn import load_template
from devstack.pollers import sqs_event

MACHINES = {"FundStateMachine": "fund", "ReleaseStateMachine": "release",
            "RefundStateMachine": "refund", "AutoReleaseStateMachine": "auto-release",
            "DisputeStateMachine": "dispute"}
# Everything the machines call: DynamoDB directly, and our code only through the queue.
ALLOWED_RESOURCES = {"arn:aws:states:::aws-sdk:dynamodb:transactWriteItems",
                     "arn:aws:states:::aws-sdk:dynamodb:updateItem.waitForTaskToken",
                     "arn:aws:states:::dynamodb:getItem", "arn:aws:states:::dynamodb:updateItem",
                     "arn:aws:states:::sqs:sendMessage.waitForTaskToken"}


def test_unreadable_messages_are_dropped_and_failures_reported_one_by_one(pay, monkeypatch):
    from app import app

    def broken(message):
        raise RuntimeError("processor unavailable")

    monkeypatch.setattr(pay.payments_worker, "charge", broken)
    event = sqs_event([
        {"MessageId": "m-garbage", "ReceiptHandle": "r1", "Body": "not json"},
        {"MessageId": "m-unknown", "ReceiptHandle": "r2", "Body": '{"kind": "payout"}'},
        {"MessageId": "m-charge", "ReceiptHandle": "r3",
         "Body": json.dumps({"kind": "charge", "payment_id": "pay_x", "task_token": "t"})},
    ], "arn:aws:sqs:us-east-1:123456789012:leadnod-dev-payments")
    result = app.handler_map["payments_worker"](event, None)
    assert result == {"batchItemFailures": [{"itemIdentifier": "m-charge"}]}


def test_a_late_duplicate_charge_message_charges_nothing(pay, deal):
    payment = deal.fund(1_234)
    charges = list(pay.payment_processor.log)
    pay.payments_worker.charge(ChargeMessage(kind="charge", payment_id=payment["id"],
                                             task_token="no-longer-waiting"))
    assert pay.payment_processor.log == charges
    assert deal.balance()["funded"] == 1_234


def test_a_stale_token_while_the_payment_is_processing_is_retried_later(pay, deal, monkeypatch):
    """Another delivery answered the task and its credit is still being written: this
    delivery must neither credit nor refund; it comes back and finds the payment settled."""
    from chalicelib.ids import new_id

    engagement = pay.payments_repo.engagement(deal.id)
    payment = pay.escrow._new_payment(new_id("pay"), "escrow_fund", engagement, 10, "usd",
                                      payment_method="pm_card_visa")
    pay.payments_repo.create(payment, statuses=(engagement["status"],))
    with pytest.raises(CreditPending):
        pay.payments_worker.charge(ChargeMessage(kind="charge", payment_id=payment["id"],
                                                 task_token="answered-elsewhere"))
    assert ("refund", pay.payment_processor.charge_id(payment["id"])) not in \
        pay.payment_processor.log


def test_definitions_call_only_dynamodb_and_the_payments_queue():
    resources = load_template()["Resources"]
    for logical_id, suffix in MACHINES.items():
        props = resources[logical_id]["Properties"]
        assert props["StateMachineName"] == {"Fn::Sub": f"leadnod-${{Stage}}-escrow-{suffix}"}
        assert props["StateMachineType"] == "STANDARD"
        assert props["RoleArn"] == {"Fn::GetAtt": ["PaymentsStatesRole", "Arn"]}
        states = props["Definition"]["States"]
        for name, state in states.items():
            if state["Type"] == "Task":
                assert state["Resource"] in ALLOWED_RESOURCES, (logical_id, name)
            for retry in state.get("Retry", []):  # moto sleeps for real: keep them short
                assert retry["IntervalSeconds"] <= 5 and retry["MaxAttempts"] <= 4
            if state["Type"] == "Wait":  # long waits come from the input only
                assert "Seconds" not in state or state["Seconds"] <= 1, (logical_id, name)
            params = json.dumps(state.get("Parameters", {}))
            assert "TableName" not in params or "${TableName}" in params
            for field in ("UpdateExpression", "ConditionExpression"):
                value = state.get("Parameters", {}).get(field)
                if value:  # an unquoted '#' in YAML silently cuts an expression short
                    assert "=" in value or "(" in value, (logical_id, name, value)
        writes = [s for s in states.values()
                  if s.get("Resource", "").endswith("transactWriteItems")]
        assert writes, logical_id  # every machine moves money in one transaction
        for write in writes:
            assert set(write["Parameters"]) == {"TransactItems.$"}


def test_the_fund_machine_fails_the_payment_on_every_charge_failure():
    charge = load_template()["Resources"]["FundStateMachine"]["Properties"]["Definition"][
        "States"]["Charge"]
    assert [c["ErrorEquals"] for c in charge["Catch"]] == [
        ["PaymentDeclined"], ["States.Timeout"], ["States.ALL"]]
    assert charge["TimeoutSecondsPath"] == "$.charge_timeout_seconds"


def test_provisioned_machines_have_their_substitutions_resolved(pay):
    sfn = pay.workflows._sfn
    for machine, arn in pay.payment_settings.machine_arns.items():
        definition = sfn.describe_state_machine(stateMachineArn=arn)["definition"]
        assert "${" not in definition, machine
        assert "leadnod-dev" in definition
