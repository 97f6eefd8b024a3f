"""Operator CLI: `python -m chalicelib.admin <command> ...` (see `--help`).

Targets a running local stack by default: the one started last, or `--port` (its API port), or
the env file `$LEADNOD_LOCAL_ENV` names (each `make run` records its AWS endpoint there); and a
deployed stage with `--stage sandbox|prod` (reads the stage's CloudFormation outputs).
"""
from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from ..errors import ApiError
from . import commands
from .target import TargetError, configure


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="python -m chalicelib.admin", description=__doc__)
    root.add_argument("--stage", choices=["dev", "sandbox", "prod"], default="dev",
                      help="dev = the local stack (default)")
    root.add_argument("--port", type=int,
                      help="dev: the API port of the local stack to use (default: "
                           "$LEADNOD_LOCAL_ENV, else the stack started last)")
    sub = root.add_subparsers(dest="command", required=True)

    create = sub.add_parser("create-account", help="create a user with API credentials")
    create.add_argument("--type", required=True, choices=["client", "sales_pro"])
    create.add_argument("--name", required=True)
    create.add_argument("--email", required=True)
    create.add_argument("--plan", default="professional",
                        choices=["professional", "enterprise", "custom"])
    create.add_argument("--company")
    create.add_argument("--industry")

    rotate = sub.add_parser("rotate-secret", help="issue a new client secret")
    rotate.add_argument("--client-id", required=True)
    rotate.add_argument("--grace-seconds", type=int, default=86400,
                        help="how long the old secret keeps working (default 1 day, 0 = revoke)")

    plan = sub.add_parser("set-plan", help="change an account's plan and rate limits")
    plan.add_argument("--user-id", required=True)
    plan.add_argument("--plan", required=True, choices=["professional", "enterprise", "custom"])
    plan.add_argument("--per-minute", type=int)
    plan.add_argument("--per-day", type=int)

    verify = sub.add_parser("verify-user", help="mark a user verified (emits user.verified)")
    verify.add_argument("--user-id", required=True)

    sub.add_parser("seed", help="load the sandbox seed data (idempotent)")

    sub.add_parser("migrate-organizations",
                   help="write down that each client user stored before organizations owns "
                        "its one-person organization (safe to re-run; docs/teams.md)")
    retire = sub.add_parser("retire-api-keys",
                            help="move accounts made before the API key pools to their plan's "
                                 "pool and delete their own keys (safe to re-run; "
                                 "docs/capacity.md)")
    retire.add_argument("--grace-seconds", type=int, default=90,
                        help="delete a key this long after its account stopped using it; more "
                             "than the authorizer's 60 s cache on AWS (default 90)")
    retire.add_argument("--no-wait", action="store_true",
                        help="do not sleep for keys retired by this run: a later run deletes "
                             "them")
    backfill = sub.add_parser("backfill-analytics-counters",
                              help="count the pairs and interests written before the analytics "
                                   "summary kept counters (after the deploy; safe to re-run; "
                                   "docs/analytics.md)")
    backfill.add_argument("--user-id", action="append",
                          help="only this account (repeat for several; default: every account)")
    models = sub.add_parser("backfill-read-models",
                            help="give data from before 2026-12-03 the read models the call "
                                 "budgets rely on (after the deploy; safe to re-run; "
                                 "docs/deploy.md)")
    models.add_argument("--user-id", action="append",
                        help="only this user (repeat for several; default: every user)")
    team = sub.add_parser("list-team", help="an organization's members and roles")
    team.add_argument("--user-id", required=True, help="any member of the organization")

    rematch = sub.add_parser("rematch", help="recompute an opportunity's matches now")
    rematch.add_argument("--opportunity-id", required=True, action="append",
                         help="repeat for several")
    audit = sub.add_parser("audit-ledger", help="prove the ledger: every balance equals its "
                           "transfers, debits = credits; exits 1 on any discrepancy")
    audit.add_argument("--engagement-id",
                       help="audit one engagement through keys and indexes only (no Scan)")
    audit.add_argument("--retries", type=int, default=2,
                       help="look again this many times, 1 s apart, before reporting "
                            "(writes may be in flight; default 2)")

    resolve = sub.add_parser("resolve-dispute", help="decide a dispute: N to the sales pro, "
                             "M back to the client (N + M = the disputed amount)")
    resolve.add_argument("--dispute-id", required=True)
    resolve.add_argument("--release", type=int, required=True, help="N, minor units")
    resolve.add_argument("--refund", type=int, required=True, help="M, minor units")
    resolve.add_argument("--wait", type=float, default=10.0,
                         help="seconds to wait for the settlement to be written (default 10)")
    return root


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        services = configure(args.stage, args.port)
        result: Any = getattr(commands, args.command.replace("-", "_"))(services, args)
    except ApiError as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        return 2
    except (commands.CommandError, TargetError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except commands.CheckFailed as exc:  # a report that found problems: print it, exit 1
        print(json.dumps(exc.report, indent=2, default=str))
        return 1
    print(json.dumps(result, indent=2, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
