"""`GET /docs` on the local stack: Swagger UI rendering `/v1/openapi.json`.

Swagger UI's files come from the `flask-swagger-ui` package (requirements-dev.txt), which ships
the swagger-ui dist (5.x, which renders OpenAPI 3.1); nothing is fetched from a CDN. Only the
local stack serves this page: the Lambda package stays small, and the deployed API serves the
document itself at `/v1/openapi.json`. docs/openapi.md explains the choice.
"""
from __future__ import annotations

import importlib.util
from functools import lru_cache
from pathlib import Path

PREFIX = "/docs"
ASSETS = {"swagger-ui.css": "text/css; charset=utf-8",
          "swagger-ui-bundle.js": "text/javascript; charset=utf-8",
          "favicon-32x32.png": "image/png"}

# Root-relative URLs only: the page works on whatever host and port the stack listens on.
# The document's servers list production first; the page puts this server first instead so
# "Try it out" and "Authorize" talk to the local stack.
PAGE = """<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>LeadNod API reference</title>
  <link rel="icon" type="image/png" href="/docs/favicon-32x32.png">
  <link rel="stylesheet" href="/docs/swagger-ui.css">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="/docs/swagger-ui-bundle.js"></script>
  <script>
    fetch("/v1/openapi.json").then(function (answer) { return answer.json(); })
      .then(function (spec) {
        var here = window.location.origin;
        spec.servers = [{url: here, description: "This server"}].concat(
          (spec.servers || []).filter(function (server) { return server.url !== here; }));
        window.ui = SwaggerUIBundle({
          spec: spec, dom_id: "#swagger-ui", layout: "BaseLayout", deepLinking: true,
          presets: [SwaggerUIBundle.presets.apis], validatorUrl: null,
          defaultModelsExpandDepth: 0, displayRequestDuration: true
        });
      });
  </script>
</body>
</html>
"""


@lru_cache(maxsize=1)
def dist_dir() -> Path:
    spec = importlib.util.find_spec("flask_swagger_ui")  # locates it without importing Flask
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("flask-swagger-ui is not installed (requirements-dev.txt)")
    return Path(list(spec.submodule_search_locations)[0]) / "dist"


def docs_response(path: str) -> tuple[int, dict[str, str], bytes] | None:
    """The answer for a `/docs` path, or None when the path is the API's."""
    path = path.split("?", 1)[0]
    if path in (PREFIX, PREFIX + "/"):
        return 200, {"Content-Type": "text/html; charset=utf-8"}, PAGE.encode()
    name = path[len(PREFIX) + 1:] if path.startswith(PREFIX + "/") else None
    if name is None:
        return None
    if name not in ASSETS:
        return 404, {"Content-Type": "text/plain; charset=utf-8"}, b"Not found\n"
    return 200, {"Content-Type": ASSETS[name], "Cache-Control": "max-age=3600"}, \
        (dist_dir() / name).read_bytes()

