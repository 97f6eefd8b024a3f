"""`audit-ledger`: prove that balances are what the transfers say, and that money was neither
created nor lost (docs/payments.md "Auditing").

Whole ledger: every ledger account, transfer, payment, dispute and escrow-totals item (the only
Scan in the code base, storage/ledger_reads.py), checked against each other; one engagement
(`--engagement-id`): its accounts, postings and payments by key. A scan is not a snapshot, so a
failing audit looks again (writes may have been in flight) and reports only discrepancies that
persist.
"""
from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, Iterable

from ...storage.ledger import COUNTERS, FLOWS
from ...storage.ledger_reads import LedgerReads
PAYMENT_KINDS = {"escrow_fund": ("fund",), "escrow_release": ("release", "hold_release"),
                 "escrow_refund": ("refund", "hold_refund")}


@dataclass
class AuditReport:
    scope: str
    accounts: int = 0
    transfers: int = 0
    payments: int = 0
    discrepancies: list[str] = field(default_factory=list)
    totals: dict[str, dict[str, int]] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.discrepancies

    def to_dict(self) -> dict[str, Any]:
        return {"ok": self.ok, "scope": self.scope, "accounts": self.accounts,
                "transfers": self.transfers, "payments": self.payments,
                "debits_and_credits": self.totals, "discrepancies": self.discrepancies}


def _n(value: Any) -> int:
    return int(value or 0)


class LedgerAudit:
    def __init__(self, reads: LedgerReads) -> None:
        self._reads = reads

    def run(self, *, engagement_id: str | None = None, retries: int = 2,
            pause: float = 1.0) -> AuditReport:
        for attempt in range(retries + 1):
            report = self._engagement(engagement_id) if engagement_id else self._everything()
            if report.ok or attempt == retries:
                return report
            time.sleep(pause)
        raise AssertionError("unreachable")

    # ------------------------------------------------------------------ reading
    def _everything(self) -> AuditReport:
        items = self._reads.everything()
        report = AuditReport("ledger")
        self._check(report, items["ledger_account"], items["transfer"], items["payment"],
                    complete=True)
        self._check_user_totals(report, items["escrow_totals"], items["transfer"])
        self._check_disputes(report, items["dispute"], items["transfer"])
        return report

    def _engagement(self, engagement_id: str) -> AuditReport:
        found = self._reads.engagement(engagement_id)
        report = AuditReport(f"engagement {engagement_id}")
        self._check(report, found.accounts, found.transfers, found.payments, complete=False)
        return report

    # ------------------------------------------------------------------ checks
    def _check(self, report: AuditReport, accounts: list[dict[str, Any]],
               transfers: list[dict[str, Any]], payments: list[dict[str, Any]],
               complete: bool) -> None:
        bad = report.discrepancies
        report.accounts, report.transfers, report.payments = (len(accounts), len(transfers),
                                                              len(payments))
        debits: dict[str, int] = defaultdict(int)
        credits: dict[str, int] = defaultdict(int)
        postings: dict[str, int] = defaultdict(int)
        by_kind: dict[tuple[str, str], int] = defaultdict(int)  # (account, kind) -> amount
        for t in transfers:
            amount = _n(t["amount"])
            if amount <= 0 or t["from"] == t["to"]:
                bad.append(f"transfer {t['id']}: amount {amount} from {t['from']} to {t['to']}")
            debits[t["from"]] += amount
            credits[t["to"]] += amount
            postings[t["from"]] += 1
            postings[t["to"]] += 1
            by_kind[(t["from"], t["kind"])] += amount
            by_kind[(t["to"], t["kind"])] += amount
        sums: dict[str, dict[str, int]] = defaultdict(lambda: {"debits": 0, "credits": 0,
                                                               "balances": 0})
        for t in transfers:
            sums[t["currency"]]["debits"] += _n(t["amount"])
            sums[t["currency"]]["credits"] += _n(t["amount"])
        known = set()
        for account in accounts:
            name, balance = account["account"], _n(account.get("balance"))
            known.add(name)
            sums[account["currency"]]["balances"] += balance
            expected = credits.get(name, 0) - debits.get(name, 0)
            if balance != expected:
                bad.append(f"{name}: balance {balance} but its transfers sum to {expected}")
            if _n(account.get("entries")) != postings.get(name, 0):
                bad.append(f"{name}: {_n(account.get('entries'))} entries recorded, "
                           f"{postings.get(name, 0)} transfers found")
            if balance < 0 and account.get("kind") != "ext":
                bad.append(f"{name}: negative balance {balance}")
            if account.get("kind") == "escrow":
                self._check_escrow(report, account, by_kind, credits, debits)
        if complete:
            for name in sorted((set(debits) | set(credits)) - known):
                bad.append(f"{name}: has transfers but no account item")
            for currency, total in sorted(sums.items()):
                if total["balances"] != 0:
                    bad.append(f"{currency}: balances sum to {total['balances']}, not 0")
        report.totals = {c: dict(v) for c, v in sums.items()}
        self._check_payments(report, payments, transfers, complete)

    @staticmethod
    def _check_escrow(report: AuditReport, account: dict[str, Any],
                      by_kind: dict[tuple[str, str], int], credits: dict[str, int],
                      debits: dict[str, int]) -> None:
        escrow = account["account"]
        hold = "hold:" + escrow.split(":", 1)[1]
        expected = {
            "funded": by_kind.get((escrow, "fund"), 0),
            "released": (by_kind.get((escrow, "release"), 0)
                         + by_kind.get((hold, "hold_release"), 0)),
            "refunded": (by_kind.get((escrow, "refund"), 0)
                         + by_kind.get((hold, "hold_refund"), 0)),
            "in_dispute": credits.get(hold, 0) - debits.get(hold, 0),
        }
        for counter in COUNTERS:
            if _n(account.get(counter)) != expected[counter]:
                report.discrepancies.append(f"{escrow}: {counter} {_n(account.get(counter))}, "
                                            f"transfers say {expected[counter]}")
        available = (expected["funded"] - expected["released"] - expected["refunded"]
                     - expected["in_dispute"])
        if _n(account.get("balance")) != available:
            report.discrepancies.append(f"{escrow}: available {_n(account.get('balance'))} but "
                                        f"funded - released - refunded - in_dispute = {available}")

    @staticmethod
    def _check_payments(report: AuditReport, payments: list[dict[str, Any]],
                        transfers: list[dict[str, Any]], complete: bool) -> None:
        by_payment = {t["payment_id"]: t for t in transfers if t.get("payment_id")}
        for p in payments:
            t = by_payment.get(p["id"])
            if p["status"] == "succeeded":
                if t is None or t["id"] != p.get("transfer_id"):
                    report.discrepancies.append(f"payment {p['id']}: succeeded without its "
                                                f"transfer {p.get('transfer_id')}")
                elif (_n(t["amount"]) != _n(p["amount"])
                      or t["kind"] not in PAYMENT_KINDS[p["type"]]):
                    report.discrepancies.append(f"payment {p['id']}: {p['type']} {_n(p['amount'])}"
                                                f" but transfer {t['id']} is {t['kind']} "
                                                f"{_n(t['amount'])}")
            elif t is not None:
                report.discrepancies.append(f"payment {p['id']}: {p['status']} but money moved "
                                            f"(transfer {t['id']})")
        if complete:
            known = {p["id"] for p in payments}
            for payment_id, t in by_payment.items():
                if payment_id not in known:
                    report.discrepancies.append(f"transfer {t['id']}: payment {payment_id} "
                                                f"does not exist")

    @staticmethod
    def _check_user_totals(report: AuditReport, totals: Iterable[dict[str, Any]],
                           transfers: list[dict[str, Any]]) -> None:
        expected: dict[tuple[str, str], dict[str, int]] = defaultdict(lambda: defaultdict(int))
        for t in transfers:
            for user in (t["client_id"], t["sales_pro_id"]):
                for counter, sign in FLOWS[t["kind"]].items():
                    expected[(user, t["currency"])][counter] += sign * _n(t["amount"])
        seen = set()
        for item in totals:
            key = (item["user_id"], item["currency"])
            seen.add(key)
            for counter in (*COUNTERS, "available"):
                if _n(item.get(counter)) != expected[key][counter]:
                    report.discrepancies.append(
                        f"escrow totals of {key[0]} ({key[1]}): {counter} "
                        f"{_n(item.get(counter))}, transfers say {expected[key][counter]}")
        for key in sorted(set(expected) - seen):
            report.discrepancies.append(f"escrow totals of {key[0]} ({key[1]}) are missing")

    @staticmethod
    def _check_disputes(report: AuditReport, disputes: list[dict[str, Any]],
                        transfers: list[dict[str, Any]]) -> None:
        moved: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        for t in transfers:
            if t.get("dispute_id"):
                moved[t["dispute_id"]][t["kind"]] += _n(t["amount"])
        for d in disputes:
            held, settled = moved[d["id"]]["hold"], (moved[d["id"]]["hold_release"]
                                                    + moved[d["id"]]["hold_refund"])
            out = settled if d["status"] == "resolved" else 0
            if held != _n(d["amount"]) or settled != out:
                report.discrepancies.append(f"dispute {d['id']} ({d['status']}): "
                                            f"{_n(d['amount'])} disputed, {held} held, "
                                            f"{settled} settled")
            elif d["status"] == "resolved" and settled != held:
                report.discrepancies.append(f"dispute {d['id']}: resolved for {settled} of "
                                            f"{held} held")
