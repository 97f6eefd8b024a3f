"""The markers tests/conftest.py applies and honours: `local_stack` on every test that uses the
local stack, and the suites that run only when `-m` names them (`integration`, which takes the
`local_stack` tests of no other suite, `stack_races`, `contract`...)."""
from __future__ import annotations

import subprocess
import sys

import pytest

from support import ROOT
from support.markers import MARK_NAME

STACK, RACES, PORT = (f"tests/local_stack/{name}.py"
                      for name in ("test_local_stack", "test_local_stack_races", "test_local_port"))
PACKAGE, SDK = "tests/infra/test_package.py", "tests/python_sdk/test_team.py"
FILES = [STACK, RACES, PORT, PACKAGE, SDK]
# Each test collects in a fresh pytest (about 35 s for the file): in `make test-integration`,
# which has the time, rather than `make test`.
pytestmark = pytest.mark.integration


def collected(*options: str, named: bool = False) -> set[str]:
    """What a run of FILES collects: as the whole tree's run (`make test`) would, FILES given
    as the testpaths, or `named` on the command line."""
    where = FILES if named else ["-o", f"testpaths={' '.join(FILES)}"]
    run = subprocess.run([sys.executable, "-m", "pytest", "--collect-only", "-q", *options,
                          *where], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert run.returncode in (0, 5), run.stdout + run.stderr  # 5: nothing collected
    return {line.split("::")[0] for line in run.stdout.splitlines() if "::" in line}


def test_not_local_stack_names_no_suite():
    assert collected("-m", "not local_stack") == {PORT}


def test_integration_takes_the_local_stack_tests_of_no_other_suite_and_two_directories():
    assert collected("-m", "integration") == {STACK, PACKAGE, SDK}
    assert collected("-m", "integration and local_stack") == {STACK}
    assert collected("-m", "stack_races") == {RACES}


def test_without_m_every_suite_stays_out():
    assert collected() == {PORT}


def test_files_named_on_the_command_line_run_whatever_suite_they_hold():
    assert collected(named=True) == set(FILES)
    assert collected("-m", "not local_stack", named=True) == {PORT, PACKAGE, SDK}


def test_a_suite_is_named_by_a_whole_name_only():
    assert MARK_NAME.findall("not local_stack") == ["not", "local_stack"]
    assert "stack_races" not in MARK_NAME.findall("local_stack_races or x")
    assert "contract" in MARK_NAME.findall("(contract)and not local_stack")
