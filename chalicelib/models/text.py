"""Free text in request bodies: one rule for every field a person types (docs/errors.md).

Control characters (Unicode category Cc: U+0000-U+001F, U+007F-U+009F) are refused: downstream
consumers (email, CSV exports, C clients, terminals) treat NUL as a terminator and the others
as commands. `Text` (descriptions, bios, reasons, messages) keeps tab, line feed and carriage
return; `Line` (titles, names, skills, company) refuses them too, and the Unicode line and
paragraph separators. Everything else is kept verbatim.

The patterns run in pydantic-core (Rust regex) and are the document's `pattern` (ECMA-262) as
they are: `\\xNN`/`\\uNNNN` escapes and character classes mean the same in both.
"""
from __future__ import annotations

import re
from typing import Annotated

from pydantic import StringConstraints

LINE_REFUSED = r"\x00-\x1f\x7f-\x9f\u2028\u2029"
TEXT_REFUSED = r"\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"
LINE = rf"^[^{LINE_REFUSED}]*$"
TEXT = rf"^[^{TEXT_REFUSED}]*$"
# For the document only, where a field must also not be blank (its validator says so with
# its own message): the rule plus one character that is not blank. Python's `strip()` removes
# more than ECMA's `\s` (common.NOT_BLANK), but only characters both rules refuse anyway.
LINE_NOT_BLANK = rf"^[^{LINE_REFUSED}]*[^\s{LINE_REFUSED}][^{LINE_REFUSED}]*$"
TEXT_NOT_BLANK = rf"^[^{TEXT_REFUSED}]*[^\s{TEXT_REFUSED}][^{TEXT_REFUSED}]*$"

Line = Annotated[str, StringConstraints(pattern=LINE)]
Text = Annotated[str, StringConstraints(pattern=TEXT)]

# What validation.py says when a value breaks the rule: (refused characters, what is allowed).
RULES = {LINE: (re.compile(f"[{LINE_REFUSED}]"), "a single line free of control characters"),
         TEXT: (re.compile(f"[{TEXT_REFUSED}]"), "free of control characters other than tab, "
                                                  "line feed and carriage return")}
