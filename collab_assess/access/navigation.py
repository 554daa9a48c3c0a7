"""Which pages each caller is offered. The pages' data is protected by the ScopedStore whatever
this says; this only keeps people from being shown pages that would refuse them."""

from __future__ import annotations

from enum import StrEnum

from collab_assess.access.identity import Caller
from collab_assess.store.grants import Role


class PageName(StrEnum):
    SIGN_IN = "sign_in"
    NO_ACCESS = "no_access"
    START = "start"
    COLLABORATIVE = "collaborative"
    SELF_ASSESSMENT = "self_assessment"
    IMPORT = "import_responses"
    WORKSHOP = "workshop"
    JOIN = "join"
    WORKSHOP_SUMMARY = "workshop_summary"
    RESULTS = "results"
    BENCHMARK = "benchmark"
    GLOSSARY = "glossary"
    PEOPLE = "people"
    AUDIT = "audit"
    BACKUPS = "admin"


# The menu: section -> (page, title, icon). Each person sees the entries their role may use.
SECTIONS = {
    "Get started": [
        (PageName.SIGN_IN, "Sign in", ":material/login:"),
        (PageName.NO_ACCESS, "No access yet", ":material/lock:"),
        (PageName.START, "Start", ":material/home:"),
        (PageName.COLLABORATIVE, "Collaborative", ":material/groups:"),
    ],
    "Assess": [
        (PageName.SELF_ASSESSMENT, "Self-assessment", ":material/checklist:"),
        (PageName.IMPORT, "Import responses", ":material/upload_file:"),
    ],
    "Board workshop": [
        (PageName.WORKSHOP, "Run a workshop", ":material/co_present:"),
        (PageName.JOIN, "Join a workshop", ":material/how_to_vote:"),
        (PageName.WORKSHOP_SUMMARY, "Workshop summary", ":material/summarize:"),
    ],
    "See results": [
        (PageName.RESULTS, "Results", ":material/bar_chart:"),
        (PageName.BENCHMARK, "Benchmark", ":material/compare:"),
    ],
    "Help": [
        (PageName.GLOSSARY, "Glossary", ":material/menu_book:"),
    ],
    "Admin": [
        (PageName.PEOPLE, "People and roles", ":material/manage_accounts:"),
        (PageName.AUDIT, "Audit log", ":material/history:"),
        (PageName.BACKUPS, "Back up and restore", ":material/backup:"),
    ],
}

# Reached with a code or an invitation link, by people with no account: offered to everyone, but
# out of the menu for visitors (their link takes them straight there).
CODE_PAGES = frozenset({PageName.SELF_ASSESSMENT, PageName.JOIN})

_ROLE_PAGES = {
    Role.LEAD: {PageName.START, PageName.COLLABORATIVE, PageName.SELF_ASSESSMENT, PageName.IMPORT,
                PageName.WORKSHOP, PageName.JOIN, PageName.WORKSHOP_SUMMARY, PageName.RESULTS,
                PageName.GLOSSARY},
    Role.FACILITATOR: {PageName.START, PageName.SELF_ASSESSMENT, PageName.WORKSHOP, PageName.JOIN,
                       PageName.WORKSHOP_SUMMARY, PageName.RESULTS, PageName.GLOSSARY},
    Role.REGIONAL: {PageName.START, PageName.RESULTS, PageName.BENCHMARK,
                    PageName.WORKSHOP_SUMMARY, PageName.GLOSSARY},
}
_EVERY_PAGE = set(PageName) - {PageName.SIGN_IN, PageName.NO_ACCESS}


def pages_for(caller: Caller) -> tuple[set[PageName], PageName]:
    """The pages this caller may open, and the one they land on."""
    if caller.is_admin:
        return _EVERY_PAGE, PageName.START
    if not caller.signed_in:
        return {PageName.SIGN_IN, *CODE_PAGES}, PageName.SIGN_IN
    if not caller.grants:
        return {PageName.NO_ACCESS, *CODE_PAGES}, PageName.NO_ACCESS
    pages: set[PageName] = set(CODE_PAGES)  # anyone may be invited to answer, or join a room
    for role in caller.roles:
        pages |= _ROLE_PAGES.get(role, set())
    return pages, PageName.START
