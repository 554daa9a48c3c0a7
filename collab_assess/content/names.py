"""Names as people see them: cleaned on the way in, and compared by how they look.

- `clean_name` (names of collaboratives, member organisations, people, rounds and workshops):
  Unicode NFC; control characters, zero-width characters, bidirectional controls and other
  invisible format characters taken out; any kind of space or line break made one ordinary space.
  What is left is what a reader sees, so a name cannot hide a character, run backwards from some
  point on, or end in a NUL.
- `clean_text` (notes, rationales, actions): what people typed, except control characters; line
  breaks and tabs are kept (Windows line ends become plain ones).
- `visible_key`: two names with the same key read the same on screen: compatibility forms folded
  (NFKC: full-width letters, mathematical letters, ligatures), case ignored, letters of other
  alphabets that look like Latin ones folded into them (LOOK_ALIKES: Cyrillic, Greek, Armenian,
  Cherokee...), accents and other marks set aside, 0 read as o and 1 as l, "rn" as "m" and "vv" as
  "w", dashes and apostrophes made plain, and runs of spaces made one. The store refuses a
  collaborative or member name whose key is another's.
"""

from __future__ import annotations

import unicodedata

_INVISIBLE_CATEGORIES = frozenset({"Cc", "Cf", "Cs"})
"""Control, format (zero-width spaces and joiners, bidi controls, soft hyphen, byte-order mark...)
and surrogate code points."""
_INVISIBLE_OTHERS = frozenset(
    [0x034F, 0x115F, 0x1160, 0x17B4, 0x17B5, 0x180B, 0x180C, 0x180D, 0x180F, 0x2800, 0x3164,
     0xFFA0, *range(0xFE00, 0xFE10), *range(0xE0100, 0xE01F0)])
"""Invisible characters of other categories: the combining grapheme joiner, Hangul fillers,
Khmer inherent vowels, variation selectors and the blank Braille pattern."""
_KEPT_IN_TEXT = frozenset("\n\t")
_LINE_BREAKS = str.maketrans({"\r": "\n", "\x0b": "\n", "\x0c": "\n", "\x85": "\n"})

LOOK_ALIKES: dict[str, str] = {
    **dict(zip("АВЕЅІЈКМНОРСТХУԜԌԚӀЬ", "ABESIJKMHOPCTXYWGQlb", strict=True)),   # Cyrillic capitals
    **dict(zip("аеѕіјорсхуԝԁԛһӏѵү", "aesijopcxywdqhlvy", strict=True)),      # Cyrillic small
    **dict(zip("ΑΒΕΖΗΙΚΜΝΟΡΤΥΧϜ", "ABEZHIKMNOPTYXF", strict=True)),          # Greek capitals
    **dict(zip("αοριυνκχϲϳ", "aopiuvkxcj", strict=True)),                       # Greek small
    **dict(zip("ՕՍօսհոզ", "OUouhnq", strict=True)),                             # Armenian
    **dict(zip("ᎪᏴᏟᎬᎻᏦᎷᏢᏚᎢᏔᎳ", "ABCEHKMPSTWW", strict=True)),                # Cherokee
    **dict(zip("ıȷɑɡʏɪʟ", "ijagyil", strict=True)),                             # Latin variants
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2015": "-",
    "\u2212": "-", "\u2018": "'", "\u2019": "'", "\u201b": "'", "\u2032": "'", "`": "'",
    "\u00b4": "'", "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u2033": '"',
}
"""Letters (and marks) of other scripts that read as a Latin one, as Unicode's confusables list
has them, for the letters that matter in English names; both cases, before case is folded."""
_AFTER_CASE = str.maketrans({"0": "o", "1": "l", "|": "l"})
_LETTER_PAIRS = (("rn", "m"), ("vv", "w"))
_TRANSLATION = str.maketrans(LOOK_ALIKES)


def _invisible(character: str) -> bool:
    return (unicodedata.category(character) in _INVISIBLE_CATEGORIES
            or ord(character) in _INVISIBLE_OTHERS)


def _spacing(character: str) -> bool:
    return unicodedata.category(character) in ("Zs", "Zl", "Zp") or character in "\n\t\r\x0b\x0c"


def clean_name(value: str) -> str:
    """A name as a reader sees it (see the module's docstring), trimmed, its spaces single."""
    normal = unicodedata.normalize("NFC", value)
    shown = "".join(" " if _spacing(character) else character for character in normal
                    if _spacing(character) or not _invisible(character))
    return " ".join(shown.split())


def clean_text(value: str) -> str:
    """Free text as typed, without control characters: line breaks and tabs are kept, and the
    line and page breaks of text pasted from Word (vertical tab, form feed) become line breaks."""
    text = value.replace("\r\n", "\n").translate(_LINE_BREAKS)
    return "".join(character for character in text
                   if character in _KEPT_IN_TEXT or unicodedata.category(character) != "Cc")


def visible_key(name: str) -> str:
    """What a name looks like, for telling whether two names read the same."""
    text = unicodedata.normalize("NFKC", clean_name(name)).translate(_TRANSLATION)
    text = text.casefold().translate(_AFTER_CASE)
    text = "".join(character for character in unicodedata.normalize("NFKD", text)
                   if not unicodedata.combining(character))
    for pair, single in _LETTER_PAIRS:
        text = text.replace(pair, single)
    return " ".join(text.split())
