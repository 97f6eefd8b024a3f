"""The admin CLI finds a deployed stage's resources from its infra stack's outputs."""
from __future__ import annotations

import json

import boto3


def test_stack_env_maps_outputs_to_environment(aws_env):
    from chalicelib.admin.target import stack_env

    template = {"Resources": {"Topic": {"Type": "AWS::SNS::Topic"}},
                "Outputs": {"TableName": {"Value": "leadnod-sandbox"},
                            "TokenSigningKeyIds": {"Value": "alias/leadnod-sandbox-token-signing"},
                            "WebhookDlqUrl": {"Value": "https://sqs/dlq"}}}
    boto3.client("cloudformation").create_stack(StackName="leadnod-sandbox",
                                                TemplateBody=json.dumps(template))
    env = stack_env("sandbox")
    assert env["LEADNOD_STAGE"] == "sandbox"
    assert env["TABLE_NAME"] == "leadnod-sandbox"
    assert env["TOKEN_SIGNING_KEY_IDS"] == "alias/leadnod-sandbox-token-signing"
    assert env["WEBHOOK_DLQ_URL"] == "https://sqs/dlq"


# The local stack: each `make run` records its own AWS endpoint, per API port.

import socket  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402

import pytest  # noqa: E402


@pytest.fixture
def local_dir(tmp_path, monkeypatch):
    from chalicelib.admin import target

    monkeypatch.delenv("LEADNOD_LOCAL_ENV", raising=False)
    monkeypatch.setattr(target, "LOCAL_DIR", tmp_path)
    monkeypatch.setattr(target, "DEFAULT_LOCAL_ENV", tmp_path / "dev-env.json")
    return tmp_path


@pytest.fixture
def listening():
    """A port something answers on, standing for a running stack's moto server."""
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        yield server.getsockname()[1]


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_each_stack_records_its_aws_endpoint_in_a_file_per_api_port(local_dir):
    from devstack.stack_env import write_env_file

    first = write_env_file({"TABLE_NAME": "leadnod-dev"}, port=8100, moto_port=5100,
                           local_dir=local_dir)
    second = write_env_file({"TABLE_NAME": "leadnod-dev"}, port=8200, moto_port=5200,
                            local_dir=local_dir)

    assert (first.name, second.name) == ("dev-8100-env.json", "dev-8200-env.json")
    recorded = json.loads(first.read_text())
    assert recorded["AWS_ENDPOINT_URL"] == "http://127.0.0.1:5100"
    assert (recorded["PORT"], recorded["MOTO_PORT"], recorded["TABLE_NAME"]) == (
        "8100", "5100", "leadnod-dev")
    assert recorded["TOKEN_ISSUER"] == "http://127.0.0.1:8100"
    assert (local_dir / "dev-env.json").resolve() == second.resolve()  # the latest started


def test_the_cli_uses_the_recorded_endpoint_not_moto_port(local_dir, listening, monkeypatch):
    from chalicelib.admin.target import local_env
    from devstack.stack_env import write_env_file

    monkeypatch.setenv("MOTO_PORT", "5000")
    write_env_file({}, port=8100, moto_port=listening, local_dir=local_dir)
    write_env_file({}, port=8200, moto_port=closed_port(), local_dir=local_dir)

    assert local_env(8100)["AWS_ENDPOINT_URL"] == f"http://127.0.0.1:{listening}"
    monkeypatch.setenv("LEADNOD_LOCAL_ENV", str(local_dir / "dev-8100-env.json"))
    assert local_env()["PORT"] == "8100"   # LEADNOD_LOCAL_ENV before the latest (8200)


@pytest.mark.parametrize("port", [8200, None])
def test_the_cli_refuses_a_recorded_stack_that_is_not_answering(local_dir, listening, capsys,
                                                               port):
    from chalicelib.admin.__main__ import main
    from devstack.stack_env import write_env_file

    write_env_file({}, port=8100, moto_port=listening, local_dir=local_dir)
    write_env_file({}, port=8200, moto_port=closed_port(), local_dir=local_dir)  # latest

    code = main([*(["--port", str(port)] if port else []), "seed"])

    assert code == 2
    error = capsys.readouterr().err
    assert "dev-8200-env.json" in error and "is not answering" in error


def test_the_cli_refuses_a_stack_whose_process_is_gone(local_dir, listening):
    from chalicelib.admin.target import TargetError, local_env
    from devstack.stack_env import write_env_file

    path = write_env_file({}, port=8100, moto_port=listening, local_dir=local_dir)
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True).stdout.strip()
    path.write_text(json.dumps({**json.loads(path.read_text()), "LEADNOD_LOCAL_PID": gone}))

    with pytest.raises(TargetError, match="is not answering"):
        local_env(8100)
    with pytest.raises(TargetError, match="No local stack is recorded"):
        local_env(8300)
