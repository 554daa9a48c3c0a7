"""What one cell of an imported file means: a level, Don't know or Not applicable, a role, or text
compared with the question bank's wording.

Forgiving of how people type, strict about what they mean. A level cell is read only when it is
exactly one answer, once case, spaces, curly apostrophes and dashes and trailing dots or commas are
set aside: a level's name ("Maturing"), a number from 1 to 4 ("3", "Level 3"), a number with that
same level's name ("3 - Maturing", "3. Maturing", "Maturing (3)"), or a Don't know / Not
applicable wording (UNSCORED_WORDS: "N/A", "Not sure"...). Anything else is reported, never
guessed: a level's name with other words after it ("Maturing-ish", "Maturing: in place for every
member"), two levels ("Developing / Maturing", "Maturing or Thriving"), a question mark or a hedge
("Maturing?", "Thriving (not sure)").
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from typing import NamedTuple

from collab_assess.content.reference import RESPONDENT_ROLES
from collab_assess.content.scale import HIGHEST_LEVEL, LOWEST_LEVEL, Level, Unscored
from collab_assess.text import FORMULA_STARTS

_LOOK_ALIKES = str.maketrans({
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'", "\u00b4": "'",
    "`": "'", "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u2033": '"',
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2015": "-",
    "\u2212": "-", "\u00ad": "",
})
"""Curly quotes, primes and the many dashes Word and Excel put in, as the plain characters."""


def folded(text: str) -> str:
    """Text as it is compared: Unicode look-alikes made plain (curly apostrophes, dashes,
    non-breaking spaces), runs of spaces and line breaks made one space, and case ignored."""
    plain = unicodedata.normalize("NFKC", str(text)).translate(_LOOK_ALIKES)
    return " ".join(plain.split()).casefold()


# -- levels ---------------------------------------------------------------------------------------

class Choice(NamedTuple):
    """One answer's choice: a level 1-4, or Don't know / Not applicable (never both)."""

    level: int | None
    unscored: Unscored | None

    def describe(self) -> str:
        if self.unscored is not None:
            return self.unscored.label
        assert self.level is not None, "a choice has a level unless it is unscored"
        return f"{self.level} {Level(self.level).label}"


LEVEL_NAMES: dict[str, int] = {level.label.casefold(): int(level) for level in Level}
UNSCORED_WORDS: dict[str, Unscored] = {
    "don't know": Unscored.DONT_KNOW,
    "dont know": Unscored.DONT_KNOW,
    "do not know": Unscored.DONT_KNOW,
    "don't know / not sure": Unscored.DONT_KNOW,
    "not sure": Unscored.DONT_KNOW,
    "unsure": Unscored.DONT_KNOW,
    "not applicable": Unscored.NOT_APPLICABLE,
    "n/a": Unscored.NOT_APPLICABLE,
    "na": Unscored.NOT_APPLICABLE,
    "n.a": Unscored.NOT_APPLICABLE,
    "does not apply": Unscored.NOT_APPLICABLE,
}
SCALE_HINT = ("Use a level from 1 to 4 (1 Emerging, 2 Developing, 3 Maturing, 4 Thriving), "
              "Don't know or Not applicable, or leave the cell blank if the person did not answer.")

ONE_LEVEL_HINT = ("write one of 1 Emerging, 2 Developing, 3 Maturing, 4 Thriving, Don't know or "
                  "Not applicable")
"""What to write instead of a cell that is not exactly one level."""

_NAMES = "|".join(sorted(LEVEL_NAMES))
_NUMBER = r"(?:level\s*)?(\d+(?:\.\d+)?)"
_ONLY_NUMBER = re.compile(rf"^{_NUMBER}$")
_NUMBER_THEN_NAME = re.compile(rf"^{_NUMBER}(?:\s*[-:.=)]\s*|\s*\(\s*|\s+)({_NAMES})\s*\)?$")
"""3 Maturing, 3 - Maturing, 3. Maturing, 3) Maturing, 3 (Maturing), Level 3 - Maturing."""
_NAME_THEN_NUMBER = re.compile(rf"^({_NAMES})(?:\s*[-:=]\s*|\s*\(\s*|\s+){_NUMBER}\s*\)?$")
"""Maturing 3, Maturing - 3, Maturing (3), Maturing (level 3)."""
_MENTIONS_A_LEVEL = re.compile(rf"{_NAMES}|^(?:level\s*)?[1-4](?!\d)")
"""A cell that names a level, or starts with one's number, among other words."""
_TRAILING = " .,;:"
"""Left off the end of a cell: a full stop or a comma typed after the answer changes nothing (a
question mark does: it is doubt)."""


class BadValue(ValueError):
    """A cell that is not on the scale; the message says why in plain words."""


def _on_the_scale(number: str, raw: str) -> int:
    value = float(number)
    if not value.is_integer() or not LOWEST_LEVEL <= value <= HIGHEST_LEVEL:
        raise BadValue(f"'{raw}' is not on the scale. {SCALE_HINT}")
    return int(value)


def _agree(number: str, name: str, raw: str) -> int:
    """A number and a level's name in one cell: they must be the same level."""
    level = LEVEL_NAMES[name]
    if _on_the_scale(number, raw) != level:
        raise BadValue(f"'{raw}' contradicts itself: {name.capitalize()} is level {level}, not "
                       f"{number}. Keep the one that is meant.")
    return level


def parse_choice(raw: str) -> Choice | None:
    """The choice a cell holds; None for a blank cell (not answered). Raises BadValue, with a
    message for the person fixing the file, for anything that is not exactly one level, Don't know
    or Not applicable (see the module's docstring)."""
    text = folded(raw).strip()
    if not text:
        return None
    bare = text.rstrip(_TRAILING)
    if bare in UNSCORED_WORDS:
        return Choice(None, UNSCORED_WORDS[bare])
    if bare in LEVEL_NAMES:
        return Choice(LEVEL_NAMES[bare], None)
    if only := _ONLY_NUMBER.match(bare):
        return Choice(_on_the_scale(only.group(1), raw), None)
    if both := _NUMBER_THEN_NAME.match(bare):
        return Choice(_agree(both.group(1), both.group(2), raw), None)
    if both := _NAME_THEN_NUMBER.match(bare):
        return Choice(_agree(both.group(2), both.group(1), raw), None)
    if _MENTIONS_A_LEVEL.search(bare):
        raise BadValue(f"'{raw}' is not exactly one level: {ONE_LEVEL_HINT}.")
    raise BadValue(f"'{raw}' is not on the scale. {SCALE_HINT}")


def parse_target(raw: str) -> int | None:
    """A target level (1-4) or None for a blank cell; raises BadValue otherwise."""
    refusal = BadValue(f"'{raw}' cannot be a target: a target is a level from 1 to 4, or blank.")
    try:
        choice = parse_choice(raw)
    except BadValue:
        raise refusal from None
    if choice is None:
        return None
    if choice.level is None:
        raise refusal
    return choice.level


# -- roles ----------------------------------------------------------------------------------------

ROLES: tuple[str, ...] = tuple(RESPONDENT_ROLES)
OTHER_ROLE = "Other"
NO_ROLE = "Prefer not to say"
"""What a blank role is saved as: the person did not give one."""

_ROLE_KEYWORDS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), role) for pattern, role in (
        (r"prefer not|rather not|not to say", NO_ROLE),
        (r"non[- ]?exec|\bned\b", "Non-executive director"),
        (r"clinic|\bnurse\b|\bdoctor\b|\bconsultant\b|\bgp\b|\bahp\b", "Clinical lead"),
        (r"\bchair(man|woman|person)?\b", "Non-executive director"),
        (r"programme|program\b|\bpmo\b|project (team|manager|lead)",
         "Collaborative programme team"),
        (r"partner|\bicb\b|council|local authority|charity|voluntary", "Partner organisation"),
        (r"chief executive|\bceo\b|\bexec(utive)?\b|director of|\bdirector\b",
         "Executive director"),
    )
)
"""Words that say which of the app's roles a role typed another way is; the first that fits wins."""


class RoleMatch(NamedTuple):
    role: str
    how: str
    """"same": one of the app's roles as written; "read": taken from the words in it (check it);
    "other": not one of the app's roles, so saved as Other; "blank": no role given."""


def match_role(raw: str) -> RoleMatch:
    """Which of the app's roles (collab_assess.content.reference.RESPONDENT_ROLES) a role cell
    means."""
    text = folded(raw).strip(" .")
    if not text:
        return RoleMatch(NO_ROLE, "blank")
    squashed = {re.sub(r"[^a-z]", "", role.casefold()): role for role in ROLES}
    exact = squashed.get(re.sub(r"[^a-z]", "", text))
    if exact:
        return RoleMatch(exact, "same")
    for pattern, role in _ROLE_KEYWORDS:
        if pattern.search(text):
            return RoleMatch(role, "read")
    close = difflib.get_close_matches(text, [role.casefold() for role in ROLES], n=1, cutoff=0.8)
    if close:
        return RoleMatch(next(role for role in ROLES if role.casefold() == close[0]), "read")
    return RoleMatch(OTHER_ROLE, "other")


# -- formula-safe text ----------------------------------------------------------------------------

def unescaped(text: str) -> str:
    """Text as typed, from a cell that collab-assess's export (or anyone following the same rule)
    made safe: one leading apostrophe is taken off when what follows starts like a formula."""
    if text.startswith("'") and text[1:].startswith(FORMULA_STARTS):
        return text[1:]
    return text
