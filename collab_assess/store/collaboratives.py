"""Collaboratives, their profile history and their member organisations."""

from __future__ import annotations

from datetime import datetime

import duckdb
import pandas as pd

from collab_assess.content.names import visible_key
from collab_assess.errors import InputError, NotFoundError
from collab_assess.store.audit import write_audit
from collab_assess.store.checks import require_collaborative
from collab_assess.store.database import Database, utc_now
from collab_assess.store.inputs import CollaborativeProfile, MemberInput, name_key
from collab_assess.store.records import Collaborative
from collab_assess.store.rows import one_row
from collab_assess.store.rules import (
    Access,
    admin_only,
    checked_by_caller,
    for_collaborative,
    for_record,
)


def _profile_details(profile: CollaborativeProfile) -> list:
    """The profile's columns after its name, in table order: region, icss, collaborative_type,
    governance_model, decision_mechanisms."""
    return [
        profile.region,
        list(profile.icss),
        profile.collaborative_type,
        profile.governance_model,
        list(profile.decision_mechanisms),
    ]


_PROFILE_FIELDS = ("name", "region", "icss", "collaborative_type", "governance_model",
                   "decision_mechanisms")


def _profile_value(profile: CollaborativeProfile) -> dict:
    """The profile as the audit log records it."""
    return dict(zip(_PROFILE_FIELDS, [profile.name, *_profile_details(profile)], strict=True))


def _stored_profile(cursor: duckdb.DuckDBPyConnection, collaborative_id: int) -> dict:
    row = one_row(
        cursor,
        "SELECT name, region, icss, collaborative_type, governance_model, decision_mechanisms "
        "FROM collaboratives WHERE id = ?", [collaborative_id])
    return dict(zip(_PROFILE_FIELDS, row, strict=True))


class CollaborativeRecords(Database):
    """Collaboratives and members."""

    @admin_only
    def create_collaborative(
        self, profile: CollaborativeProfile, created_by: str, *, is_demo: bool = False
    ) -> int:
        now = utc_now()

        def work(cursor: duckdb.DuckDBPyConnection) -> int:
            self._refuse_duplicate_name(cursor, profile.name)
            (new_id,) = one_row(
                cursor,
                """
                INSERT INTO collaboratives (name, name_key, region, icss, collaborative_type,
                    governance_model, decision_mechanisms, is_demo, created_at, created_by)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id
                """,
                [profile.name, name_key(profile.name), *_profile_details(profile), is_demo, now,
                 created_by],
            )
            self._record_profile(cursor, new_id, profile, now, created_by)
            write_audit(cursor, actor=created_by, action="create", record_kind="collaborative",
                        record_id=new_id, collaborative_id=new_id,
                        after=_profile_value(profile) | ({"is_demo": True} if is_demo else {}))
            return int(new_id)

        return self._write(work)

    @staticmethod
    def _refuse_duplicate_name(
        cursor: duckdb.DuckDBPyConnection, name: str, except_id: int | None = None
    ) -> None:
        row = cursor.execute(
            "SELECT id FROM collaboratives WHERE name_key = ? AND id IS DISTINCT FROM ?",
            [name_key(name), except_id],
        ).fetchone()
        if row:
            raise InputError(
                f"A collaborative called '{name}' already exists. Choose it from the list, or give "
                "this one a different name."
            )
        looks = visible_key(name)
        others = cursor.execute("SELECT name FROM collaboratives WHERE id IS DISTINCT FROM ?",
                                [except_id]).fetchall()
        for (other,) in others:
            if visible_key(other) == looks:
                raise InputError(
                    f"'{name}' reads the same as '{other}', the name of another collaborative "
                    "(letters that look alike, such as a Cyrillic о for an o, count as the same). "
                    "Give this one a name of its own.")

    @staticmethod
    def _record_profile(
        cursor: duckdb.DuckDBPyConnection,
        collaborative_id: int,
        profile: CollaborativeProfile,
        when: datetime,
        who: str,
    ) -> None:
        cursor.execute(
            "INSERT INTO collaborative_profile_history VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [collaborative_id, profile.name, *_profile_details(profile), when, who],
        )

    @for_collaborative(Access.MANAGE)
    def update_collaborative(
        self, collaborative_id: int, profile: CollaborativeProfile, changed_by: str
    ) -> None:
        """Save a new version of the profile; earlier versions stay in the profile history."""
        now = utc_now()

        def work(cursor: duckdb.DuckDBPyConnection) -> None:
            require_collaborative(cursor, collaborative_id)
            self._refuse_duplicate_name(cursor, profile.name, except_id=collaborative_id)
            before = _stored_profile(cursor, collaborative_id)
            cursor.execute(
                """
                UPDATE collaboratives SET name = ?, name_key = ?, region = ?, icss = ?,
                    collaborative_type = ?, governance_model = ?, decision_mechanisms = ?
                WHERE id = ?
                """,
                [profile.name, name_key(profile.name), *_profile_details(profile),
                 collaborative_id],
            )
            self._record_profile(cursor, collaborative_id, profile, now, changed_by)
            write_audit(cursor, actor=changed_by, action="change", record_kind="collaborative",
                        record_id=collaborative_id, collaborative_id=collaborative_id,
                        before=before, after=_profile_value(profile))

        self._write(work)

    @for_collaborative(Access.ANSWER)
    def get_collaborative(self, collaborative_id: int) -> Collaborative:
        row = self._one(
            """
            SELECT id, name, region, icss, collaborative_type, governance_model,
                decision_mechanisms, is_demo
            FROM collaboratives WHERE id = ?
            """,
            [collaborative_id],
        )
        if row is None:
            raise NotFoundError(f"There is no collaborative number {collaborative_id}.")
        return Collaborative(
            id=row[0],
            name=row[1],
            region=row[2],
            icss=tuple(row[3] or ()),
            collaborative_type=row[4],
            governance_model=row[5],
            decision_mechanisms=tuple(row[6] or ()),
            is_demo=bool(row[7]),
        )

    @checked_by_caller
    def find_collaborative(self, name: str) -> Collaborative:
        """The collaborative with this name (case and repeated spaces ignored), for the command
        line."""
        row = self._one("SELECT id FROM collaboratives WHERE name_key = ?", [name_key(name)])
        if row is None:
            known = self._frame(
                "SELECT name FROM collaboratives WHERE NOT is_demo ORDER BY lower(name)")
            listed = ", ".join(f"'{each}'" for each in known["name"].head(20)) or "none yet"
            raise NotFoundError(f"There is no collaborative called '{name}'. Real collaboratives "
                                f"in this database: {listed}.")
        return self.get_collaborative(int(row[0]))

    @checked_by_caller
    def collaboratives(self, *, include_demo: bool = True) -> pd.DataFrame:
        """One row per collaborative with its profile and how many rounds it has, named A-Z."""
        return self._frame(
            """
            SELECT c.id, c.name, c.region, c.icss, c.collaborative_type, c.governance_model,
                c.decision_mechanisms, c.is_demo, c.created_at,
                (SELECT count(*) FROM rounds r WHERE r.collaborative_id = c.id) AS rounds
            FROM collaboratives c
            WHERE ? OR NOT c.is_demo
            ORDER BY c.is_demo, lower(c.name)
            """,
            [include_demo],
        )

    @for_collaborative(Access.READ)
    def profile_history(self, collaborative_id: int) -> pd.DataFrame:
        return self._frame(
            "SELECT * FROM collaborative_profile_history WHERE collaborative_id = ? "
            "ORDER BY changed_at DESC",
            [collaborative_id],
        )

    # -- members --

    @for_collaborative(Access.MANAGE)
    def add_member(self, collaborative_id: int, member: MemberInput, added_by: str) -> int:
        def work(cursor: duckdb.DuckDBPyConnection) -> int:
            require_collaborative(cursor, collaborative_id)
            duplicate = cursor.execute(
                "SELECT 1 FROM members WHERE collaborative_id = ? "
                "AND lower(organisation) = lower(?) AND removed_at IS NULL",
                [collaborative_id, member.organisation],
            ).fetchone()
            if duplicate:
                raise InputError(f"{member.organisation} is already a member.")
            looks = visible_key(member.organisation)
            for (other,) in cursor.execute(
                    "SELECT organisation FROM members WHERE collaborative_id = ? "
                    "AND removed_at IS NULL", [collaborative_id]).fetchall():
                if visible_key(other) == looks:
                    raise InputError(
                        f"'{member.organisation}' reads the same as '{other}', already a member "
                        "(letters that look alike count as the same). If it is another "
                        "organisation, give it a name of its own.")
            (new_id,) = one_row(
                cursor,
                "INSERT INTO members (collaborative_id, organisation, organisation_type, added_at, "
                "added_by) VALUES (?, ?, ?, ?, ?) RETURNING id",
                [collaborative_id, member.organisation, member.organisation_type, utc_now(),
                 added_by],
            )
            write_audit(cursor, actor=added_by, action="add", record_kind="member",
                        record_id=new_id, collaborative_id=collaborative_id,
                        after={"organisation": member.organisation,
                               "organisation_type": member.organisation_type})
            return int(new_id)

        return self._write(work)

    @for_record("member", Access.MANAGE)
    def remove_member(self, member_id: int, removed_by: str) -> None:
        """Mark a member as having left; the record of its membership is kept."""

        def work(cursor: duckdb.DuckDBPyConnection) -> None:
            removed = cursor.execute(
                "UPDATE members SET removed_at = ?, removed_by = ? "
                "WHERE id = ? AND removed_at IS NULL "
                "RETURNING collaborative_id, organisation, organisation_type",
                [utc_now(), removed_by, member_id],
            ).fetchone()
            if removed is None:
                return  # already gone: nothing changed, so nothing to record
            collaborative_id, organisation, organisation_type = removed
            write_audit(cursor, actor=removed_by, action="remove", record_kind="member",
                        record_id=member_id, collaborative_id=collaborative_id,
                        before={"organisation": organisation,
                                "organisation_type": organisation_type})

        self._write(work)

    @for_collaborative(Access.READ)
    def members(self, collaborative_id: int) -> pd.DataFrame:
        return self._frame(
            "SELECT id, organisation, organisation_type, added_at FROM members "
            "WHERE collaborative_id = ? AND removed_at IS NULL ORDER BY lower(organisation)",
            [collaborative_id],
        )
