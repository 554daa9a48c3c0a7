"""The SQL that works out and keeps a submitted round's scores, by the rules of scoring.py, over the
answers every figure counts (counted_answers_sql: workshop votes only once revealed): a statement
scores its agreed consensus level, else the median of the levels given (the midpoint of the middle
two for an even count); an area the mean of its scored statements; the round the mean of its scored
areas, placed in a stage by scale.STAGE_BANDS (on an edge, the lower stage); the self-described
stage is the lower median of each respondent's latest answer; respondents are the people who took
part (at least one counted answer, as participation.Headcount.took_part).
tests/test_kept_scores.py checks they agree.

It lives beside migrations.py rather than in store/ because a schema migration runs it too (to work
out every submitted round's scores again when the rules change). Each builder takes the rounds to
keep as a SQL subquery of fixed text (a parameter placeholder or a fixed condition), never input.
"""

from __future__ import annotations

from collab_assess.content.scale import STAGE_BANDS
from collab_assess.store.disclosure_sql import counted_answers_sql


def stage_case(column: str) -> str:
    """A CASE expression for the stage a 1-4 score falls into, as scale.stage_of places it: a
    score exactly on an edge belongs to the lower stage."""
    upper_bands = " ".join(
        f"WHEN round({column}, 9) > {band.lower!r} THEN {int(band.stage)}"
        for band in reversed(STAGE_BANDS[1:])
    )
    return (f"CASE WHEN {column} IS NULL THEN NULL {upper_bands} "
            f"ELSE {int(STAGE_BANDS[0].stage)} END")


PERIOD_START = ("CASE WHEN month(r.opens_on) >= 4 THEN year(r.opens_on) "
                "ELSE year(r.opens_on) - 1 END")
"""The NHS financial year (April to March) a round opened in, by the year it starts."""


def statement_scores_sql(rounds: str) -> str:
    """CTEs ending in `statement_scores` (round_id, statement_id, area_id, score, levels_given):
    every statement each round in `rounds` asks, with its score by the rules above."""
    return f"""
        kept_rounds AS ({rounds}),
        asked AS (
            SELECT r.id AS round_id, s.statement_id, s.area_id
            FROM rounds r JOIN bank_statements s ON s.bank_version = r.bank_version
            WHERE r.id IN (SELECT * FROM kept_rounds)
        ), {counted_answers_sql("SELECT * FROM kept_rounds")},
        levels AS (
            SELECT round_id, statement_id, median(level::DOUBLE) AS median,
                count(*) AS levels_given
            FROM counted_answers WHERE level IS NOT NULL
            GROUP BY round_id, statement_id
        ), agreed AS (
            SELECT round_id, statement_id, level::DOUBLE AS level FROM consensus_records
            WHERE round_id IN (SELECT * FROM kept_rounds)
            QUALIFY row_number() OVER (PARTITION BY round_id, statement_id ORDER BY id DESC) = 1
        ), statement_scores AS (
            SELECT asked.round_id, asked.statement_id, asked.area_id,
                coalesce(agreed.level, levels.median) AS score,
                coalesce(levels.levels_given, 0) AS levels_given
            FROM asked
            LEFT JOIN levels ON levels.round_id = asked.round_id
                AND levels.statement_id = asked.statement_id
            LEFT JOIN agreed ON agreed.round_id = asked.round_id
                AND agreed.statement_id = asked.statement_id
        )
    """


def area_scores_sql(rounds: str) -> str:
    """A SELECT of every area's score (round_id, area_id, score, statements_scored, statements)
    for the rounds in `rounds`, worked out now: what a round not yet submitted is summarised by."""
    return f"""
        WITH {statement_scores_sql(rounds)}
        SELECT round_id, area_id, avg(score) AS score, count(score) AS statements_scored,
            count(*) AS statements
        FROM statement_scores GROUP BY round_id, area_id ORDER BY round_id, area_id
    """


def keep_scores_sql(rounds: str) -> tuple[str, str, str]:
    """Three INSERTs that keep statement, area and round scores for the rounds in `rounds`."""
    statements = f"""
        INSERT INTO kept_statement_scores
        WITH {statement_scores_sql(rounds)}
        SELECT * FROM statement_scores
    """
    areas = f"""
        INSERT INTO kept_area_scores
        SELECT round_id, area_id, avg(score), count(score), count(*)
        FROM kept_statement_scores WHERE round_id IN ({rounds})
        GROUP BY round_id, area_id
    """
    whole_rounds = f"""
        INSERT INTO kept_round_scores
        WITH kept_rounds AS ({rounds}),
        overall AS (
            SELECT round_id, avg(score) AS overall FROM kept_area_scores
            WHERE round_id IN (SELECT * FROM kept_rounds) AND score IS NOT NULL
            GROUP BY round_id
        ), latest_views AS (
            SELECT round_id, respondent_id, stage FROM self_described_stages
            WHERE round_id IN (SELECT * FROM kept_rounds)
            QUALIFY row_number() OVER (PARTITION BY round_id, respondent_id ORDER BY id DESC) = 1
        ), described AS (
            SELECT round_id, quantile_disc(stage, 0.5) AS stage FROM latest_views GROUP BY round_id
        ), {counted_answers_sql("SELECT * FROM kept_rounds")},
        people AS (
            SELECT round_id, count(DISTINCT respondent_id) AS respondents FROM counted_answers
            GROUP BY round_id
        )
        SELECT r.id, r.collaborative_id, r.bank_version, r.opens_on, {PERIOD_START},
            overall.overall, {stage_case("overall.overall")}, described.stage,
            coalesce(people.respondents, 0), now()::TIMESTAMP
        FROM rounds r
        LEFT JOIN overall ON overall.round_id = r.id
        LEFT JOIN described ON described.round_id = r.id
        LEFT JOIN people ON people.round_id = r.id
        WHERE r.id IN (SELECT * FROM kept_rounds)
    """
    return statements, areas, whole_rounds


def forget_scores_sql(rounds: str) -> tuple[str, ...]:
    return tuple(f"DELETE FROM {table} WHERE round_id IN ({rounds})"
                 for table in ("kept_statement_scores", "kept_area_scores", "kept_round_scores"))
