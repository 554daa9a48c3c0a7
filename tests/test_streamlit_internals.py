"""The one private part of Streamlit the app leans on (pages/widgets/store_access.py): the switch
that stops a deep link into pages/ from running as an old-style multipage app. If a Streamlit
release renames or removes it, this fails, rather than deep links quietly losing the menu."""

from __future__ import annotations

from streamlit.runtime.pages_manager import PagesManager


def test_the_pages_directory_switch_is_still_a_class_attribute_we_can_turn_off():
    assert "uses_pages_directory" in vars(PagesManager)
    before = PagesManager.uses_pages_directory
    assert before in (True, False, None)
    try:
        PagesManager.uses_pages_directory = False
        assert PagesManager.uses_pages_directory is False
    finally:
        PagesManager.uses_pages_directory = before
