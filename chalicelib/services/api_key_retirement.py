"""`admin retire-api-keys`: delete the per-account API keys made before the key pools.

Without downtime: an account stops handing out its own key first (`LegacyApiKeys.retire`, one
conditional write; the authorizer then returns its pool key), and the key is deleted only when
every cached authorizer answer that named it has expired (`grace_seconds`, more than the
authorizer's TTL): API Gateway refuses a request whose usage-identifier key does not exist.
Safe to re-run and to interrupt: each write names the key it expects, and a key already
deleted counts as deleted. An operator's command (API Gateway's DeleteApiKey); no Lambda
function calls it, so no function's role may delete keys.
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Callable

from ..clock import Clock, sortable
from ..storage.legacy_api_keys import LegacyApiKeys


@dataclass
class RetirementReport:
    accounts: int = 0        # accounts found with an own key, in use or retired
    retired: int = 0         # accounts this run moved to their pool key
    deleted: int = 0         # keys this run deleted in API Gateway
    already_deleted: int = 0  # keys API Gateway no longer had (an interrupted run's)
    waiting: int = 0         # retired keys left for a later run (--no-wait)
    delete_after: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


class ApiKeyRetirement:
    def __init__(self, legacy: LegacyApiKeys, apigateway: Any, clock: Clock,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self._legacy, self._apigateway, self._clock, self._sleep = legacy, apigateway, clock, sleep

    def run(self, *, grace_seconds: int, wait: bool = True) -> RetirementReport:
        """Retire every account's own key, then delete those retired `grace_seconds` ago or
        more; with `wait`, sleep until the last one is due instead of leaving it for later."""
        report = RetirementReport()
        retired: list[tuple[str, str, datetime]] = []  # (user id, key id, retired at)
        for item in self._legacy.holders():
            report.accounts += 1
            if item.get("api_key_id"):
                now = self._clock.now()
                if self._legacy.retire(item["id"], item["api_key_id"], sortable(now)):
                    report.retired += 1
                    retired.append((item["id"], item["api_key_id"], now))
            elif item.get("retired_api_key_id"):
                at = datetime.fromisoformat(item["api_key_retired_at"].replace("Z", "+00:00"))
                retired.append((item["id"], item["retired_api_key_id"], at))
        grace = timedelta(seconds=grace_seconds)
        if wait and retired:
            last_due = max(at for _, _, at in retired) + grace
            self._sleep(max(0.0, (last_due - self._clock.now()).total_seconds()))
        now = self._clock.now()
        for user_id, key_id, at in retired:
            if at + grace > now:
                report.waiting += 1
                due = sortable(at + grace)
                report.delete_after = max(report.delete_after or due, due)
                continue
            self._delete(key_id, report)
            self._legacy.forget(user_id, key_id)
        return report

    def _delete(self, key_id: str, report: RetirementReport) -> None:
        try:
            self._apigateway.delete_api_key(apiKey=key_id)  # also leaves its usage plans
            report.deleted += 1
        except self._apigateway.exceptions.NotFoundException:
            report.already_deleted += 1
