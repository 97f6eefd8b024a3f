"""`make run`: the whole LeadNod stack on this machine, until Ctrl-C.

moto server (Step Functions executing) → resources from infra/template.yaml → sandbox seed
data → the API: an HTTP front with API Gateway's gateway responses and the Swagger UI page at
/docs, handing each request to a pool of worker processes that serve one request at a time, as
Lambda's execution environments do (up to LOCAL_CONCURRENCY, docs/local-stack.md) → pollers
that feed each SQS queue, the table's stream and each rate schedule to the same handlers
Lambda runs.
"""
from __future__ import annotations

import logging
import os
import signal
import sys
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


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


def start_api(port: int) -> tuple[Any, Any]:
    """The API on 127.0.0.1:`port`: the HTTP front (devstack.http_front) and a pool of worker
    processes, each importing the app (devstack.lambda_pool). Returns (server, pool)."""
    from chalice.cli.factory import CLIFactory

    from devstack.gateway import GatewayResponses
    from devstack.http_front import ApiServer
    from devstack.lambda_pool import LambdaPool, LambdaSettings

    config = CLIFactory(str(ROOT)).create_config_obj(chalice_stage_name="dev")
    os.environ.update(config.environment_variables)  # as `chalice local` does; workers inherit
    from app import app  # the routes, for the front's 405s; the pollers run its handlers

    pool = LambdaPool.from_environment(LambdaSettings.of(config))
    server = ApiServer(("127.0.0.1", port), pool.invoke, app.routes,
                       GatewayResponses.from_template())
    threading.Thread(target=server.serve_forever, name="api-front", daemon=True).start()
    return server, pool


def banner(port: int, moto_port: int, seed: dict[str, Any]) -> str:
    client = seed["demo_client"]
    return f"""
LeadNod local stack is up.
  API base URL:    http://127.0.0.1:{port}/v1   (token endpoint: http://127.0.0.1:{port}/oauth/token)
  API reference:   http://127.0.0.1:{port}/docs  (OpenAPI document: /v1/openapi.json)
  Dashboard:       http://127.0.0.1:{port}/dashboard  (sign in with the client id and secret)
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
    logging.getLogger("devstack.lambda_pool").setLevel(logging.INFO)  # cold starts show
    os.environ.update(local_aws_environment(moto_port))
    moto = start_moto(moto_port)

    from devstack.cfn import output_env
    from devstack.provision import provision

    env = output_env(provision("dev"))
    os.environ.update(env)
    from devstack.stack_env import api_environment, write_env_file

    os.environ.update(api_environment(port))  # before the API's workers start: they inherit it
    write_env_file(env, port=port, moto_port=moto_port)  # where the admin CLI finds this stack

    from chalicelib import wiring
    from chalicelib.admin.seed import load_seed

    services = wiring.reset()
    seed = load_seed(services)
    api, pool = start_api(port)
    from app import app
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
    # Waking now and then: a signal the kernel hands to another of our threads does not
    # interrupt the main thread's wait, and Python runs handlers only in the main thread, so an
    # endless `stop.wait()` could miss Ctrl-C (it did once, in CI, on a busy machine).
    while not stop.wait(0.5):
        pass
    print("Stopping the local stack...", flush=True)
    api.shutdown()
    pool.close()
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
