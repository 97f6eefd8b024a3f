"""The SDK as a package: Python 3.8 syntax everywhere, sync resources generated from the
async ones and current, a wheel that installs into a fresh virtual environment and works."""
from __future__ import annotations

import ast
import importlib.util
import inspect
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from support import ROOT

SDK = ROOT / "sdk" / "python"
BUILTIN_GENERICS = {"list", "dict", "tuple", "set", "frozenset", "type"}


def sdk_files() -> list:
    return sorted(p for p in SDK.rglob("*.py") if "build" not in p.relative_to(SDK).parts)


def newer_than_38(source: str, name: str = "<source>") -> list:
    """What Python 3.8 cannot run: newer syntax (the parser's 3.8 mode), `X | Y` annotations
    (PEP 604), `list[int]`-style generics anywhere (PEP 585; pydantic evaluates annotations
    and aliases at runtime), `str.removeprefix/removesuffix`."""
    try:
        tree = ast.parse(source, filename=name, feature_version=(3, 8))
    except SyntaxError as error:
        return [f"{name}:{error.lineno}: not Python 3.8 syntax: {error.msg}"]
    found = []
    annotations = []
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            arguments = node.args
            every = arguments.posonlyargs + arguments.args + arguments.kwonlyargs + \
                [a for a in (arguments.vararg, arguments.kwarg) if a]
            annotations += [a.annotation for a in every if a.annotation] + \
                ([node.returns] if node.returns else [])
        elif isinstance(node, ast.AnnAssign):
            annotations.append(node.annotation)
        if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name) \
                and node.value.id in BUILTIN_GENERICS:
            found.append(f"{name}:{node.lineno}: {node.value.id}[...] needs Python 3.9")
        if isinstance(node, ast.Attribute) and node.attr in ("removeprefix", "removesuffix"):
            found.append(f"{name}:{node.lineno}: str.{node.attr} needs Python 3.9")
    for annotation in annotations:
        parts = [annotation]
        if isinstance(annotation, ast.Constant) and isinstance(annotation.value, str):
            parts = [ast.parse(annotation.value, mode="eval").body]
        for part in parts:
            for node in ast.walk(part):
                if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
                    found.append(f"{name}:{node.lineno}: X | Y annotation needs Python 3.10")
    return found


def test_the_checker_finds_what_38_cannot_run():
    assert len(newer_than_38('def f(x: "int | None", y: list[int]) -> dict[str, int]:\n'
                             '    return "ab".removeprefix("a")\n')) == 4
    assert newer_than_38("match x:\n    case 1:\n        pass\n")
    assert newer_than_38("Alias = tuple[int, ...]\n")
    assert newer_than_38("from typing import List, Optional, Union\n"
                         "def f(x: Optional[List[int]], y: Union[int, str]) -> int:\n"
                         "    return x[0] | 1\n") == []


def test_every_sdk_file_is_python_38():
    files = sdk_files()
    assert len(files) > 25
    assert [problem for path in files
            for problem in newer_than_38(path.read_text(), str(path.relative_to(SDK)))] == []


def test_vermin_finds_nothing_newer_than_38(tmp_path):
    command = [str(Path(sys.executable).parent / "vermin"), "-t=3.8-", "--no-tips", "--violations",
               "--eval-annotations", "--feature", "union-types"]
    clean = subprocess.run(command + [str(SDK)], capture_output=True, text=True)
    assert clean.returncode == 0, clean.stdout + clean.stderr
    (tmp_path / "new.py").write_text("def f(x: int | None) -> None:\n    pass\n")
    assert subprocess.run(command + [str(tmp_path)], capture_output=True).returncode != 0


def load_script(name: str):
    spec = importlib.util.spec_from_file_location(name, SDK / "scripts" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_sync_resources_are_generated_and_current():
    assert load_script("unasync").stale() == []


def test_sync_and_async_resources_have_the_same_methods_and_arguments():
    from leadnod import _async_resources as aio
    from leadnod import _sync_resources as sync

    pairs = [(getattr(sync, name[len("Async"):]), getattr(aio, name))
             for name in aio.__all__ if name.startswith("Async")]
    assert len(pairs) == 17
    for sync_class, async_class in pairs:
        public = {n for n in vars(async_class) if not n.startswith("_")}
        assert public == {n for n in vars(sync_class) if not n.startswith("_")}
        for name in public:
            sync_method, async_method = getattr(sync_class, name), getattr(async_class, name)
            assert inspect.signature(sync_method).parameters.keys() == \
                inspect.signature(async_method).parameters.keys()
            assert not inspect.iscoroutinefunction(sync_method)
            returns_page = "Page" in str(inspect.signature(async_method).return_annotation)
            assert inspect.iscoroutinefunction(async_method) != returns_page, name
            assert async_method.__doc__ and sync_method.__doc__ == async_method.__doc__


def test_the_wheel_installs_into_a_fresh_venv_and_works(tmp_path):
    """`pip install ./sdk/python` without the network: the wheel is built with the build
    backend of this venv (hatchling, in requirements-dev.txt) and installed, without its
    dependencies, into a fresh venv that borrows httpx and pydantic from this one."""
    started = time.monotonic()
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "-q"]
    subprocess.run(pip + ["wheel", "--no-deps", "--no-build-isolation", "--wheel-dir",
                          str(tmp_path / "dist"), str(SDK)], check=True, capture_output=True)
    [wheel] = (tmp_path / "dist").glob("leadnod-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        metadata = archive.read(next(n for n in names if n.endswith("METADATA"))).decode()
    assert {"leadnod/py.typed", "leadnod/_sync_resources/payments.py",
            "leadnod/models/users.py"} <= names
    assert "Requires-Python: >=3.8" in metadata
    assert "Requires-Dist: httpx<1,>=0.24" in metadata
    assert "Requires-Dist: pydantic<3,>=2" in metadata

    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    site = subprocess.run([str(python), "-c", "import site; print(site.getsitepackages()[0])"],
                          check=True, capture_output=True, text=True).stdout.strip()
    borrowed = [p for p in sys.path if p.endswith("site-packages")]
    (Path(site) / "borrowed.pth").write_text("\n".join(borrowed) + "\n")
    subprocess.run(pip + ["--python", str(python), "install", "--no-deps", "--no-index",
                          str(wheel)], check=True, capture_output=True)
    where = subprocess.run([str(python), "-c", "import leadnod; print(leadnod.__file__)"],
                           check=True, capture_output=True, text=True).stdout
    assert where.startswith(site)
    smoke = subprocess.run([str(python), str(SDK / "scripts" / "smoke.py")],
                           capture_output=True, text=True)
    assert smoke.returncode == 0, smoke.stdout + smoke.stderr
    assert "leadnod 0.1.0 works on Python 3." in smoke.stdout
    print(f"built, installed and smoke-tested in {time.monotonic() - started:.1f} s")


@pytest.mark.parametrize("name", ["CHANGELOG.md", "README.md", "pyproject.toml"])
def test_the_package_documents_itself(name):
    assert (SDK / name).read_text().strip()
