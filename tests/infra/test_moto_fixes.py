"""The fence around devstack.moto_fixes: the moto version they were written for, and what a
fix does when moto no longer has what it replaces."""
from __future__ import annotations

from pathlib import Path

import pytest

from devstack import moto_fixes
from devstack.moto_fixes._patch import existing

ROOT = Path(__file__).resolve().parents[2]


def test_apply_refuses_a_moto_version_the_fixes_were_not_written_for(monkeypatch):
    monkeypatch.setattr(moto_fixes.metadata, "version", lambda name: "5.3.0")
    with pytest.raises(RuntimeError, match=r"moto 5\.2\.5.*moto 5\.3\.0 is installed"):
        moto_fixes.apply()


def test_the_version_the_fixes_expect_is_the_one_requirements_pin():
    assert f"moto[server]=={moto_fixes.MOTO_VERSION}\n" in (
        ROOT / "requirements-dev.txt").read_text()


def test_a_fix_fails_loudly_when_moto_no_longer_has_what_it_replaces():
    from moto.sqs.models import SQSBackend

    with pytest.raises(RuntimeError, match="SQSBackend.renamed does not exist"):
        existing(SQSBackend, "renamed")
    with pytest.raises(RuntimeError, match=r"get_queue no longer takes \['name'\]"):
        existing(SQSBackend, "get_queue", "name")

