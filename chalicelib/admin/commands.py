"""The admin commands; each takes the wired services and parsed arguments, returns JSON data."""
from __future__ import annotations

from argparse import Namespace
from typing import Any

from ..errors import InvalidParameter, not_found
from ..models.common import INDUSTRIES


class CommandError(Exception):
    pass


class CheckFailed(Exception):
    """A check ran and found problems; `report` is printed and the exit status is 1."""

    def __init__(self, report: dict[str, Any]) -> None:
        super().__init__("check failed")
        self.report = report


def create_account(services: Any, args: Namespace) -> dict[str, Any]:
    if args.industry and args.industry not in INDUSTRIES:
        raise InvalidParameter(
            f"Unknown industry '{args.industry}'. One of: {', '.join(INDUSTRIES)}")
    from ..models.users import check_email

    try:
        check_email(args.email)
    except ValueError as exc:
        raise CommandError(str(exc)) from None
    created = services.accounts.create_account(
        user_type=args.type, name=args.name, email=args.email, plan=args.plan,
        company=args.company, industry=args.industry)
    return {"user_id": created.user.id, "client_id": created.client_id,
            "client_secret": created.client_secret, "plan": created.user.plan}


def rotate_secret(services: Any, args: Namespace) -> dict[str, Any]:
    if args.grace_seconds < 0:
        raise CommandError("--grace-seconds must be >= 0")
    secret = services.oauth.rotate_secret(args.client_id, grace_seconds=args.grace_seconds)
    return {"client_id": args.client_id, "client_secret": secret,
            "previous_secret_valid_for_seconds": args.grace_seconds}


def set_plan(services: Any, args: Namespace) -> dict[str, Any]:
    updated = services.accounts.set_plan(args.user_id, args.plan, args.per_minute, args.per_day)
    limits = {name: None if updated.get(attr) is None else int(updated[attr])
              for name, attr in (("per_minute", "rate_per_minute"), ("per_day", "rate_per_day"))}
    return {"user_id": args.user_id, "plan": updated["plan"], **limits}


def verify_user(services: Any, args: Namespace) -> dict[str, Any]:
    changed = services.accounts.verify(args.user_id)
    return {"user_id": args.user_id, "verified": True, "changed": changed}


def seed(services: Any, args: Namespace) -> dict[str, Any]:
    from .seed import load_seed

    return load_seed(services)


def rematch(services: Any, args: Namespace) -> dict[str, Any]:
    """Run matching synchronously (e.g. when a matching request could not be queued)."""
    from dataclasses import asdict

    return {"runs": [asdict(services.matching.run(opp_id)) for opp_id in args.opportunity_id]}
def audit_ledger(services: Any, args: Namespace) -> dict[str, Any]:
    from ..services.payments.audit import LedgerAudit
    from ..storage.ledger_reads import LedgerReads

    if args.retries < 0:
        raise CommandError("--retries must be >= 0")
    report = LedgerAudit(LedgerReads(services.store)).run(engagement_id=args.engagement_id,
                                             retries=args.retries)
    if not report.ok:
        raise CheckFailed(report.to_dict())
    return report.to_dict()


def resolve_dispute(services: Any, args: Namespace) -> dict[str, Any]:
    """Record the decision and resume the dispute's execution, which writes the settlement;
    then wait (up to --wait seconds) until the dispute reads `resolved`."""
    import time

    from ..models.payments import DisputeSummary

    services.disputes.resolve(args.dispute_id, args.release, args.refund)
    deadline = time.monotonic() + max(args.wait, 0)
    while True:
        dispute = services.disputes_repo.get(args.dispute_id, consistent=True)
        if dispute["status"] == "resolved" or time.monotonic() >= deadline:
            return DisputeSummary.model_validate(dispute).model_dump(mode="json")
        time.sleep(0.1)


def migrate_organizations(services: Any, args: Namespace) -> dict[str, Any]:
    """Backfill `account_id`/`role` and the member index on legacy client users. Reads only
    `USERS#client` (GSI1); each write is conditional, so runs may overlap or repeat."""
    team = services.team_repo
    seen = changed = 0
    for user in team.legacy_clients():
        seen += 1
        changed += team.make_owner(user)
    return {"legacy_client_users": seen, "migrated": changed}


def retire_api_keys(services: Any, args: Namespace) -> dict[str, Any]:
    """Move every account still on its own API key to its plan's pool, then delete the keys
    (docs/capacity.md). Reads `USERS#<type>` on GSI1 (no Scan); conditional writes, so runs may
    overlap, stop and repeat."""
    from ..api.routing import AUTHORIZER_TTL_SECONDS

    if args.grace_seconds < 0:
        raise CommandError("--grace-seconds must be >= 0")
    if args.grace_seconds <= AUTHORIZER_TTL_SECONDS and not services.settings.is_local:
        raise CommandError(f"--grace-seconds must exceed the authorizer's cache "
                           f"({AUTHORIZER_TTL_SECONDS} s) on a deployed stage: a cached answer "
                           "naming a deleted key is refused by API Gateway")
    report = services.api_key_retirement.run(grace_seconds=args.grace_seconds,
                                             wait=not args.no_wait)
    return report.to_dict()


def backfill_analytics_counters(services: Any, args: Namespace) -> dict[str, Any]:
    """Count what was written before the summary's counters were kept (docs/analytics.md,
    "Counters kept since #20"). Reads `USERS#<type>` on GSI1 and each account's own items (no
    Scan); conditional writes, so runs may overlap, stop and repeat. Exits 1 if an account was
    still changing after every attempt (run again)."""
    from ..services.analytics.counter_backfill import CounterBackfill
    from ..storage.counter_backfill import CounterBackfillStore

    accounts = None
    if args.user_id:
        accounts = []
        for user_id in args.user_id:
            user = services.users_repo.get(user_id)
            if user is None or user.get("account_id", user_id) != user_id:
                raise CommandError(f"{user_id} is not an account (a member's analytics are "
                                   "its organization's)")
            accounts.append((user_id, user["type"]))
    report = CounterBackfill(CounterBackfillStore(services.store)).run(accounts)
    if report.busy:
        raise CheckFailed(report.to_dict())
    return report.to_dict()


def list_team(services: Any, args: Namespace) -> dict[str, Any]:
    from ..auth.caller import Caller

    member = services.users_repo.get(args.user_id)
    if member is None or member.get("type") != "client":
        raise not_found("user", args.user_id, param="user_id")
    account = member.get("account_id", member["id"])
    owner = services.users_repo.get(account) or member
    caller = Caller(account, "client", owner.get("plan", "professional"), frozenset(), "",
                    member_id=member["id"], role=member.get("role", "owner"))
    page = services.team.members(caller)
    return {"organization_id": caller.organization_id,
            "members": [m.model_dump(mode="json", include={"id", "name", "email", "role"})
                        for m in page.data]}


def backfill_read_models(services: Any, args: Namespace) -> dict[str, Any]:
    """Give data from before 2026-12-03 the read models new data has (docs/deploy.md). Reads
    `USERS#<type>` on GSI1 and each user's own lists (no Scan); conditional writes, so runs may
    overlap, stop and repeat. Exits 1 if a conversation was still changing (run again)."""
    from ..services.read_model_backfill import ReadModelBackfill
    from ..storage.payment_entries import PaymentEntryRepository
    from ..storage.read_model_backfill import ReadModelBackfillStore

    users = None
    if args.user_id:
        users = []
        for user_id in args.user_id:
            user = services.users_repo.get(user_id)
            if user is None:
                raise CommandError(f"no user {user_id}")
            users.append((user_id, user["type"]))
    report = ReadModelBackfill(ReadModelBackfillStore(services.store),
                               PaymentEntryRepository(services.store),
                               services.users_repo).run(users)
    if report.busy:
        raise CheckFailed(report.to_dict())
    return report.to_dict()
