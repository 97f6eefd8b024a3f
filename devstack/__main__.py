"""`make run`: the whole LeadNod stack on this machine, until Ctrl-C.

moto server (Step Functions executing) → resources from infra/template.yaml → sandbox seed
data → the API on `chalice local`'s server (with API Gateway's gateway responses, and the
Swagger UI page at /docs) → pollers that feed each SQS queue, the table's stream and each rate
schedule to the same handlers Lambda runs.
"""
from __future__ import annotations

import json
import logging
import os
import signal
import sys
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
LOCAL_DIR = ROOT / ".local"


def start_moto(port: int) -> Any:
    import requests
    from moto.server import ThreadedMotoServer

    from devstack import moto_fixes

    moto_fixes.apply()
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    requests.post(f"http://127.0.0.1:{port}/moto-api/config",
                  json={"stepfunctions": {"execute_state_machine": True}}, timeout=10)
    return server


def local_aws_environment(moto_port: int) -> dict[str, str]:
    return {"AWS_ENDPOINT_URL": f"http://127.0.0.1:{moto_port}", "MOTO_PORT": str(moto_port),
            "AWS_ACCESS_KEY_ID": "local", "AWS_SECRET_ACCESS_KEY": "local",
            "AWS_DEFAULT_REGION": "us-east-1", "LEADNOD_STAGE": "dev"}


def start_api(port: int) -> Any:
    from chalice.cli.factory import CLIFactory
    from chalice.local import LocalDevServer

    from devstack.docs_page import with_docs_page
    from devstack.gateway import GatewayResponses, make_handler_cls

    config = CLIFactory(str(ROOT)).create_config_obj(chalice_stage_name="dev")
    os.environ.update(config.environment_variables)  # as `chalice local` does
    from app import app

    server = LocalDevServer(app, config, "127.0.0.1", port,
                            handler_cls=with_docs_page(
                                make_handler_cls(GatewayResponses.from_template())))
    threading.Thread(target=server.serve_forever, name="chalice-local", daemon=True).start()
    return app, server


def banner(port: int, moto_port: int, seed: dict[str, Any]) -> str:
    client = seed["demo_client"]
    return f"""
LeadNod local stack is up.
  API base URL:    http://127.0.0.1:{port}/v1   (token endpoint: http://127.0.0.1:{port}/oauth/token)
  API reference:   http://127.0.0.1:{port}/docs  (OpenAPI document: /v1/openapi.json)
  AWS (moto):      http://127.0.0.1:{moto_port}
  Seed data:       {seed['clients']} clients, {seed['sales_pros']} sales professionals

Sandbox credentials (demo client, Acme Corp):
  client_id:     {client['client_id']}
  client_secret: {client['client_secret']}
Demo sales professional:
  client_id:     {seed['demo_sales_pro']['client_id']}
  client_secret: {seed['demo_sales_pro']['client_secret']}

Try:
  curl -s -X POST http://127.0.0.1:{port}/oauth/token -H "Content-Type: application/json" \\
    -d '{{"grant_type": "client_credentials", "client_id": "{client['client_id']}", "client_secret": "{client['client_secret']}"}}'

Ctrl-C stops everything.
"""


def main() -> int:
    port = int(os.environ.get("PORT", "8000"))
    moto_port = int(os.environ.get("MOTO_PORT", "5000"))
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(name)s %(message)s")
    os.environ.update(local_aws_environment(moto_port))
    moto = start_moto(moto_port)

    from devstack.cfn import output_env
    from devstack.provision import provision

    env = output_env(provision("dev"))
    os.environ.update(env)
    # Where the admin CLI finds this stack (chalicelib/admin/target.py); tests running stacks
    # side by side give each its own file.
    env_file = Path(os.environ.get("LEADNOD_LOCAL_ENV", LOCAL_DIR / "dev-env.json"))
    env_file.parent.mkdir(parents=True, exist_ok=True)
    env_file.write_text(json.dumps(env, indent=2))

    from chalicelib import wiring
    from chalicelib.admin.seed import load_seed

    services = wiring.reset()
    seed = load_seed(services)
    app, api = start_api(port)

    from devstack.pollers import schedule_pollers, sqs_pollers, stream_pollers, streams_client

    stop = threading.Event()
    pollers = [*sqs_pollers(app, services.client("sqs"), stop),
               *stream_pollers(app, streams_client(services.session), stop),
               *schedule_pollers(app, stop)]
    for poller in pollers:
        poller.start()
    print(banner(port, moto_port, seed), flush=True)

    def shutdown(*_: Any) -> None:
        stop.set()

    signal.signal(signal.SIGINT, shutdown)
    signal.signal(signal.SIGTERM, shutdown)
    stop.wait()
    print("Stopping the local stack...", flush=True)
    api.server.shutdown()
    deadline = time.monotonic() + 5  # pollers are daemon threads: wait a little, not per poller
    for poller in pollers:
        poller.join(timeout=max(0.0, deadline - time.monotonic()))
    moto.stop()
    print("Stopped.", flush=True)
    return 0


if __name__ == "__main__":
    code = main()
    sys.stdout.flush()
    sys.stderr.flush()
    # Everything is stopped explicitly above; skip the interpreter's teardown of moto's
    # in-memory backends, which takes 10+ seconds after a session with Step Functions.
    os._exit(code)
