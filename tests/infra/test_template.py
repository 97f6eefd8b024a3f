"""infra/template.yaml is valid CloudFormation, alone and merged into Chalice's SAM output."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest

from devstack.cfn import TEMPLATE_PATH, load_template

from .conftest import ROOT


def cfn_lint(path, *, informational: bool = False) -> list[str]:
    from cfnlint.api import ManualArgs, lint

    config = ManualArgs(include_checks=["I"] if informational else [], regions=["us-east-1"])
    return [f"{m.rule.id} {m.message} (line {m.linenumber})"
            for m in lint(path.read_text(), config=config)]


def test_template_passes_cfn_lint_without_any_finding():
    assert cfn_lint(TEMPLATE_PATH, informational=True) == []


def test_gateway_responses_answer_in_the_api_error_format():
    resources = load_template()["Resources"]
    responses = [r for r in resources.values() if r["Type"] == "AWS::ApiGateway::GatewayResponse"]
    assert len(responses) == 10
    for response in responses:
        props = response["Properties"]
        assert response["Condition"] == "HasRestApi"
        error = json.loads(props["ResponseTemplates"]["application/json"])["error"]
        assert set(error) == {"code", "message", "param", "doc_url"}
        assert error["doc_url"] == f"https://docs.leadnod.com/errors/{error['code']}"
        assert "$" not in props["ResponseTemplates"]["application/json"]  # static, no VTL
        headers = props["ResponseParameters"]
        assert headers["gatewayresponse.header.Content-Type"] == "'application/json'"
        assert headers["gatewayresponse.header.X-Request-Id"] == "context.requestId"


@pytest.mark.skipif(not (ROOT / "app.py").exists(), reason="app.py is not written yet")
def test_chalice_package_merged_with_the_infra_template_passes_cfn_lint(tmp_path):
    # A copy of the project with no requirements: the template, not the zip, is under test,
    # and packaging dependencies would need PyPI.
    project, out = tmp_path / "project", tmp_path / "out"
    shutil.copytree(ROOT / "chalicelib", project / "chalicelib",
                    ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "app.py", project / "app.py")
    (project / "requirements.txt").write_text("")
    shutil.copytree(ROOT / ".chalice", project / ".chalice",
                    ignore=shutil.ignore_patterns("deployed", "deployments", "venv"))
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env["AWS_DEFAULT_REGION"] = "us-east-1"
    chalice = [sys.executable, "-c", "import sys; from chalice.cli import main; sys.exit(main())"]
    packaged = subprocess.run(
        [*chalice, "--project-dir", str(project), "package", "--stage", "sandbox",
         "--merge-template", str(TEMPLATE_PATH), str(out)],
        capture_output=True, text=True, env=env)
    assert packaged.returncode == 0, packaged.stdout + packaged.stderr
    assert cfn_lint(out / "sam.yaml") == []
