"""Who is using the app: the deployment's settings, the signed-in person (shared mode) and the name
changes are recorded under."""

from __future__ import annotations

import os

import streamlit as st

from collab_assess.access.identity import Mode
from collab_assess.access.settings import Deployment, SettingsError, read_deployment
from pages.widgets.messages import stop_with

ANONYMOUS_USER = "app user"


def secrets_section(name: str) -> dict:
    try:
        section = st.secrets.get(name)
    except Exception:  # no secrets file at all: local mode needs none
        return {}
    return dict(section) if section else {}


def deployment() -> Deployment:
    try:
        return read_deployment(os.environ, secrets_section("collab_assess"))
    except SettingsError as error:
        stop_with(error)
        raise


def auth_settings() -> dict:
    return secrets_section("auth")


def signed_in_email() -> str | None:
    try:
        if st.user.is_logged_in:
            return str(st.user.get("email") or "").strip().lower() or None
    except Exception:  # sign-in not configured
        return None
    return None


def actor() -> str:
    """Who is making a change, for the record: in shared mode the signed-in address; in local
    mode the name they gave, if any."""
    email = signed_in_email() if deployment().mode is Mode.SHARED else None
    return email or st.session_state.get("actor_name") or ANONYMOUS_USER
