"""SDK tests: `leadnod.Client` and `leadnod.AsyncClient` against the real app through the
Chalice test client (see transport.py), on moto, with the payments consumer running.

One wired container for the package, on a clock the tests can move forward (tokens expiring,
rate-limit windows passing); accounts are made once. Tests that cover a resource run twice,
once per client (`sdk` is parametrised "sync"/"async"), through helpers that await for the
async client: `sdk.run(client.users.me())`, `sdk.all(client.opportunities.list())`."""
from __future__ import annotations

import asyncio
import inspect
from datetime import timedelta
from typing import Any, List, Optional

import httpx
import pytest

from support.accounts import new_account
from support.api import Api
from support.clock import MovableClock
from support.marketplace import DOCS_OPPORTUNITY

from .transport import AsyncChaliceTransport, ChaliceTransport


@pytest.fixture(scope="package")
def sdk_services(payments_poller: Any) -> Any:
    from chalicelib import wiring

    return wiring.reset(MovableClock())


@pytest.fixture(autouse=True)
def services(sdk_services: Any) -> Any:
    """The package's container, made current again (another package may have replaced it),
    its clock back at real time after each test."""
    from chalicelib import wiring

    wiring._container = sdk_services
    yield sdk_services
    sdk_services.clock.offset = timedelta()


@pytest.fixture(scope="package")
def sdk_api(sdk_services: Any) -> Api:
    return Api()


class People:
    """Accounts shared by the package: two clients and two sales professionals."""

    def __init__(self, services: Any) -> None:
        self._services = services
        self.client = self.new("client", company="Acme Corp", industry="saas")
        self.client2 = self.new("client", company="Globex", industry="fintech")
        self.pro = self.new("sales_pro", industry="saas", profile={
            "headline": "Enterprise AE", "skills": ["Negotiation", "Enterprise sales"],
            "years_experience": 6, "availability": "available",
            "compensation_models": ["hybrid"]})
        self.pro2 = self.new("sales_pro", industry="saas")

    def new(self, user_type: str, **fields: Any) -> Any:
        return new_account(self._services, user_type, unlimited=True, **fields)


@pytest.fixture(scope="package")
def people(sdk_services: Any) -> People:
    return People(sdk_services)


class Sdk:
    """Makes SDK clients of one kind (sync or async) wired to the app, and runs their calls:
    `run` awaits what the async client returns, `all` collects every item of a list."""

    def __init__(self, kind: str, api: Any) -> None:
        self.kind = kind
        self.transport = ChaliceTransport(api)
        self._loop: Optional[asyncio.AbstractEventLoop] = None
        self._clients: List[Any] = []

    @property
    def is_async(self) -> bool:
        return self.kind == "async"

    @property
    def loop(self) -> asyncio.AbstractEventLoop:
        if self._loop is None:
            self._loop = asyncio.new_event_loop()
        return self._loop

    def client(self, account: Any = None, **options: Any) -> Any:
        import leadnod

        if account is not None:
            options.setdefault("client_id", account.client_id)
            options.setdefault("client_secret", account.client_secret)
        options.setdefault("environment", "sandbox")
        if self.is_async:
            made = leadnod.AsyncClient(
                http_client=httpx.AsyncClient(transport=AsyncChaliceTransport(self.transport)),
                **options)
        else:
            made = leadnod.Client(http_client=httpx.Client(transport=self.transport), **options)
        self._clients.append(made)
        return made

    def run(self, value: Any) -> Any:
        if not self.is_async:
            return value
        if inspect.iscoroutine(value):
            return self.loop.run_until_complete(value)

        async def wait(awaitable: Any) -> Any:  # an AsyncPage: awaitable, not a coroutine
            return await awaitable
        return self.loop.run_until_complete(wait(value))

    def all(self, page: Any) -> List[Any]:
        if not self.is_async:
            return list(page)

        async def collect() -> List[Any]:
            return [item async for item in page]
        return self.loop.run_until_complete(collect())

    def page_sizes(self, page: Any) -> List[int]:
        """How many items each page of a list holds, fetching them all."""
        if not self.is_async:
            return [len(each.data) for each in page.iter_pages()]

        async def sizes() -> List[int]:
            return [len(each.data) async for each in page.iter_pages()]
        return self.loop.run_until_complete(sizes())

    def close(self) -> None:
        for made in self._clients:
            self.run(made._http.aclose() if self.is_async else made._http.close())
        if self._loop is not None:
            self._loop.close()


@pytest.fixture(params=["sync", "async"])
def sdk(request: Any, sdk_api: Any) -> Any:
    made = Sdk(request.param, sdk_api)
    yield made
    made.close()


@pytest.fixture
def sync_sdk(sdk_api: Any) -> Any:
    made = Sdk("sync", sdk_api)
    yield made
    made.close()


@pytest.fixture
def no_sleep(monkeypatch: Any) -> List[float]:
    """The SDK's waits between retries, recorded instead of slept."""
    import leadnod._client

    waits: List[float] = []

    async def async_sleep(seconds: float) -> None:
        waits.append(seconds)

    monkeypatch.setattr(leadnod._client, "_sleep", waits.append)
    monkeypatch.setattr(leadnod._client, "_async_sleep", async_sleep)
    return waits


def active_engagement(sdk: Sdk, client: Any, pro: Any, pro_user_id: str, **opportunity: Any
                      ) -> Any:
    """The docs' opportunity, an engagement on it, started by the sales pro (all via SDK)."""
    opp = sdk.run(client.opportunities.create(**{**DOCS_OPPORTUNITY, **opportunity}))
    engagement = sdk.run(client.engagements.create(opportunity_id=opp.id,
                                                   sales_pro_id=pro_user_id))
    return sdk.run(pro.engagements.start(engagement.id))
