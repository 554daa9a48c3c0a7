"""National-scale synthetic data for `make bench`: thousands of collaboratives, generated inside
DuckDB in a few set-based statements (a Python loop over millions of answers would take minutes).
Every generated collaborative is marked as demo data, so `collab-assess remove-demo` clears it.
"""

from __future__ import annotations

import duckdb

from collab_assess.content.bank import QuestionBank
from collab_assess.content.reference import COLLABORATIVE_TYPES, GOVERNANCE_MODELS, ICSS, REGIONS
from collab_assess.store.audit import write_audit
from collab_assess.store.banks import BankSnapshots
from collab_assess.store.kept_scores_sql import keep_scores_sql
from collab_assess.store.rows import one_row
from collab_assess.store.rules import admin_only

MADE_BY = "national-scale generator"


class ScaleData(BankSnapshots):
    @admin_only
    def generate_national_scale(self, bank: QuestionBank, collaboratives: int, rounds_each: int,
                                respondents_each: int) -> int:
        """Add `collaboratives` synthetic collaboratives, each with `rounds_each` yearly rounds
        (all submitted but the latest round of one in five) of `respondents_each` people answering
        every statement; keep the submitted rounds' scores. Returns how many answers were made."""
        self.register_bank(bank)
        lists = [list(REGIONS), list(ICSS), list(COLLABORATIVE_TYPES), list(GOVERNANCE_MODELS)]

        def work(cursor: duckdb.DuckDBPyConnection) -> int:
            cursor.execute(
                """
                INSERT INTO collaboratives (id, name, name_key, region, icss, collaborative_type,
                    governance_model, decision_mechanisms, is_demo, created_at, created_by)
                SELECT nextval('collaborative_ids'), 'Scale ' || lpad(i::VARCHAR, 5, '0'),
                    'scale ' || lpad(i::VARCHAR, 5, '0'),
                    ($1::VARCHAR[])[1 + i % len($1)], [($2::VARCHAR[])[1 + i % len($2)]],
                    ($3::VARCHAR[])[1 + i % len($3)], ($4::VARCHAR[])[1 + i % len($4)], [], true,
                    now(), $6
                FROM range($5) AS t(i)
                """, [*lists, collaboratives, MADE_BY])
            cursor.execute(
                """
                INSERT INTO rounds (collaborative_id, label, opens_on, status, bank_version,
                    created_at, created_by, closed_at, closed_by)
                SELECT c.id, 'Round ' || (k + 1), DATE '2022-05-01' + INTERVAL (k * 365) DAY,
                    CASE WHEN k = $1 - 1 AND c.id % 5 = 0 THEN 'open' ELSE 'closed' END, $2,
                    now(), $3, now(), $3
                FROM collaboratives c, range($1) AS r(k) WHERE c.created_by = $3
                """, [rounds_each, bank.version, MADE_BY])
            cursor.execute(
                """
                INSERT INTO respondents (id, round_id, role, organisation, display_name,
                    resume_code, created_at)
                SELECT nextval('respondent_ids'), r.id, 'Executive director', '', '',
                    'SCALE-' || r.id || '-' || j, now()
                FROM rounds r, range($1) AS p(j) WHERE r.created_by = $2
                """, [respondents_each, MADE_BY])
            # Levels spread around each collaborative's own maturity, which grows a little each
            # year; one answer in twenty is "Don't know".
            cursor.execute(
                """
                INSERT INTO answers (id, round_id, respondent_id, statement_id, level, unscored,
                    target_level, note, recorded_at, recorded_by, source)
                WITH people AS (
                    SELECT p.id AS respondent_id, p.round_id, r.collaborative_id,
                        row_number() OVER (PARTITION BY r.collaborative_id ORDER BY r.opens_on)
                            AS year
                    FROM respondents p JOIN rounds r ON r.id = p.round_id
                    WHERE r.created_by = $2
                ), asked AS (
                    SELECT people.*, s.statement_id,
                        hash(people.respondent_id, s.statement_id) AS noise
                    FROM people, bank_statements s WHERE s.bank_version = $1
                )
                SELECT nextval('answer_ids'), round_id, respondent_id, statement_id,
                    CASE WHEN noise % 20 = 0 THEN NULL
                         ELSE least(4, greatest(1, 1 + (collaborative_id % 3)
                                                 + (year > 2)::INTEGER + (noise % 3)::INTEGER - 1))
                    END,
                    CASE WHEN noise % 20 = 0 THEN 'dont_know' END,
                    NULL, '', now(), $3, 'demo'
                FROM asked
                """, [bank.version, MADE_BY, MADE_BY])
            cursor.execute(
                "INSERT INTO answer_heads SELECT round_id, respondent_id, statement_id, id "
                "FROM answers WHERE recorded_by = ?", [MADE_BY])
            cursor.execute(
                """
                INSERT INTO self_described_stages (id, round_id, respondent_id, stage,
                    recorded_at, recorded_by)
                SELECT nextval('stage_ids'), p.round_id, p.id,
                    least(4, 1 + r.collaborative_id % 3 + (hash(p.id) % 2)::INTEGER), now(), $1
                FROM respondents p JOIN rounds r ON r.id = p.round_id WHERE r.created_by = $1
                """, [MADE_BY])
            closed = f"SELECT id FROM rounds WHERE status = 'closed' AND created_by = '{MADE_BY}'"
            for statement in keep_scores_sql(closed):  # the same statements a submit runs
                cursor.execute(statement)
            answers = int(one_row(cursor, "SELECT count(*) FROM answers WHERE recorded_by = ?",
                                  [MADE_BY])[0])
            write_audit(cursor, actor=MADE_BY, action="generate", record_kind="database",
                        after={"what": "national-scale synthetic data",
                               "collaboratives": collaboratives, "rounds_each": rounds_each,
                               "respondents_each": respondents_each, "answers": answers})
            return answers

        return self._write(work)
