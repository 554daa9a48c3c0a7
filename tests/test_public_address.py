"""Where invitation and join links point: the public address setting first; on localhost the
machine's network address with a warning; otherwise the address the page was opened at."""

from __future__ import annotations

import pytest

from collab_assess.access.invitations import join_link
from collab_assess.access.public_address import (
    PUBLIC_ADDRESS_ENV_VAR,
    PublicAddressError,
    checked_public_address,
    is_local,
    link_base,
    network_addresses,
    public_address_setting,
)


def test_the_setting_wins_over_the_page_address_with_no_warning() -> None:
    base = link_base("http://localhost:8501/workshop", "https://assess.example.nhs.uk/")
    assert base.base == "https://assess.example.nhs.uk/"
    assert base.warning is None and base.from_setting
    assert join_link(base.base, "ABC123") == "https://assess.example.nhs.uk/join?code=ABC123"


def test_a_setting_behind_a_proxy_keeps_its_path() -> None:
    assert checked_public_address("https://nhs.example/collab") == "https://nhs.example/collab/"
    assert join_link("https://nhs.example/collab/", "X") == "https://nhs.example/collab/join?code=X"


@pytest.mark.parametrize("raw", ["assess.example.nhs.uk", "ftp://host/", "https://",
                                 "https://host/?a=1", "javascript:alert(1)"])
def test_a_setting_that_is_not_a_web_address_is_refused_by_name(raw: str) -> None:
    with pytest.raises(PublicAddressError, match=PUBLIC_ADDRESS_ENV_VAR):
        checked_public_address(raw)


def test_environment_comes_before_the_secrets_file() -> None:
    section = {"public_address": "https://from-secrets.example/"}
    assert public_address_setting({}, section) == "https://from-secrets.example/"
    assert public_address_setting({PUBLIC_ADDRESS_ENV_VAR: "http://10.0.0.5:8501"}, section) \
        == "http://10.0.0.5:8501/"
    assert public_address_setting({}, None) is None


@pytest.mark.parametrize("url, local", [
    ("http://localhost:8501/", True), ("http://127.0.0.1:8501/workshop", True),
    ("http://127.1.2.3/", True), ("http://[::1]:8501/", True),
    ("http://192.168.1.20:8501/", False), ("https://assess.example.nhs.uk/", False)])
def test_local_addresses_are_recognised(url: str, local: bool) -> None:
    assert is_local(url) is local


def test_on_localhost_links_use_the_network_address_and_say_so() -> None:
    base = link_base("http://localhost:8501/workshop", None, ["192.168.1.20", "10.1.1.4"])
    assert base.base == "http://192.168.1.20:8501/"
    assert "localhost" in base.warning and "http://192.168.1.20:8501/" in base.warning
    assert "10.1.1.4" in base.warning and PUBLIC_ADDRESS_ENV_VAR in base.warning


def test_on_localhost_with_no_network_the_warning_says_there_is_none() -> None:
    base = link_base("http://127.0.0.1:8501/start", None, [])
    assert base.base == "http://127.0.0.1:8501/"
    assert "no network address" in base.warning


def test_a_page_reached_over_the_network_links_to_where_it_was_reached() -> None:
    base = link_base("http://192.168.1.20:8501/workshop?c=3", None, ["10.9.9.9"])
    assert base.base == "http://192.168.1.20:8501/" and base.warning is None


def test_network_addresses_never_offer_loopback() -> None:
    assert all(not address.startswith("127.") for address in network_addresses())
