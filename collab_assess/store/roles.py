"""Role grants: who may see and do what in shared mode. Grants are never deleted; revoking one
records who revoked it and when, and every grant and revoke is in the audit log."""

from __future__ import annotations

import re
import unicodedata

import duckdb
import pandas as pd

from collab_assess.errors import InputError, NotFoundError
from collab_assess.store.audit import write_audit
from collab_assess.store.checks import require_collaborative
from collab_assess.store.database import Database, utc_now
from collab_assess.store.grants import ROLE_NAMES, Grant, Role
from collab_assess.store.records import Round
from collab_assess.store.rows import one_row
from collab_assess.store.rules import Access, admin_only, checked_by_caller, for_round, open_to_all

EMAIL_MAX = 254
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def normalise_email(typed: str) -> str:
    """The address as grants store it (trimmed, lower case); refuses what is not an address."""
    # Text copied from a page can carry invisible characters (the app puts a word joiner into
    # addresses it shows, so they are not turned into links); they are never part of an address.
    email = "".join(ch for ch in (typed or "") if unicodedata.category(ch) != "Cf")
    email = email.strip().lower()
    if len(email) > EMAIL_MAX or not _EMAIL.match(email):
        raise InputError(f"'{(typed or '').strip()[:80]}' is not an e-mail address. Type the "
                         "address the person signs in with, such as name@nhs.net.")
    return email


def _check_scope(role: Role, collaborative_id: int | None, region: str | None) -> None:
    name = ROLE_NAMES[role]
    if role is Role.ADMIN and (collaborative_id is not None or region):
        raise InputError("An administrator's role covers everything: choose no collaborative or "
                         "region for it.")
    if role in (Role.LEAD, Role.FACILITATOR) and (collaborative_id is None or region):
        raise InputError(f"A {name.lower()} works for one collaborative: choose it (and no "
                         "region).")
    if role is Role.REGIONAL and (collaborative_id is None) == (not region):
        raise InputError("A regional team's role covers either one collaborative or a whole "
                         "region: choose one of the two.")


class RoleRecords(Database):
    _ACTIVE_GRANTS = """
        SELECT g.id, g.email, g.role, g.collaborative_id, c.name AS collaborative, g.region,
            g.granted_at, g.granted_by
        FROM role_grants g LEFT JOIN collaboratives c ON c.id = g.collaborative_id
        WHERE g.revoked_at IS NULL
    """

    @admin_only
    def grant_role(self, email: str, role: Role | str, granted_by: str, *,
                   collaborative_id: int | None = None, region: str | None = None) -> int:
        """Give a signed-in person a role; refuses a grant they already have."""
        email = normalise_email(email)
        role = Role(role)
        region = (region or "").strip() or None
        _check_scope(role, collaborative_id, region)

        def work(cursor: duckdb.DuckDBPyConnection) -> int:
            if collaborative_id is not None:
                require_collaborative(cursor, collaborative_id)
            same = cursor.execute(
                "SELECT 1 FROM role_grants WHERE email = ? AND role = ? AND revoked_at IS NULL "
                "AND collaborative_id IS NOT DISTINCT FROM ? AND region IS NOT DISTINCT FROM ?",
                [email, role.value, collaborative_id, region]).fetchone()
            if same:
                raise InputError(f"{email} already has this role.")
            (grant_id,) = one_row(
                cursor,
                """
                INSERT INTO role_grants (email, role, collaborative_id, region, granted_at,
                    granted_by)
                VALUES (?, ?, ?, ?, ?, ?) RETURNING id
                """, [email, role.value, collaborative_id, region, utc_now(), granted_by],
            )
            write_audit(cursor, actor=granted_by, action="grant", record_kind="role",
                        record_id=grant_id, collaborative_id=collaborative_id,
                        after={"email": email, "role": role.value, "region": region,
                               "collaborative_id": collaborative_id})
            return int(grant_id)

        return self._write(work)

    @admin_only
    def revoke_role(self, grant_id: int, revoked_by: str) -> None:
        def work(cursor: duckdb.DuckDBPyConnection) -> None:
            row = cursor.execute(
                "SELECT email, role, collaborative_id, region FROM role_grants "
                "WHERE id = ? AND revoked_at IS NULL", [grant_id]).fetchone()
            if row is None:
                raise NotFoundError("That role has already been taken away, or never existed.")
            cursor.execute("UPDATE role_grants SET revoked_at = ?, revoked_by = ? WHERE id = ?",
                           [utc_now(), revoked_by, grant_id])
            email, role, collaborative_id, region = row
            write_audit(cursor, actor=revoked_by, action="revoke", record_kind="role",
                        record_id=grant_id, collaborative_id=collaborative_id,
                        before={"email": email, "role": role, "region": region,
                                "collaborative_id": collaborative_id})

        self._write(work)

    @admin_only
    def find_grant(self, email: str, role: Role | str, *, collaborative_id: int | None = None,
                   region: str | None = None) -> int:
        """The id of a person's current grant of this role and scope."""
        email = normalise_email(email)
        row = self._one(
            "SELECT id FROM role_grants WHERE email = ? AND role = ? AND revoked_at IS NULL "
            "AND collaborative_id IS NOT DISTINCT FROM ? AND region IS NOT DISTINCT FROM ?",
            [email, Role(role).value, collaborative_id, (region or "").strip() or None])
        if row is None:
            raise NotFoundError(f"{email} has no such role to take away.")
        return int(row[0])

    @admin_only
    def grants_for(self, email: str) -> tuple[Grant, ...]:
        rows = self._cursor().execute(
            "SELECT role, collaborative_id, region FROM role_grants "
            "WHERE email = ? AND revoked_at IS NULL ORDER BY id",
            [(email or "").strip().lower()]).fetchall()
        return tuple(Grant(Role(role), collaborative_id, region)
                     for role, collaborative_id, region in rows)

    @admin_only
    def role_grants(self) -> pd.DataFrame:
        """Everyone's current roles, by e-mail address."""
        return self._frame(self._ACTIVE_GRANTS + " ORDER BY g.email, g.role, g.id")

    @open_to_all
    def regions(self) -> list[str]:
        rows = self._cursor().execute(
            "SELECT DISTINCT region FROM collaboratives WHERE region IS NOT NULL ORDER BY 1"
        ).fetchall()
        return [region for (region,) in rows]

    _OWNER_SQL = {
        "action": "SELECT r.collaborative_id FROM actions a JOIN rounds r ON r.id = a.round_id "
                  "WHERE a.id = ?",
        "member": "SELECT collaborative_id FROM members WHERE id = ?",
        "import": "SELECT r.collaborative_id FROM imports i JOIN rounds r ON r.id = i.round_id "
                  "WHERE i.id = ?",
    }

    @admin_only
    def owning_collaborative(self, kind: str, record_id: int) -> int | None:
        """The collaborative an action, member or import belongs to (None if there is none)."""
        row = self._one(self._OWNER_SQL[kind], [record_id])
        return None if row is None else int(row[0])

    @checked_by_caller
    def find_invited_round(self, token: str) -> Round:
        """The round an invitation link opens. A wrong token says nothing about any round."""
        row = self._one(
            "SELECT id, collaborative_id, label, opens_on, closes_on, status, bank_version "
            "FROM rounds WHERE invite_token = ?", [(token or "").strip()]) if token else None
        if row is None:
            raise NotFoundError("That invitation link is not recognised. Ask whoever sent it for "
                                "a new one.")
        return Round(*row)

    @for_round(Access.MANAGE)
    def invite_token(self, round_id: int) -> str:
        row = self._one("SELECT invite_token FROM rounds WHERE id = ?", [round_id])
        if row is None:
            raise NotFoundError(f"There is no assessment round number {round_id}.")
        return str(row[0])
