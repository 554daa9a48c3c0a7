"""Take the round to the board and the data out: the board report (PDF or one HTML file) on the
Results page, and the collaborative's data as spreadsheets on the Collaborative page."""

from __future__ import annotations

import streamlit as st

from collab_assess.access.work_limits import heavy_work
from collab_assess.errors import CollabAssessError
from collab_assess.exchange.export import (
    collaborative_export,
    export_csv_zip,
    export_file_name,
    export_xlsx,
)
from collab_assess.report import build_board_report, report_file_name, report_html, report_pdf
from collab_assess.store import Collaborative, Round
from collab_assess.store.view import StoreView
from collab_assess.text import as_text
from pages.widgets.page_paths import link_to
from pages.widgets.signed_in import actor

REPORT_KEY = "board-report"  # session key: the report last made, with what it was made from


def _make_report(store: StoreView, assessment_round: Round, made_from: tuple) -> None:
    progress = st.progress(0.0, text="Gathering the round's results…")

    def step(share: float, what: str) -> None:
        progress.progress(min(max(share, 0.0), 1.0), text=what)

    try:
        with heavy_work.one_at_a_time(actor(), "a board report"):
            report = build_board_report(store, assessment_round.id)
            step(0.1, "Drawing the charts and laying out the pages…")
            pdf = report_pdf(report, progress=lambda share, what: step(0.1 + 0.6 * share, what))
            html = report_html(report,
                               progress=lambda share, what: step(0.7 + 0.3 * share, what))
    except CollabAssessError as error:
        progress.empty()
        st.error(as_text(error), icon=":material/error:")
        return
    progress.empty()
    st.session_state[REPORT_KEY] = {"made_from": made_from, "pdf": pdf, "html": html,
                                    "pdf_name": report_file_name(report, "pdf"),
                                    "html_name": report_file_name(report, "html")}


def show_report_downloads(store: StoreView, assessment_round: Round) -> None:
    """A button that makes the report (with progress), then its two downloads side by side. A
    report made before the latest answers is not offered: the button makes it again."""
    made_from = (assessment_round.id, store.data_version())

    def made() -> dict | None:
        kept = st.session_state.get(REPORT_KEY)
        return kept if kept and kept["made_from"] == made_from else None

    if made() is None and st.button("Make the board report", icon=":material/description:",
                                    key="make-board-report"):
        _make_report(store, assessment_round, made_from)
        if made() is not None:
            st.rerun()  # so the page shows the downloads in place of the button
    report = made()
    if report is None:
        return
    buttons = st.container(horizontal=True)
    buttons.download_button("Download the PDF", report["pdf"], file_name=report["pdf_name"],
                            mime="application/pdf", icon=":material/picture_as_pdf:",
                            type="primary", on_click="ignore")
    buttons.download_button("Download as a web page", report["html"],
                            file_name=report["html_name"], mime="text/html",
                            icon=":material/html:", on_click="ignore",
                            help="One HTML file with everything inside it: opens in any "
                            "browser, offline.")


IMPORT_PAGE = "pages/import_responses.py"


def show_data_exchange(store: StoreView, collaborative: Collaborative) -> None:
    """The Collaborative page's "Data in and out" tab. The export names people and holds their
    notes, so it lives here, with the lead's tools, not on the Results page whose address is safe
    to share."""
    st.subheader("Take your data out")
    st.markdown("Every round's answers (one row each, with the statement's words), scores by area "
                "and by statement, consensus and actions, and a sheet that explains every column.")
    st.caption("The file names people and holds their notes: store and share it as personal data.")
    excel_column, csv_column = st.columns(2)
    excel_column.download_button(
        "Download the Excel workbook",
        lambda: export_xlsx(collaborative_export(store, collaborative.id)),
        file_name=export_file_name(collaborative.name, "xlsx"),
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        icon=":material/table_view:", on_click="ignore")
    csv_column.download_button(
        "Download CSV files (zip)",
        lambda: export_csv_zip(collaborative_export(store, collaborative.id)),
        file_name=export_file_name(collaborative.name, "zip"), mime="application/zip",
        icon=":material/folder_zip:", on_click="ignore",
        help="The same tables as the workbook, one CSV file each, in a zip.")
    st.subheader("Bring answers in")
    st.markdown("Ran your survey in Microsoft Forms or Excel? Bring those answers into a round, "
                "checked first, all or nothing.")
    link_to(IMPORT_PAGE, label="Import responses", icon=":material/upload_file:")


def show_downloads(store: StoreView, assessment_round: Round) -> None:
    with st.expander("Board report", icon=":material/description:"):
        st.markdown("This round on A4 pages for the board papers: a summary, then the "
                    "board's page (each area's current, agreed and target level, the splits and "
                    "the actions with owners and dates), the charts, each area, the weakest "
                    "statements with next steps, actions, the board questions and how it was "
                    "worked out. Roles with fewer than three people are not shown on their own, "
                    "as on this page.")
        show_report_downloads(store, assessment_round)
