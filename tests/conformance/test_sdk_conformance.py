"""Every SDK's runner (sdk/conformance/runners.json) through the shared scenarios against one
local stack: each scenario must be reported passed. `CONFORMANCE_RUNNERS=python,js` (make's
`RUNNERS=`) picks runners; a runner whose toolchain is missing fails, it is never skipped."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from typing import Any

import pytest

from support import ROOT

from .conftest import SCENARIOS

RUNNERS = json.loads((ROOT / "sdk" / "conformance" / "runners.json").read_text())
CHOSEN = [name for name in os.environ.get("CONFORMANCE_RUNNERS", "").split(",") if name]
TIMEOUT = 180  # seconds for one runner's whole run

pytestmark = pytest.mark.conformance


def expected_scenarios() -> list[str]:
    names = [s["name"] for s in json.loads(SCENARIOS.read_text())]
    only = [n for n in os.environ.get("CONFORMANCE_ONLY", "").split(",") if n]
    return [n for n in names if n in only] if only else names


def reported(stdout: str) -> dict[str, dict[str, Any]]:
    lines = [json.loads(line) for line in stdout.splitlines() if line.startswith("{")]
    return {line["scenario"]: line for line in lines}


def test_unknown_runners_are_refused() -> None:
    assert set(CHOSEN) <= set(RUNNERS), f"not in runners.json: {set(CHOSEN) - set(RUNNERS)}"


@pytest.mark.parametrize("runner", [name for name in RUNNERS if not CHOSEN or name in CHOSEN])
def test_the_sdk_passes_every_scenario(runner: str, conformance_session: Any) -> None:
    spec = RUNNERS[runner]
    missing = [tool for tool in spec.get("requires", []) if shutil.which(tool) is None]
    assert not missing, (f"{runner}: {', '.join(missing)} not found; "
                         f"`make {spec.get('prepare') or 'conformance'}` installs it")
    command = [sys.executable if part == "{python}" else part for part in spec["command"]]
    finished = subprocess.run([*command, str(conformance_session)], cwd=ROOT, text=True,
                              capture_output=True, timeout=TIMEOUT)
    results = reported(finished.stdout)
    for line in results.values():
        print(f"[{runner}] {json.dumps(line)}")
    failed = {name: results.get(name, {"detail": "not reported"})
              for name in expected_scenarios() if not results.get(name, {}).get("ok")}
    assert not failed and finished.returncode == 0, (
        f"{runner}: {len(failed)} of {len(expected_scenarios())} scenarios failed, exit "
        f"{finished.returncode}\n"
        + "\n".join(f"  {name} (step {r.get('step')}): {r.get('detail')}"
                    for name, r in failed.items())
        + f"\nstderr (last 3000 characters):\n{finished.stderr[-3000:]}")
