"""Version 3 of the question bank: the weak statements rewritten, a trust-level lens, the guidance
points restored, the lawful-vehicle cluster, 2025/26 policy, the policy stamp, sources a reader can
look up, and the mapping from version 2 (with the loader naming file, item and fault)."""

from __future__ import annotations

import re
from datetime import date

import pytest
from streamlit.testing.v1 import AppTest

from collab_assess.assessment.walk import SOURCES_LABEL, statement_sources
from collab_assess.content.bank import QuestionBank, load_banks, load_current_bank, parse_bank
from collab_assess.content.sources import (
    Citation,
    documents,
    load_documents,
    parse_citations,
    readable,
    unknown_documents,
    where_this_comes_from,
)
from collab_assess.errors import BankError, DataFileError
from collab_assess.store import Store
from collab_assess.store.inputs import CollaborativeProfile, RespondentInput, RoundInput
from collab_assess.text import as_text
from tests.helpers.apptest import APP, TIMEOUT, assert_no_exception, shown, texts
from tests.helpers.banks import guided_bank_data, to_toml
from tests.test_bank_v2 import every_text, where

WEAK = ["PD-3", "PD-5", "JW-4", "RE-2", "RE-5", "RE-6", "CL-4", "DI-1", "DI-2", "PS-4"]
"""The ten statements of version 2 the review found weak."""
MINOR = ["PD-4", "QI-1", "CL-2", "PB-7"]
EVERY_MEMBER_BOARD = ["PB-1", "PB-2", "SG-2", "SG-5", "DS-4"]
"""Version-2 statements that asked what every member board did."""


@pytest.fixture(scope="module")
def v2() -> QuestionBank:
    return load_banks()[2]


@pytest.fixture(scope="module")
def v3() -> QuestionBank:
    return load_banks()[3]


# -- size, shape and the stamp --------------------------------------------------------------------


def test_new_rounds_open_on_version_3_and_it_stays_about_sixty_statements(v3, v2):
    assert load_current_bank() == v3
    assert 55 <= len(v3.statements) <= 62
    assert v3.released > v2.released
    assert all(3 <= len(v3.statements_in(area.id)) <= 7 for area in v3.areas)


def test_the_bank_carries_a_policy_as_at_date(v3, v2):
    assert v3.policy_as_at == date(2026, 1, 31)
    assert v2.policy_as_at is None  # older versions keep their copy unchanged
    assert "31 January 2026" in v3.about and "nothing published after" in v3.about


def test_every_statement_has_evidence_and_three_distinct_steps(v3):
    for s in v3.statements:
        assert s.evidence and len(s.evidence.split()) >= 5, s.id
        steps = s.next_step.model_dump()
        assert len(set(steps.values())) == 3, s.id


# -- the weak statements ---------------------------------------------------------------------------


@pytest.mark.parametrize("old", WEAK + MINOR)
def test_every_weak_or_minor_statement_was_rewritten_with_a_reason(v2, v3, old):
    entry = v3.mapping.by_old_id[old]
    assert entry.why, f"{old}: say what changed"
    for new in entry.new:
        assert v3.statements_by_id[new].model_dump() != v2.statements_by_id[old].model_dump()


def test_the_named_faults_are_gone(v3):
    def levels(sid: str) -> str:
        return " ".join(v3.statements_by_id[sid].levels.model_dump().values())

    assert not where(v3, r"sized to our workload|explained to regulators")
    assert "JW-4" not in v3.statements_by_id  # measured the order of a paper's sections
    assert v3.mapping.by_old_id["JW-4"].change == "dropped"
    assert "CL-4" not in v3.statements_by_id and "every type of member" in v3.statements_by_id[
        "CL-3"].statement
    assert not re.search(r"\bmost\b", levels("QI-1")) and not re.search(r"\bmost\b", levels("DI-4"))
    assert "automatically" not in v3.statements_by_id["DI-5"].statement
    assert "shared care record" in v3.statements_by_id["DI-4"].help  # said to be out of scope
    assert "Not applicable" in v3.statements_by_id["PD-9"].help
    assert "threshold" in v3.statements_by_id["PD-4"].statement
    assert "work plans" in v3.statements_by_id["CL-2"].statement
    assert "consultation" in levels("PB-7")
    assert "governors" not in v3.statements_by_id["RE-7"].statement
    # Thriving builds on Maturing, and needs no attribution nobody can observe.
    assert "who join" not in levels("RE-6") and "hearing of" not in levels("RE-6")


def test_no_statement_asks_what_every_member_board_did(v3):
    assert not [s.id for s in v3.statements
                if re.search(r"every member organisation's board|each member organisation's "
                             r"board", s.statement, re.IGNORECASE)]
    lens = [v3.mapping.by_old_id[old].new for old in EVERY_MEMBER_BOARD]
    for new_ids in lens:
        assert any(v3.statements_by_id[new].statement.startswith("Our board")
                   for new in new_ids), new_ids
    for sid in ("PB-8", "PB-10", "SG-8", "DS-5", "LG-2"):
        assert "Answer for your own organisation" in v3.statements_by_id[sid].help, sid
        assert sid == "LG-2" or "secretariat" in v3.statements_by_id[sid].help, sid


# -- restored guidance points and the lawful vehicle ---------------------------------------------

RESTORED = [
    ("PB-9", r"agreed with the\s+integrated care boards and system partners",
     "001_f629cfe9f896f09b.txt, section 'Expectations of NHS providers"),
    ("SG-9", r"how long joint decisions take", "(core capability 3)"),
    ("PD-10", r"buildings and sites", "002_400590e118f724af.txt, section 'What next?'"),
    ("SG-10", r"council of governors", "000_14819e0e06ef0d46.txt"),
    ("JW-5", r"other collaboratives", "Complexity of collaborative arrangements within systems"),
    ("PD-8", r"benefits it has delivered", "001_f629cfe9f896f09b.txt, section 'Summary of the "
     "guidance'"),
]


@pytest.mark.parametrize("sid, phrase, cited", RESTORED, ids=[r[0] for r in RESTORED])
def test_the_guidance_points_v2_lost_are_back(v3, sid, phrase, cited):
    statement = v3.statements_by_id[sid]
    assert re.search(phrase, statement.statement, re.IGNORECASE)
    assert cited in statement.source


def test_governors_hold_non_executives_to_account_and_have_a_not_applicable_route(v3):
    help_text = v3.statements_by_id["SG-10"].help
    assert "choose Not applicable" in help_text and "do not take part" in help_text


LAWFUL = {
    "LG-1": r"legal form, quorum, voting rules and review date",
    "LG-2": r"scheme of delegation.*reserved",
    "LG-3": r"declares their interests",
    "LG-4": r"hosts.*liabilities",
    "LG-5": r"leave.*wound up",
    "LG-6": r"quality\s+and safety governance",
}


def test_the_lawful_vehicle_is_a_cluster_of_its_own(v3):
    area = v3.areas_by_id["LG"]
    assert area.group == "governance basics" and area == v3.areas[-1]
    assert [s.id for s in v3.statements_in("LG")] == list(LAWFUL)
    for sid, phrase in LAWFUL.items():
        assert re.search(phrase, v3.statements_by_id[sid].statement), sid
    help_text = v3.statements_by_id["LG-1"].help
    for form in ("advisory group", "committees in common", "joint committee"):
        assert form in help_text
    lg3 = v3.statements_by_id["LG-3"]
    assert "Provider Selection Regime" in lg3.help and "1 January 2024" in lg3.help
    assert "provider-selection-regime-2023" in lg3.source
    assert v3.mapping.by_old_id["SG-2"].new == ["LG-1", "LG-2"]


POLICY = [
    ("SG-6", r"delegated to a member or a joint\s+committee", "model-icb-blueprint-2025"),
    ("PS-7", r"segment 4 or 5", "oversight-framework-2025"),
    ("JW-6", r"neighbourhood health", "ten-year-health-plan-2025"),
    ("JW-7", r"integrated health organisation", "advanced-foundation-trust-guide-2025"),
]


@pytest.mark.parametrize("sid, phrase, key", POLICY, ids=[p[0] for p in POLICY])
def test_2025_26_policy_changes_what_is_asked(v3, sid, phrase, key):
    statement = v3.statements_by_id[sid]
    assert re.search(phrase, statement.statement, re.IGNORECASE)
    assert key in statement.source and documents()[key].kind == "public"


def test_no_text_says_an_icb_delegates_to_the_collaborative_itself(v3):
    assert not where(v3, r"delegated to us|delegate functions and budgets to a collaborative")
    assert "ICS boards" not in every_text(v3)["PC-4 help"]
    assert "integrated care boards" in every_text(v3)["PC-4 help"]


# -- board questions and mapping -------------------------------------------------------------------


def test_the_mapping_covers_every_version_2_statement_once(v2, v3):
    assert v3.mapping.from_version == 2
    assert sorted(e.old for e in v3.mapping.statements) == sorted(v2.statements_by_id)
    for entry in v3.mapping.statements:
        assert set(entry.new) <= set(v3.statements_by_id)
        if entry.change == "reworded":
            assert entry.new == [entry.old]
        else:
            assert entry.why and entry.old not in v3.statements_by_id
    mapped_to = {new for entry in v3.mapping.statements for new in entry.new}
    brand_new = set(v3.statements_by_id) - mapped_to
    assert brand_new == {"PD-10", "SG-9", "SG-10", "JW-5", "JW-6", "JW-7", "LG-3", "LG-4",
                         "LG-5", "LG-6"}


def test_board_question_sources_name_the_box(v3):
    for question in v3.board_questions:
        assert (f"(high-level question {question.number})") in question.source


# -- sources a reader can look up ------------------------------------------------------------------


def test_every_cited_document_is_in_the_register_with_a_public_title(v3):
    items = ([a.source for a in v3.areas] + [s.source for s in v3.statements]
             + [q.source for q in v3.board_questions])
    assert not [u for source in items for u in unknown_documents(source)]
    for source in items:
        for line in where_this_comes_from(source):
            assert ".txt" not in line and re.search(r"\d{4}|undated", line), line


def test_a_citation_reads_as_publisher_title_date_and_section():
    (citation,) = parse_citations("001_f629cfe9f896f09b.txt, section 'Resourcing' (a note)")
    assert citation == Citation("001_f629cfe9f896f09b.txt", "Resourcing", "a note")
    assert readable(citation) == (
        "NHS Providers, 'Working together at scale: guidance on provider collaboratives (NHS "
        "Providers' summary of NHS England and NHS Improvement's guidance)', guidance published "
        "August 2021, section 'Resourcing' (a note)")
    two = parse_citations("x.txt, sections 'A' (n) and 'B'; model-icb-blueprint-2025, section "
                          "'Context'; provider-selection-regime-2023 (regulation 24, records)")
    assert [(c.document, c.section) for c in two] == [
        ("x.txt", "A"), ("x.txt", "B"), ("model-icb-blueprint-2025", "Context"),
        ("provider-selection-regime-2023", None)]
    assert two[-1].note == "regulation 24, records"


# -- the loader names file, item and fault ---------------------------------------------------------


def faults(data: dict, file_name: str = "bank-v3.toml") -> list[str]:
    with pytest.raises(BankError) as caught:
        parse_bank(to_toml(data), file_name)
    assert file_name in str(caught.value)
    return caught.value.faults


def test_a_version_3_bank_needs_a_policy_date():
    data = guided_bank_data(3, from_version=2)
    assert parse_bank(to_toml(data), "bank-v3.toml").policy_as_at == date(2026, 1, 31)
    del data["policy_as_at"]
    assert faults(data) == [
        "the bank's header, field 'policy_as_at': missing (the date its policy content is "
        "correct at, shown as 'policy as at'; required from version 3 on)"]


def test_a_source_citing_an_unlisted_document_is_named():
    data = guided_bank_data(3, from_version=2)
    data["statements"][0]["source"] = "made-up-report-2025, section 'Key points'"
    assert faults(data) == [
        "statement PB-1, field 'source': cites 'made-up-report-2025', which data/sources.toml "
        "does not list"]


def test_a_dropped_statement_has_no_new_id_and_a_reason():
    data = guided_bank_data(3, from_version=2)
    entry = data["mapping"]["statements"][0]
    entry.update(change="dropped", new=["PB-2"], why="Gone.")
    assert "mapping entry for PB-1: a 'dropped' statement has no new id; leave 'new' empty" in \
        faults(data)
    entry.update(new=[], why=None)
    del entry["why"]
    found = faults(data)
    assert "mapping entry for PB-1, field 'why': missing (say why a statement was dropped)" in found
    entry.update(change="replaced")
    assert ("mapping entry for PB-1, field 'new': empty (only a 'dropped' statement has no new id)"
            in faults(data))


# -- "Where this comes from" on the statement itself ----------------------------------------------


def test_each_statement_in_the_self_assessment_shows_where_it_comes_from_by_public_title(app_db,
                                                                                          v3):
    store = Store(app_db)
    try:
        collaborative = store.create_collaborative(CollaborativeProfile(name="On version 3"),
                                                   "lead")
        round_id = store.open_round(collaborative, RoundInput(label="R1", opens_on="2026-12-01"),
                                    v3, "lead")
        person = store.add_respondent(round_id, RespondentInput(role="Clinical lead"))
        code = store.get_respondent(person).resume_code
    finally:
        store.close()
    test = AppTest.from_file(APP, default_timeout=TIMEOUT)
    test.session_state["collaborative_id"] = collaborative
    test.query_params["who"] = code
    test.switch_page("pages/self_assessment.py").run()
    assert_no_exception(test)
    first_area = v3.statements_in(v3.areas[0].id)
    boxes = [box for box in test.expander if box.label == SOURCES_LABEL]
    assert len(boxes) == len(first_area) > 0  # one under each statement, labelled in words
    for box, statement in zip(boxes, first_area, strict=True):
        listed = texts(box.markdown)
        for line in statement_sources(statement):
            assert shown(as_text(line)) in listed
        assert ".txt" not in listed and "model-icb-blueprint-2025" not in listed
    assert "NHS Providers, 'Working together at scale" in texts(boxes[0].markdown)
    # The tooltip keeps the statement's own help, without a second copy of the sources.
    radio = test.radio(key=f"choice-{round_id}-{person}-{first_area[0].id}")
    assert radio.help == first_area[0].help


def test_statement_sources_never_show_a_key_or_a_file_name(v3):
    for statement in v3.statements:
        lines = statement_sources(statement)
        assert lines, statement.id
        for line in lines:
            assert ".txt" not in line and not re.search(r"\b[a-z]+(-[a-z0-9]+){2,}\b", line), line


# -- the register of documents and older versions' stored copies ----------------------------------


def test_a_broken_register_entry_is_refused_naming_the_file_entry_and_field(tmp_path):
    path = tmp_path / "sources.toml"
    path.write_text('[documents.some-report]\nkind = "public"\npublisher = "NHS England"\n'
                    'date = "May 2025"\ncolour = "red"\n\n[documents.other]\nkind = "rumour"\n'
                    'title = "A title"\npublisher = "Someone"\ndate = "2025"\n', encoding="utf-8")
    with pytest.raises(DataFileError) as caught:
        load_documents(path)
    assert str(path) in str(caught.value)
    found = caught.value.faults
    assert any(fault.startswith("document 'some-report': title: Field required")
               for fault in found), found
    assert "document 'some-report': colour: not a field the register knows (a typo?)" in found
    assert any(fault.startswith("document 'other': kind: ") for fault in found), found


def test_the_shipped_register_loads_and_every_public_document_is_dated():
    register = load_documents()
    assert register == documents()
    for key, document in register.items():
        assert re.search(r"\d{4}|undated in our copy", document.date), key
        if document.kind == "seed":
            assert key.endswith(".txt")


def test_version_2_keeps_its_stored_copy_without_any_version_3_field(v2):
    stored = v2.to_json()
    assert "policy_as_at" not in stored and "governance basics" not in stored
    assert QuestionBank.from_json(stored) == v2
    assert all(entry.new for entry in v2.mapping.statements)  # nothing dropped before version 3
