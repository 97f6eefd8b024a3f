"""`pip install ./sdk/python` into a fresh virtual environment for every Python from 3.8 to
3.12 found (on PATH as python3.X, or under ~/.pyenv/versions), then run smoke.py with it.
Needs the package index (pip fetches the build backend and the dependencies).

    python sdk/python/scripts/check_pythons.py        # make sdk-check
"""
import glob
import os
import shutil
import subprocess
import sys
import tempfile
import time

SDK = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
VERSIONS = ("3.8", "3.9", "3.10", "3.11", "3.12")


def interpreter(version):
    """The first candidate that runs (pyenv shims on PATH may not, for other versions)."""
    pyenv = sorted(glob.glob(os.path.expanduser(f"~/.pyenv/versions/{version}.*/bin/python")))
    for candidate in pyenv[::-1] + [shutil.which(f"python{version}")]:
        if candidate and subprocess.run([candidate, "-c", "pass"],
                                        capture_output=True).returncode == 0:
            return candidate
    return None


def check(version, python, workdir):
    venv = os.path.join(workdir, f"py{version}")
    started = time.monotonic()
    subprocess.run([python, "-m", "venv", venv], check=True)
    pip = os.path.join(venv, "bin", "pip")
    subprocess.run([pip, "install", "-q", "--disable-pip-version-check", SDK], check=True)
    subprocess.run([os.path.join(venv, "bin", "python"),
                    os.path.join(SDK, "scripts", "smoke.py")], check=True)
    return time.monotonic() - started


def main():
    missing, failed = [], []
    with tempfile.TemporaryDirectory() as workdir:
        for version in VERSIONS:
            python = interpreter(version)
            if python is None:
                missing.append(version)
                continue
            try:
                print(f"  ({check(version, python, workdir):.1f} s with {python})")
            except subprocess.CalledProcessError as error:
                failed.append(version)
                print(f"Python {version}: FAILED ({error})")
    if missing:
        print(f"not found, not checked: Python {', '.join(missing)}")
    return 1 if failed or len(missing) == len(VERSIONS) else 0


if __name__ == "__main__":
    sys.exit(main())
