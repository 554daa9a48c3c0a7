"""The Results page, driven through Streamlit's AppTest against a temporary database with demo peers."""

from __future__ import annotations

import re

import pytest
from streamlit.testing.v1 import AppTest

from collab_assess.bank import load_current_bank
from collab_assess.demo import generate_demo
from collab_assess.models import CollaborativeProfile, RespondentInput, RoundInput
from collab_assess.store import DB_ENV_VAR, Store
from tests.factories import answer
from tests.test_pages import APP, TIMEOUT, texts

TRICKY_NAME = "Board **bold** [link](http://example.org)"


@pytest.fixture(scope="module")
def database(tmp_path_factory) -> dict:
    """Demo peers, plus two collaboratives of our own:
    - provisional: one person has answered two areas (9 of 46 statements);
    - complete: five people gave level 2 everywhere (three executives, one non-executive, one
      clinical lead), so all 46 statements tie at 2.0 and two people are too few to show by role."""
    path = tmp_path_factory.mktemp("results") / "results.duckdb"
    bank = load_current_bank()
    store = Store(path)
    try:
        store.import_demo(generate_demo(bank), bank)
        provisional = store.create_collaborative(CollaborativeProfile(name="Early days"), "lead")
        round_id = store.open_round(provisional, RoundInput(label="R1", opens_on="2026-03-01"),
                                    bank, "lead")
        person = store.add_respondent(round_id, RespondentInput(role="Executive director"))
        for statement in bank.statements_in("PB") + bank.statements_in("PD"):
            store.record_answer(round_id, person, statement.id, answer(2))

        complete = store.create_collaborative(CollaborativeProfile(name=TRICKY_NAME), "lead")
        round_id = store.open_round(complete, RoundInput(label="R1", opens_on="2026-03-01"), bank,
                                    "lead")
        roles = ["Executive director"] * 3 + ["Non-executive director", "Clinical lead"]
        for role in roles:
            person = store.add_respondent(round_id, RespondentInput(role=role))
            for statement in bank.statements:
                note = "We saw <b>this</b> at **board**" if role == "Clinical lead" else ""
                store.record_answer(round_id, person, statement.id,
                                    answer(2, note=note if statement.id == "PB-1" else ""))

        split = store.create_collaborative(CollaborativeProfile(name="Split room"), "lead")
        round_id = store.open_round(split, RoundInput(label="R1", opens_on="2026-03-01"), bank,
                                    "lead")
        for role, level in [("Clinical lead", 1)] * 3 + [("Executive director", 4)] * 3:
            person = store.add_respondent(round_id, RespondentInput(role=role))
            for statement in bank.statements:
                store.record_answer(round_id, person, statement.id,
                                    answer(level if statement.area == "PB" else 2))
    finally:
        store.close()
    return {"path": path, "provisional": provisional, "complete": complete, "split": split}


def results_page(database: dict, which: str) -> AppTest:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(DB_ENV_VAR, str(database["path"]))
        test = AppTest.from_file(APP, default_timeout=TIMEOUT)
        test.session_state["collaborative_id"] = database[which]
        test.switch_page("pages/results.py")
        test.run()
    assert not test.exception, [e.message for e in test.exception]
    return test


@pytest.fixture(scope="module")
def provisional(database) -> AppTest:
    return results_page(database, "provisional")


@pytest.fixture(scope="module")
def complete(database) -> AppTest:
    return results_page(database, "complete")


def test_percentile_is_held_back_while_results_are_provisional(provisional):
    assert "Provisional: only 9 of 46 statements" in texts(provisional.warning)
    markdown = texts(provisional.markdown)
    assert "Your overall score is higher than" not in markdown
    assert "appears once at least half the statements have a score" in markdown


def test_percentile_is_shown_once_half_the_statements_have_a_score(complete):
    assert not complete.warning or "Provisional" not in texts(complete.warning)
    assert re.search(r"Your overall score is higher than \*\*\d+%\*\* of the \d+ peer",
                     texts(complete.markdown))


def test_headings_go_title_then_sections_then_sub_sections(complete):
    assert [title.value for title in complete.title] == ["Results"]
    headers = [header.value for header in complete.header]
    assert headers == ["Area by area", "Against the national picture", "Weakest statements",
                       "Where people disagree", "How each role sees each area", "Information gaps",
                       "Targets and evidence", "Actions"]
    assert [sub.value for sub in complete.subheader] == ["Targets", "Evidence"]
    # Every sub-section comes after the section it belongs to.
    order = [element.type for element in complete.main
             if element.type in ("title", "header", "subheader")]
    first = {kind: order.index(kind) for kind in ("title", "header", "subheader")}
    assert first["title"] < first["header"] < first["subheader"]


def test_a_long_tie_for_the_weakest_is_summarised_by_area(complete):
    assert "**46 statements share the lowest score, 2.0.**" in texts(complete.markdown)
    labels = [expander.label for expander in complete.expander]
    assert "Peer support and mutual accountability: 5 statements" in labels
    assert "Partnership building: 5 statements" in labels
    # Not all 46 listed one by one outside an expander.
    outside = [m for m in complete.main.children.values() if getattr(m, "type", "") == "markdown"
               and str(m.value).startswith("**2\\.0**")]
    assert outside == []


def test_people_in_roles_too_small_to_show_are_counted_and_explained(complete):
    markdown = texts(complete.markdown)
    assert "The answers of 2 people are not shown by role" in markdown
    assert "fewer than 3 people" in markdown
    assert "There are not yet two role groups big enough to compare" in markdown
    assert "(Clinical lead," not in markdown  # the one clinical lead's note says "another role"
    assert "(another role, 2 Developing): We saw <b>this</b> at **board**" in markdown


def test_user_text_is_escaped_and_no_element_renders_raw_html(complete):
    assert TRICKY_NAME in texts(complete.caption)
    assert r"\*\*bold\*\*" in " ".join(str(c.value) for c in complete.caption)
    assert not any(element.proto.allow_html for element in complete.markdown)


def test_every_chart_has_its_figures_in_a_table(complete):
    charts = complete.get("vega_lite_chart")
    # The areas and the national picture; no statement is split and only one role group is big
    # enough, so neither of the other two charts is drawn.
    assert len(charts) == 2
    figure_boxes = [e for e in complete.expander if e.label == "The figures behind this chart"]
    assert len(figure_boxes) == len(charts)
    assert len(complete.table) == len(charts)
    assert '"Your collaborative"' in charts[1].proto.spec


@pytest.fixture(scope="module")
def split(database) -> AppTest:
    return results_page(database, "split")


def test_a_split_room_gets_all_four_charts_each_with_its_figures(split):
    charts = split.get("vega_lite_chart")
    assert len(charts) == 4
    assert len([e for e in split.expander if e.label == "The figures behind this chart"]) == 4
    assert len(split.table) == 4
    assert "**5** statement(s) have a clear split" in texts(split.markdown)
    roles = charts[3].proto.spec
    assert "Respondent role" in roles and '"Area"' in roles
    # The chart's rows travel separately from its spec; the table behind it has the same headings.
    assert split.table[3].value.columns.tolist() == ["Clinical lead (3 people)",
                                                     "Executive director (3 people)"]


def test_no_clear_split_is_said_in_words(complete):
    assert "No statement has a clear split" in texts(complete.markdown)
