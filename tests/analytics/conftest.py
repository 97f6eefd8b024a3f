"""Analytics fixtures. Data fixtures are module-scoped (one wired container and one data set per
module; every test reads it through the API), and accounts are single PROFILE items, so the
suite stays fast. The table stream is wired to the app's handler as the local stack wires it."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

import pytest

from support.streams import StreamTap


@dataclass
class Party:
    user_id: str
    type: str
    token: str


@pytest.fixture(scope="module")
def module_services(aws_env: Any) -> Any:
    from chalicelib import wiring

    return wiring.reset()


@pytest.fixture(scope="module", autouse=True)
def forget_fabricated_payments(aws_env: Any) -> Any:
    """Payments the builders write have no ledger transfers behind them; delete them with the
    module, so whole-ledger audits in later test files (same moto backend) stay exact."""
    from .builders import FABRICATED_PAYMENT_IDS

    yield
    from chalicelib import wiring

    table = wiring.container().table
    for pay_id in FABRICATED_PAYMENT_IDS:
        table.delete_item(Key={"PK": f"PAY#{pay_id}", "SK": "PAY"})
    FABRICATED_PAYMENT_IDS.clear()


@pytest.fixture
def services(module_services: Any) -> Any:
    """The module's container, made current again (another module may have replaced it)."""
    from chalicelib import wiring

    wiring._container = module_services
    return module_services


@pytest.fixture
def api(services: Any, shared_api: Any) -> Any:
    return shared_api


@pytest.fixture(scope="module")
def new_party(module_services: Any) -> Callable[[str], Party]:
    """A fresh account with a token, written as one PROFILE item: analytics only needs the
    authorizer to find it (a full sign-up costs a transaction and a slow secret hash)."""
    from chalicelib.clock import sortable
    from chalicelib.ids import new_id

    def make(user_type: str) -> Party:
        user_id, now = new_id("usr"), sortable(module_services.clock.now())
        module_services.table.put_item(Item={
            "PK": f"USER#{user_id}", "SK": "PROFILE", "entity": "user", "id": user_id,
            "type": user_type, "name": f"Analytics {user_type}", "status": "active",
            "email": f"{user_id.lower()}@example.com", "plan": "professional",
            "verified": True, "created_at": now, "updated_at": now, "version": 1})
        token = module_services.token_issuer.issue(user_id=user_id, client_id=new_id("cli"),
                                                   scopes=["read", "write"])
        return Party(user_id, user_type, token)
    return make


@pytest.fixture
def client(new_party: Any) -> Party:
    return new_party("client")


@pytest.fixture
def pro(new_party: Any) -> Party:
    return new_party("sales_pro")


@pytest.fixture
def other_client(new_party: Any) -> Party:
    return new_party("client")


@pytest.fixture
def other_pro(new_party: Any) -> Party:
    return new_party("sales_pro")


@pytest.fixture
def stream(services: Any) -> StreamTap:
    return StreamTap(services, "analytics_aggregates")


@pytest.fixture
def aws_calls(services: Any) -> Any:
    """Names of the AWS calls made through the container's clients (the table's, the rate
    limiter's, and any made later), as `python -m bench calls` counts them."""
    calls: list[str] = []

    def count(event_name: str, **_: Any) -> None:
        calls.append(event_name.rsplit(".", 1)[-1])
    emitters = {id(e): e for e in (services.table.meta.client.meta.events,
                                   services.rate_counters.table.meta.client.meta.events,
                                   services.session.events)}
    for emitter in emitters.values():
        emitter.register("before-call.*.*", count)
    yield calls
    for emitter in emitters.values():
        emitter.unregister("before-call.*.*", count)
