"""A concurrent HTTP mix whose every answer can only be right for the request that asked:
shared by `python -m bench http` and tests/local_stack/test_local_stack_concurrency.py.

Each request carries a tag of its own (an opportunity's title, a release's description, a
funding's amount) and is sent with its caller's token, so an answer holding another caller's
profile, another request's object, or a write accepted for a read-only token is **crosstalk**.
After the requests, `stored_problems` reads back what the API stored: every create exactly once
under its caller, every money POST exactly once on its caller's engagement, balances equal to
the caller's own movements, nothing written by the read-only token.

Accounts come from the admin CLI (`admin(*args)` runs `python -m chalicelib.admin` against the
stack and returns the CompletedProcess); everything else goes through the API, loopback only."""
from __future__ import annotations

import itertools
import json
import random
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from typing import Any, Callable

import requests

Admin = Callable[..., Any]
OPPORTUNITY = {"industry": "saas", "description": "Concurrency check",
               "compensation_model": "commission", "commission_rate": 0.1, "duration": "ongoing"}
OPENING_BALANCE = 1_000_000  # every release of a mix fits in it: none may be refused


@dataclass(frozen=True)
class Caller:
    name: str
    user_id: str
    email: str
    token: str
    engagement_id: str = ""
    writes: bool = True  # False: a token with scope=read


@dataclass(frozen=True)
class Call:
    kind: str  # me | create | fund | release | read_only_post
    caller: Caller
    method: str
    path: str
    body: dict[str, Any] | None
    tag: str = ""
    amount: int = 0


@dataclass(frozen=True)
class Answer:
    call: Call
    status: int
    body: Any
    seconds: float
    problem: str | None  # None: the answer this request (and only it) should get

    @property
    def crosstalk(self) -> bool:
        return (self.problem or "").startswith("crosstalk")


# ------------------------------------------------------------------ accounts and engagements
def admin_json(admin: Admin, *args: str) -> dict[str, Any]:
    done = admin(*args)
    assert done.returncode == 0, f"admin {args[0]} failed: {done.stderr}"
    return json.loads(done.stdout)


def access_token(base: str, client_id: str, secret: str, scope: str | None = None) -> str:
    body = {"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret}
    answer = requests.post(f"{base}/oauth/token", json={**body, **({"scope": scope} if scope
                                                                   else {})}, timeout=10)
    assert answer.status_code == 200, answer.text
    return answer.json()["access_token"]


def new_accounts(base: str, admin: Admin, kinds: dict[str, str],
                 read_only: tuple[str, ...] = ()) -> dict[str, Caller]:
    """New accounts, {name: user type}, with limits no mix reaches (this is not about rate
    limiting), and for each name in `read_only` a second caller "<name> (read-only)" with a
    scope=read token. The admin CLI runs in parallel; the API is asked one request at a time
    (setup must not depend on what is being measured)."""
    def create(name: str) -> dict[str, Any]:
        email = f"{name.lower()}-{uuid.uuid4().hex[:10]}@example.com"
        made = admin_json(admin, "create-account", "--type", kinds[name], "--name", name,
                          "--email", email, "--industry", "saas",
                          *(("--company", f"{name} Inc") if kinds[name] == "client" else ()))
        admin_json(admin, "set-plan", "--user-id", made["user_id"], "--plan", "custom",
                   "--per-minute", "1000000", "--per-day", "100000000")
        return {**made, "name": name, "email": email}
    with ThreadPoolExecutor(len(kinds)) as pool:
        made = list(pool.map(create, kinds))
    callers = {m["name"]: Caller(m["name"], m["user_id"], m["email"], access_token(
        base, m["client_id"], m["client_secret"])) for m in made}
    for m in made:
        if m["name"] in read_only:
            name = f"{m['name']} (read-only)"
            callers[name] = Caller(name, m["user_id"], m["email"], access_token(
                base, m["client_id"], m["client_secret"], "read"), writes=False)
    return callers


def call(base: str, method: str, path: str, token: str, body: Any = None) -> Any:
    """One request that must succeed; its JSON answer."""
    answer = requests.request(method, f"{base}{path}", json=body, timeout=15,
                              headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code < 300, f"{method} {path}: {answer.status_code} {answer.text}"
    return answer.json() if answer.content else None


def wait_settled(base: str, token: str, payment_id: str, timeout: float = 20) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        payment = call(base, "GET", f"/v1/payments/{payment_id}", token)
        if payment["status"] != "processing":
            return payment
        assert time.monotonic() < deadline, f"{payment_id} still processing after {timeout}s"
        time.sleep(0.2)


def open_engagement(base: str, client: Caller, pro: Caller, funded: int = 0) -> str:
    """An active engagement between them, made through the API, its escrow funded (settled)."""
    opportunity = call(base, "POST", "/v1/opportunities", client.token,
                       {**OPPORTUNITY, "title": f"Engagement for {client.name}"})
    engagement = call(base, "POST", "/v1/engagements", client.token,
                      {"opportunity_id": opportunity["id"], "sales_pro_id": pro.user_id})
    call(base, "POST", f"/v1/engagements/{engagement['id']}/start", pro.token)
    if funded:
        payment = call(base, "POST", "/v1/payments/escrow/fund", client.token,
                       {"engagement_id": engagement["id"], "amount": funded})
        assert wait_settled(base, client.token, payment["id"])["status"] == "succeeded"
    return engagement["id"]


def clients_with_engagements(base: str, admin: Admin) -> tuple[Caller, Caller, Caller]:
    """Clients A and B, each with a funded engagement of its own (one sales pro for both, so
    the pro's ledger account takes concurrent writes), and a read-only caller of A."""
    made = new_accounts(base, admin, {"A": "client", "B": "client", "Pro": "sales_pro"},
                        read_only=("A",))
    a, b, pro = made["A"], made["B"], made["Pro"]
    a, b = (replace(c, engagement_id=open_engagement(base, c, pro, OPENING_BALANCE))
            for c in (a, b))
    return a, b, made["A (read-only)"]


# ------------------------------------------------------------------ the mix
_amounts = itertools.count(101)


def build_mix(clients: list[Caller], read_only: Caller | None, *, reads: int, creates: int,
              funds: int, releases: int, read_only_posts: int, seed: int = 1) -> list[Call]:
    """Per client: `reads` GET /users/me, `creates` opportunities, `funds` fundings and
    `releases` releases of its own escrow; plus the read-only token's POSTs. Every amount is
    distinct in the process (an amount identifies its funding); shuffled, reproducibly."""
    run = uuid.uuid4().hex[:8]
    calls: list[Call] = []
    for c in clients:
        calls += [Call("me", c, "GET", "/v1/users/me", None) for _ in range(reads)]
        for i in range(creates):
            tag = f"mix-{run}-{c.name}-{i}"
            calls.append(Call("create", c, "POST", "/v1/opportunities",
                              {**OPPORTUNITY, "title": tag}, tag))
        for _ in range(funds):
            amount = next(_amounts)
            calls.append(Call("fund", c, "POST", "/v1/payments/escrow/fund",
                              {"engagement_id": c.engagement_id, "amount": amount}, "", amount))
        for i in range(releases):
            tag, amount = f"mix-{run}-{c.name}-release-{i}", next(_amounts)
            calls.append(Call("release", c, "POST", "/v1/payments/escrow/release",
                              {"engagement_id": c.engagement_id, "amount": amount,
                               "description": tag}, tag, amount))
    if read_only:
        for i in range(read_only_posts):
            tag = f"mix-{run}-read-only-{i}"
            calls.append(Call("read_only_post", read_only, "POST", "/v1/opportunities",
                              {**OPPORTUNITY, "title": tag}, tag))
    random.Random(seed).shuffle(calls)
    return calls


def judge(c: Call, status: int, body: Any) -> str | None:
    """None when the answer is this request's own; else what is wrong with it."""
    owner = c.caller
    if c.kind == "read_only_post":
        if status < 300:
            return f"crosstalk: a read-only token's POST answered {status}"
        code = _code(body)
        return None if (status, code) == (403, "insufficient_scope") else \
            f"error: {status} {code}"
    expected = {"me": (200,), "create": (201,), "fund": (201, 202), "release": (201, 202)}
    if status not in expected[c.kind]:
        if status == 403 and _code(body) == "insufficient_scope":
            return "crosstalk: refused as another caller's read-only token"
        return f"error: {status} {_code(body)}"
    if c.kind == "me":
        got = (body.get("id"), body.get("email"))
        return None if got == (owner.user_id, owner.email) else f"crosstalk: profile {got}"
    if c.kind == "create":
        got = (body.get("title"), body.get("client_id"))
        return None if got == (c.tag, owner.user_id) else f"crosstalk: opportunity {got}"
    want = {"type": f"escrow_{c.kind}", "engagement_id": owner.engagement_id,
            "client_id": owner.user_id, "amount": c.amount}
    if c.kind == "release":
        want["description"] = c.tag
    got = {k: body.get(k) for k in want}
    return None if got == want else f"crosstalk: payment {got}"


def _code(body: Any) -> str | None:
    return body.get("error", {}).get("code") if isinstance(body, dict) else None


def fire(base: str, calls: list[Call], workers: int, seconds: float = 60) -> list[Answer]:
    """Send `calls` from `workers` threads (one HTTP session each), all released at once;
    calls not started within `seconds` are skipped."""
    local, gate = threading.local(), threading.Barrier(max(1, min(workers, len(calls))))
    deadline = time.monotonic() + seconds

    def send(c: Call) -> Answer | None:
        if not hasattr(local, "session"):
            local.session = requests.Session()
            try:
                gate.wait(timeout=10)  # the first `workers` requests leave together
            except threading.BrokenBarrierError:
                pass
        if time.monotonic() > deadline:
            return None
        started = time.perf_counter()
        try:
            answer = local.session.request(c.method, f"{base}{c.path}", json=c.body, timeout=30,
                                           headers={"Authorization": f"Bearer {c.caller.token}"})
        except requests.RequestException as failed:  # refused, reset, timed out: an error
            return Answer(c, 0, None, time.perf_counter() - started,
                          f"error: {type(failed).__name__}: {failed}")
        elapsed = time.perf_counter() - started
        try:
            body = answer.json()
        except ValueError:
            body = answer.text
        return Answer(c, answer.status_code, body, elapsed, judge(c, answer.status_code, body))
    with ThreadPoolExecutor(workers) as pool:
        return [a for a in pool.map(send, calls) if a is not None]


# ------------------------------------------------------------------ what was stored
def list_all(base: str, path: str, token: str) -> list[dict[str, Any]]:
    """Every item of a paginated list."""
    items, cursor = [], None
    while True:
        page = requests.get(f"{base}{path}", timeout=15,
                            params={"limit": 100, **({"cursor": cursor} if cursor else {})},
                            headers={"Authorization": f"Bearer {token}"})
        assert page.status_code == 200, page.text
        items += page.json()["data"]
        cursor = page.json()["next_cursor"]
        if not cursor:
            return items


def payments_of(base: str, client: Caller, timeout: float = 30) -> list[dict[str, Any]]:
    """The payments of the client's engagement, once none is processing any more."""
    deadline = time.monotonic() + timeout
    while True:
        payments = list_all(base, f"/v1/payments?engagement_id={client.engagement_id}",
                            client.token)
        if all(p["status"] != "processing" for p in payments) or time.monotonic() > deadline:
            return payments
        time.sleep(0.3)


def stored_problems(base: str, clients: list[Caller], calls: list[Call]) -> dict[str, int]:
    """Reads back what the API stored for `calls` (each sent once): counts of writes lost,
    stored more than once, stored under another caller, stored for the read-only token, money
    POSTs that did not succeed, and escrow balances that differ from their payments."""
    found = {"lost_writes": 0, "duplicates": 0, "misplaced": 0, "read_only_writes": 0,
             "failed_payments": 0, "balance_mismatches": 0}
    stored: dict[str, dict[Any, list[dict[str, Any]]]] = {}  # client -> tag/amount -> items
    for c in clients:
        mine: dict[Any, list[dict[str, Any]]] = {}
        for item in list_all(base, "/v1/opportunities", c.token):
            mine.setdefault(item["title"], []).append(item)
        payments = payments_of(base, c)
        for p in payments:
            mine.setdefault(p["description"] if p["type"] == "escrow_release"
                            else ("fund", p["amount"]), []).append(p)
        stored[c.user_id] = mine
        balance = call(base, "GET", f"/v1/payments/balance?engagement_id={c.engagement_id}",
                       c.token)
        flows = {k: sum(p["amount"] for p in payments if p["type"] == f"escrow_{kind}"
                        and p["status"] == "succeeded")
                 for k, kind in (("funded", "fund"), ("released", "release"))}
        found["balance_mismatches"] += flows != {k: balance[k] for k in flows}
    for c in calls:
        key = ("fund", c.amount) if c.kind == "fund" else c.tag
        if c.kind == "read_only_post":
            found["read_only_writes"] += sum(len(s.get(key, [])) for s in stored.values())
            continue
        if not key:
            continue
        own = stored[c.caller.user_id].get(key, [])
        found["lost_writes"] += not own
        found["duplicates"] += max(0, len(own) - 1)
        found["misplaced"] += sum(len(s.get(key, [])) for user, s in stored.items()
                                  if user != c.caller.user_id)
        if c.kind in ("fund", "release"):
            found["failed_payments"] += sum(item["status"] != "succeeded" for item in own)
    return found
