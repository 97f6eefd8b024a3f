"""Point the CLI at the local stack or a deployed stage before any service is built."""
from __future__ import annotations

import json
import os
import socket
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

# Written by the local stack when it starts (devstack/stack_env.py): one file per API port, and
# dev-env.json pointing at the stack started last. LEADNOD_LOCAL_ENV names another file.
LOCAL_DIR = Path(__file__).resolve().parents[2] / ".local"
DEFAULT_LOCAL_ENV = LOCAL_DIR / "dev-env.json"


class TargetError(Exception):
    pass


def stack_env(stage: str) -> dict[str, str]:
    """Environment for a deployed stage, from its infra stack's outputs."""
    import boto3

    stacks = boto3.client("cloudformation").describe_stacks(StackName=f"leadnod-{stage}")
    stack = stacks["Stacks"][0]
    env = {"LEADNOD_STAGE": stage}
    for output in stack.get("Outputs", []):
        key = output["OutputKey"]
        env["".join(f"_{c}" if c.isupper() else c for c in key).lstrip("_").upper()] = \
            output["OutputValue"]
    return env


def local_env_file(port: int | None = None) -> Path:
    """Which stack: `--port`, else `LEADNOD_LOCAL_ENV`, else the one started last."""
    if port is not None:
        return LOCAL_DIR / f"dev-{port}-env.json"
    return Path(os.environ.get("LEADNOD_LOCAL_ENV") or DEFAULT_LOCAL_ENV)


def local_env(port: int | None = None) -> dict[str, str]:
    """Environment for a running local stack, from the file `make run` wrote when it started.
    Refuses when that stack is not answering, rather than reaching whatever else listens."""
    env_file = local_env_file(port)
    if not env_file.exists():
        raise TargetError(f"No local stack is recorded in {env_file}: run `make run`"
                          + (f" with PORT={port}." if port is not None else "."))
    env_file = env_file.resolve()  # dev-env.json: the latest stack's own file
    recorded = json.loads(env_file.read_text())
    endpoint = recorded.get("AWS_ENDPOINT_URL")
    if not endpoint:
        raise TargetError(f"{env_file} does not record the stack's AWS endpoint (written by an "
                          "older version): restart the stack with `make run`.")
    if not _alive(recorded.get("LEADNOD_LOCAL_PID")) or not _answers(endpoint):
        raise TargetError(f"The local stack recorded in {env_file} (API port "
                          f"{recorded.get('PORT', '?')}, AWS endpoint {endpoint}) is not "
                          "answering: start it with `make run`, or pick a running one with "
                          "--port.")
    env = {"LEADNOD_STAGE": "dev"}
    env.update((name, os.environ.get(name, value)) for name, value in (
        ("AWS_ACCESS_KEY_ID", "local"), ("AWS_SECRET_ACCESS_KEY", "local"),
        ("AWS_DEFAULT_REGION", "us-east-1")))
    env.update(recorded)
    return env


def _alive(pid: str | None) -> bool:
    if not pid:
        return True  # not recorded: the endpoint check decides
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except (PermissionError, ValueError, OverflowError):
        return True
    return True


def _answers(endpoint: str, timeout: float = 2.0) -> bool:
    parts = urlsplit(endpoint)
    try:
        with socket.create_connection((parts.hostname or "127.0.0.1",
                                       parts.port or (443 if parts.scheme == "https" else 80)),
                                      timeout=timeout):
            return True
    except OSError:
        return False


def configure(stage: str, port: int | None = None) -> Any:
    from .. import wiring

    os.environ.update(local_env(port) if stage == "dev" else stack_env(stage))
    return wiring.reset()
