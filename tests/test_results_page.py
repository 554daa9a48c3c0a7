"""The Results page, driven through Streamlit's AppTest against a temporary database with demo
peers."""

from __future__ import annotations

import re

import pytest
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.element_tree import Expander

from collab_assess.content.bank import load_banks, load_current_bank
from collab_assess.content.baseline import load_baseline
from collab_assess.operations.demo import demo_banks, generate_demo
from collab_assess.store import Store
from collab_assess.store.inputs import CollaborativeProfile, RespondentInput, RoundInput, StageInput
from tests.helpers.apptest import results_page_on, texts
from tests.helpers.factories import answer

TRICKY_NAME = "Board **bold** [link](http://example.org)"


@pytest.fixture(scope="module")
def database(tmp_path_factory) -> dict:
    """Demo peers (older rounds on version 1 of the bank, the newest on version 2), plus
    collaboratives of our own, on the current bank:
    - provisional: one person has answered two areas;
    - complete: five people gave level 2 everywhere (three executives, one non-executive, one
      clinical lead), so every statement ties at 2.0 and two people are too few to show by role;
      each of them describes the collaborative as Maturing, beyond the early stages."""
    path = tmp_path_factory.mktemp("results") / "results.duckdb"
    bank, earlier = demo_banks(load_banks())
    store = Store(path)
    try:
        store.import_demo(generate_demo(bank, earlier_bank=earlier), [bank, earlier])
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
                first = statement.id == bank.statements[0].id
                store.record_answer(round_id, person, statement.id,
                                    answer(2, note=note if first else ""))
            store.record_self_described_stage(round_id, person,
                                              StageInput(stage=3, recorded_by="tester"))

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
    return results_page_on(database["path"], database[which])


@pytest.fixture(scope="module")
def provisional(database) -> AppTest:
    return results_page(database, "provisional")


@pytest.fixture(scope="module")
def complete(database) -> AppTest:
    return results_page(database, "complete")


def answered_in_two_areas() -> str:
    bank = load_current_bank()
    answered = len(bank.statements_in("PB")) + len(bank.statements_in("PD"))
    return f"{answered} of {len(bank.statements)} statements"


def test_percentile_is_held_back_while_results_are_provisional(provisional):
    assert f"Provisional: only {answered_in_two_areas()}" in texts(provisional.warning)
    markdown = texts(provisional.markdown)
    assert "Your overall score is higher than" not in markdown
    assert "appears once at least half the statements have a score" in markdown


def test_where_the_round_sits_among_peers_is_shown_once_half_the_statements_have_a_score(
        complete):
    assert not complete.warning or "Provisional" not in texts(complete.warning)
    markdown = texts(complete.markdown)
    # Never a percentile or rank: where it sits against the peers' middle half and median, with
    # the day the peer figures were copied.
    assert "higher than" not in markdown and "%** of the" not in markdown
    assert re.search(r"Worked out on the \d+ statements you share with them, as theirs are, your "
                     r"overall score is 2\.00 \(the headline uses all your statements\), which is "
                     r"(below|within|above) the middle half of its peers.*their middle half runs "
                     r"from \d\.\d to \d\.\d, with the median at \d\.\d\. "
                     r"Peers as of \d+ \w+ \d{4}\.",
                     markdown)


def top_level_labels(test: AppTest) -> list[str]:
    """The labels of the expanders directly on the page (not those inside another)."""
    return [element.label for element in test.main.children.values()
            if isinstance(element, Expander)]


def test_headings_go_title_then_the_first_screen_then_everything_folded_in_detail(complete):
    assert [title.value for title in complete.title] == ["Results"]
    assert [header.value for header in complete.header] == ["In detail"]
    assert [sub.value for sub in complete.subheader] == []
    # The first screen (the board's page) comes before "In detail"; everything after is folded,
    # each list under a label with its count.
    order = [element for element in complete.main.children.values()]
    first_screen = next(i for i, element in enumerate(order)
                        if getattr(element, "key", None) == "first-screen")
    in_detail = next(i for i, element in enumerate(order)
                     if getattr(element, "type", "") == "header")
    assert first_screen < in_detail
    bank = load_current_bank()
    folded = top_level_labels(complete)
    assert folded[folded.index(f"Area by area, against peers ({len(bank.areas)} areas)"):] == [
        f"Area by area, against peers ({len(bank.areas)} areas)",
        f"Every statement, weakest first ({len(bank.statements)})",
        "Every split (0)", "Every agreed level, and why (0)", "Every action (0)",
        "Evidence and rationale given (1 note)", "Information gaps (0)",
        "Targets (0 statements)", "How each role sees each area (1 role group)",
        "Beside the 2022 survey (70% said they were at an early stage)",
        "Questions your trust board should ask (5)", "How scores are worked out",
        "Where this comes from"]


def test_a_long_tie_for_the_weakest_is_summarised_by_area(complete):
    bank = load_current_bank()
    assert (f"**{len(bank.statements)} statements share the lowest score, 2.0.**"
            in texts(complete.markdown))
    labels = [expander.label for expander in complete.expander]
    assert (f"Peer support and mutual accountability: {len(bank.statements_in('PS'))} statements"
            in labels)
    assert f"Partnership building: {len(bank.statements_in('PB'))} statements" in labels
    # Not all of them listed one by one outside an expander.
    outside = [m for m in complete.main.children.values() if getattr(m, "type", "") == "markdown"
               and str(m.value).startswith("**2\\.0**")]
    assert outside == []


def test_people_in_roles_too_small_to_show_are_folded_in_and_explained(complete):
    markdown = texts(complete.markdown)
    # Three executives, one non-executive and one clinical lead: the two alone would be
    # "everyone minus the executives", so the executives are folded in with them.
    assert "“Other roles” (5 people)" in markdown
    assert "There are not yet two role groups big enough to compare" in markdown
    assert "(Clinical lead," not in markdown  # the one clinical lead's note names the group
    assert "(Other roles, 2 Developing): We saw <b>this</b> at **board**" in markdown


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
    split_statements = len(load_current_bank().statements_in("PB"))
    assert f"**{split_statements}** statement(s) have a clear split" in texts(split.markdown)
    # The first screen lists the widest three and says where all of them are.
    assert (f"**Splits to discuss ({split_statements})** · :small[*the first 3; all under "
            f"“Every split ({split_statements})” below*]") in texts(split.markdown)
    # Areas, the split statements, roles, the survey: in the order the folded sections come.
    roles = [number for number, chart in enumerate(charts) if "Respondent role" in chart.proto.spec]
    assert roles == [2] and '"Area"' in charts[2].proto.spec
    # The chart's rows travel separately from its spec; the table behind it has the same headings.
    assert split.table[2].value.columns.tolist() == ["Clinical lead (3 people)",
                                                     "Executive director (3 people)"]


def test_no_clear_split_is_said_in_words(complete):
    assert "No statement has a clear split" in texts(complete.markdown)


# -- the survey baseline, said honestly -----------------------------------------------------------


def every_word(test: AppTest) -> str:
    kinds = ("markdown", "caption", "header", "subheader", "title", "info", "warning")
    return " ".join(texts(test.get(kind)) for kind in kinds)


def test_the_survey_is_never_called_the_national_picture(complete, provisional):
    for page in (complete, provisional):
        assert "national picture" not in every_word(page).casefold()


def test_the_survey_figure_is_given_with_who_said_it_when_and_for_whom(complete):
    words = every_word(complete)
    assert "70% of responding collaboratives" in words
    for fact in ("self-reported", "collaborative leaders", "November 2022",
                 "NHS Confederation and NHS Providers", "Good Governance Institute"):
        assert fact in words, fact
    assert "did not ask what this tool asks" in words
    # Every caveat comes from data/baseline.toml, so the page and the README say the same.
    for caveat in (*load_baseline().caveats, load_baseline().summary):
        assert caveat in words


def test_the_70_percent_is_set_beside_both_stages_and_says_which_is_which(complete):
    markdown = texts(complete.markdown)
    # The five respondents describe it as Maturing; their answers score Developing.
    assert "**How your respondents describe it: 3 Maturing** (beyond the early stages)." in markdown
    assert "**Worked out from your scores: 2 Developing** (an early stage)." in markdown
    baseline = load_baseline()
    assert baseline.closer_comparison in markdown and baseline.looser_comparison in markdown
    described = markdown.index("How your respondents describe it:")
    assert markdown.index(baseline.closer_comparison, described) < markdown.index("Worked out from")


def test_where_demo_peers_are_shown_the_page_says_they_were_made_to_match(complete):
    captions = texts(complete.caption)
    assert load_baseline().demo_peers in captions
    assert "prove nothing" in captions


def test_the_board_report_is_made_on_request_and_offered_as_pdf_and_web_page(database,
                                                                             monkeypatch):
    from collab_assess.store import DB_ENV_VAR
    from pages.widgets.downloads import REPORT_KEY

    monkeypatch.setenv(DB_ENV_VAR, str(database["path"]))  # for the run after the click
    test = results_page(database, "provisional")
    assert REPORT_KEY not in test.session_state
    test.button(key="make-board-report").click().run()
    assert not test.exception
    made = test.session_state[REPORT_KEY]
    assert made["pdf"].startswith(b"%PDF") and made["pdf_name"].endswith("-board-report.pdf")
    assert "<html" in made["html"] and "Early days" in made["html"]
    assert not [button for button in test.button if button.key == "make-board-report"], \
        "once made, the report is offered, not made again"
