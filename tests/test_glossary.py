"""The glossary: the terms a board member needs, each cited to a real source section and written in
our own words; finding terms in text; the Glossary page and its widget."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from collab_assess.content.glossary import (
    TERMS,
    Citation,
    find_terms,
    glossary,
    load_glossary,
    lookup,
    one_line,
)
from collab_assess.content.sources import documents
from collab_assess.errors import DataFileError
from tests.helpers.originality import RUN_LENGTH, runs

REPO = Path(__file__).resolve().parents[1]
SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"
APP = str(REPO / "app.py")

REQUIRED = {
    "Integrated care system": "ICS",
    "Integrated care board": "ICB",
    "Place-based partnership": None,
    "Unwarranted variation": None,
    "Interoperable": None,
    "Provider collaborative": None,
    "Lead provider": None,
}


def names(terms) -> list[str]:
    return [entry.term for entry in terms]


# -- content --------------------------------------------------------------------------------------

@pytest.mark.parametrize("term", REQUIRED)
def test_every_required_term_is_there_with_its_short_form(term):
    entry = lookup(term)
    assert entry.short_form == REQUIRED[term]
    assert len(entry.meaning.split()) >= 12, f"{term}: the meaning is too thin to help"


def test_terms_and_short_forms_are_unique():
    keys = [name.casefold() for entry in TERMS for name in (entry.term, entry.short_form) if name]
    assert len(keys) == len(set(keys))
    anchors = [entry.anchor for entry in TERMS]
    assert len(anchors) == len(set(anchors))


def test_glossary_is_in_alphabetical_order_and_frozen():
    listed = names(glossary())
    assert listed == sorted(listed, key=str.casefold)
    with pytest.raises(AttributeError):
        TERMS[0].meaning = "changed"  # type: ignore[misc]


def seed_files_present() -> None:
    if not sorted(SEEDS.glob("*.txt")):
        pytest.fail(f"the source documents are not at {SEEDS} "
                    "(clone with ../shared beside the repo)")


@pytest.mark.parametrize("entry", TERMS, ids=lambda entry: entry.term)
def test_each_term_cites_documents_of_the_register_and_seed_sections_that_exist(entry):
    seed_files_present()
    assert entry.sources, f"{entry.term} cites no source"
    register = documents()
    for citation in entry.sources:
        assert citation.file in register, f"{entry.term}: {citation.file} is not in the register"
        if register[citation.file].kind == "public":
            continue  # a public document for policy the seeds predate: no seed to look in
        path = SEEDS / citation.file
        assert path.is_file(), f"{entry.term}: {citation.file} is not in {SEEDS}"
        lines = [line.strip(" *#0123456789.:").casefold()
                 for line in path.read_text(encoding="utf-8").splitlines()]
        assert citation.section.casefold() in lines, (
            f"{entry.term}: {citation.file} has no section headed '{citation.section}'")


def test_no_meaning_copies_a_seed_sentence():
    seed_files_present()
    seed_runs = set().union(*(runs(path.read_text(encoding="utf-8"))
                              for path in sorted(SEEDS.glob("*.txt"))))
    copied = {entry.term: sorted(" ".join(run) for run in runs(entry.meaning) & seed_runs)
              for entry in TERMS}
    copied = {term: found for term, found in copied.items() if found}
    assert not copied, f"glossary text shares {RUN_LENGTH}-word runs with a seed: {copied}"


NEW_TERMS = ["Joint committee", "Committees in common", "Scheme of delegation", "Oversight segment",
             "Provider Selection Regime", "Neighbourhood health", "Integrated health organisation"]


@pytest.mark.parametrize("term", NEW_TERMS)
def test_the_terms_2025_26_policy_needs_are_there(term):
    entry = lookup(term)
    assert len(entry.meaning.split()) >= 20, f"{term}: the meaning is too thin to help"
    assert entry.readable_source and ".txt" not in entry.readable_source


def test_the_factual_errors_are_gone():
    # Governors hold non-executives to account; they do not take collaborative decisions.
    governor = lookup("Governor").meaning
    assert "hold the non-executive directors to account" in governor
    assert "take part in collaborative decisions" not in governor
    # An ICB delegates to a trust or a joint committee, never to a collaborative as such.
    for term in ("Integrated care board", "Delegation"):
        meaning = lookup(term).meaning
        assert "joint committee" in meaning and "no legal form" in meaning
        assert "to trusts and collaboratives" not in meaning
        assert "passing a budget to a collaborative" not in meaning
    # The 2021 future of ICB oversight was removed in 2025.
    oversight = lookup("System oversight").meaning
    assert "September 2025 written statement" in oversight and "regions" in oversight
    assert "in future ICBs" not in oversight
    # A collaborative is an NHS England requirement, not a legal body.
    assert "not a legal body" in lookup("Provider collaborative").meaning
    assert "upper-tier councils" in lookup("ICP").meaning
    assert "contract with the commissioner" in lookup("Lead provider").meaning
    assert "PSR" == lookup("Provider Selection Regime").short_form
    assert "1 January 2024" in lookup("PSR").meaning


def test_readable_sources_give_public_titles_and_dates_not_file_names():
    entry = lookup("Oversight segment")
    assert entry.readable_source == (
        "NHS Confederation, '2025/26 NHS Oversight Framework: what you need to know (briefing on "
        "NHS England's framework of 26 June 2025)', 27 June 2025: section 'Key points'")
    for each in TERMS:
        assert ".txt" not in each.readable_source, each.term


def test_a_citation_of_a_document_not_in_the_register_is_refused(tmp_path):
    broken = tmp_path / "glossary.toml"
    broken.write_text('[[terms]]\nterm = "Thing"\nmeaning = "A thing that is long enough to '
                      'mean something."\nsources = [{ file = "made-up-report-2025" }]\n',
                      encoding="utf-8")
    with pytest.raises(DataFileError, match="term 'Thing': cites made-up-report-2025, which "
                                            "data/sources.toml does not list"):
        load_glossary(broken)
    seed_without_section = tmp_path / "seed.toml"
    seed_without_section.write_text(
        '[[terms]]\nterm = "Thing"\nmeaning = "A thing that is long enough to mean something."\n'
        'sources = [{ file = "001_f629cfe9f896f09b.txt" }]\n', encoding="utf-8")
    with pytest.raises(DataFileError, match="without a section"):
        load_glossary(seed_without_section)


def test_the_source_line_reads_like_the_question_banks():
    entry = lookup("lead provider")
    assert entry.source.startswith("001_f629cfe9f896f09b.txt, section 'Form and governance'")
    assert str(Citation("a.txt", "Key points")) == "a.txt, section 'Key points'"


# -- finding terms in text ------------------------------------------------------------------------

def test_an_abbreviation_is_found_as_a_whole_word_only():
    assert names(find_terms("Plans must fit across the ICS.")) == ["Integrated care system"]
    assert find_terms("A lesson in physics and economics") == []
    assert find_terms("icsx, bicsy, xICB, icbs2") == []


def test_finding_ignores_case_and_allows_plurals_and_hyphens():
    assert names(find_terms("every ics they work in")) == ["Integrated care system"]
    assert names(find_terms("two ICSs and three ICBs")) == ["Integrated care system",
                                                           "Integrated care board"]
    assert names(find_terms("Ask the NEDs")) == ["Non-executive director"]
    assert names(find_terms("open book accounting")) == ["Open-book accounting"]
    assert names(find_terms("a multi-ICS footprint")) == ["Integrated care system"]
    assert names(find_terms("INTEROPERABLE digital systems")) == ["Interoperable"]


def test_terms_come_back_once_each_in_the_order_they_appear():
    text = ("Unwarranted variation is a focus for the lead provider; the ICB and the integrated "
            "care board agree, and so does every place-based partnership in the ICS.")
    assert names(find_terms(text)) == [
        "Unwarranted variation", "Lead provider", "Integrated care board",
        "Place-based partnership", "Integrated care system",
    ]


def test_ordinary_words_are_not_mistaken_for_terms():
    assert find_terms("The plan is in place and takes place next year; the pathwayz app") == []


def test_one_line_help_is_one_sentence_led_by_the_term():
    line = one_line("icb")
    assert line.startswith("Integrated care board (ICB): ")
    assert line.endswith(".") and line.count(". ") == 0
    with pytest.raises(KeyError, match="not in the glossary"):
        one_line("flux capacitor")


def test_the_widget_gives_the_same_help_line():
    from pages.widgets.glossary import glossary_help

    assert glossary_help("ICS") == one_line("Integrated care system")


# -- the page -------------------------------------------------------------------------------------

def test_the_glossary_page_shows_every_term_under_its_own_heading(app_db):
    test = AppTest.from_file(APP, default_timeout=60)
    test.switch_page("pages/glossary.py")
    test.run()
    assert not test.exception, [e.message for e in test.exception]
    assert [title.value for title in test.title] == ["Glossary"]
    headings = [header.value for header in test.header]
    assert headings == [entry.label for entry in glossary()]
    assert {header.proto.tag for header in test.header} == {"h2"}
    anchors = [header.proto.anchor for header in test.header]
    assert anchors == [entry.anchor for entry in glossary()]
    page_text = " ".join(str(element.value) for element in test.markdown)
    for entry in glossary():
        assert entry.meaning in page_text
        assert f"](#{entry.anchor})" in page_text, f"no jump link to {entry.term}"
    captions = " ".join(str(caption.value) for caption in test.caption)
    # Sources by public title, publisher and date; never a file name or a register key.
    assert "NHS Providers, 'Working together at scale" in captions
    assert "Provider Selection Regime) Regulations 2023" in captions
    assert ".txt" not in captions and "provider-selection-regime-2023" not in captions


def test_the_glossary_is_in_the_navigation_under_help_for_everyone_with_access(app_db):
    from collab_assess.access.identity import Caller
    from collab_assess.access.navigation import SECTIONS, PageName, pages_for
    from collab_assess.store.grants import Grant, Role

    assert (PageName.GLOSSARY, "Glossary") in [entry[:2] for entry in SECTIONS["Help"]]
    assert (REPO / "pages" / f"{PageName.GLOSSARY.value}.py").is_file()
    for role in Role:
        offered, _ = pages_for(Caller.signed_in_as("x@y.org", (Grant(role, 1),)))
        assert PageName.GLOSSARY in offered, role


def test_the_glossary_link_shows_only_when_the_text_uses_a_term(app_db, tmp_path):
    links = tmp_path / "links.py"
    links.write_text(
        "import streamlit as st\n"
        "from pages.widgets.glossary import show_glossary_link\n"
        "st.session_state['shown'] = [show_glossary_link('Plain words only.'),\n"
        "                             show_glossary_link('Agreed with the ICB.'),\n"
        "                             show_glossary_link()]\n",
        encoding="utf-8",
    )
    main = tmp_path / "main.py"
    main.write_text(
        "import streamlit as st\n"
        "from pages.widgets.glossary import GLOSSARY_PAGE\n"
        f"st.navigation([st.Page({str(links)!r}, default=True), st.Page(GLOSSARY_PAGE)]).run()\n",
        encoding="utf-8",
    )
    test = AppTest.from_file(str(main), default_timeout=60)
    test.run()
    assert not test.exception, [e.message for e in test.exception]
    assert test.session_state["shown"] == [False, True, True]
    shown = [link.proto for link in test.get("page_link")]
    assert [link.label for link in shown] == ["What do these words mean? Glossary"] * 2


def test_a_broken_glossary_file_is_refused_naming_the_file_the_term_and_the_fault(tmp_path):
    from collab_assess.content.glossary import load_glossary
    from collab_assess.errors import DataFileError

    broken = tmp_path / "glossary.toml"
    broken.write_text(
        '[sources]\n"a.txt" = "A source"\n\n'
        '[[terms]]\nterm = "Lead provider"\nmeaning = "short"\nsources = [{ file = "a.txt", '
        'section = "S" }]\n\n'
        '[[terms]]\nterm = "Joint committee"\nmeaning = "A committee several bodies set up '
        'together."\nsources = [{ file = "b.txt", section = "S" }]\ncolour = "red"\n',
        encoding="utf-8")
    with pytest.raises(DataFileError) as refused:
        load_glossary(broken)
    message = str(refused.value)
    assert str(broken) in message
    assert "term 'Lead provider': meaning: String should have at least 20 characters" in message
    assert "term 'Joint committee': colour: not a field the glossary knows" in message
