"""Where each page's file is, and links to pages a person's role offers."""

from __future__ import annotations

from pathlib import Path

import streamlit as st
from streamlit.errors import StreamlitAPIException

PAGES_DIRECTORY = Path(__file__).resolve().parent.parent


APP_SCRIPT = PAGES_DIRECTORY.parent / "app.py"


START_PAGE = str(PAGES_DIRECTORY / "start.py")


COLLABORATIVE_PAGE = str(PAGES_DIRECTORY / "collaborative.py")


SELF_ASSESSMENT_PAGE = str(PAGES_DIRECTORY / "self_assessment.py")


RESULTS_PAGE = str(PAGES_DIRECTORY / "results.py")


WORKSHOP_PAGE = str(PAGES_DIRECTORY / "workshop.py")


BENCHMARK_PAGE = str(PAGES_DIRECTORY / "benchmark.py")


WORKSHOP_SUMMARY_PAGE = str(PAGES_DIRECTORY / "workshop_summary.py")


def link_to(page: str, **link) -> None:
    """A link to another page, left out when this person's navigation does not offer that page
    (their role may not use it), instead of failing."""
    try:
        st.page_link(page, **link)
    except StreamlitAPIException:
        pass
