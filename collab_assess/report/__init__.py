"""The board-ready report of one assessment round, as a PDF and as one self-contained HTML file.

    report = build_board_report(store, round_id)      # plain data, no Streamlit
    pdf = report_pdf(report)                          # bytes
    page = report_html(report)                        # str
    report_file_name(report, "pdf")                   # "northshire-...-board-report.pdf"

content.py gathers the figures (the same functions as the Results page), outline.py and the
*_sections.py modules put them into words, chart_images.py draws the page's charts offline, and
pdf_layout.py and html_layout.py lay the same blocks out for paper and for a browser.
"""

from __future__ import annotations

from collab_assess.report.chart_images import Progress
from collab_assess.report.content import BoardReport, NothingToReport, build_board_report
from collab_assess.report.file_name import report_file_name
from collab_assess.report.html_layout import write_html
from collab_assess.report.pdf_layout import draw_pdf

__all__ = ["BoardReport", "NothingToReport", "build_board_report", "report_file_name",
           "report_html", "report_pdf"]


def report_pdf(report: BoardReport, progress: Progress | None = None) -> bytes:
    """The report as an A4 PDF, numbered "Page n of N"."""
    return draw_pdf(report, progress)


def report_html(report: BoardReport, progress: Progress | None = None) -> str:
    """The report as one HTML file: styles and charts inside it, nothing fetched from anywhere."""
    return write_html(report, progress)
