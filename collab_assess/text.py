"""User-typed text shown as text: names, labels and notes must never become links, images or markup.

Streamlit's text elements (st.markdown, st.caption, st.title, st.success and friends, widget labels)
read their argument as Markdown. Text a user typed goes through `as_text` first, which escapes every
character Markdown could act on, so `**bold** [link](http://x) ![img](http://x/p.png)` is shown just
as it was typed and no reader's browser fetches anything.
"""

from __future__ import annotations

import re
import string
from typing import overload

WORD_JOINER = "\u2060"
"""An invisible character that joins words without a visible space."""

# CommonMark lets any ASCII punctuation be escaped with a backslash; escaping all of it also covers
# Streamlit's own additions ($ for maths, :colour[...] and :material/icon: directives).
_ESCAPES = str.maketrans({character: "\\" + character for character in string.punctuation})
# Streamlit also turns bare web and email addresses and :emoji: names into links and pictures,
# after the escapes are read. An invisible word joiner where such a pattern would start ("http:"
# before "//", ":" before a name, "@" before a domain, "www" before ".") breaks it, while the text
# looks the same; elsewhere (as in "Synthetic: Northshire") nothing is added.
_PATTERN_STARTS = re.compile(r"(?<=:)(?=[\w/+\-])|(?<=@)(?=\w)|(?i:(?<=www)(?=\.))")


def as_text(value: object) -> str:
    """`value` escaped for any Markdown-reading Streamlit element, line breaks kept."""
    lines = str(value).replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return "  \n".join(_PATTERN_STARTS.sub(WORD_JOINER, line).translate(_ESCAPES)
                        for line in lines)


def clipped(value: str, limit: int) -> tuple[str, int]:
    """`value` cut to `limit` characters, and how many characters were cut off (0 if none)."""
    return value[:limit], max(0, len(value) - limit)


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@overload
def spreadsheet_safe(value: str) -> str: ...


@overload
def spreadsheet_safe(value: object) -> object: ...


def spreadsheet_safe(value: object) -> object:
    """Text that a spreadsheet would run as a formula (it starts with =, +, -, @, a tab or a
    carriage return) gets a leading apostrophe, so it opens as the text it is."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value
