"""One process serving requests side by side (threads, as any threaded server would) must
answer each with its own caller and body: the views read the request from `request_scope`,
never from the app's one shared `current_request` (issue 12)."""
from __future__ import annotations

import ast
import threading
from concurrent.futures import ThreadPoolExecutor

from support import ROOT


def test_threads_in_one_process_each_get_their_own_request(api, make_account):
    people = [make_account("client", unlimited=True) for _ in range(2)]
    gate = threading.Barrier(8)

    def send(n: int) -> list[str]:
        who = people[n % 2]
        gate.wait(timeout=10)
        problems = []
        for i in range(6):
            title = f"Scope {n}-{i}"
            created = api.post("/v1/opportunities", token=who.token, json_body={"title": title})
            if created.status != 201 or created.json()["title"] != title \
                    or created.json()["client_id"] != who.user_id:
                problems.append(f"{title}: {created.status} {created.body[:120]!r}")
            me = api.get("/v1/users/me", token=who.token)
            if me.json().get("id") != who.user_id:
                problems.append(f"me as {who.user_id}: {me.body[:120]!r}")
        return problems

    with ThreadPoolExecutor(8) as pool:
        problems = [p for found in pool.map(send, range(8)) for p in found]
    assert problems == []


def test_nothing_in_chalicelib_reads_the_apps_shared_request():
    """`current_request` and `lambda_context` of an app or blueprint are process-wide."""
    found = []
    for path in (ROOT / "chalicelib").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Attribute) and node.attr in ("current_request",
                                                                  "lambda_context") \
                    and not (isinstance(node.value, ast.Name) and node.value.id == "request"):
                found.append(f"{path.relative_to(ROOT)}:{node.lineno} .{node.attr}")
    assert found == []
