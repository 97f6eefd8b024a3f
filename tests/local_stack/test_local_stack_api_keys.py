"""On the local stack (`python -m devstack`, provisioned from infra/template.yaml): the plans'
key pools exist, and creating accounts creates no API key at the AWS endpoint."""
from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import boto3
import requests

from support import ROOT

# The admin CLI's own path (`create-account`): target the stack, then the accounts service.
CREATE_50 = textwrap.dedent("""
    import time
    from chalicelib.admin.target import configure
    services = configure("dev")
    for n in range(50):
        services.accounts.create_account(
            user_type="client" if n % 2 else "sales_pro", name=f"Pool {n}",
            email=f"pool-{n}-{time.time_ns()}@example.com",
            plan=("professional", "enterprise", "custom")[n % 3])
    print("created")
""")


def api_keys(stack) -> list[dict]:
    apigateway = boto3.client("apigateway", endpoint_url=f"http://127.0.0.1:{stack['moto_port']}",
                              region_name="us-east-1", aws_access_key_id="local",
                              aws_secret_access_key="local")
    return [key for page in apigateway.get_paginator("get_api_keys").paginate()
            for key in page["items"]]


def test_50_new_accounts_create_no_api_key_on_the_local_stack(local_stack):
    before = api_keys(local_stack)
    assert sorted(k["name"] for k in before if "-pool-" in k["name"]) == sorted(
        f"leadnod-dev-{plan}-pool-{slot:02d}" for plan in ("professional", "enterprise", "custom")
        for slot in range(16))
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(LEADNOD_LOCAL_ENV=local_stack["env_file"])
    done = subprocess.run([sys.executable, "-c", CREATE_50], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0 and "created" in done.stdout, done.stderr
    assert len(api_keys(local_stack)) == len(before)
    assert requests.get(f"{local_stack['base']}/v1/openapi.json", timeout=10).ok  # still up
