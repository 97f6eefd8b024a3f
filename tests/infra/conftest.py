"""Fixtures for the infra tests: fake credentials, no endpoint override, an in-process moto."""
from __future__ import annotations

import secrets
from pathlib import Path
from typing import Iterator

import boto3
import pytest
from moto import mock_aws

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session", autouse=True)
def fake_aws_credentials() -> Iterator[None]:
    with pytest.MonkeyPatch.context() as patch:
        for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
            patch.setenv(name, "testing")
        patch.setenv("AWS_DEFAULT_REGION", "us-east-1")
        for name in ("AWS_ENDPOINT_URL", "AWS_PROFILE"):
            patch.delenv(name, raising=False)
        yield


@pytest.fixture
def session(monkeypatch: pytest.MonkeyPatch) -> Iterator[boto3.Session]:
    # A fresh moto account per test: when another test module's session-wide mock is active,
    # leaving this inner mock resets nothing, so stacks and keys would leak between tests.
    monkeypatch.setenv("MOTO_ACCOUNT_ID", str(secrets.randbelow(10**11) + 10**11))
    with mock_aws():
        yield boto3.Session(region_name="us-east-1")
