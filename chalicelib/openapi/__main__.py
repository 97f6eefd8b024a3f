"""`python -m chalicelib.openapi`: print the OpenAPI document (`make openapi` writes it to
docs/openapi.json)."""
from __future__ import annotations

import os
import sys


def main() -> int:
    # Importing the app builds nothing that talks to AWS; a region keeps boto3 imports quiet.
    os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
    from app import app
    from chalicelib.openapi import build, render

    sys.stdout.write(render(build(app)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
