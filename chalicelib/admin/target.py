"""Point the CLI at the local stack or a deployed stage before any service is built."""
from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

# Written by the local stack when it starts; LEADNOD_LOCAL_ENV overrides (tests).
DEFAULT_LOCAL_ENV = Path(__file__).resolve().parents[2] / ".local" / "dev-env.json"


class TargetError(Exception):
    pass


def stack_env(stage: str) -> dict[str, str]:
    """Environment for a deployed stage, from its infra stack's outputs."""
    import boto3

    stack = boto3.client("cloudformation").describe_stacks(StackName=f"leadnod-{stage}")["Stacks"][0]
    env = {"LEADNOD_STAGE": stage}
    for output in stack.get("Outputs", []):
        key = output["OutputKey"]
        env["".join(f"_{c}" if c.isupper() else c for c in key).lstrip("_").upper()] = \
            output["OutputValue"]
    return env


def local_env() -> dict[str, str]:
    """Environment for the local stack (`make run` writes it when it starts)."""
    port = os.environ.get("MOTO_PORT", "5000")
    env = {"LEADNOD_STAGE": "dev", "AWS_ENDPOINT_URL": f"http://127.0.0.1:{port}"}
    for name, value in (("AWS_ACCESS_KEY_ID", "local"), ("AWS_SECRET_ACCESS_KEY", "local"),
                        ("AWS_DEFAULT_REGION", "us-east-1")):
        env.setdefault(name, os.environ.get(name, value))
    env_file = Path(os.environ.get("LEADNOD_LOCAL_ENV", DEFAULT_LOCAL_ENV))
    if not env_file.exists():
        raise TargetError(f"The local stack is not running ({env_file} is missing): run `make run`.")
    env.update(json.loads(env_file.read_text()))
    return env


def configure(stage: str) -> Any:
    from .. import wiring

    os.environ.update(local_env() if stage == "dev" else stack_env(stage))
    return wiring.reset()
