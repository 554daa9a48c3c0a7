"""Pointers to the Glossary page: a link for the sidebar or a page, and one-line meanings for
help=."""

from __future__ import annotations

from pathlib import Path

from collab_assess.content.glossary import find_terms, one_line
from pages.widgets.page_paths import link_to

GLOSSARY_PAGE = str(Path(__file__).resolve().parent.parent / "glossary.py")
GLOSSARY_LABEL = "What do these words mean? Glossary"
GLOSSARY_ICON = ":material/menu_book:"


def show_glossary_link(text: str | None = None, *, label: str = GLOSSARY_LABEL) -> bool:
    """A link to the Glossary page. Given `text` (a page's wording, say), the link is shown only
    when that text uses a glossary term. Returns whether the link was shown."""
    if text is not None and not find_terms(text):
        return False
    link_to(GLOSSARY_PAGE, label=label, icon=GLOSSARY_ICON)
    return True


def glossary_help(term: str) -> str:
    """One line on what `term` (a glossary term or its short form, any case) means, for a widget's
    help= text: 'Integrated care board (ICB): The NHS body ...'. An unknown term is a KeyError."""
    return one_line(term)
