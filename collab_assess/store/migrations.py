"""The database schema, as a list of forward migrations.

Each migration runs once, in order, inside one transaction together with the row that records it in
schema_version. Never edit a migration that has shipped: add a new one at the end.

There are no foreign keys on purpose: DuckDB treats an UPDATE of a referenced row as a delete and
insert, which foreign keys refuse. The Store checks that referenced rows exist before it writes.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

import duckdb

from collab_assess.store.disclosure_sql import record_reveal
from collab_assess.store.kept_scores_sql import forget_scores_sql, keep_scores_sql
from collab_assess.store.rows import one_row


class Migration(NamedTuple):
    version: int
    description: str
    statements: tuple[str, ...]
    steps: tuple[Callable[[duckdb.DuckDBPyConnection], None], ...] = ()
    """Work that SQL alone cannot say, run after the statements in the same transaction."""


SCHEMA_VERSION_TABLE = """
CREATE TABLE IF NOT EXISTS schema_version (
    version INTEGER PRIMARY KEY,
    description VARCHAR NOT NULL,
    applied_at TIMESTAMP NOT NULL
)
"""

MIGRATIONS: tuple[Migration, ...] = (
    Migration(
        1,
        "collaboratives, members, question bank snapshots, rounds, respondents, "
        "append-only answers, self-described stages, consensus records and actions",
        (
            "CREATE SEQUENCE collaborative_ids START 1",
            """
            CREATE TABLE collaboratives (
                id INTEGER PRIMARY KEY DEFAULT nextval('collaborative_ids'),
                name VARCHAR NOT NULL,
                name_key VARCHAR NOT NULL UNIQUE,
                region VARCHAR,
                icss VARCHAR[] NOT NULL,
                collaborative_type VARCHAR,
                governance_model VARCHAR,
                decision_mechanisms VARCHAR[] NOT NULL,
                is_demo BOOLEAN NOT NULL,
                created_at TIMESTAMP NOT NULL,
                created_by VARCHAR NOT NULL
            )
            """,
            # Profiles change over time; every saved version is kept, the newest is current.
            """
            CREATE TABLE collaborative_profile_history (
                collaborative_id INTEGER NOT NULL,
                name VARCHAR NOT NULL,
                region VARCHAR,
                icss VARCHAR[] NOT NULL,
                collaborative_type VARCHAR,
                governance_model VARCHAR,
                decision_mechanisms VARCHAR[] NOT NULL,
                changed_at TIMESTAMP NOT NULL,
                changed_by VARCHAR NOT NULL
            )
            """,
            "CREATE SEQUENCE member_ids START 1",
            """
            CREATE TABLE members (
                id INTEGER PRIMARY KEY DEFAULT nextval('member_ids'),
                collaborative_id INTEGER NOT NULL,
                organisation VARCHAR NOT NULL,
                organisation_type VARCHAR NOT NULL,
                added_at TIMESTAMP NOT NULL,
                added_by VARCHAR NOT NULL,
                removed_at TIMESTAMP,
                removed_by VARCHAR
            )
            """,
            """
            CREATE TABLE bank_versions (
                version INTEGER PRIMARY KEY,
                title VARCHAR NOT NULL,
                content VARCHAR NOT NULL,
                sha256 VARCHAR NOT NULL,
                stored_at TIMESTAMP NOT NULL
            )
            """,
            """
            CREATE TABLE bank_statements (
                bank_version INTEGER NOT NULL,
                statement_id VARCHAR NOT NULL,
                area_id VARCHAR NOT NULL,
                position INTEGER NOT NULL,
                PRIMARY KEY (bank_version, statement_id)
            )
            """,
            "CREATE SEQUENCE round_ids START 1",
            """
            CREATE TABLE rounds (
                id INTEGER PRIMARY KEY DEFAULT nextval('round_ids'),
                collaborative_id INTEGER NOT NULL,
                label VARCHAR NOT NULL,
                opens_on DATE NOT NULL,
                closes_on DATE,
                status VARCHAR NOT NULL CHECK (status IN ('open', 'closed')),
                bank_version INTEGER NOT NULL,
                created_at TIMESTAMP NOT NULL,
                created_by VARCHAR NOT NULL,
                closed_at TIMESTAMP,
                closed_by VARCHAR
            )
            """,
            "CREATE SEQUENCE respondent_ids START 1",
            """
            CREATE TABLE respondents (
                id INTEGER PRIMARY KEY DEFAULT nextval('respondent_ids'),
                round_id INTEGER NOT NULL,
                role VARCHAR NOT NULL,
                organisation VARCHAR NOT NULL,
                display_name VARCHAR NOT NULL,
                resume_code VARCHAR NOT NULL UNIQUE,
                created_at TIMESTAMP NOT NULL
            )
            """,
            "CREATE SEQUENCE answer_ids START 1",
            """
            CREATE TABLE answers (
                id BIGINT PRIMARY KEY DEFAULT nextval('answer_ids'),
                round_id INTEGER NOT NULL,
                respondent_id INTEGER NOT NULL,
                statement_id VARCHAR NOT NULL,
                level SMALLINT CHECK (level BETWEEN 1 AND 4),
                unscored VARCHAR CHECK (unscored IN ('dont_know', 'not_applicable')),
                target_level SMALLINT CHECK (target_level BETWEEN 1 AND 4),
                note VARCHAR NOT NULL,
                recorded_at TIMESTAMP NOT NULL,
                recorded_by VARCHAR NOT NULL,
                source VARCHAR NOT NULL,
                CHECK ((level IS NULL) <> (unscored IS NULL))
            )
            """,
            # One row per answered statement pointing at its newest answer. Two saves of the same
            # answer at once both write this row, so DuckDB reports a conflict and the Store retries
            # the loser: the answer that commits last always has the highest id and is current.
            """
            CREATE TABLE answer_heads (
                round_id INTEGER NOT NULL,
                respondent_id INTEGER NOT NULL,
                statement_id VARCHAR NOT NULL,
                answer_id BIGINT NOT NULL,
                PRIMARY KEY (round_id, respondent_id, statement_id)
            )
            """,
            """
            CREATE VIEW current_answers AS
            SELECT answers.*
            FROM answer_heads JOIN answers ON answers.id = answer_heads.answer_id
            """,
            "CREATE SEQUENCE stage_ids START 1",
            """
            CREATE TABLE self_described_stages (
                id BIGINT PRIMARY KEY DEFAULT nextval('stage_ids'),
                round_id INTEGER NOT NULL,
                respondent_id INTEGER NOT NULL,
                stage SMALLINT NOT NULL CHECK (stage BETWEEN 1 AND 4),
                recorded_at TIMESTAMP NOT NULL,
                recorded_by VARCHAR NOT NULL
            )
            """,
            "CREATE SEQUENCE consensus_ids START 1",
            """
            CREATE TABLE consensus_records (
                id BIGINT PRIMARY KEY DEFAULT nextval('consensus_ids'),
                round_id INTEGER NOT NULL,
                statement_id VARCHAR NOT NULL,
                level SMALLINT NOT NULL CHECK (level BETWEEN 1 AND 4),
                rationale VARCHAR NOT NULL,
                recorded_at TIMESTAMP NOT NULL,
                recorded_by VARCHAR NOT NULL
            )
            """,
            "CREATE SEQUENCE action_ids START 1",
            """
            CREATE TABLE actions (
                id BIGINT PRIMARY KEY DEFAULT nextval('action_ids'),
                round_id INTEGER NOT NULL,
                statement_id VARCHAR,
                area_id VARCHAR,
                description VARCHAR NOT NULL,
                owner VARCHAR NOT NULL,
                due_on DATE,
                status VARCHAR NOT NULL,
                recorded_at TIMESTAMP NOT NULL,
                recorded_by VARCHAR NOT NULL
            )
            """,
            "CREATE INDEX answers_by_round ON answers (round_id)",
            "CREATE INDEX rounds_by_collaborative ON rounds (collaborative_id)",
        ),
    ),
)

MIGRATIONS += (
    Migration(
        2,
        "facilitated workshops: their statements, state and participants; action status history",
        (
            "CREATE SEQUENCE workshop_ids START 1",
            # One row per workshop: where it is (position and phase) and a version that goes up
            # with every change the participants' screens must follow.
            """
            CREATE TABLE workshops (
                id INTEGER PRIMARY KEY DEFAULT nextval('workshop_ids'),
                round_id INTEGER NOT NULL,
                join_code VARCHAR NOT NULL UNIQUE,
                title VARCHAR NOT NULL,
                position INTEGER NOT NULL,
                phase VARCHAR NOT NULL
                    CHECK (phase IN ('waiting', 'voting', 'closed', 'revealed', 'ended')),
                version INTEGER NOT NULL,
                created_at TIMESTAMP NOT NULL,
                created_by VARCHAR NOT NULL,
                changed_at TIMESTAMP NOT NULL,
                changed_by VARCHAR NOT NULL
            )
            """,
            """
            CREATE TABLE workshop_statements (
                workshop_id INTEGER NOT NULL,
                position INTEGER NOT NULL,
                statement_id VARCHAR NOT NULL,
                PRIMARY KEY (workshop_id, position)
            )
            """,
            # A participant is a respondent of the workshop's round. Each vote updates its voter's
            # row and each end of voting updates every row of the workshop, so a vote racing the
            # close conflicts with it: whichever commits second is retried and sees the first.
            """
            CREATE TABLE workshop_participants (
                respondent_id INTEGER PRIMARY KEY,
                workshop_id INTEGER NOT NULL,
                joined_at TIMESTAMP NOT NULL,
                ballot_gate BIGINT NOT NULL
            )
            """,
            """
            CREATE TABLE workshop_events (
                workshop_id INTEGER NOT NULL,
                version INTEGER NOT NULL,
                position INTEGER NOT NULL,
                phase VARCHAR NOT NULL,
                changed_at TIMESTAMP NOT NULL,
                changed_by VARCHAR NOT NULL,
                PRIMARY KEY (workshop_id, version)
            )
            """,
            """
            CREATE TABLE action_updates (
                action_id BIGINT NOT NULL,
                status VARCHAR NOT NULL,
                changed_at TIMESTAMP NOT NULL,
                changed_by VARCHAR NOT NULL
            )
            """,
            "CREATE INDEX workshop_participants_by_workshop ON workshop_participants (workshop_id)",
        ),
    ),
)

MIGRATIONS += (
    Migration(
        3,
        "scores kept for submitted rounds, read by peer figures and benchmarks",
        (
            # A submitted (closed) round is frozen, so its scores are worked out once, when it is
            # submitted, and kept here; reopening it deletes them. Benchmarks read only these.
            """
            CREATE TABLE kept_statement_scores (
                round_id INTEGER NOT NULL,
                statement_id VARCHAR NOT NULL,
                area_id VARCHAR NOT NULL,
                score DOUBLE,
                levels_given INTEGER NOT NULL,
                PRIMARY KEY (round_id, statement_id)
            )
            """,
            """
            CREATE TABLE kept_area_scores (
                round_id INTEGER NOT NULL,
                area_id VARCHAR NOT NULL,
                score DOUBLE,
                statements_scored INTEGER NOT NULL,
                statements INTEGER NOT NULL,
                PRIMARY KEY (round_id, area_id)
            )
            """,
            """
            CREATE TABLE kept_round_scores (
                round_id INTEGER PRIMARY KEY,
                collaborative_id INTEGER NOT NULL,
                bank_version INTEGER NOT NULL,
                opens_on DATE NOT NULL,
                period_start INTEGER NOT NULL,
                overall DOUBLE,
                stage SMALLINT,
                self_described SMALLINT,
                respondents INTEGER NOT NULL,
                kept_at TIMESTAMP NOT NULL
            )
            """,
            "CREATE INDEX kept_round_scores_by_collaborative "
            "ON kept_round_scores (collaborative_id)",
            # Rounds closed before this version are submitted too: migration 6 keeps their scores
            # (it works every submitted round's scores out again, by today's rules).
        ),
    ),
)

MIGRATIONS += (
    Migration(
        4,
        "imports of responses from files, and the people each import brought in",
        (
            "CREATE SEQUENCE import_ids START 1",
            # One row per import: the file (by name and by the SHA-256 of its bytes, so the same
            # file is not imported twice by mistake), who imported it and what it added.
            """
            CREATE TABLE imports (
                id INTEGER PRIMARY KEY DEFAULT nextval('import_ids'),
                round_id INTEGER NOT NULL,
                file_name VARCHAR NOT NULL,
                file_sha256 VARCHAR NOT NULL,
                layout VARCHAR NOT NULL,
                sheet VARCHAR,
                respondents INTEGER NOT NULL,
                answers INTEGER NOT NULL,
                imported_at TIMESTAMP NOT NULL,
                imported_by VARCHAR NOT NULL
            )
            """,
            "CREATE INDEX imports_by_round ON imports (round_id)",
            # Each person an import added, the rows of the file they came from, and a fingerprint
            # of their response that recognises it in a later file. Their answers are the rows of
            # answers with source 'import' (recorded_by 'import of <file name>'); answers they
            # change later are new rows from the walk, as for anyone else.
            """
            CREATE TABLE imported_respondents (
                respondent_id INTEGER PRIMARY KEY,
                import_id INTEGER NOT NULL,
                round_id INTEGER NOT NULL,
                source_rows VARCHAR NOT NULL,
                fingerprint VARCHAR NOT NULL
            )
            """,
            "CREATE INDEX imported_respondents_by_round ON imported_respondents (round_id)",
        ),
    ),
)

MIGRATIONS += (
    Migration(
        5,
        "an audit log of every change, who may see and do what (role grants), and an unguessable "
        "invitation token for each round",
        (
            "CREATE SEQUENCE audit_ids START 1",
            # One row per change: who, when, what kind of record, and its value before and after
            # as JSON text (NULL before a creation, NULL after a removal). collaborative_id lets a
            # scoped reader see only the entries of the collaboratives it may see.
            """
            CREATE TABLE audit_log (
                id BIGINT PRIMARY KEY DEFAULT nextval('audit_ids'),
                changed_at TIMESTAMP NOT NULL,
                actor VARCHAR NOT NULL,
                action VARCHAR NOT NULL,
                record_kind VARCHAR NOT NULL,
                record_id VARCHAR,
                collaborative_id INTEGER,
                round_id INTEGER,
                before_value VARCHAR,
                after_value VARCHAR
            )
            """,
            "CREATE INDEX audit_by_collaborative ON audit_log (collaborative_id)",
            "CREATE SEQUENCE role_grant_ids START 1",
            # Who may do what in shared mode. A grant names a signed-in person by e-mail address
            # (lower case) and a role; its scope is a collaborative (lead, facilitator, regional)
            # or a region (regional). Grants are never deleted: revoking sets revoked_at.
            """
            CREATE TABLE role_grants (
                id INTEGER PRIMARY KEY DEFAULT nextval('role_grant_ids'),
                email VARCHAR NOT NULL,
                role VARCHAR NOT NULL,
                collaborative_id INTEGER,
                region VARCHAR,
                granted_at TIMESTAMP NOT NULL,
                granted_by VARCHAR NOT NULL,
                revoked_at TIMESTAMP,
                revoked_by VARCHAR
            )
            """,
            "CREATE INDEX role_grants_by_email ON role_grants (email)",
            # An invitation carries this token instead of the round's number, so nobody can reach
            # another collaborative's round by changing a number in a link.
            # The default fills rounds made in bulk (demo, scale data); open_round sets a token
            # from Python's secrets module for every real round.
            "ALTER TABLE rounds ADD COLUMN invite_token VARCHAR "
            "DEFAULT replace(CAST(uuid() AS VARCHAR), '-', '')",
        ),
    ),
)



def _record_past_reveals(cursor: duckdb.DuckDBPyConnection) -> None:
    """Reveals made before votes were held back until shown: each is recorded as a reveal made now
    would be, with the newest answer saved by its time as its watermark."""
    reveals = cursor.execute(
        """
        SELECT e.workshop_id, s.statement_id, e.version, e.changed_at
        FROM workshop_events e
        JOIN workshop_statements s ON s.workshop_id = e.workshop_id AND s.position = e.position
        WHERE e.phase = 'revealed' ORDER BY e.workshop_id, e.version
        """).fetchall()
    for workshop_id, statement_id, version, revealed_at in reveals:
        (watermark,) = one_row(
            cursor,
            "SELECT coalesce(max(id), 0) FROM answers WHERE recorded_at <= ?",
            [revealed_at])
        record_reveal(cursor, workshop_id, statement_id, version, revealed_at, watermark)


def _keep_submitted_scores_again(cursor: duckdb.DuckDBPyConnection) -> None:
    """Every submitted round's kept scores, by today's rules: a score on a stage's edge is the lower
    stage, hidden votes do not count, respondents are people who took part."""
    for statement in (*forget_scores_sql("SELECT round_id FROM kept_round_scores"),
                      *keep_scores_sql("SELECT id FROM rounds WHERE status = 'closed'")):
        cursor.execute(statement)


MIGRATIONS += (
    Migration(
        6,
        "one count of people and one stage rule everywhere: workshop seats apart from "
        "self-assessors, a person in several workshops, votes held back until revealed, daily "
        "peer snapshots, and every submitted round's scores worked out again",
        (
            # 'self': joined the self-assessment (or was imported); 'seat': an anonymous workshop
            # seat, counted as a person who took part once they vote, but never in completeness.
            "ALTER TABLE respondents ADD COLUMN kind VARCHAR DEFAULT 'self'",
            "UPDATE respondents SET kind = 'seat' "
            "WHERE id IN (SELECT respondent_id FROM workshop_participants)",
            # A vote names its workshop, so it counts only once that workshop has revealed it.
            "ALTER TABLE answers ADD COLUMN workshop_id INTEGER",
            "UPDATE answers SET workshop_id = p.workshop_id FROM workshop_participants p "
            "WHERE p.respondent_id = answers.respondent_id AND answers.source = 'workshop'",
            # A person who joins with their resume code keeps one respondent row across workshops.
            """
            CREATE TABLE workshop_seats (
                workshop_id INTEGER NOT NULL,
                respondent_id INTEGER NOT NULL,
                joined_at TIMESTAMP NOT NULL,
                ballot_gate BIGINT NOT NULL,
                PRIMARY KEY (workshop_id, respondent_id)
            )
            """,
            "INSERT INTO workshop_seats SELECT workshop_id, respondent_id, joined_at, ballot_gate "
            "FROM workshop_participants",
            "DROP INDEX workshop_participants_by_workshop",
            "DROP TABLE workshop_participants",
            "CREATE INDEX workshop_seats_by_respondent ON workshop_seats (respondent_id)",
            # One row per reveal of a statement: what it could show (votes up to the watermark)
            # and whether it did (anonymity.reveal_discloses).
            """
            CREATE TABLE workshop_disclosures (
                workshop_id INTEGER NOT NULL,
                statement_id VARCHAR NOT NULL,
                reveal_version INTEGER NOT NULL,
                answer_watermark BIGINT NOT NULL,
                voters INTEGER NOT NULL,
                new_voters INTEGER NOT NULL,
                disclosed BOOLEAN NOT NULL,
                revealed_at TIMESTAMP NOT NULL,
                PRIMARY KEY (workshop_id, reveal_version)
            )
            """,
            # Peers as of a day: every collaborative's profile and latest submitted round's kept
            # scores, copied at most once a day (anonymity.py says why).
            """
            CREATE TABLE peer_snapshots (
                taken_on DATE PRIMARY KEY,
                taken_at TIMESTAMP NOT NULL
            )
            """,
            """
            CREATE TABLE peer_snapshot_collaboratives (
                taken_on DATE NOT NULL,
                collaborative_id INTEGER NOT NULL,
                region VARCHAR,
                icss VARCHAR[] NOT NULL,
                collaborative_type VARCHAR,
                governance_model VARCHAR,
                is_demo BOOLEAN NOT NULL,
                round_id INTEGER,
                bank_version INTEGER,
                overall DOUBLE,
                PRIMARY KEY (taken_on, collaborative_id)
            )
            """,
            """
            CREATE TABLE peer_snapshot_area_scores (
                taken_on DATE NOT NULL,
                round_id INTEGER NOT NULL,
                area_id VARCHAR NOT NULL,
                score DOUBLE NOT NULL,
                PRIMARY KEY (taken_on, round_id, area_id)
            )
            """,
            """
            CREATE TABLE peer_snapshot_statement_scores (
                taken_on DATE NOT NULL,
                round_id INTEGER NOT NULL,
                statement_id VARCHAR NOT NULL,
                score DOUBLE NOT NULL,
                PRIMARY KEY (taken_on, round_id, statement_id)
            )
            """,
        ),
        steps=(
            _record_past_reveals,
            _keep_submitted_scores_again,
        ),
    ),
)

LATEST_VERSION = MIGRATIONS[-1].version
