"""`make package` run on a copy of the project without its requirements: the template, not the
zip, is under test, and building the requirements' wheels would need PyPI."""
from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from deploy.package import package

from .conftest import ROOT


def app_functions() -> dict[str, str]:
    """Each Lambda function the app declares, by its logical id in the packaged template, with
    what invokes it (`api`, `authorizer`, `sqs`, `stream`, `schedule`): what the packaging tests
    expect, so that a function added to the app is checked without editing them."""
    from chalice.utils import to_cfn_resource_name

    from app import app

    functions = {"APIHandler": "api"}
    functions.update({to_cfn_resource_name(auth.name): "authorizer"
                      for auth in app.builtin_auth_handlers})
    for source in app.event_sources:
        kind = ("stream" if getattr(source, "stream_arn", None) else
                "schedule" if getattr(source, "schedule_expression", None) else
                "sqs" if getattr(source, "queue", None) or getattr(source, "queue_arn", None)
                else type(source).__name__)
        functions[to_cfn_resource_name(source.name)] = kind
    return functions


def of_kind(kind: str) -> set[str]:
    return {name for name, found in app_functions().items() if found == kind}


def package_copy(stage: str, tmp: Path) -> tuple[Path, dict[str, Any]]:
    """Package `stage` from a copy of the project in `tmp`; the template's path and content."""
    project = tmp / "project"
    if not project.exists():
        shutil.copytree(ROOT / "chalicelib", project / "chalicelib",
                        ignore=shutil.ignore_patterns("__pycache__"))
        shutil.copy(ROOT / "app.py", project / "app.py")
        (project / "requirements.txt").write_text("")
        shutil.copytree(ROOT / ".chalice", project / ".chalice",
                        ignore=shutil.ignore_patterns("deployed", "deployments", "venv"))
    with pytest.MonkeyPatch.context() as patch:  # no region, no credentials
        for name in ("AWS_DEFAULT_REGION", "AWS_REGION", "AWS_ACCESS_KEY_ID",
                     "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
            patch.delenv(name, raising=False)
        path = package(stage, project_dir=project, out_dir=tmp / "dist" / stage)
    return path, yaml.safe_load(path.read_text())
