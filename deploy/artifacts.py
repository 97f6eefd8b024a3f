"""The stage's artifact bucket (stack `leadnod-<stage>-artifacts`, infra/artifacts.yaml) and
content-addressed uploads to it: the code and templates `make deploy` hands CloudFormation,
and the `chalice deploy` path's record."""
from __future__ import annotations

import hashlib
import zipfile
from pathlib import Path
from typing import Any, Callable

from .package import PROJECT_DIR
from .stack import deploy_stack

ARTIFACTS_TEMPLATE = PROJECT_DIR / "infra" / "artifacts.yaml"


def artifact_bucket(cfn: Any, stage: str) -> str:
    """Create or update the stage's artifact stack; return the bucket's name."""
    outputs = deploy_stack(cfn, f"leadnod-{stage}-artifacts",
                           template={"TemplateBody": ARTIFACTS_TEMPLATE.read_text()},
                           parameters={"Stage": stage})
    return outputs.get("ArtifactBucket") or _bucket_resource(cfn, stage)


def _bucket_resource(cfn: Any, stage: str) -> str:
    # moto's change sets leave Outputs empty: the resource names the bucket as well.
    found = cfn.describe_stack_resource(StackName=f"leadnod-{stage}-artifacts",
                                        LogicalResourceId="ArtifactBucket")
    return str(found["StackResourceDetail"]["PhysicalResourceId"])


def upload(s3: Any, bucket: str, prefix: str, path: Path,
           digest: Callable[[Path], str]) -> str:
    """Put `path` under a key named by its content, unless that key exists: the same content
    always gives the same key, so a second deploy of the same code changes nothing."""
    key = f"{prefix}/{digest(path)}{path.suffix}"
    try:
        s3.head_object(Bucket=bucket, Key=key)
    except s3.exceptions.ClientError as error:
        if error.response["Error"]["Code"] not in ("404", "NoSuchKey", "NotFound"):
            raise
        s3.upload_file(str(path), bucket, key)
    return key


def file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def code_digest(path: Path) -> str:
    """The zip's entries, not its bytes: Chalice stamps each build with the time, which would
    make every package new code."""
    digest = hashlib.sha256()
    with zipfile.ZipFile(path) as archive:
        for info in sorted(archive.infolist(), key=lambda i: i.filename):
            digest.update(info.filename.encode() + b"\0" + archive.read(info) + b"\0")
    return digest.hexdigest()


