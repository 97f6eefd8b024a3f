"""Webhook fixtures: a queue pair per test, HTTP receivers on 127.0.0.1, and the module's two
accounts (tests/conftest.py's `account_pair`) with their endpoints forgotten after each test."""
from __future__ import annotations

from typing import Any, Iterator

import pytest

from devstack.webhook_receiver import WebhookReceiver
from support.accounts import Account, Pair
from support.webhooks import Hooks, make_hooks


@pytest.fixture
def hooks(api: Any, monkeypatch: Any) -> Hooks:
    return make_hooks(monkeypatch)


@pytest.fixture
def receiver() -> Iterator[WebhookReceiver]:
    with WebhookReceiver() as running:
        yield running


@pytest.fixture
def other_receiver() -> Iterator[WebhookReceiver]:
    with WebhookReceiver() as running:
        yield running


def _forget_endpoints(accounts: Pair) -> None:
    from chalicelib import wiring

    endpoints = wiring.container().webhook_endpoints
    for account in accounts:
        for endpoint in endpoints.for_user(account.user_id):
            endpoints.delete(account.user_id, endpoint["id"])


@pytest.fixture
def client_account(account_pair: Pair, api: Any) -> Iterator[Account]:
    yield account_pair.client
    _forget_endpoints(account_pair)


@pytest.fixture
def sales_pro(account_pair: Pair, api: Any) -> Iterator[Account]:
    yield account_pair.sales_pro
    _forget_endpoints(account_pair)
