"""`make package STAGE=sandbox|prod`: the stage's one CloudFormation template.

`chalice package` writes the app (functions, API, event sources, roles, log groups); over it go
infra/template.yaml (what the local stack also builds) and infra/stack.yaml (what only the
deployed stack has), then what is generated rather than written (`finish`): the environment
from the template's Outputs, the gateway responses inside the API definition, an alarm per
function and per DLQ. The result is `dist/<stage>/template.yaml` and the code it points at,
`dist/<stage>/deployment.zip`. No AWS call is made: the region comes from the stage's entry in
.chalice/config.json, and credentials are not needed.

The merge is Chalice's (`--merge-template`: mappings merge, anything else is replaced) except
that an intrinsic function replaces another whole: Chalice's merges `{"Fn::Sub": ...}` and
`{"Fn::GetAtt": ...}` into one invalid mapping, so it is done here.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import yaml

from devstack.cfn import load_template, output_env

from .monitoring import alarms

PROJECT_DIR = Path(__file__).resolve().parent.parent
INFRA_TEMPLATE = PROJECT_DIR / "infra" / "template.yaml"
STACK_OVERLAY = PROJECT_DIR / "infra" / "stack.yaml"
DIST = PROJECT_DIR / "dist"
DEPLOY_STAGES = ("sandbox", "prod")  # dev is the local stack only
# Chalice takes the Lambda runtime from the Python that packages (and builds the wheels for
# it): the template pins it, and packaging with another Python fails instead of shipping
# wheels built for one version to another.
RUNTIME = "python3.11"
FUNCTION = "AWS::Serverless::Function"
# Parameters of template.yaml that only the separate infra stack of `chalice deploy` needs
# (docs/deploy.md): in the one stack the API is a resource of the same template.
API_PARAMETERS = ("RestApiId", "RestApiStageName")


def chalice_config(project_dir: Path = PROJECT_DIR) -> dict[str, Any]:
    config: dict[str, Any] = json.loads((project_dir / ".chalice" / "config.json").read_text())
    return config


def stage_region(stage: str, project_dir: Path = PROJECT_DIR) -> str:
    """The region a deployed stage lives in (`stages.<stage>.region` of .chalice/config.json)."""
    region = chalice_config(project_dir)["stages"][stage].get("region")
    if not region:
        raise ValueError(f".chalice/config.json: stages.{stage}.region is not set")
    return str(region)


def package(stage: str, *, project_dir: Path = PROJECT_DIR, out_dir: Path | None = None) -> Path:
    """Write `<out_dir>/template.yaml` and `deployment.zip` for `stage`; return the template."""
    if stage not in DEPLOY_STAGES:
        raise ValueError(f"stage must be one of {DEPLOY_STAGES} (dev is the local stack)")
    out_dir = out_dir or DIST / stage
    with tempfile.TemporaryDirectory() as tmp:
        chalice_out = Path(tmp) / "chalice"
        run_chalice_package(stage, chalice_out, project_dir)
        chalice_template = json.loads((chalice_out / "sam.json").read_text())
        template = finish(deep_merge(chalice_template, infra_template(stage)), stage)
        if out_dir.exists():
            shutil.rmtree(out_dir)
        out_dir.mkdir(parents=True)
        shutil.copy(chalice_out / "deployment.zip", out_dir / "deployment.zip")
    path = out_dir / "template.yaml"
    path.write_text(yaml.safe_dump(template, sort_keys=False, width=100))
    return path


def infra_template(stage: str) -> dict[str, Any]:
    """template.yaml with stack.yaml merged over it."""
    overlay = load_template(STACK_OVERLAY)
    overlay.pop("x-statements", None)
    merged = deep_merge(load_template(INFRA_TEMPLATE), overlay)
    merged["Parameters"]["Stage"] = {  # this template deploys this stage and no other
        "Type": "String", "AllowedValues": [stage], "Default": stage,
        "Description": merged["Parameters"]["Stage"]["Description"]}
    return merged


def deep_merge(base: Any, over: Any) -> Any:
    if isinstance(base, dict) and isinstance(over, dict) and not _intrinsic(over):
        return {**base, **{key: deep_merge(base.get(key), value) for key, value in over.items()}}
    return over


def _intrinsic(value: dict[str, Any]) -> bool:
    key = next(iter(value), "")
    return len(value) == 1 and (key in ("Ref", "Condition") or key.startswith("Fn::"))


def run_chalice_package(stage: str, out: Path, project_dir: Path) -> None:
    # The app declares its event sources at import, from LEADNOD_STAGE (queue names); Chalice
    # needs a region to name ARNs but makes no call, so no credentials are passed.
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(AWS_DEFAULT_REGION=stage_region(stage, project_dir), LEADNOD_STAGE=stage)
    env.pop("TABLE_STREAM_ARN", None)
    chalice = [sys.executable, "-c", "import sys; from chalice.cli import main; sys.exit(main())"]
    subprocess.run([*chalice, "--project-dir", str(project_dir), "package", "--stage", stage,
                    str(out)], env=env, check=True, stdout=subprocess.DEVNULL)


def finish(template: dict[str, Any], stage: str) -> dict[str, Any]:
    """What is generated from the merged template rather than written in infra/."""
    resources = template["Resources"]
    functions = {name: r for name, r in resources.items() if r["Type"] == FUNCTION}
    environment = _environment(template)
    for name, function in functions.items():
        props = function["Properties"]
        if props["Runtime"] != RUNTIME:
            raise RuntimeError(f"{name}: packaged with {props['Runtime']}, the template pins "
                               f"{RUNTIME}; package with that Python (make PYTHON=...)")
        props.setdefault("Environment", {}).setdefault("Variables", {}).update(environment)
    _name_log_groups_after_their_functions(resources)
    _move_gateway_responses(template)
    for name in API_PARAMETERS:
        template["Parameters"].pop(name, None)
    template.get("Conditions", {}).pop("HasRestApi", None)
    resources.update(alarms(template))
    _refuse_dangling(template)
    return template


def _environment(template: dict[str, Any]) -> dict[str, Any]:
    """template.yaml's Outputs as the functions' environment variables (TableName ->
    TABLE_NAME), the same names the local stack exports from them."""
    infra_outputs = load_template(INFRA_TEMPLATE)["Outputs"]
    names = output_env({name: name for name in infra_outputs})
    return {env: template["Outputs"][name]["Value"] for env, name in names.items()}


def _name_log_groups_after_their_functions(resources: dict[str, Any]) -> None:
    """Chalice 1.34 names the API handler's log group `/aws/lambda/${ApiHandler}`, a resource
    that does not exist (the function is `APIHandler`): point each log group at its function."""
    functions = {name.lower(): name for name, r in resources.items() if r["Type"] == FUNCTION}
    for name, resource in resources.items():
        if resource["Type"] != "AWS::Logs::LogGroup" or not name.endswith("LogGroup"):
            continue
        function = functions.get(name[: -len("LogGroup")].lower())
        if function is None:
            raise RuntimeError(f"{name}: no function of that name")
        resource["Properties"]["LogGroupName"] = {"Fn::Sub": "/aws/lambda/${%s}" % function}


def _move_gateway_responses(template: dict[str, Any]) -> None:
    """template.yaml's GatewayResponse resources into the API definition: there they are part
    of every deployment of the API, and a change to one redeploys it (a separate resource only
    takes effect at the next deployment, and may be created after the first)."""
    resources = template["Resources"]
    definition = resources["RestAPI"]["Properties"]["DefinitionBody"]
    responses = definition.setdefault("x-amazon-apigateway-gateway-responses", {})
    kind = "AWS::ApiGateway::GatewayResponse"
    for name in [name for name, r in resources.items() if r["Type"] == kind]:
        props = resources.pop(name)["Properties"]
        entry = {"responseParameters": props["ResponseParameters"],
                 "responseTemplates": props["ResponseTemplates"]}
        if "StatusCode" in props:
            entry["statusCode"] = props["StatusCode"]
        responses[props["ResponseType"]] = entry


def _refuse_dangling(template: dict[str, Any]) -> None:
    text = json.dumps(template)
    for name in API_PARAMETERS + ("HasRestApi",):
        if f'"{name}"' in text or "${%s}" % name in text:
            raise RuntimeError(f"the packaged template still refers to {name}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m deploy.package")
    parser.add_argument("--stage", required=True, choices=DEPLOY_STAGES)
    parser.add_argument("--out", type=Path, help="default: dist/<stage>")
    args = parser.parse_args(argv)
    print(package(args.stage, out_dir=args.out))


if __name__ == "__main__":
    main()
