"""Run a command against a fresh local stack: `python sdk/php/tests/with_local_stack.py CMD...`.

Starts `python -m devstack` (what `make run` starts) on free ports, makes a client account and
a sales professional's on a custom plan (no rate limit a test runs into), runs CMD with
LEADNOD_BASE_URL, LEADNOD_CLIENT_ID/SECRET and LEADNOD_PRO_CLIENT_ID/SECRET in its environment,
stops the stack, and exits with CMD's status. Run it with the API's virtualenv Python."""
from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
READY = "Ctrl-C stops everything"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def stack_environment(workdir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "LEADNOD_"))}
    env.update(PORT=str(free_port()), MOTO_PORT=str(free_port()), PYTHONUNBUFFERED="1",
               LEADNOD_LOCAL_ENV=str(workdir / "dev-env.json"))
    return env


def wait_until_up(process: subprocess.Popen, log: Path, seconds: float = 240) -> None:
    deadline = time.monotonic() + seconds  # seeding takes tens of seconds, more under load
    while READY not in log.read_text():
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            sys.exit(f"the local stack did not start:\n{log.read_text()}")
        time.sleep(0.3)


def account(env: dict[str, str], kind: str) -> dict[str, str]:
    def admin(*args: str) -> dict:
        done = subprocess.run([sys.executable, "-m", "chalicelib.admin", *args], cwd=ROOT,
                              env=env, capture_output=True, text=True, timeout=60, check=True)
        return json.loads(done.stdout) if done.stdout.strip().startswith("{") else {}

    made = admin("create-account", "--type", kind, "--name", f"PHP SDK {kind}", "--email",
                 f"php-sdk-{kind}-{uuid.uuid4().hex[:8]}@example.com", "--company", "Acme Corp",
                 "--industry", "saas")
    admin("set-plan", "--user-id", made["user_id"], "--plan", "custom", "--per-minute", "100000",
          "--per-day", "10000000")
    return made


def main(command: list[str]) -> int:
    with tempfile.TemporaryDirectory(prefix="leadnod-php-") as tmp:
        env = stack_environment(Path(tmp))
        log = Path(tmp) / "stack.log"
        with open(log, "w") as out:
            stack = subprocess.Popen([sys.executable, "-m", "devstack"], cwd=ROOT, env=env,
                                     stdout=out, stderr=subprocess.STDOUT)
        try:
            wait_until_up(stack, log)
            client, pro = account(env, "client"), account(env, "sales_pro")
            run_env = {k: v for k, v in os.environ.items() if not k.startswith("LEADNOD_")}
            run_env.update(LEADNOD_BASE_URL=f"http://127.0.0.1:{env['PORT']}",
                           LEADNOD_CLIENT_ID=client["client_id"],
                           LEADNOD_CLIENT_SECRET=client["client_secret"],
                           LEADNOD_PRO_CLIENT_ID=pro["client_id"],
                           LEADNOD_PRO_CLIENT_SECRET=pro["client_secret"])
            return subprocess.run(command, cwd=ROOT, env=run_env).returncode
        finally:
            stack.send_signal(signal.SIGINT)
            try:
                stack.wait(timeout=30)
            except subprocess.TimeoutExpired:
                stack.kill()


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1:]))
