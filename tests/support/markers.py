"""Reading `-m` expressions the way pytest does (tests/conftest.py's collection hook)."""
from __future__ import annotations

import re

# A name in a `-m` expression, as pytest's own expression parser reads one.
MARK_NAME = re.compile(r"(?:\w|:|\+|-|\.|\[|\]|\\|/)+")
