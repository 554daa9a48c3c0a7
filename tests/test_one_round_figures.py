"""One round, every output, the same figures.

The round has self-assessment answers (one person joined and never answered), an import from a
Forms export, and a workshop: three anonymous seats and one self-assessor who joined with their
resume code. The workshop's first statement was revealed with four votes, its second with two
(too few to show), and voting on its third is still open. Results (the domain and the page), the
board report, round progress, the workshop summary, the exports and, once submitted, the kept
scores and the Benchmark must all give the same headcount, answers per statement, people per role,
completeness and thin areas, area and overall scores and stage.
"""

from __future__ import annotations

import io
import zipfile
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from collab_assess.assessment.participation import participation_of
from collab_assess.assessment.results import round_results
from collab_assess.benchmark.view import benchmark_view
from collab_assess.content.bank import QuestionBank, load_banks
from collab_assess.content.scale import AREA_PLACES, score_text, shown_score, stage_of
from collab_assess.content.workshop_phases import Move
from collab_assess.exchange.export import collaborative_export, export_csv_zip
from collab_assess.exchange.importing import prepare_import
from collab_assess.report import build_board_report, report_html
from collab_assess.store import RoundFilter, Store
from collab_assess.store.inputs import (
    AnswerChange,
    AnswerInput,
    CollaborativeProfile,
    RespondentInput,
    RoundInput,
    WorkshopInput,
)
from collab_assess.workshop.summary import workshop_summary
from tests.helpers.apptest import results_page_on

FIXTURES = Path(__file__).parent / "fixtures"
TODAY = date(2026, 12, 2)
SELF_ASSESSORS = [("Executive director", 1), ("Executive director", 2), ("Clinical lead", 3),
                  ("Clinical lead", 2), ("Executive director", 3)]
"""(role, the level they give everywhere). The last one joins the workshop with their code."""


def vote(level: int) -> AnswerChange:
    return AnswerChange(level=level, recorded_by="participant", source="workshop")


def step(store: Store, workshop: int, move: Move, position: int | None = None) -> None:
    store.move_workshop(workshop, store.get_workshop(workshop).version, move, "facilitator",
                        position)


def build_round(store: Store, bank: QuestionBank) -> dict:
    collaborative = store.create_collaborative(
        CollaborativeProfile(name="One Round Partnership", region="North West"), "lead")
    round_id = store.open_round(collaborative, RoundInput(label="2026", opens_on="2026-05-01"),
                                bank, "lead")
    people = []
    for number, (role, level) in enumerate(SELF_ASSESSORS):
        person = store.add_respondent(round_id, RespondentInput(role=role))
        people.append(person)
        for index, statement in enumerate(bank.statements):
            if number == 1 and statement.area == "DS":
                continue  # one person left an area out: it is less complete than the rest
            chosen = AnswerInput(unscored="dont_know", recorded_by="t") if index % 13 == 0 \
                else AnswerInput(level=level, recorded_by="t")
            store.record_answer(round_id, person, statement.id, chosen)
    store.add_respondent(round_id, RespondentInput(role="Partner organisation"))  # never answers

    plan = prepare_import(store, round_id, (FIXTURES / "forms_export.csv").read_bytes(),
                          "forms_export.csv")
    assert plan.can_import, plan.report_text()
    store.import_responses(round_id, plan, "forms_export.csv", "lead")

    first, second, third = (s.id for s in bank.statements_in("SG")[:3])
    workshop = store.start_workshop(round_id, WorkshopInput(
        title="Board session", statement_ids=(first, second, third), started_by="facilitator"))
    seats = [store.join_workshop(workshop, RespondentInput(role="Non-executive director")).id
             for _ in range(3)]
    linked = store.join_workshop_as(workshop, people[-1]).id
    assert linked == people[-1]  # the same person: counted once
    step(store, workshop, Move.OPEN)
    for person, level in zip([*seats, linked], (4, 4, 3, 1), strict=True):
        store.cast_vote(workshop, person, first, vote(level))
    step(store, workshop, Move.CLOSE)
    step(store, workshop, Move.REVEAL)  # four votes: shown, and they count
    step(store, workshop, Move.GO_TO, 1)
    step(store, workshop, Move.OPEN)
    for person in seats[:2]:
        store.cast_vote(workshop, person, second, vote(4))
    step(store, workshop, Move.CLOSE)
    step(store, workshop, Move.REVEAL)  # two votes: never shown, so they count nowhere
    step(store, workshop, Move.GO_TO, 2)
    step(store, workshop, Move.OPEN)
    for person in seats:
        store.cast_vote(workshop, person, third, vote(1))  # still open: counts nowhere yet
    return {"collaborative": collaborative, "round": round_id, "workshop": workshop,
            "people": people, "seats": seats, "imported": len(plan.respondents),
            "statements": (first, second, third)}


@pytest.fixture(scope="module")
def made(tmp_path_factory) -> dict:
    path = tmp_path_factory.mktemp("one-round") / "round.duckdb"
    bank = load_banks()[2]  # the shape of the Forms export the round imports
    store = Store(path)
    try:
        made = build_round(store, bank)
        made["results"] = round_results(store, made["round"])
        made["progress"] = participation_of(store, made["round"],
                                            {a.id: a.name for a in bank.areas})
        made["report"] = build_board_report(store, made["round"], today=TODAY)
        made["html"] = report_html(made["report"])
        made["summary"] = workshop_summary(store, store.get_workshop(made["workshop"]))
        made["export"] = collaborative_export(store, made["collaborative"])
        made["zip"] = export_csv_zip(made["export"])
        store.close_round(made["round"], "lead")
        made["kept"] = store.kept_scores(made["round"])
        made["benchmark"] = benchmark_view(store, RoundFilter(
            only_collaborative_ids=(made["collaborative"],)), bank)
    finally:
        store.close()
    made["page"] = results_page_on(path, made["collaborative"])
    made["bank"] = bank
    return made


def test_the_round_is_what_it_was_built_to_be(made):
    people = made["results"].headcount
    # 5 self-assessors who answered, the imported people, and the 3 seats whose votes were shown;
    # the self-assessor who also voted is counted once; one person joined and never answered.
    assert people.self_assessed == len(SELF_ASSESSORS) + made["imported"]
    assert people.workshop_voters == 3 and people.seats == 3
    assert people.took_part == len(SELF_ASSESSORS) + made["imported"] + 3
    assert people.not_answered == 1


def test_every_output_gives_the_same_headcount(made):
    people = made["results"].headcount
    took_part = people.took_part
    assert made["progress"].headcount == people
    assert made["report"].headcount == people
    assert f"{took_part} people took part" in made["html"]
    assert made["export"].rounds.iloc[0]["people_took_part"] == took_part
    assert made["export"].rounds.iloc[0]["joined_no_answer"] == people.not_answered
    with zipfile.ZipFile(io.BytesIO(made["zip"])) as archive:
        rounds_csv = pd.read_csv(archive.open("rounds.csv"), encoding="utf-8-sig")
    assert rounds_csv.iloc[0]["people_took_part"] == took_part
    assert made["kept"][2].iloc[0]["respondents"] == took_part
    assert made["benchmark"].rounds.iloc[0]["people_took_part"] == took_part
    page = made["page"]
    assert not page.exception
    metric = next(m for m in page.metric if m.label == "People who took part")
    assert int(metric.value) == took_part


def test_answers_per_statement_count_each_person_once_and_only_shown_votes(made):
    statements = made["results"].statements.set_index("statement_id")
    first, second, third = made["statements"]
    answers = made["results"].answers
    by_self = answers[answers["kind"] == "self"].groupby("statement_id").size()
    by_seats = answers[answers["kind"] == "seat"].groupby("statement_id").size()
    # First: every self-assessor who answered it (the linked voter's vote replaced their own
    # answer, so once) and the three seats. Second and third: the votes are not shown, so only
    # the self-assessment.
    answered = {statement: int(statements.loc[statement, "answers"]) for statement in
                (first, second, third)}
    assert answered[first] == by_self[first] + 3 and by_seats.to_dict() == {first: 3}
    assert answered[second] == by_self[second] and answered[third] == by_self[third]
    linked = answers[(answers["respondent_id"] == made["people"][-1])].set_index("statement_id")
    assert linked.loc[first, "level"] == 1 and linked.loc[first, "source"] == "workshop"
    assert linked.loc[third, "level"] == 3 and linked.loc[third, "source"] != "workshop"
    export = made["export"].statement_scores.set_index("statement_id")
    for statement in (first, second, third):
        assert export.loc[statement, "answers"] == answered[statement]
    summary = made["summary"].set_index("statement_id")
    assert summary.loc[first, "votes"] == 4
    assert pd.isna(summary.loc[second, "votes"]) and pd.isna(summary.loc[third, "votes"])
    kept = made["kept"][0].set_index("statement_id")
    assert kept.loc[first, "levels_given"] == statements.loc[first, "levels_given"]


def test_every_output_gives_the_same_roles(made):
    results = made["results"]
    assert made["progress"].roles.sizes == results.roles.sizes
    assert made["report"].role_groups == results.roles.sizes
    # Anonymous seats are never grouped by role: the three non-executive seats are not a group.
    assert sum(results.roles.sizes.values()) + results.roles.not_shown == (
        results.headcount.self_assessed)
    assert set(made["progress"].by_role["role"]) == set(results.roles.sizes)


def test_every_output_gives_the_same_completeness_and_thin_areas(made):
    results = made["results"]
    areas = results.area_completeness.set_index("area_id")
    pd.testing.assert_frame_equal(made["progress"].areas.set_index("area_id"), areas)
    export = made["export"].area_scores.set_index("area_id")
    assert export["completeness"].tolist() == pytest.approx(areas["completeness"].tolist())
    assert export["answered"].tolist() == areas["answered"].tolist()
    # The seats answered three statements of one area: they are not in anyone's completeness.
    assert (areas["people"] == results.headcount.self_assessed).all()
    assert areas.loc["DS", "completeness"] < areas.loc["PB", "completeness"]


def test_every_output_gives_the_same_scores_and_stages_with_one_rounding(made):
    results = made["results"]
    areas = results.areas.set_index("area_id")["score"]
    shown = areas.map(lambda score: shown_score(score, AREA_PLACES))
    export = made["export"].area_scores.set_index("area_id")
    assert export["score"].tolist() == shown.tolist()
    assert export["stage"].tolist() == [stage_of(score).label for score in areas]
    report = {area.area_id: area for area in made["report"].areas}
    assert [report[area].score for area in areas.index] == pytest.approx(areas.tolist())
    assert [report[area].stage for area in areas.index] == [stage_of(s) for s in areas]
    kept_areas = made["kept"][1].set_index("area_id")["score"].reindex(areas.index)
    assert kept_areas.tolist() == pytest.approx(areas.tolist())
    benchmark = made["benchmark"].area_scores.set_index("area")["score"]
    names = dict(zip(results.areas["area_id"], results.areas["area"], strict=True))
    assert [benchmark[names[area]] for area in areas.index] == shown.tolist()

    overall, stage = results.overall, results.stage
    assert made["report"].overall == pytest.approx(overall) and made["report"].stage is stage
    assert made["export"].rounds.iloc[0]["overall_score"] == shown_score(overall, AREA_PLACES)
    assert made["export"].rounds.iloc[0]["overall_stage"] == stage.label
    assert made["kept"][2].iloc[0]["stage"] == int(stage)
    bench_round = made["benchmark"].rounds.iloc[0]
    assert bench_round["overall"] == shown_score(overall, AREA_PLACES)
    assert bench_round["stage"].endswith(stage.label)
    assert f"score {score_text(overall, AREA_PLACES)} of 4" in made["html"]
    page = made["page"]
    headline = next(m for m in page.metric if m.label == "Overall stage")
    assert stage.label in headline.value
    figures = page.table[0].value  # the area chart's figures
    assert figures["Your score"].tolist() == [score_text(s, AREA_PLACES) for s in areas]
