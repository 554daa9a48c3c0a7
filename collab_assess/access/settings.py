"""How this copy of the app is deployed: local (one trusted user, no sign-in) or shared (sign-in,
roles), and the limits it keeps to (Limits: imports, work at once, wrong codes). Read from the
environment first, then from the [collab_assess] section of Streamlit's secrets file, so a server
can be switched without editing files in the repository."""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

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


# -- limits ---------------------------------------------------------------------------------------

SECRETS_FILES = (Path.home() / ".streamlit" / "secrets.toml", Path(".streamlit") / "secrets.toml")
"""Where Streamlit looks for its secrets file (the later one wins), read here without Streamlit so
that the command line and the workshop address see the same settings as the pages."""


@dataclass(frozen=True)
class LimitSetting:
    """One limit: its key under [collab_assess] in secrets.toml (and, in capitals after
    COLLAB_ASSESS_, its environment variable), its default, and what it bounds."""

    key: str
    default: float
    about: str
    whole: bool = True
    smallest: float = 1

    @property
    def env_var(self) -> str:
        return f"COLLAB_ASSESS_{self.key.upper()}"


LIMIT_SETTINGS: tuple[LimitSetting, ...] = (
    LimitSetting("import_max_mb", 5, "the largest file of responses that can be uploaded, in MB"),
    LimitSetting("import_max_people", 5000,
                 "people (rows of responses, or respondents of an export) in one import"),
    LimitSetting("import_max_columns", 300,
                 "columns in a file of responses (one per statement, plus a few)"),
    LimitSetting("import_max_cells", 1_000_000, "filled cells read from one file"),
    LimitSetting("import_max_texts", 200_000,
                 "different texts in a workbook's table of shared texts (names, notes...)"),
    LimitSetting("import_max_unpacked_mb", 50,
                 "what an Excel workbook or zip may unpack to, in MB"),
    LimitSetting("import_max_cell_characters", 10_000, "characters in one cell"),
    LimitSetting("work_seconds", 60, "seconds that reading and checking one import may take",
                 whole=False),
    LimitSetting("work_at_once", 2,
                 "imports, board reports and restores the server works on at once (each person "
                 "one at a time)"),
    LimitSetting("code_free_tries", 3, "wrong codes a browser may type before it is slowed"),
    LimitSetting("code_free_tries_per_network", 30,
                 "wrong codes from one network address (or from all browsers with no address) "
                 "in a quarter of an hour before its tries are paced"),
    LimitSetting("code_network_pace_seconds", 5,
                 "once a network is paced, the seconds between the codes it may have checked",
                 whole=False, smallest=0),
)


@dataclass(frozen=True)
class Limits:
    """Every limit, each from its LimitSetting (the defaults are the settings' defaults)."""

    import_max_mb: int = 5
    import_max_people: int = 5000
    import_max_columns: int = 300
    import_max_cells: int = 1_000_000
    import_max_texts: int = 200_000
    import_max_unpacked_mb: int = 50
    import_max_cell_characters: int = 10_000
    work_seconds: float = 60.0
    work_at_once: int = 2
    code_free_tries: int = 3
    code_free_tries_per_network: int = 30
    code_network_pace_seconds: float = 5.0


def _limit_value(setting: LimitSetting, environ: Mapping[str, str], section: Mapping) -> float:
    raw = environ.get(setting.env_var)
    if raw is None or not str(raw).strip():
        raw = section.get(setting.key)
    if raw is None or not str(raw).strip():
        return int(setting.default) if setting.whole else float(setting.default)
    try:
        value = float(str(raw).strip().replace(",", "").replace("_", ""))
    except ValueError:
        value = float("nan")
    if not value >= setting.smallest or (setting.whole and not value.is_integer()):
        kind = "a whole number" if setting.whole else "a number"
        raise SettingsError(
            f"The setting {setting.env_var} (or {setting.key} in [collab_assess]) must be {kind} "
            f"of {setting.smallest:g} or more, not '{str(raw)[:40]}'. It sets {setting.about} "
            f"(default {setting.default:g}).")
    return int(value) if setting.whole else value


def read_limits(environ: Mapping[str, str], section: Mapping | None) -> Limits:
    """The limits from the environment first, then the [collab_assess] section of the secrets
    file, else their defaults. Raises SettingsError naming a setting that is not a number."""
    section = section or {}
    values: dict[str, Any] = {setting.key: _limit_value(setting, environ, section)
                              for setting in LIMIT_SETTINGS}
    return Limits(**values)


def secrets_file_section() -> dict:
    """The [collab_assess] section of the secrets file(s), {} when there is none."""
    section: dict = {}
    for path in SECRETS_FILES:
        try:
            with path.open("rb") as file:
                section.update(tomllib.load(file).get("collab_assess") or {})
        except (OSError, tomllib.TOMLDecodeError, AttributeError):
            continue
    return section


def current_limits() -> Limits:
    """The limits this server runs with: environment variables, then the secrets file."""
    return read_limits(os.environ, secrets_file_section())
