"""`make deploy STAGE=sandbox|prod`: package the stage, upload its code and template to the
artifact bucket, and bring the stack `leadnod-<stage>` to it (docs/deploy.md).

    python -m deploy --stage sandbox [--packaged dist/sandbox] [--allow-replacing LogicalId]
"""
from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import Any

import boto3
import yaml

from .artifacts import artifact_bucket, code_digest, file_digest, upload
from .package import DEPLOY_STAGES, package, stage_region
from .stack import DeployRefused, deploy_stack


def stack_name(stage: str) -> str:
    return f"leadnod-{stage}"


def deploy(session: boto3.Session, stage: str, packaged: Path, *,
           allow_replacing: tuple[str, ...] = ()) -> dict[str, str]:
    """Deploy the template in `packaged` (make package's output) as the stage's stack."""
    cfn, s3 = session.client("cloudformation"), session.client("s3")
    bucket = artifact_bucket(cfn, stage)
    template = yaml.safe_load((packaged / "template.yaml").read_text())
    code = upload(s3, bucket, f"{stage}/code", packaged / "deployment.zip", code_digest)
    point_functions_at(template, f"s3://{bucket}/{code}")
    body = packaged / "template.s3.yaml"  # what CloudFormation gets, kept for inspection
    body.write_text(yaml.safe_dump(template, sort_keys=False, width=100))
    key = upload(s3, bucket, f"{stage}/templates", body, file_digest)
    url = f"https://{bucket}.s3.{session.region_name}.amazonaws.com/{key}"
    return deploy_stack(cfn, stack_name(stage), template={"TemplateURL": url},
                        allow_replacing=allow_replacing)


def point_functions_at(template: dict[str, Any], code_uri: str) -> None:
    for resource in template["Resources"].values():
        if resource["Type"] == "AWS::Serverless::Function":
            resource["Properties"]["CodeUri"] = code_uri


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m deploy")
    parser.add_argument("--stage", required=True, choices=DEPLOY_STAGES)
    parser.add_argument("--packaged", type=Path,
                        help="a `make package` output to deploy as is (default: package now)")
    parser.add_argument("--allow-replacing", action="append", default=[], metavar="LOGICAL_ID",
                        help="a protected resource this deploy may delete or replace")
    args = parser.parse_args(argv)
    if os.environ.get("AWS_ENDPOINT_URL"):
        parser.error("AWS_ENDPOINT_URL is set: this shell points at the local stack, not AWS")
    packaged = args.packaged or package(args.stage).parent
    session = boto3.Session(region_name=stage_region(args.stage))
    try:
        outputs = deploy(session, args.stage, packaged,
                         allow_replacing=tuple(args.allow_replacing))
    except DeployRefused as refused:
        raise SystemExit(f"deploy refused: {refused}") from refused
    print(f"{stack_name(args.stage)}: {outputs.get('EndpointURL', '(no endpoint output)')}")


if __name__ == "__main__":
    main()
