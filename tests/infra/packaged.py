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
