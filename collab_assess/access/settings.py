"""How this copy of the app is deployed: local (one trusted user, no sign-in) or shared (sign-in,
roles). Read from the environment first, then from the [collab_assess] section of Streamlit's
secrets file, so a server can be switched without editing files in the repository."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from collab_assess.access.identity import Mode
from collab_assess.errors import CollabAssessError

MODE_ENV_VAR = "COLLAB_ASSESS_MODE"
ADMINS_ENV_VAR = "COLLAB_ASSESS_ADMINS"
AUTH_KEYS = ("redirect_uri", "cookie_secret", "client_id", "client_secret", "server_metadata_url")


class SettingsError(CollabAssessError):
    """The deployment settings are incomplete or contradictory."""


@dataclass(frozen=True)
class Deployment:
    mode: Mode
    admins: frozenset[str]
    """Addresses that are administrators whatever the database says: the way in for the first
    admin of a new shared deployment, who then grants everyone else their roles."""


def _admins(raw) -> frozenset[str]:
    if raw is None:
        return frozenset()
    items = raw.split(",") if isinstance(raw, str) else list(raw)
    return frozenset(str(item).strip().lower() for item in items if str(item).strip())


def read_deployment(environ: Mapping[str, str], section: Mapping | None) -> Deployment:
    section = section or {}
    raw_mode = (environ.get(MODE_ENV_VAR) or section.get("mode") or Mode.LOCAL.value)
    try:
        mode = Mode(str(raw_mode).strip().lower())
    except ValueError:
        raise SettingsError(f"The setting {MODE_ENV_VAR} (or mode in [collab_assess]) must be "
                            f"'local' or 'shared', not '{str(raw_mode)[:40]}'.") from None
    admins = _admins(environ.get(ADMINS_ENV_VAR) or section.get("admins"))
    return Deployment(mode, admins)


def missing_auth_keys(auth_section: Mapping | None) -> list[str]:
    """The [auth] keys shared mode needs that the secrets file lacks (their names only: the
    values are secrets and are never shown)."""
    section = auth_section or {}
    return [key for key in AUTH_KEYS if not str(section.get(key) or "").strip()]
