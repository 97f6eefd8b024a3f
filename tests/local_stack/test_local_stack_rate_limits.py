"""Black-box: the per-minute limit of a professional account through the local stack
(`python -m devstack`, shared with test_local_stack.py), accounts made by the admin CLI."""
from __future__ import annotations

import json
import time
from concurrent.futures import ThreadPoolExecutor

import requests

RATE_HEADERS = ("X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset",
                "RateLimit-Policy", "RateLimit")


def new_account(local_stack, local_admin) -> tuple[str, str]:
    """(user id, access token) of a new professional client account."""
    created = local_admin("create-account", "--type", "client", "--name", "Rate Test",
                          "--email", f"rate-{time.time_ns()}@example.com",
                          "--company", "Rate Inc", "--industry", "saas")
    assert created.returncode == 0, created.stderr
    account = json.loads(created.stdout)
    assert account["plan"] == "professional"
    answer = requests.post(f"{local_stack['base']}/oauth/token", json={
        "grant_type": "client_credentials", "client_id": account["client_id"],
        "client_secret": account["client_secret"]}, timeout=10)
    assert answer.status_code == 200, answer.text
    return account["user_id"], answer.json()["access_token"]


def start_of_a_quiet_minute(seconds_needed: float = 10) -> None:
    """The limiter counts in UTC minutes; start where the burst cannot straddle two."""
    left = 60 - time.time() % 60
    if left < seconds_needed:
        time.sleep(left + 0.05)


def test_65_requests_on_a_professional_account(local_stack, local_admin):
    with ThreadPoolExecutor(2) as pool:
        (_, token), (_, other_token) = pool.map(
            lambda _: new_account(local_stack, local_admin), range(2))
    url = f"{local_stack['base']}/v1/users/me"
    start_of_a_quiet_minute()
    answers = [requests.get(url, headers={"Authorization": f"Bearer {token}"}, timeout=10)
               for _ in range(65)]

    assert [a.status_code for a in answers] == [200] * 60 + [429] * 5
    assert [int(a.headers["X-RateLimit-Remaining"]) for a in answers[:60]] == \
        list(range(59, -1, -1))
    for refused in answers[60:]:
        assert all(name in refused.headers for name in RATE_HEADERS)
        assert refused.json()["error"]["code"] == "rate_limit_exceeded"
        assert refused.headers["X-RateLimit-Limit"] == "60"
        assert refused.headers["X-RateLimit-Remaining"] == "0"
        assert 1 <= int(refused.headers["Retry-After"]) <= 61
        assert int(refused.headers["X-RateLimit-Reset"]) >= int(time.time())
        assert refused.headers["RateLimit-Policy"] == \
            '"minute";q=60;w=60, "day";q=10000;w=86400'
        assert refused.headers["RateLimit"].startswith('"minute";r=0;')
        assert refused.headers["X-Request-Id"]

    other = requests.get(url, headers={"Authorization": f"Bearer {other_token}"}, timeout=10)
    assert other.status_code == 200 and other.headers["X-RateLimit-Remaining"] == "59"
