"""The marketplace tests' shared data: the docs' opportunity, four session-wide accounts, and
the matching queue drained through its Lambda handler."""
from __future__ import annotations

import threading
from typing import Any

from .accounts import Account, new_account
from .api import Api

DOCS_OPPORTUNITY = {
    "title": "Enterprise Account Executive", "industry": "saas",
    "description": "Looking for experienced AE...", "compensation_model": "hybrid",
    "base_salary_range": {"min": 80000, "max": 120000}, "commission_rate": 0.10,
    "duration": "ongoing", "requirements": ["5+ years experience", "Enterprise sales"]}


class MatchingQueue:
    """The matching queue of one wired container, consumed through the Lambda handler as the
    SQS event source (and the local stack's poller) would."""

    def __init__(self, services: Any) -> None:
        self._services = services
        self._poller: Any = None

    def discard(self) -> None:
        """Start from an empty queue (other tests' accounts and opportunities leave requests
        there that would each cost a scoring run)."""
        sqs, url = self._services.client("sqs"), self._services.settings.queue_urls["matching"]
        while True:  # PurgeQueue is allowed once a minute only
            messages = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10,
                                           WaitTimeSeconds=0).get("Messages", [])
            if not messages:
                return
            sqs.delete_message_batch(QueueUrl=url, Entries=[
                {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]}
                for i, m in enumerate(messages)])

    def run(self, max_batches: int = 200) -> int:
        """Drain the queue through the handler; how many messages were handled."""
        from app import app
        from devstack.pollers import SqsPoller

        if self._poller is None:
            queue = self._services.settings.queue_urls["matching"].rsplit("/", 1)[-1]
            self._poller = SqsPoller(self._services.client("sqs"), queue,
                                     app.handler_map["matching_worker"], 10, threading.Event())
        handled = 0
        for _ in range(max_batches):
            received = self._poller.poll_once(wait_seconds=0)
            if not received:
                break
            handled += received
        return handled


class Market:
    """What the marketplace tests share for the whole session: one API client, one wired
    container and four accounts (two clients, two sales pros: every ownership test has a
    second of each). Tests that change an account's profile make their own."""

    def __init__(self) -> None:
        from chalicelib.config import Settings
        from chalicelib.wiring import Container

        self.services = Container(Settings.from_env())
        self.api = Api()
        self.matching = MatchingQueue(self.services)
        self.client = self.account("client", company="Acme Corp", industry="saas")
        self.client2 = self.account("client", company="Globex", industry="fintech")
        self.pro = self.account("sales_pro", industry="saas", profile={
            "headline": "Enterprise AE", "skills": ["Enterprise sales", "Negotiation"],
            "years_experience": 6, "availability": "available",
            "compensation_models": ["hybrid"]})
        self.pro2 = self.account("sales_pro", industry="fintech", profile={
            "skills": ["Payments"], "years_experience": 3})

    def account(self, user_type: str, **fields: Any) -> Account:
        return new_account(self.services, user_type, unlimited=True, **fields)  # session-wide

    def opportunity(self, owner: Account, **fields: Any) -> dict[str, Any]:
        """Create one through the API (the docs' example, with `fields` changed)."""
        answer = self.api.post("/v1/opportunities", token=owner.token,
                               json_body={**DOCS_OPPORTUNITY, **fields})
        assert answer.status == 201, answer.json()
        return answer.json()

    def event_types(self, user_id: str) -> list[str]:
        """The types of the events recorded for a user, oldest first."""
        from boto3.dynamodb.conditions import Key

        items = self.services.store.query_all(
            Key("PK").eq(f"USER#{user_id}") & Key("SK").begins_with("EVT#"))
        return [item["type"] for item in sorted(items, key=lambda i: i["GSI1SK"])]
