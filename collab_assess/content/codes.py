"""Resume codes: how a respondent gets back to their own answers, and nobody else's.

A respondent's answers are reachable only with their code (it also sits in their page's address),
so the list of who has taken part is never shown to others. Codes avoid letters and digits that are
easy to misread (0/O, 1/I/L) and are shown as two groups of four.
"""

from __future__ import annotations

import re
import secrets

ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
LENGTH = 8


def new_resume_code() -> str:
    code = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
    return f"{code[:4]}-{code[4:]}"


def normalise_resume_code(typed: str) -> str | None:
    """The code as stored, from however it was typed (any case, spaces or dashes); None if it cannot
    be a code."""
    letters = re.sub(r"[\s\-]", "", typed or "").upper()
    if len(letters) != LENGTH or any(character not in ALPHABET for character in letters):
        return None
    return f"{letters[:4]}-{letters[4:]}"
