"""One collaborative's own data, every round, as an Excel workbook or a zip of CSV files: each
person's current answers, the scores the Results page shows, the people taking part, the levels
workshops agreed and the actions, with a Read me and a sheet that explains every column.

This is the collaborative's own record for its leads, so it holds individual answers with the name,
role and organisation each person gave. The small-group rule of the Results page (no role shown
with fewer than 3 people) is about figures shown to everyone who can open Results; it does not apply
here, and no figure grouped by role is exported. Resume codes are never exported: they open a
person's answers for changing.

The Answers table's columns are read back by the importer (`collab-assess import --from-round`), so
their names and order are fixed: see ANSWER_COLUMNS.
"""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime

import pandas as pd

from collab_assess.assessment.participation import SEAT
from collab_assess.assessment.results import RoundResults, round_results
from collab_assess.content.bank import QuestionBank
from collab_assess.content.scale import (
    AREA_PLACES,
    ON_THE_LINE,
    STATEMENT_PLACES,
    Level,
    Unscored,
    describe_bands,
    shown_score,
    stage_of,
)
from collab_assess.exchange.export_sheets import (
    CSV_ENCODING,
    Sheet,
    csv_bytes,
    without_controls,
    xlsx_bytes,
)
from collab_assess.store import Collaborative, utc_now
from collab_assess.store.view import StoreView

# -- what each table holds: its columns, in order, each with what it means ---------------------

ROUND = {"round": "The assessment round's name."}
ROUND_STATE = {
    "round_status": "open: the round can still change, so its figures are as they stood when this "
                    "file was made. submitted: its lead closed it and its answers are final.",
    "provisional": "TRUE while fewer than half the round's statements have a score: the round's "
                   "figures may still move a lot (the Results page says 'provisional').",
}
STATEMENT = {
    "area_id": "The area's short code in the question bank (e.g. PB).",
    "area": "The area's name.",
    "statement_id": "The statement's code in the question bank the round asked (e.g. PB-2). The "
                    "same code can word a statement differently in another bank version.",
    "statement": "The statement's words, as the round asked it.",
}
STAGE_NOTE = f"Stages: {describe_bands()}. {ON_THE_LINE}"

ANSWER_COLUMNS: dict[str, str] = {
    **ROUND,
    "respondent": "The person's number within the round, in the order people joined it (1, 2, "
                  "...). Numbers start again in each round: the same person in two rounds has "
                  "two unrelated numbers.",
    "name": "The name the person gave (blank if they gave none).",
    "role": "The role the person chose.",
    "organisation": "The organisation the person gave (blank if they gave none).",
    **STATEMENT,
    "level": "The level chosen, 1 to 4 (blank for Don't know and Not applicable).",
    "level_name": "That level's name: Emerging, Developing, Maturing or Thriving.",
    "unscored": "Don't know or Not applicable where the person chose one of those instead of a "
                "level; blank otherwise. These never count towards a score.",
    "target_level": "The level the person thinks the collaborative should reach (blank if none "
                    "was set).",
    "note": "The evidence or rationale the person wrote, as typed.",
    "recorded_at": "When this answer was saved (UTC). Only the newest version of each answer is "
                   "here.",
    "source": "Where the answer came from: self-assessment (the app's walk), workshop (a vote in "
              "a board workshop), import (a file of responses) or demo (made up).",
}
"""The Answers table, exactly: another program reads these columns back, so never rename or
reorder them."""
ANSWER_COLUMN_NAMES: tuple[str, ...] = tuple(ANSWER_COLUMNS)

ROUND_COLUMNS: dict[str, str] = {
    **ROUND,
    "opens_on": "The date the round opened.",
    "closes_on": "The date the round was planned to close (blank if none was set).",
    "round_status": ROUND_STATE["round_status"],
    "bank_version": "The version of the question bank the round asked.",
    "people_took_part": "How many people took part: gave at least one answer that counts (a "
                        "level, Don't know or Not applicable; a workshop vote once the facilitator "
                        "revealed it). The Results page's 'People who took part'.",
    "self_assessed": "Of them, how many answered in the self-assessment (including people who "
                     "joined a workshop with their resume code).",
    "workshop_voters": "Of them, how many only voted in a workshop, without a resume code "
                       "(anonymous seats).",
    "joined_no_answer": "People who joined the self-assessment but have given no answer yet (not "
                        "in people_took_part).",
    "statements": "How many statements the round asked.",
    "statements_scored": "How many statements have a score (at least one level given, or a level "
                         "agreed in a workshop).",
    "provisional": ROUND_STATE["provisional"],
    "overall_score": "The round's overall score, 1 to 4: the mean of its area scores, so every "
                     "area weighs the same, rounded to 2 places as every page shows it. Blank "
                     "when nothing has a score.",
    "overall_stage": "The stage the overall score falls in. " + STAGE_NOTE,
    "described_stage": "How people describe the collaborative: the lower middle (median) of the "
                       "stages respondents chose for it, so an even split never gives a stage "
                       "nobody chose. Blank if nobody said.",
    "described_by": "How many people said which stage they think the collaborative is at.",
}

AREA_COLUMNS: dict[str, str] = {
    **ROUND,
    **ROUND_STATE,
    "area_id": STATEMENT["area_id"],
    "area": STATEMENT["area"],
    "group": "Whether the area is a core capability or an enabler.",
    "score": "The area's score, 1 to 4: the mean of its statements' scores, rounded to 2 places "
             "as every page shows it. Statements with no score are left out, not counted as "
             "zero. Blank when none has a score.",
    "stage": "The stage the area's score falls in. " + STAGE_NOTE,
    "statements": "How many statements the area has in this round.",
    "statements_scored": "How many of them have a score.",
    "disagreements": "How many of its statements are flagged because the room is split (see "
                     "disagreement on Statement scores).",
    "people": "Self-assessors who took part (people who only voted in a workshop are left out: "
              "they were asked only the workshop's statements).",
    "answered": "Answers those people gave in the area, counting Don't know and Not applicable.",
    "completeness": "answered out of (people x statements in the area), 0 to 1 (shown as a "
                    "percentage in Excel). Below half, the Collaborative page calls the area "
                    "thin.",
}

STATEMENT_SCORE_COLUMNS: dict[str, str] = {
    **ROUND,
    **ROUND_STATE,
    **STATEMENT,
    "score": "The statement's score, 1 to 4: the level a workshop agreed (agreed_level) where "
             "there is one, otherwise the median of the levels people gave. Blank when nobody "
             "gave a level.",
    "stage": "The stage the statement's score falls in. " + STAGE_NOTE,
    "agreed_level": "The level a board workshop agreed for the statement, which is then its "
                    "score (blank if none).",
    "median": "The middle of the levels people gave (with an even number, halfway between the "
              "middle two).",
    "mean": "The average of the levels people gave.",
    "answers": "How many people answered, counting Don't know and Not applicable.",
    "levels_given": "How many people gave a level (1 to 4).",
    "dont_know": "How many answered Don't know.",
    "not_applicable": "How many answered Not applicable.",
    "lowest": "The lowest level given.",
    "highest": "The highest level given.",
    "range": "highest minus lowest.",
    "q1": "The lower quartile of the levels given (25th percentile, linear interpolation).",
    "q3": "The upper quartile (75th percentile).",
    "iqr": "The interquartile range: q3 minus q1.",
    "disagreement": "TRUE when the room is split: with n people giving a level and k a quarter of "
                    "n rounded up (at least 2 from 4 people), the k-th highest level is two or "
                    "more above the k-th lowest.",
    "information_gap": "TRUE when a quarter or more of the answers are Don't know.",
    "dont_know_share": "Share of answers that are Don't know, 0 to 1 (shown as a percentage in "
                       "Excel).",
}

RESPONDENT_COLUMNS: dict[str, str] = {
    **ROUND,
    "respondent": ANSWER_COLUMNS["respondent"],
    "name": ANSWER_COLUMNS["name"],
    "role": ANSWER_COLUMNS["role"],
    "organisation": ANSWER_COLUMNS["organisation"],
    "joined_at": "When the person joined the round (UTC).",
    "kind": "self-assessment: joined the round's self-assessment (or came in an import). "
            "workshop seat: joined a workshop without a resume code, so was asked only the "
            "workshop's statements.",
    "answered": "How many of the round's statements the person answered, counting Don't know "
                "and Not applicable.",
    "statements": "How many statements the round asked.",
    "completeness": "answered out of statements, 0 to 1 (shown as a percentage in Excel); blank "
                    "for a workshop seat.",
    "described_level": "The stage the person said the collaborative is at, 1 to 4 (blank if they "
                       "did not say).",
    "described_stage": "That stage's name.",
}

CONSENSUS_COLUMNS: dict[str, str] = {
    **ROUND,
    **STATEMENT,
    "level": "The level the board workshop agreed, 1 to 4. It is the statement's score.",
    "level_name": "That level's name.",
    "rationale": "Why the workshop agreed that level, as recorded.",
    "recorded_at": "When the agreed level was recorded (UTC). Only the latest for each statement "
                   "is here.",
    "recorded_by": "Who recorded it.",
}

ACTION_COLUMNS: dict[str, str] = {
    **ROUND,
    "action": "What was agreed should be done.",
    "owner": "Who owns the action (blank if nobody was named).",
    "due_on": "When it is due (blank if no date was set).",
    "status": "Its status now: open, in progress, done or dropped.",
    "area_id": "The area it is about (blank if none).",
    "area": "That area's name.",
    "statement_id": "The statement it is about (blank if none).",
    "statement": "That statement's words.",
    "recorded_at": "When the action was recorded (UTC).",
    "recorded_by": "Who recorded it.",
}

COLUMN_COLUMNS: dict[str, str] = {
    "sheet": "The sheet of the Excel workbook the column is on.",
    "file": "The CSV file the column is in (in the zip download).",
    "column": "The column's heading.",
    "meaning": "What the column holds.",
}


@dataclass(frozen=True, eq=False)
class Table:
    """One table of the export: its sheet in the workbook, its file in the zip, a sentence about
    it for the Read me, and its columns in order with what each means."""

    sheet: str
    file: str
    about: str
    columns: dict[str, str]


ANSWERS = Table("Answers", "answers.csv", "Every person's current answer to every statement "
                "they answered, one row each, in every round.", ANSWER_COLUMNS)
ROUNDS = Table("Rounds", "rounds.csv", "Each round, oldest first, with its overall score and "
               "stage and how people describe the collaborative.", ROUND_COLUMNS)
AREA_SCORES = Table("Area scores", "area_scores.csv", "Each area's score in each round, as the "
                    "Results page shows it.", AREA_COLUMNS)
STATEMENT_SCORES = Table("Statement scores", "statement_scores.csv", "Each statement's score "
                         "and spread in each round, as the Results page works them out.",
                         STATEMENT_SCORE_COLUMNS)
RESPONDENTS = Table("Respondents", "respondents.csv", "Everyone who joined each round (also "
                    "those who answered nothing), how far they got, and the stage they said "
                    "the collaborative is at.", RESPONDENT_COLUMNS)
CONSENSUS = Table("Consensus", "consensus.csv", "The level each board workshop agreed for a "
                  "statement, with its rationale.", CONSENSUS_COLUMNS)
ACTIONS = Table("Actions", "actions.csv", "The actions agreed in workshops, with their status "
                "now.", ACTION_COLUMNS)
COLUMNS = Table("Columns", "columns.csv", "What every column of every table means.",
                COLUMN_COLUMNS)
TABLES: tuple[Table, ...] = (COLUMNS, ANSWERS, ROUNDS, AREA_SCORES, STATEMENT_SCORES, RESPONDENTS,
                             CONSENSUS, ACTIONS)
"""Every table of the export, in the order of the workbook's sheets (after the Read me)."""

READ_ME_SHEET = "Read me"
READ_ME_FILE = "read_me.txt"

NUMBER_FORMATS = {"score": "0.00", "overall_score": "0.00", "median": "0.0", "mean": "0.00",
                  "q1": "0.00", "q3": "0.00", "iqr": "0.00", "completeness": "0%",
                  "dont_know_share": "0%"}
"""How the workbook shows fractional figures; the cells keep every digit."""

STATUS_WORDS = {"open": "open", "closed": "submitted"}


@dataclass(frozen=True)
class CollaborativeExport:
    """One collaborative's data, every round, as tables (one per sheet, columns as in TABLES)."""

    collaborative: Collaborative
    made_at: datetime
    """When the export was made (UTC)."""
    rounds: pd.DataFrame
    answers: pd.DataFrame
    area_scores: pd.DataFrame
    statement_scores: pd.DataFrame
    respondents: pd.DataFrame
    consensus: pd.DataFrame
    actions: pd.DataFrame

    @property
    def columns(self) -> pd.DataFrame:
        """Every column of every table with what it means (the Columns sheet, columns.csv)."""
        return pd.DataFrame(
            [{"sheet": table.sheet, "file": table.file, "column": column, "meaning": meaning}
             for table in TABLES for column, meaning in table.columns.items()],
            columns=list(COLUMN_COLUMNS))

    def tables(self) -> dict[Table, pd.DataFrame]:
        """Every table, in the order of TABLES."""
        held = {COLUMNS: self.columns, ANSWERS: self.answers, ROUNDS: self.rounds,
                AREA_SCORES: self.area_scores, STATEMENT_SCORES: self.statement_scores,
                RESPONDENTS: self.respondents, CONSENSUS: self.consensus,
                ACTIONS: self.actions}
        return {table: held[table] for table in TABLES}

    def read_me(self) -> list[str]:
        """The Read me, a paragraph a line: what the file is, what it holds and how to read it."""
        return list(_read_me(self))


def collaborative_export(store: StoreView, collaborative_id: int) -> CollaborativeExport:
    """Everything the collaborative has recorded, every round, oldest round first. Scores are the
    Results page's own (results.round_results), as they stand now for an open round."""
    collaborative = store.get_collaborative(collaborative_id)
    listed = store.rounds(collaborative_id).sort_values(["opens_on", "id"], ignore_index=True)
    round_ids = [int(each) for each in listed["id"]]
    consensus = store.current_consensus(round_ids)
    stages = store.self_described_stages(round_ids)
    parts: dict[str, list[pd.DataFrame]] = {name: [] for name in (
        "rounds", "answers", "areas", "statements", "respondents", "consensus", "actions")}
    for round_id in round_ids:
        results = round_results(store, round_id)
        people = store.respondents([round_id])
        label = results.round.label
        parts["rounds"].append(_round_row(results))
        parts["answers"].append(_answers(results, people))
        parts["areas"].append(_area_scores(results))
        parts["statements"].append(_statement_scores(results))
        parts["respondents"].append(_respondents(results, people, stages))
        parts["consensus"].append(_consensus(consensus[consensus["round_id"] == round_id],
                                             results.bank, label))
        parts["actions"].append(_actions(store.actions(round_id), results.bank, label))
    return CollaborativeExport(
        collaborative=collaborative,
        made_at=utc_now(),
        rounds=_stacked(parts["rounds"], ROUNDS),
        answers=_stacked(parts["answers"], ANSWERS),
        area_scores=_stacked(parts["areas"], AREA_SCORES),
        statement_scores=_stacked(parts["statements"], STATEMENT_SCORES),
        respondents=_stacked(parts["respondents"], RESPONDENTS),
        consensus=_stacked(parts["consensus"], CONSENSUS),
        actions=_stacked(parts["actions"], ACTIONS),
    )


# -- the tables, one round at a time -------------------------------------------------------------

def _stacked(frames: list[pd.DataFrame], table: Table) -> pd.DataFrame:
    """The rounds' rows in one table with exactly the table's columns (headers only if none)."""
    frames = [frame for frame in frames if not frame.empty]
    if not frames:
        return pd.DataFrame(columns=list(table.columns))
    return pd.concat(frames, ignore_index=True)[list(table.columns)]


def _levels(values: pd.Series) -> pd.Series:
    """Whole levels (1-4) with blanks, so CSV says 2 and never 2.0."""
    return pd.to_numeric(values, errors="coerce").round().astype("Int64")


def _level_names(levels: pd.Series) -> pd.Series:
    return levels.map(lambda level: Level(int(level)).label if pd.notna(level) else "")


def _stage_names(scores: pd.Series) -> pd.Series:
    return scores.map(lambda score: stage_of(float(score)).label if pd.notna(score) else "")


def _shown(scores: pd.Series, places: int) -> pd.Series:
    """Scores rounded as every page shows them (scale.shown_score), so a cell never reads as
    another stage than the one beside it."""
    return scores.map(lambda score: shown_score(float(score), places) if pd.notna(score)
                      else None).astype("float64")


def _dates(values: pd.Series) -> pd.Series:
    """Calendar dates (no time of day), blank where there is none."""
    return values.map(lambda value: pd.Timestamp(value).date() if pd.notna(value) else None)


def _texts(values: pd.Series) -> pd.Series:
    return values.astype("object").where(values.notna(), "").astype("object")


def _statement_words(bank: QuestionBank, statement_ids: pd.Series) -> pd.DataFrame:
    """area_id, area and statement for each statement id, from the round's own bank."""
    statements, areas = bank.statements_by_id, bank.areas_by_id

    def area_of(statement_id: str) -> str:
        return statements[statement_id].area if statement_id in statements else ""

    area_ids = statement_ids.map(area_of)
    return pd.DataFrame({
        "area_id": area_ids,
        "area": area_ids.map(lambda area: areas[area].name if area in areas else ""),
        "statement_id": statement_ids,
        "statement": statement_ids.map(
            lambda statement_id: statements[statement_id].statement
            if statement_id in statements else ""),
    }, index=statement_ids.index)


def _round_state(results: RoundResults) -> dict[str, object]:
    return {"round": results.round.label, "round_status": STATUS_WORDS.get(results.round.status,
                                                                            results.round.status),
            "provisional": bool(results.provisional)}


def _round_row(results: RoundResults) -> pd.DataFrame:
    assessment_round = results.round
    statements = results.statements
    return pd.DataFrame([{
        **_round_state(results),
        "opens_on": _dates(pd.Series([assessment_round.opens_on])).iloc[0],
        "closes_on": _dates(pd.Series([assessment_round.closes_on])).iloc[0],
        "bank_version": int(assessment_round.bank_version),
        "people_took_part": results.headcount.took_part,
        "self_assessed": results.headcount.self_assessed,
        "workshop_voters": results.headcount.workshop_voters,
        "joined_no_answer": results.headcount.not_answered,
        "statements": len(statements),
        "statements_scored": results.statements_scored,
        "overall_score": shown_score(results.overall, AREA_PLACES)
        if results.overall is not None else None,
        "overall_stage": results.stage.label if results.stage else "",
        "described_stage": results.self_described.label if results.self_described else "",
        "described_by": int(sum(results.self_described_counts.values())),
    }])


def _answers(results: RoundResults, people: pd.DataFrame) -> pd.DataFrame:
    answers = results.answers
    if answers.empty:
        return pd.DataFrame()
    who = people.set_index("respondent_id")
    position = {statement.id: i for i, statement in enumerate(results.bank.statements)}
    levels = _levels(answers["level"])
    table = pd.DataFrame({
        "round": results.round.label,
        "respondent": answers["respondent_id"].map(who["number"]).astype("Int64"),
        "name": _texts(answers["respondent_id"].map(who["display_name"])),
        "role": _texts(answers["role"]),
        "organisation": _texts(answers["organisation"]),
        **_statement_words(results.bank, answers["statement_id"]),
        "level": levels,
        "level_name": _level_names(levels),
        "unscored": answers["unscored"].map(
            lambda value: Unscored(value).label if pd.notna(value) and value else ""),
        "target_level": _levels(answers["target_level"]),
        "note": _texts(answers["note"]),
        "recorded_at": answers["recorded_at"],
        "source": _texts(answers["source"]),
        "_order": answers["statement_id"].map(position),
    })
    return table.sort_values(["respondent", "_order"], kind="stable", ignore_index=True)


def _area_scores(results: RoundResults) -> pd.DataFrame:
    areas = results.areas.merge(
        results.area_completeness[["area_id", "people", "answered", "completeness"]],
        on="area_id", how="left")
    if areas.empty:
        return pd.DataFrame()
    return areas.assign(
        **_round_state(results),
        score=_shown(areas["score"], AREA_PLACES),
        stage=_stage_names(areas["score"]),
        people=areas["people"].fillna(0).astype("int64"),
        statements=areas["statements"].astype("int64"),
        statements_scored=areas["statements_scored"].astype("int64"),
        disagreements=areas["disagreements"].astype("int64"),
        answered=areas["answered"].fillna(0).astype("int64"),
        completeness=areas["completeness"].fillna(0.0),
    )


def _statement_scores(results: RoundResults) -> pd.DataFrame:
    table = results.statements
    if table.empty:
        return pd.DataFrame()
    return table.assign(
        **_round_state(results),
        score=_shown(table["score"], STATEMENT_PLACES),
        stage=_stage_names(table["score"]),
        agreed_level=_levels(table["consensus"]),
        lowest=_levels(table["low"]),
        highest=_levels(table["high"]),
        range=_levels(table["range"]),
        disagreement=table["disagreement"].astype(bool),
        information_gap=table["information_gap"].astype(bool),
    )


def _respondents(results: RoundResults, people: pd.DataFrame, stages: pd.DataFrame) -> pd.DataFrame:
    if people.empty:
        return pd.DataFrame()
    asked = len(results.statements)
    answered = results.respondent_completeness.set_index("respondent_id")["answered"]
    described = stages[stages["round_id"] == results.round.id].set_index("respondent_id")["stage"]
    count = people["respondent_id"].map(answered).fillna(0).astype("int64")
    levels = _levels(people["respondent_id"].map(described))
    seat = people["kind"] == SEAT
    return pd.DataFrame({
        "round": results.round.label,
        "respondent": people["number"].astype("int64"),
        "name": _texts(people["display_name"]),
        "role": _texts(people["role"]),
        "organisation": _texts(people["organisation"]),
        "joined_at": people["created_at"],
        "kind": seat.map({True: "workshop seat", False: "self-assessment"}),
        "answered": count,
        "statements": asked,
        "completeness": (count / asked if asked else count * 0.0).where(~seat),
        "described_level": levels,
        "described_stage": _level_names(levels),
    }).sort_values("respondent", ignore_index=True)


def _consensus(consensus: pd.DataFrame, bank: QuestionBank, label: str) -> pd.DataFrame:
    if consensus.empty:
        return pd.DataFrame()
    position = {statement.id: i for i, statement in enumerate(bank.statements)}
    consensus = consensus.reset_index(drop=True)
    levels = _levels(consensus["level"])
    return pd.DataFrame({
        "round": label,
        **_statement_words(bank, consensus["statement_id"]),
        "level": levels,
        "level_name": _level_names(levels),
        "rationale": _texts(consensus["rationale"]),
        "recorded_at": consensus["recorded_at"],
        "recorded_by": _texts(consensus["recorded_by"]),
        "_order": consensus["statement_id"].map(position),
    }).sort_values("_order", kind="stable", ignore_index=True)


def _actions(actions: pd.DataFrame, bank: QuestionBank, label: str) -> pd.DataFrame:
    if actions.empty:
        return pd.DataFrame()
    actions = actions.reset_index(drop=True)
    statement_ids = _texts(actions["statement_id"])
    about = _statement_words(bank, statement_ids)
    # An action about a statement is about its area too, whether or not the area was recorded.
    area_ids = _texts(actions["area_id"]).where(lambda ids: ids != "", about["area_id"])
    areas = bank.areas_by_id
    return pd.DataFrame({
        "round": label,
        "action": _texts(actions["description"]),
        "owner": _texts(actions["owner"]),
        "due_on": _dates(actions["due_on"]),
        "status": _texts(actions["status"]),
        "area_id": area_ids,
        "area": area_ids.map(lambda area: areas[area].name if area in areas else ""),
        "statement_id": statement_ids,
        "statement": about["statement"],
        "recorded_at": actions["recorded_at"],
        "recorded_by": _texts(actions["recorded_by"]),
    })


# -- the Read me ---------------------------------------------------------------------------------

DEMO_WARNING = ("SYNTHETIC DEMO DATA. This collaborative was made up by collab-assess's demo "
                "generator: its people, answers, scores and actions are invented, and say "
                "nothing about any real collaborative.")


def _day(value: date) -> str:
    return f"{value.day} {value:%B %Y}"


def _read_me(export: CollaborativeExport) -> Iterator[str]:
    collaborative = export.collaborative
    yield f"{collaborative.name}: the collaborative's data from collab-assess"
    if collaborative.is_demo:
        yield DEMO_WARNING
    yield f"Made on {_day(export.made_at)} at {export.made_at:%H:%M} UTC."
    rounds = export.rounds
    if rounds.empty:
        yield ("This collaborative has no assessment rounds yet, so every table holds only its "
               "column headings. Open a round on the Collaborative page, then export again.")
    else:
        listed = "; ".join(
            f"{row['round']} (opened {_day(row['opens_on'])}, {row['round_status']}, "
            f"{row['people_took_part']} "
            f"{'person' if row['people_took_part'] == 1 else 'people'} took part)"
            for _, row in rounds.iterrows())
        yield f"Rounds, oldest first: {listed}."
        if (rounds["round_status"] == "open").any():
            yield ("An open round can still change: its answers and scores are as they stood when "
                   "this file was made.")
    yield ("This file holds each person's own answers with the name, role and organisation they "
           "gave. It is for the collaborative's leads: keep it as you would other personal "
           "information, and do not pass it to anyone who should not see individual answers. "
           "(The Results page shows a role's figures only when at least 3 people in it answered; "
           "this file is the full record, so that rule does not apply here, and it has no figures "
           "by role.) Resume codes are never included.")
    yield ("How scores are worked out, as on the Results page: a statement's score is the level a "
           "board workshop agreed, or else the median of the levels people gave; an area's score "
           "is the mean of its statements' scores; the overall score is the mean of the area "
           "scores. Don't know and Not applicable are recorded but never count towards a score. "
           f"{STAGE_NOTE}")
    yield ("Text that begins with =, +, -, @, a tab or a carriage return has an apostrophe (') "
           "put in front of it, so no spreadsheet can run it as a formula. The apostrophe is not "
           "part of what was typed.")
    yield "Times are in UTC (the same as UK time in winter, an hour behind it in summer)."
    yield "What each sheet (or CSV file) holds:"
    for table in TABLES:
        yield f"{table.sheet} ({table.file}): {table.about}"


# -- files ---------------------------------------------------------------------------------------

def export_xlsx(export: CollaborativeExport) -> bytes:
    """The export as one Excel workbook: the Read me, then a sheet per table (see TABLES)."""
    read_me = pd.DataFrame({READ_ME_SHEET: export.read_me()})
    sheets = [Sheet(READ_ME_SHEET, read_me, widths={READ_ME_SHEET: 110}, wrap=True,
                    filters=False)]
    for table, frame in export.tables().items():
        if table is COLUMNS:
            sheets.append(Sheet(table.sheet, frame, widths={"meaning": 100}, wrap=True))
            continue
        formats = {column: NUMBER_FORMATS[column] for column in frame.columns
                   if column in NUMBER_FORMATS}
        sheets.append(Sheet(table.sheet, frame, number_formats=formats))
    return xlsx_bytes(sheets)


def export_answers_csv(export: CollaborativeExport) -> bytes:
    """Just the Answers table, as one CSV file for Excel."""
    return csv_bytes(export.answers)


def export_csv_zip(export: CollaborativeExport) -> bytes:
    """The export as a zip: read_me.txt, then one CSV file per table (see TABLES)."""
    stamp = export.made_at.timetuple()[:6]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        def add(name: str, content: bytes) -> None:
            archive.writestr(zipfile.ZipInfo(name, date_time=stamp), content,
                             compress_type=zipfile.ZIP_DEFLATED)

        read_me = "\r\n\r\n".join(without_controls(line) for line in export.read_me())
        add(READ_ME_FILE, read_me.encode(CSV_ENCODING) + b"\r\n")
        for table, frame in export.tables().items():
            add(table.file, csv_bytes(frame))
    return buffer.getvalue()


_NOT_IN_NAME = re.compile(r"[^a-z0-9]+")
NAME_LIMIT = 60


def export_file_name(export: CollaborativeExport | str, extension: str) -> str:
    """A file name safe on every system, such as
    collab-assess-north-east-collaborative-2026-05-01.xlsx: the collaborative's name in plain
    lower-case letters, digits and dashes (accents dropped, at most NAME_LIMIT characters), and the
    day the export was made. Takes the export, or just the collaborative's name (then today)."""
    name = export if isinstance(export, str) else export.collaborative.name
    made = date.today() if isinstance(export, str) else export.made_at.date()
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    slug = _NOT_IN_NAME.sub("-", plain.lower()).strip("-")[:NAME_LIMIT].strip("-")
    suffix = _NOT_IN_NAME.sub("", extension.lower().lstrip(".")) or "xlsx"
    return f"collab-assess-{slug or 'collaborative'}-{made:%Y-%m-%d}.{suffix}"
