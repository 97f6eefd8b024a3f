"""What the local stack records about itself, and where, so that the admin CLI
(`chalicelib/admin/target.py`) reaches *this* stack's AWS endpoint and no other.

One env file per API port (`.local/dev-<PORT>-env.json`), so two stacks started from one
checkout do not overwrite each other, and `.local/dev-env.json`, a symlink to the file of the
stack started last. `LEADNOD_LOCAL_ENV` names the file instead (tests running stacks side by
side); the symlink is then left alone.
"""
from __future__ import annotations

import json
import os
from pathlib import Path

from chalicelib.config import local_base_url

LOCAL_DIR = Path(__file__).resolve().parent.parent / ".local"
LATEST = LOCAL_DIR / "dev-env.json"


def env_file_for(port: int, local_dir: Path = LOCAL_DIR) -> Path:
    return local_dir / f"dev-{port}-env.json"


def api_environment(port: int) -> dict[str, str]:
    """The API's own settings on this port: the dev stage's token issuer and audience name
    the port the stack serves on (`chalicelib.config.local_base_url` derives the same)."""
    base = local_base_url({"PORT": str(port)})
    return {"PORT": str(port), "TOKEN_ISSUER": base, "TOKEN_AUDIENCE": f"{base}/v1"}


def stack_env(outputs: dict[str, str], *, port: int, moto_port: int) -> dict[str, str]:
    """Everything a process needs to act on this stack: the infra outputs (`TABLE_NAME`, ...),
    the AWS endpoint, the API's port and issuer, and the stack's process id."""
    return {**outputs, "LEADNOD_STAGE": "dev",
            "AWS_ENDPOINT_URL": f"http://127.0.0.1:{moto_port}", "MOTO_PORT": str(moto_port),
            **api_environment(port), "LEADNOD_LOCAL_PID": str(os.getpid())}


def write_env_file(outputs: dict[str, str], *, port: int, moto_port: int,
                   local_dir: Path = LOCAL_DIR) -> Path:
    """Write this stack's env file and, unless `LEADNOD_LOCAL_ENV` names it, point
    `dev-env.json` at it. Returns the file written."""
    named = os.environ.get("LEADNOD_LOCAL_ENV")
    path = Path(named) if named else env_file_for(port, local_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    _replace(path, lambda tmp: tmp.write_text(
        json.dumps(stack_env(outputs, port=port, moto_port=moto_port), indent=2)))
    if not named:
        latest = local_dir / LATEST.name
        _replace(latest, lambda tmp: tmp.symlink_to(path.name))
    return path


def _replace(path: Path, make) -> None:
    """Create `path` atomically: a CLI reading it meanwhile sees the old or the new one."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.unlink(missing_ok=True)
    make(tmp)
    os.replace(tmp, path)
