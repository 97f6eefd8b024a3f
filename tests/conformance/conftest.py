"""The conformance driver's session: one local stack, its accounts, real webhook deliveries, the
fault proxy, and the session file every runner reads (sdk/conformance/README.md).

The suite runs only when `-m` names `conformance` (`make conformance`): each runner is a
toolchain of its own and takes its minute, too long for `make test`'s budget."""
from __future__ import annotations

import json
import os
from typing import Any

import pytest

from support import ROOT

from .fault_proxy import FaultProxy
from .session import WEBHOOK_SECRET, create_accounts, delivered_samples

SCENARIOS = ROOT / "sdk" / "conformance" / "scenarios.json"


@pytest.fixture(scope="session")
def conformance_session(local_stack: dict[str, Any], local_admin: Any,
                        tmp_path_factory: Any) -> Any:
    """The session file's path; the proxy and the webhook receiver live as long as it."""
    from devstack.webhook_receiver import WebhookReceiver

    accounts = create_accounts(local_admin)
    with WebhookReceiver(secret=WEBHOOK_SECRET) as receiver, \
            FaultProxy(local_stack["base"]) as proxy:
        samples = delivered_samples(local_stack["base"], accounts["client2"], receiver)
        session = {
            "base_url": proxy.url, "control_url": proxy.control_url,
            "scenarios": str(SCENARIOS), "accounts": accounts,
            "vars": {**{f"{name}_user_id": a["user_id"] for name, a in accounts.items()},
                     "webhook_url": receiver.url()},
            "webhooks": samples}
        only = [name for name in os.environ.get("CONFORMANCE_ONLY", "").split(",") if name]
        if only:
            session["only"] = only
        path = tmp_path_factory.mktemp("conformance") / "session.json"
        path.write_text(json.dumps(session, indent=2))
        yield path
