"""`python -m chalicelib.admin audit-ledger` and `resolve-dispute`: exit codes and reports, on a
clean ledger and on deliberately corrupted ones (each corruption is undone afterwards)."""
from __future__ import annotations

import json

import pytest

from chalicelib.admin import __main__ as cli
from support.service_calls import read_caller
from support.waiting import wait_until


@pytest.fixture
def admin(pay, monkeypatch, capsys):
    """Run the CLI in-process against the test backend; returns (exit code, JSON, stderr)."""
    monkeypatch.setattr(cli, "configure", lambda stage, port=None: pay)

    def run(*args: str):
        code = cli.main(list(args))
        out = capsys.readouterr()
        return code, (json.loads(out.out) if out.out.strip() else None), out.err
    return run


@pytest.fixture
def funded(make_deal):
    deal = make_deal()
    deal.fund(5_000)
    deal.release(1_000)
    return deal


def test_a_clean_ledger_audits_clean(admin, funded):
    code, report, _ = admin("audit-ledger", "--retries", "0")
    assert code == 0, report
    assert report["ok"] is True and report["discrepancies"] == []
    assert report["transfers"] >= 2 and report["accounts"] >= 3
    usd = report["debits_and_credits"]["usd"]
    assert usd["debits"] == usd["credits"] and usd["balances"] == 0
    code, scoped, _ = admin("audit-ledger", "--engagement-id", funded.id, "--retries", "0")
    assert code == 0
    assert (scoped["scope"], scoped["transfers"], scoped["payments"]) == (
        f"engagement {funded.id}", 2, 2)


def test_a_balance_that_disagrees_with_its_transfers_fails_the_audit(admin, funded, pay):
    key = {"PK": f"ENG#{funded.id}", "SK": "ACCOUNT#escrow"}
    pay.table.update_item(Key=key, UpdateExpression="ADD balance :one",
                          ExpressionAttributeValues={":one": 1})
    try:
        code, report, _ = admin("audit-ledger", "--engagement-id", funded.id, "--retries", "0")
        assert code == 1 and report["ok"] is False
        assert f"escrow:{funded.id}: balance 4001 but its transfers sum to 4000" in \
            report["discrepancies"]
        code, whole, _ = admin("audit-ledger", "--retries", "0")
        assert code == 1
        assert "usd: balances sum to 1, not 0" in whole["discrepancies"]
    finally:
        pay.table.update_item(Key=key, UpdateExpression="ADD balance :minus",
                              ExpressionAttributeValues={":minus": -1})
    assert admin("audit-ledger", "--engagement-id", funded.id, "--retries", "0")[0] == 0


def test_a_lost_transfer_or_a_wrong_total_fails_the_audit(admin, funded, pay):
    release = next(p for p in pay.payment_queries.history(
        read_caller(funded.client), _params(funded.id)).data if p.type == "escrow_release")
    stored = pay.payments_repo.get(release.id)
    key = {"PK": f"TXF#{stored['transfer_id']}", "SK": "TXF"}
    transfer = pay.table.get_item(Key=key)["Item"]
    pay.table.delete_item(Key=key)
    totals = {"PK": f"USER#{funded.pro.user_id}", "SK": "ESCROW#usd"}
    pay.table.update_item(Key=totals, UpdateExpression="ADD released :n",
                          ExpressionAttributeValues={":n": 7})
    try:
        code, report, _ = admin("audit-ledger", "--retries", "0")
        problems = "\n".join(report["discrepancies"])
        assert code == 1
        assert f"payment {release.id}: succeeded without its transfer" in problems
        assert f"payable:{funded.pro.user_id}:usd: balance" in problems
        assert f"escrow totals of {funded.pro.user_id} (usd): released" in problems
    finally:
        pay.table.put_item(Item=transfer)
        pay.table.update_item(Key=totals, UpdateExpression="ADD released :n",
                              ExpressionAttributeValues={":n": -7})
    assert admin("audit-ledger", "--retries", "0")[0] == 0


def test_resolve_dispute_from_the_command_line(admin, funded):
    answer = funded.post("/v1/payments/escrow/dispute",
                         {"engagement_id": funded.id, "amount": 2_000, "reason": "Quality"})
    dispute = answer.json()
    wait_until(lambda: funded.services.disputes_repo.get(dispute["id"], True).get("task_token"))
    code, _, err = admin("resolve-dispute", "--dispute-id", dispute["id"], "--release", "1500",
                         "--refund", "400")
    assert code == 2 and "add up to the disputed amount, 2000" in err
    code, _, err = admin("resolve-dispute", "--dispute-id", "dsp_missing", "--release", "1",
                         "--refund", "0")
    assert code == 2 and "No such dispute" in err and "Traceback" not in err
    code, result, _ = admin("resolve-dispute", "--dispute-id", dispute["id"], "--release", "1500",
                            "--refund", "500")
    assert code == 0
    assert result["status"] == "resolved"
    assert (result["resolution"]["release"], result["resolution"]["refund"]) == (1_500, 500)
    assert admin("audit-ledger", "--engagement-id", funded.id, "--retries", "0")[0] == 0


def _params(engagement_id):
    from chalicelib.models.payments import PaymentListParams

    return PaymentListParams(engagement_id=engagement_id)
