"""The address links and QR codes point at, for this page (collab_assess/access/public_address.py
decides it), and the warning a facilitator or lead sees when the page was opened on localhost."""

from __future__ import annotations

import os

import streamlit as st

from collab_assess.access.public_address import (
    PUBLIC_ADDRESS_ENV_VAR,
    LinkBase,
    PublicAddressError,
    link_base,
)
from collab_assess.access.public_address import public_address_setting as read_setting
from collab_assess.text import as_text
from pages.widgets.messages import stop_with
from pages.widgets.signed_in import secrets_section


def public_address_setting() -> str | None:
    try:
        return read_setting(os.environ, secrets_section("collab_assess"))
    except PublicAddressError as error:
        stop_with(error)
        raise


def links_base(*, warn: bool = True) -> LinkBase:
    """Where this page's links point, warning when phones could not reach the page's own address
    (warn=False on the projected slide: the warning is for the facilitator, not the room)."""
    base = link_base(st.context.url, public_address_setting())
    if base.warning and warn:
        st.warning(as_text(base.warning), icon=":material/wifi_tethering_error:")
    return base


def show_address_setting() -> None:
    """For the Admin page: where links point now, and how to change it."""
    st.header("The address in links and QR codes")
    setting = public_address_setting()
    base = link_base(st.context.url, setting)
    if setting:
        st.markdown(as_text(f"Every invitation, join link and QR code starts with {setting} "
                            f"(set by {PUBLIC_ADDRESS_ENV_VAR} or public_address in the "
                            "[collab_assess] section of secrets.toml)."))
        return
    st.markdown(as_text(
        f"No public address is set ({PUBLIC_ADDRESS_ENV_VAR}, or public_address in the "
        "[collab_assess] section of secrets.toml), so links start with the address each page "
        f"was opened at. Opened as this page was, they start with {base.base}"))
    if base.warning:
        st.warning(as_text(base.warning), icon=":material/wifi_tethering_error:")
