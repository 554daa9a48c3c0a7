"""Version 2 of the question bank: what it must say and must not, its mapping from version 1, that
rounds opened on version 1 keep version 1 after release, and facts that date (the ICS list)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from collab_assess.assessment.walk import evidence_prompt, rating_guide
from collab_assess.content import reference
from collab_assess.content.bank import BANK_DIRECTORY, QuestionBank, load_bank_file, load_banks
from collab_assess.store import Store
from collab_assess.store.inputs import CollaborativeProfile, RespondentInput, RoundInput
from tests.helpers.apptest import APP, TIMEOUT, texts
from tests.helpers.factories import answer

ISSUE_REWRITES = ["PB-1", "PB-5", "SG-2", "SG-5", "RE-1", "RE-3", "JW-3", "DS-2", "PC-1"]
"""The version-1 statements whose stems were double, historical, vague or a state of mind."""


@pytest.fixture(scope="module")
def v1() -> QuestionBank:
    return load_banks()[1]


@pytest.fixture(scope="module")
def v2() -> QuestionBank:
    return load_banks()[2]


def every_text(bank: QuestionBank) -> dict[str, str]:
    """Everything in the bank a user can read, by where it is."""
    found = {"about": bank.about, "rating rule": bank.rating_rule or ""}
    for area in bank.areas:
        found[f"area {area.id}"] = area.summary
    for s in bank.statements:
        found[f"{s.id} statement"] = s.statement
        found[f"{s.id} help"] = s.help
        found[f"{s.id} evidence"] = s.evidence or ""
        for level, text in s.levels.model_dump().items():
            found[f"{s.id} {level}"] = text
        for level, text in (s.next_step.model_dump() if s.next_step else {}).items():
            found[f"{s.id} step from {level}"] = text
    for q in bank.board_questions:
        found[f"board question {q.number}"] = q.question
    return found


def where(bank: QuestionBank, pattern: str) -> list[str]:
    return [place for place, text in every_text(bank).items()
            if re.search(pattern, text, re.IGNORECASE)]


# -- size and shape -------------------------------------------------------------------------------


def test_version_2_is_short_enough_for_one_sitting(v2):
    assert 50 <= len(v2.statements) <= 55
    assert all(3 <= len(v2.statements_in(area.id)) <= 6 for area in v2.areas)
    assert v2.version == 2 and v2.released > load_banks()[1].released


def test_every_statement_has_an_evidence_prompt_and_a_step_from_each_level_below_the_top(v2):
    for s in v2.statements:
        assert s.evidence and len(s.evidence.split()) >= 5, s.id
        steps = s.next_step.model_dump()
        assert list(steps) == ["emerging", "developing", "maturing"], s.id
        assert all(len(step.split()) >= 3 for step in steps.values()), s.id
        assert len(set(steps.values())) == 3, f"{s.id}: each level needs its own step"


def test_the_rating_rule_says_to_choose_the_lower_level_when_only_part_fits(v2):
    assert re.search(r"only part", v2.rating_rule, re.IGNORECASE)
    assert re.search(r"below|lower", v2.rating_rule, re.IGNORECASE)
    assert rating_guide(v2).endswith(v2.rating_rule)
    assert rating_guide(load_banks()[1]) is None


def test_the_evidence_prompt_is_shown_as_what_to_look_for(v2, v1):
    assert evidence_prompt(v2.statements[0]) == f"**What to look for:** {v2.statements[0].evidence}"
    assert evidence_prompt(v1.statements[0]) is None


# -- the words ------------------------------------------------------------------------------------


def test_no_statement_describes_a_state_of_mind(v2):
    feelings = (r"\bwe (are|feel) (clear|confident|building)"
                r"|\b(we|leaders) (trust|know and trust)\b|\breal say\b")
    assert where(v2, feelings) == []
    assert [s.id for s in v2.statements if re.search(feelings, s.statement, re.IGNORECASE)] == []


def test_no_authors_notes_are_shown_to_users(v2):
    assert where(v2, r"sources? (say|gives?) (little|few)|say little|stick to the basics"
                     r"|few details") == []


def test_members_are_organisations_not_only_trusts(v2):
    assert where(v2, r"\bmember trusts?\b") == []
    assert len(where(v2, r"\bmember organisations?\b")) >= 25


def test_no_level_depends_on_outsiders_wanting_to_learn_from_you(v2):
    levels = {place: text for place, text in every_text(v2).items()
              if place.split()[-1] in ("emerging", "developing", "maturing", "thriving")}
    outsiders = (r"learn from (it|us|you|them|how)|ask(s)? to learn|as a model|use them as"
                 r"|others learn")
    assert [place for place, text in levels.items()
            if re.search(outsiders, text, re.IGNORECASE)] == []


def test_levels_do_not_reward_what_the_guidance_does_not_ask_for(v2, v1):
    def levels_of(bank, sid):
        return " ".join(bank.statements_by_id[sid].levels.model_dump().values())

    # The checks can fail: version 1 does each of these things.
    assert re.search(r"all trusts to agree", levels_of(v1, "SG-2"))
    assert re.search(r"ICS have signed off", levels_of(v1, "PB-1"))
    assert re.search(r"added members, let members go", levels_of(v1, "PB-3"))
    assert re.search(r"people rather than patients", levels_of(v1, "PC-1"))
    # Unanimous decisions are not immature; the ICB is not asked to sign off the purpose; changing
    # membership earns nothing; nobody's vocabulary is marked.
    assert not re.search(r"agree|unanim|consensus|majority", levels_of(v2, "SG-2"), re.IGNORECASE)
    assert not re.search(r"\bICS\b|\bICB\b|sign", levels_of(v2, "PB-1"))
    assert not re.search(r"added|let .* go|new members|leave", levels_of(v2, "PB-3"))
    assert "whether or not membership changes" in v2.statements_by_id["PB-3"].levels.thriving
    assert not re.search(r"patients|language|vocabulary|talk about", levels_of(v2, "PC-1"))


def test_the_about_text_names_the_2018_tool_and_the_publisher_correctly(v2):
    assert "ICS maturity matrix" in v2.about and "maturity index" not in v2.about
    assert "NHS England and NHS Improvement" in v2.about


# -- the missing topics ----------------------------------------------------------------------------

MISSING_TOPICS = [
    # (what, area, a phrase the statement uses, a section its source must cite)
    ("accountability to the ICB", "SG", r"integrated care board.*delegated",
     "001_f629cfe9f896f09b.txt, section 'Accountabilities and system oversight'"),
    ("how funding reaches services", "PD", r"money reaches",
     "001_f629cfe9f896f09b.txt, section 'Form and governance'"),
    ("resilience and mutual aid", "PB", r"mutual aid",
     "002_400590e118f724af.txt, section 'What are provider collaboratives?'"),
    ("specialisation and consolidation", "PB", r"specialising.*fewer sites",
     "002_400590e118f724af.txt, section 'What are provider collaboratives?'"),
    ("workforce: recruitment, retention and sharing staff", "PD",
     r"recruiting, keeping and sharing staff",
     "002_400590e118f724af.txt, section 'What next?'"),
    ("oversight of subcontracted providers", "PS", r"lead provider.*subcontracted",
     "003_c2f9f5648b7432cc.txt, section 'Considerations'"),
    ("health inequalities", "QI", r"health inequality",
     "002_400590e118f724af.txt, section 'What are provider collaboratives?'"),
]


@pytest.mark.parametrize("topic, area, phrase, section", MISSING_TOPICS,
                         ids=[topic[0] for topic in MISSING_TOPICS])
def test_each_missing_topic_has_a_statement_of_its_own_under_its_area(v2, v1, topic, area, phrase,
                                                                      section):
    found = [s for s in v2.statements_in(area)
             if re.search(phrase, s.statement, re.IGNORECASE) and section in s.source]
    assert len(found) == 1, f"{topic}: {[s.id for s in found]}"
    assert found[0].id not in v1.statements_by_id, f"{topic} should be a new statement"


def test_funding_flows_cite_the_commissioner_provider_split(v2):
    (funding,) = [s for s in v2.statements if "money reaches" in s.statement]
    assert ("000_14819e0e06ef0d46.txt, section 'Recreating a commissioner/provider split'"
            in funding.source)


# -- the mapping from version 1 --------------------------------------------------------------------


def test_the_mapping_covers_every_version_1_statement_exactly_once(v1, v2):
    mapped = [entry.old for entry in v2.mapping.statements]
    assert sorted(mapped) == sorted(s.id for s in v1.statements)
    assert len(mapped) == len(set(mapped))
    assert v2.mapping.from_version == 1


def test_every_mapped_id_is_a_version_2_statement_and_every_kept_id_kept_its_meaning(v1, v2):
    for entry in v2.mapping.statements:
        assert set(entry.new) <= set(v2.statements_by_id), entry
        if entry.old in v2.statements_by_id:
            assert entry.change == "reworded" and entry.new == [entry.old], entry
        else:
            assert entry.change != "reworded" and entry.why, entry


def test_every_version_2_statement_is_mapped_to_or_new_and_the_new_ones_are_the_missing_topics(
    v1, v2
):
    targets = {new for entry in v2.mapping.statements for new in entry.new}
    brand_new = {s.id for s in v2.statements} - targets
    assert brand_new == {"PD-5", "PD-6", "SG-6", "PS-6"}
    assert not brand_new & set(v1.statements_by_id)


def test_the_statements_the_issue_named_were_rewritten(v1, v2):
    for old in ISSUE_REWRITES:
        entry = v2.mapping.by_old_id[old]
        for new in entry.new:
            assert v2.statements_by_id[new].statement != v1.statements_by_id[old].statement, old
        assert entry.why, f"{old}: say what changed"


def test_data_sharing_3_moved_to_people_and_communities(v2):
    entry = v2.mapping.by_old_id["DS-3"]
    assert entry.change == "moved"
    (new,) = entry.new
    assert v2.statements_by_id[new].area == "PC"
    assert "DS-3" not in v2.statements_by_id


# -- board questions -------------------------------------------------------------------------------


def test_the_five_board_questions_each_cite_the_box_and_name_real_statements(v2):
    assert [q.number for q in v2.board_questions] == [1, 2, 3, 4, 5]
    for question in v2.board_questions:
        assert question.question.endswith("?")
        assert ("000_14819e0e06ef0d46.txt, section 'Risk management and oversight for trust "
                f"boards' (high-level question {question.number})") in question.source
        assert set(question.statements) <= set(v2.statements_by_id)


# -- rounds opened on version 1 --------------------------------------------------------------------


@pytest.fixture
def v1_round_after_release(app_db: Path) -> dict:
    """A collaborative whose round was opened on version 1 before version 2 came out, and one
    person's answer in it."""
    v1 = load_bank_file(BANK_DIRECTORY / "bank-v1.toml")
    store = Store(app_db)
    try:
        collaborative = store.create_collaborative(CollaborativeProfile(name="Opened early"),
                                                   "lead")
        round_id = store.open_round(collaborative, RoundInput(label="Spring 2026",
                                                             opens_on="2026-03-01"), v1, "lead")
        person = store.add_respondent(round_id, RespondentInput(role="Executive director"))
        store.record_answer(round_id, person, "PB-1", answer(2))
        code = store.get_respondent(person).resume_code
    finally:
        store.close()
    return {"collaborative": collaborative, "round": round_id, "code": code, "v1": v1}


def test_a_round_opened_on_version_1_still_asks_version_1_after_version_2_is_released(
    v1_round_after_release, app_db, v2
):
    v1 = v1_round_after_release["v1"]
    test = AppTest.from_file(APP, default_timeout=TIMEOUT)
    test.session_state["collaborative_id"] = v1_round_after_release["collaborative"]
    test.query_params["who"] = v1_round_after_release["code"]
    test.switch_page("pages/self_assessment.py")
    test.run()
    assert not test.exception, [e.message for e in test.exception]
    shown = texts(test.markdown)
    assert f"### {v1.statements_by_id['PB-1'].statement}" in shown
    assert v2.statements_by_id["PB-1"].statement not in shown
    assert "What to look for" not in shown  # version 1 has no evidence prompts...
    assert not [i for i in test.info if "How to choose a level" in str(i.value)]  # ...nor a rule
    # The app has started, so the newest version is stored too; a round may still open on 2.
    store = Store(app_db)
    try:
        assert store.bank_for_round(v1_round_after_release["round"]).version == 1
        assert store.bank_for_round(v1_round_after_release["round"]) == v1
        newest = load_banks()
        assert store.bank(max(newest)) == newest[max(newest)]
        new_round = store.open_round(v1_round_after_release["collaborative"],
                                     RoundInput(label="Autumn 2026", opens_on="2026-09-01"), v2,
                                     "lead")
        assert store.bank_for_round(new_round).version == 2
        assert store.bank_for_round(v1_round_after_release["round"]).version == 1
    finally:
        store.close()


def test_a_round_on_version_2_shows_the_evidence_prompt_under_each_statement_and_the_rule(
    app_db, v2
):
    store = Store(app_db)
    try:
        collaborative = store.create_collaborative(CollaborativeProfile(name="Opened late"), "lead")
        round_id = store.open_round(collaborative, RoundInput(label="R1", opens_on="2026-12-01"),
                                    v2, "lead")
        person = store.add_respondent(round_id, RespondentInput(role="Clinical lead"))
        code = store.get_respondent(person).resume_code
    finally:
        store.close()
    test = AppTest.from_file(APP, default_timeout=TIMEOUT)
    test.session_state["collaborative_id"] = collaborative
    test.query_params["who"] = code
    test.switch_page("pages/self_assessment.py")
    test.run()
    assert not test.exception, [e.message for e in test.exception]
    shown = texts(test.markdown)
    for statement in v2.statements_in("PB"):
        assert f"**What to look for:** {statement.evidence}" in shown
    assert any(v2.rating_rule in str(box.value) for box in test.info)


# -- facts that date -------------------------------------------------------------------------------


def test_the_ics_list_carries_the_date_it_is_correct_at():
    assert reference.ICS_LIST_CORRECT_AT.isoformat() == "2022-07-01"
    assert len(reference.ICSS) == 42 and len(reference.REGIONS) == 7


def test_a_boundary_change_is_a_data_edit(tmp_path: Path):
    text = reference.ICS_LIST_FILE.read_text(encoding="utf-8")
    merged = (text.replace("correct_at = 2022-07-01", "correct_at = 2026-04-01")
              .replace('    "Somerset",\n', "")
              .replace('"Dorset",', '"Dorset and Somerset",'))
    edited = tmp_path / "icss.toml"
    edited.write_text(merged, encoding="utf-8")
    correct_at, by_region = reference.load_ics_list(edited)
    assert correct_at.isoformat() == "2026-04-01"
    assert "Dorset and Somerset" in by_region["South West"]
    assert "Somerset" not in by_region["South West"]
    assert sum(map(len, by_region.values())) == 41


def test_an_ics_list_without_a_date_is_refused(tmp_path: Path):
    edited = tmp_path / "icss.toml"
    edited.write_text('correct_at = "recently"\n'
                      '[icss_by_region]\nLondon = ["North Central London"]\n')
    with pytest.raises(ValueError, match="correct_at must be a date"):
        reference.load_ics_list(edited)
