"""How scores are worked out: pure functions over tables of answers.

Every function here works on many assessment rounds at once (keyed by ``round_id``), so the same
code scores one collaborative's round and every peer's latest round. The README section "How scores
are worked out" describes each rule; tests/test_scoring.py checks each one.

Tables:
- answers: one row per respondent per statement (the current answer), with columns
  round_id, respondent_id, statement_id, level (1-4, or missing) and unscored
  ("dont_know", "not_applicable" or missing).
- statements: the statements each round asks, with columns round_id, statement_id, area_id.
- consensus: the level a workshop agreed for a statement, columns round_id, statement_id, level.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from collab_assess.content.scale import Unscored, stage_of

DISAGREEMENT_GAP = 2
"""How many levels apart the two sides of a split must be for a statement to be flagged."""

SPLIT_SHARE = 0.25
"""Each side of a split must hold at least this share of the people who gave a level..."""
SPLIT_MIN_PEOPLE = 2
"""...and at least this many people once SPLIT_MIN_FROM people or more gave a level, so one person
out of step with a larger room is not read as the room disagreeing."""
SPLIT_MIN_FROM = 4

INFORMATION_GAP_SHARE = 0.25
"""A statement where at least this share of answers is "Don't know" is flagged as an information
gap."""

STATEMENT_KEY = ["round_id", "statement_id"]
AREA_KEY = ["round_id", "area_id"]


def _scored_levels(answers: pd.DataFrame) -> pd.DataFrame:
    """The answers that count towards a score: a level of 1-4. Don't know and N/A are left out."""
    levels = pd.to_numeric(answers["level"], errors="coerce").astype("float64")
    return answers.assign(level=levels).dropna(subset=["level"])


def statement_scores(
    answers: pd.DataFrame,
    statements: pd.DataFrame,
    consensus: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """One row per round and statement: its score, spread and flags.

    score is the agreed consensus level where one was recorded, otherwise the median of the
    respondents' levels; missing where nobody gave a level. Spread (low, high, range, q1, q3, iqr)
    is taken over respondents' levels only, with quartiles by linear interpolation. split_gap and
    disagreement follow the rule in _split_gaps.
    """
    table = (statements[STATEMENT_KEY + ["area_id"]].drop_duplicates(STATEMENT_KEY)
             .set_index(STATEMENT_KEY))
    answers = answers.reset_index(drop=True)
    unscored = answers["unscored"].astype("object")
    counts = pd.DataFrame(
        {
            "round_id": answers["round_id"],
            "statement_id": answers["statement_id"],
            "answers": 1,
            "dont_know": (unscored == Unscored.DONT_KNOW.value).astype(int),
            "not_applicable": (unscored == Unscored.NOT_APPLICABLE.value).astype(int),
        }
    ).groupby(STATEMENT_KEY)[["answers", "dont_know", "not_applicable"]].sum()

    levels = _scored_levels(answers).groupby(STATEMENT_KEY)["level"]
    spread = pd.DataFrame(
        {
            "levels_given": levels.size(),
            "median": levels.median(),
            "mean": levels.mean(),
            "low": levels.min(),
            "high": levels.max(),
            "q1": levels.quantile(0.25),
            "q3": levels.quantile(0.75),
        }
    )
    table = table.join(counts).join(spread)
    for column in ("answers", "dont_know", "not_applicable", "levels_given"):
        table[column] = table[column].fillna(0).astype("int64")

    agreed = _consensus_levels(consensus)
    table["consensus"] = agreed.reindex(table.index).astype("float64")
    table["score"] = table["consensus"].where(table["consensus"].notna(), table["median"])
    table["range"] = table["high"] - table["low"]
    table["iqr"] = table["q3"] - table["q1"]
    table["split_gap"] = _split_gaps(answers).reindex(table.index)
    table["disagreement"] = (table["split_gap"] >= DISAGREEMENT_GAP).fillna(False).astype(bool)
    share = table["dont_know"] / table["answers"].where(table["answers"] > 0)
    table["dont_know_share"] = share.fillna(0.0)
    table["information_gap"] = table["dont_know_share"] >= INFORMATION_GAP_SHARE
    return table.reset_index()


def split_size(levels_given: pd.Series) -> pd.Series:
    """How many people must sit on each side of a split: a quarter of those who gave a level,
    rounded up, and at least SPLIT_MIN_PEOPLE once SPLIT_MIN_FROM or more gave one."""
    size = np.ceil(levels_given * SPLIT_SHARE).astype("int64")
    floor = np.where(levels_given >= SPLIT_MIN_FROM, SPLIT_MIN_PEOPLE, 1)
    return pd.Series(np.maximum(size, floor), index=levels_given.index)


def _split_gaps(answers: pd.DataFrame) -> pd.Series:
    """Per round and statement: the k-th highest level minus the k-th lowest, k = split_size.

    A gap of DISAGREEMENT_GAP or more means at least k people sit that many levels below at least
    k others. Worked out by sorting every answer once and picking positions, with no Python loop
    per statement, because peers are scored with this code over tens of thousands of answers."""
    levels = _scored_levels(answers)[STATEMENT_KEY + ["level"]].sort_values(
        STATEMENT_KEY + ["level"], kind="stable", ignore_index=True)
    grouped = levels.groupby(STATEMENT_KEY, sort=False)
    position = grouped.cumcount()
    given = grouped["level"].transform("size")
    k = split_size(given)
    kth_lowest = levels[position == k - 1].set_index(STATEMENT_KEY)["level"]
    kth_highest = levels[position == given - k].set_index(STATEMENT_KEY)["level"]
    return (kth_highest - kth_lowest).rename("split_gap")


def _consensus_levels(consensus: pd.DataFrame | None) -> pd.Series:
    if consensus is None or consensus.empty:
        return pd.Series(dtype="float64", index=pd.MultiIndex.from_tuples([], names=STATEMENT_KEY))
    levels = pd.to_numeric(consensus["level"], errors="coerce").astype("float64")
    return consensus.assign(level=levels).dropna(subset=["level"]).set_index(STATEMENT_KEY)["level"]


def area_scores(statement_table: pd.DataFrame) -> pd.DataFrame:
    """One row per round and area: the mean of its statements' scores (statements with no score are
    left out), how many statements had a score, and how many the area has."""
    grouped = statement_table.groupby(AREA_KEY, sort=False)
    table = pd.DataFrame(
        {
            "score": grouped["score"].mean(),
            "statements_scored": grouped["score"].count(),
            "statements": grouped.size(),
            "disagreements": grouped["disagreement"].sum(),
        }
    )
    return table.reset_index()


def overall_scores(area_table: pd.DataFrame) -> pd.DataFrame:
    """One row per round: the mean of its areas' scores and the stage that mean falls into."""
    grouped = area_table.groupby("round_id", sort=False)
    table = pd.DataFrame({"score": grouped["score"].mean(),
                          "areas_scored": grouped["score"].count()})
    table["stage"] = table["score"].map(lambda s: int(stage_of(s)) if pd.notna(s) else pd.NA)
    return table.reset_index()


def completeness_by_respondent(answers: pd.DataFrame, statements: pd.DataFrame) -> pd.DataFrame:
    """Share of the round's statements each respondent has answered (Don't know and N/A count as
    answers: the respondent has responded)."""
    asked = statements.groupby("round_id")["statement_id"].nunique().rename("statements")
    answered = (
        answers.merge(statements[STATEMENT_KEY], on=STATEMENT_KEY)
        .groupby(["round_id", "respondent_id"])["statement_id"]
        .nunique()
        .rename("answered")
        .reset_index()
    )
    table = answered.join(asked, on="round_id")
    table["completeness"] = table["answered"] / table["statements"]
    return table


def area_scores_by_group(
    answers: pd.DataFrame, statements: pd.DataFrame, group_column: str
) -> pd.DataFrame:
    """Area scores worked out separately for each value of group_column (e.g. respondent role),
    by the same rules as the whole round, so gaps in perception between groups are visible."""
    frames = []
    for group, subset in answers.groupby(group_column, sort=True):
        areas = area_scores(statement_scores(subset, statements))
        frames.append(areas.assign(**{group_column: group}))
    if not frames:
        return pd.DataFrame(columns=[*AREA_KEY, group_column, "score"])
    return pd.concat(frames, ignore_index=True)
