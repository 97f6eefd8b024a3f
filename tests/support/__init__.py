"""What the test areas share, defined once: plain helpers and classes, no fixtures (those are
in tests/conftest.py, which builds them from here). Imported as `support.<module>`: pytest puts
tests/ on sys.path for tests/conftest.py (tests/ has no __init__.py)."""
from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]  # the repository
