"""Hostile text everywhere, shown as text everywhere.

One database where every free-text field holds Markdown, HTML and spreadsheet formulas at once: the
collaborative's name, member organisations, round labels, a respondent's organisation and name,
notes, a consensus rationale, an action and its owner, a workshop's name, and the names of the
people who made each change. Every page that shows them (through AppTest), the board report (PDF
and HTML), the spreadsheets and CSV files, and the charts must show each one exactly as typed:
never as formatting, a link, a picture, a tag or a formula.
"""

from __future__ import annotations

import csv
import html
import io
import json
import re
import subprocess
import zipfile
from collections.abc import Iterator
from html.parser import HTMLParser

import openpyxl
import pytest
from streamlit.testing.v1 import AppTest

from collab_assess.benchmark.charts import area_heatmap
from collab_assess.benchmark.exports import benchmark_excel, table_csv
from collab_assess.benchmark.view import benchmark_view, heatmap_page
from collab_assess.content.bank import load_current_bank
from collab_assess.errors import InputError
from collab_assess.exchange.export import collaborative_export, export_csv_zip, export_xlsx
from collab_assess.report import build_board_report, report_html, report_pdf
from collab_assess.store import DB_ENV_VAR, RoundFilter, Store
from collab_assess.store.inputs import (
    LABEL_MAX,
    NAME_MAX,
    ActionInput,
    ActorInput,
    CollaborativeProfile,
    ConsensusInput,
    MemberInput,
    RespondentInput,
    RoundInput,
    WorkshopInput,
    validated,
)
from collab_assess.text import FORMULA_STARTS
from collab_assess.workshop.summary import summary_csv, workshop_summary
from tests.helpers.apptest import APP, TIMEOUT, shown
from tests.helpers.factories import answer

EVIL = "http://evil.example"
MARKDOWN = f"**bold** _it_ [link]({EVIL}) ![img]({EVIL}/x.png)"
HTML_TAGS = "<img src=x onerror=alert(1)><script>alert(1)</script>"
HYPERLINK = f'=HYPERLINK("{EVIL}","x")'

# Each field's own hostile text (unique, so each can be found), within its length limit, each
# starting like a formula.
COLLABORATIVE = f"{HYPERLINK} **bold** [link]({EVIL}) <img src=x onerror=alert(1)>"
MEMBER = f"+1 {MARKDOWN} <script>alert(1)</script>"
ROUND = f"-1 **bold** [link]({EVIL}) <img src=x onerror=alert(1)>"
WORKSHOP_ROUND = f"@SUM(A1) _it_ ![img]({EVIL}/x.png) <script>alert(1)</script>"
ORGANISATION = f"@SUM(A1) **bold** _it_ [link]({EVIL}) <img src=x onerror=alert(1)>"
DISPLAY_NAME = f"{HYPERLINK} _it_ ![img]({EVIL}/x.png) <script>alert(1)</script>"
NOTE = f"{HYPERLINK} note {MARKDOWN} {HTML_TAGS}"
RATIONALE = f"+1 rationale {MARKDOWN} {HTML_TAGS}"
ACTION = f"-1 action {MARKDOWN} {HTML_TAGS}"
OWNER = f"@SUM(A1) **bold** [link]({EVIL}) <script>alert(1)</script>"
WORKSHOP_TITLE = f"{HYPERLINK} **bold** <img src=x onerror=alert(1)>"
ACTOR = f"+1 actor **bold** [link]({EVIL}) <img src=x onerror=alert(1)>"
WORKSHOP_RATIONALE = f"-1 agreed {MARKDOWN} {HTML_TAGS}"
WORKSHOP_ACTION = f"@SUM(A1) workshop action {MARKDOWN} {HTML_TAGS}"

FIELDS = {
    "collaborative name": COLLABORATIVE, "member organisation": MEMBER, "round label": ROUND,
    "second round label": WORKSHOP_ROUND, "respondent organisation": ORGANISATION,
    "respondent name": DISPLAY_NAME, "note": NOTE, "rationale": RATIONALE, "action": ACTION,
    "owner": OWNER, "workshop title": WORKSHOP_TITLE, "actor": ACTOR,
    "workshop rationale": WORKSHOP_RATIONALE, "workshop action": WORKSHOP_ACTION,
}

LIVE_MARKUP = ["**bold**", "_it_", f"]({EVIL}", "![img]", "<img", "<script"]
"""Any of these, unescaped, in text a Markdown element reads means user text was not escaped."""
_LIVE = re.compile("|".join(rf"(?<!\\){re.escape(markup)}" for markup in LIVE_MARKUP))


def test_every_value_fits_its_field_and_is_hostile_in_every_way():
    for value in (COLLABORATIVE, MEMBER, ORGANISATION, DISPLAY_NAME, OWNER, ACTOR):
        assert len(value) <= NAME_MAX, value
    for value in (ROUND, WORKSHOP_ROUND, WORKSHOP_TITLE):
        assert len(value) <= LABEL_MAX, value
    assert {value[0] for value in FIELDS.values()} == {"=", "+", "-", "@"}
    for value in FIELDS.values():
        assert any(markup in value for markup in LIVE_MARKUP), value
        assert "<" in value and ("](" in value or "**" in value)


# -- the database ----------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def hostile(tmp_path_factory) -> dict:
    """Round 1 (submitted): a respondent with a note, a consensus and an action. Round 2 (open): a
    running workshop with one participant, its agreed level and an action."""
    path = tmp_path_factory.mktemp("hostile") / "hostile.duckdb"
    bank = load_current_bank()
    first, second = bank.statements[0], bank.statements[1]
    store = Store(path)
    try:
        collaborative = store.create_collaborative(
            CollaborativeProfile(name=COLLABORATIVE, region="North West"), ACTOR)
        store.add_member(collaborative, MemberInput(organisation=MEMBER,
                                                    organisation_type="Acute trust"), ACTOR)
        round_id = store.open_round(collaborative, RoundInput(label=ROUND, opens_on="2026-03-01"),
                                    bank, ACTOR)
        person = store.add_respondent(round_id, RespondentInput(
            role="Clinical lead", organisation=ORGANISATION, display_name=DISPLAY_NAME))
        label = store.get_respondent(person).label
        for statement in bank.statements:
            store.record_answer(round_id, person, statement.id, answer(
                2, note=NOTE if statement == first else "", recorded_by=label))
        store.record_consensus(round_id, first.id, ConsensusInput(
            level=3, rationale=RATIONALE, recorded_by=ACTOR))
        store.add_action(round_id, ActionInput(description=ACTION, owner=OWNER,
                                               due_on="2026-09-30", statement_id=first.id,
                                               area_id=first.area, recorded_by=ACTOR))
        store.close_round(round_id, ACTOR)

        workshop_round = store.open_round(collaborative, RoundInput(
            label=WORKSHOP_ROUND, opens_on="2026-09-01"), bank, ACTOR)
        workshop = store.start_workshop(workshop_round, WorkshopInput(
            title=WORKSHOP_TITLE, statement_ids=(second.id,), started_by=ACTOR))
        seat = store.join_workshop(workshop, RespondentInput(role="Prefer not to say"))
        store.record_consensus(workshop_round, second.id, ConsensusInput(
            level=2, rationale=WORKSHOP_RATIONALE, recorded_by=ACTOR))
        store.add_action(workshop_round, ActionInput(
            description=WORKSHOP_ACTION, owner=OWNER, statement_id=second.id,
            area_id=second.area, recorded_by=ACTOR))
        return {"path": path, "collaborative": collaborative, "round": round_id,
                "workshop_round": workshop_round, "workshop": workshop, "person": person,
                "code": store.get_respondent(person).resume_code, "seat": seat.resume_code}
    finally:
        store.close()


@pytest.fixture(autouse=True)
def app_database(hostile: dict, monkeypatch) -> None:
    """The app (run by AppTest in this process) opens the hostile database, for the whole test:
    a rerun after a click must not open another."""
    monkeypatch.setenv(DB_ENV_VAR, str(hostile["path"]))


@pytest.fixture(scope="module")
def store(hostile: dict) -> Iterator[Store]:
    opened = Store(hostile["path"])
    yield opened
    opened.close()


# -- pages -----------------------------------------------------------------------------------------

WIDGETS = ("button", "checkbox", "toggle", "radio", "selectbox", "multiselect", "text_input",
           "text_area", "date_input", "number_input", "slider", "select_slider")


def markdown_read(test: AppTest) -> list[str]:
    """Every string on the page that Streamlit reads as Markdown: text elements, alerts, labels
    and help of widgets, expanders and tabs, radio options, metrics, st.table cells, and the
    labels of links, downloads and uploaders."""
    sources = [str(element.value) for kind in ("title", "header", "subheader", "markdown",
                                               "caption", "success", "info", "warning", "error",
                                               "toast")
               for element in getattr(test, kind)]
    sources += [str(element.label) for kind in ("expander", "tabs", "status")
                for element in getattr(test, kind)]
    for kind in WIDGETS:
        for widget in getattr(test, kind):
            sources += [str(widget.label), str(getattr(widget, "help", "") or "")]
            if kind == "radio":
                sources += [str(option) for option in widget.options]
    for metric in test.metric:
        sources += [str(metric.label), str(metric.value)]
    for table in test.table:
        frame = table.value
        sources += [str(cell) for cell in frame.to_numpy().ravel()]
        sources += [str(name) for name in [*frame.columns, *frame.index]]
    for kind in ("page_link", "download_button", "file_uploader"):
        sources += [str(element.proto.label) for element in test.get(kind)]
    return sources


def plain_text(test: AppTest) -> list[str]:
    """What the page shows as plain text: select box options, tables of data, text boxes."""
    texts = [str(option) for kind in ("selectbox", "multiselect") for box in getattr(test, kind)
             for option in box.options]
    texts += [str(box.value) for kind in ("text_input", "text_area") for box in getattr(test, kind)]
    for frame in test.dataframe:
        texts += [str(cell) for cell in frame.value.to_numpy().ravel()]
    return texts


def run_page(hostile: dict, page: str, *, session: dict | None = None,
             params: dict | None = None) -> AppTest:
    test = AppTest.from_file(APP, default_timeout=TIMEOUT)
    for name, value in (session or {}).items():
        test.session_state[name] = value
    test.query_params.update(params or {})
    test.switch_page(f"pages/{page}.py")
    test.run()
    assert not test.exception, [e.message for e in test.exception]
    return test


def assert_literal(test: AppTest, *values: str) -> None:
    """Nothing Markdown reads holds live markup, and each value is on the page as typed."""
    sources = markdown_read(test)
    for source in sources:
        assert not _LIVE.search(source), f"live markup in: {source!r}"
    assert not any(element.proto.allow_html for element in test.markdown)
    seen = " ".join([*(shown(source) for source in sources), *plain_text(test)])
    for value in values:
        assert value in seen, f"{value!r} is not on the page"


def test_start(hostile):
    test = run_page(hostile, "start", session={"collaborative_id": hostile["collaborative"]})
    assert_literal(test, COLLABORATIVE)


def test_collaborative(hostile):
    test = run_page(hostile, "collaborative", session={"collaborative_id": hostile["collaborative"],
                                                       "round_id": hostile["workshop_round"]})
    assert_literal(test, COLLABORATIVE, MEMBER, ROUND, WORKSHOP_ROUND)


def test_self_assessment(hostile):
    test = run_page(hostile, "self_assessment", params={"who": hostile["code"]})
    test.query_params["area"] = "0"  # the first area, where the note is, not the review
    test.run()
    assert_literal(test, COLLABORATIVE, ROUND, DISPLAY_NAME, ORGANISATION, NOTE)


def test_results(hostile):
    test = run_page(hostile, "results", session={"collaborative_id": hostile["collaborative"],
                                                 "round_id": hostile["round"]})
    assert_literal(test, COLLABORATIVE, ROUND, NOTE, ACTION, OWNER)


def test_the_facilitators_screen(hostile):
    test = run_page(hostile, "workshop", session={"collaborative_id": hostile["collaborative"],
                                                  "workshop_id": hostile["workshop"]})
    assert_literal(test, COLLABORATIVE, WORKSHOP_TITLE, WORKSHOP_RATIONALE, WORKSHOP_ACTION, OWNER)


def test_the_workshop_list_of_a_round(hostile):
    test = run_page(hostile, "workshop", session={"collaborative_id": hostile["collaborative"],
                                                  "round_id": hostile["workshop_round"]})
    assert_literal(test, WORKSHOP_TITLE, WORKSHOP_ROUND)


def test_workshop_summary(hostile):
    test = run_page(hostile, "workshop_summary", session={
        "collaborative_id": hostile["collaborative"], "workshop_id": hostile["workshop"]})
    assert_literal(test, WORKSHOP_TITLE, WORKSHOP_RATIONALE, WORKSHOP_ACTION)


def test_a_participants_phone(hostile):
    test = run_page(hostile, "join", params={"who": hostile["seat"]})
    assert_literal(test, WORKSHOP_TITLE)


def test_benchmark(hostile):
    test = run_page(hostile, "benchmark")
    assert_literal(test)  # the name is in the chart and its table (see the chart's test)
    assert COLLABORATIVE in " ".join(plain_text(test))


def test_import_responses(hostile):
    test = run_page(hostile, "import_responses", session={
        "collaborative_id": hostile["collaborative"], "round_id": hostile["workshop_round"]})
    assert_literal(test, COLLABORATIVE, WORKSHOP_ROUND)


# -- charts ----------------------------------------------------------------------------------------

def test_chart_tooltips_and_labels_hold_names_as_plain_text(store, hostile):
    """Streamlit's tooltip handler (vega-tooltip) escapes every value it writes (checked in
    Chromium: a name holding <img onerror> shows as text), but writes a field titled "image" as
    a picture and "title" as a heading: no tooltip may be titled so, and names go in as data."""
    view = benchmark_view(store, RoundFilter(), load_current_bank())
    shown = heatmap_page(view.core, "collaborative")
    spec = area_heatmap(shown.cells).to_dict()
    tooltips = [tip for layer in spec["layer"] for tip in layer["encoding"].get("tooltip", [])]
    assert {"field": "row", "type": "nominal", "title": "Collaborative"} in tooltips
    assert not {str(tip.get("title", "")).lower() for tip in tooltips} & {"image", "title"}
    text = json.dumps(spec)
    assert '"href"' not in text and '"image"' not in text and "sanitize" not in text
    names = {row["row"] for rows in spec["datasets"].values() for row in rows}
    assert COLLABORATIVE in names  # the value itself, untouched: it is drawn as SVG text


# -- the board report ------------------------------------------------------------------------------

REPORT_VALUES = (COLLABORATIVE, ROUND, RATIONALE, ACTION, OWNER)


@pytest.fixture(scope="module")
def board_report(store, hostile):
    return build_board_report(store, hostile["round"])


def squeezed(text: str) -> str:
    """Without white space: a long value wraps across lines in a narrow table column."""
    return re.sub(r"\s+", "", text)


def test_the_pdf_prints_every_value_as_typed_and_links_nowhere(board_report, tmp_path):
    pdf = report_pdf(board_report)
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True,
                          text=True, check=True).stdout
    for value in REPORT_VALUES:
        assert squeezed(value) in squeezed(text), value
    assert b"/URI" not in pdf and b"/Launch" not in pdf and b"/JavaScript" not in pdf


class _Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def test_the_html_report_escapes_every_value(board_report):
    page = report_html(board_report)
    for value in REPORT_VALUES:
        assert html.escape(value, quote=True) in page, value
    parser = _Tags()
    parser.feed(page)
    tags = {tag for tag, _ in parser.tags}
    assert "script" not in tags and "a" not in tags
    assert all(attrs.get("src", "").startswith("data:image/png;base64,")
               for tag, attrs in parser.tags if tag == "img")
    assert "<img src=x" not in page and "<script>alert" not in page


# -- spreadsheets ----------------------------------------------------------------------------------

def assert_formula_safe(cells: list[object]) -> None:
    for cell in cells:
        if isinstance(cell, str):
            assert not cell.startswith(FORMULA_STARTS), cell


def workbook_cells(data: bytes) -> list:
    book = openpyxl.load_workbook(io.BytesIO(data))
    cells = []
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                cells.append(cell.value)
    return cells


def csv_cells(data: bytes) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(data.decode("utf-8-sig"))) for cell in row]


EXPORT_VALUES = tuple(value for name, value in FIELDS.items()
                      if name not in ("workshop title", "member organisation",
                                      "collaborative name"))
"""Every value in a cell of its own. The export holds no workshop names or member organisations;
the collaborative's name heads the Read me (see below)."""


def test_the_workbook_holds_every_value_as_text(store, hostile):
    cells = workbook_cells(export_xlsx(collaborative_export(store, hostile["collaborative"])))
    assert_formula_safe(cells)
    for value in EXPORT_VALUES:
        assert f"'{value}" in cells, value
    assert any(str(cell).startswith(f"'{COLLABORATIVE}: ") for cell in cells)


def test_the_csv_files_hold_every_value_as_text(store, hostile):
    archive = zipfile.ZipFile(io.BytesIO(export_csv_zip(collaborative_export(
        store, hostile["collaborative"]))))
    cells = [cell for name in archive.namelist() if name.endswith(".csv")
             for cell in csv_cells(archive.read(name))]
    assert_formula_safe(cells)
    for value in EXPORT_VALUES:
        assert f"'{value}" in cells, value


def test_the_workshop_summary_csv_is_formula_safe(store, hostile):
    cells = csv_cells(summary_csv(workshop_summary(store, store.get_workshop(hostile["workshop"]))))
    assert_formula_safe(cells)
    assert f"'{WORKSHOP_RATIONALE}" in cells
    assert any(cell.startswith(f"'{WORKSHOP_ACTION}") for cell in cells)


def test_the_benchmark_downloads_are_formula_safe(store):
    view = benchmark_view(store, RoundFilter(), load_current_bank())
    cells = workbook_cells(benchmark_excel(view))
    assert_formula_safe(cells)
    assert f"'{COLLABORATIVE}" in cells
    table = csv_cells(table_csv(view.area_scores))
    assert_formula_safe(table)
    assert f"'{COLLABORATIVE}" in table


# -- what cannot be typed --------------------------------------------------------------------------

def test_profile_choices_outside_the_lists_are_refused():
    """The ICSs, region, type and governance model are chosen from fixed lists, so no hostile text
    can reach a page through them."""
    for field, value in (("icss", (HTML_TAGS,)), ("region", MARKDOWN),
                         ("collaborative_type", HYPERLINK), ("governance_model", HTML_TAGS)):
        with pytest.raises(InputError, match="is not a known"):
            validated(CollaborativeProfile, name="Northshire", **{field: value})


def test_an_actor_name_is_kept_as_typed():
    assert validated(ActorInput, display_name=ACTOR).display_name == ACTOR


# -- a message that carries user text --------------------------------------------------------------

def test_closing_a_round_says_its_name_as_text(hostile):
    test = run_page(hostile, "collaborative",
                    session={"collaborative_id": hostile["collaborative"]})
    box = next(box for box in test.selectbox if box.label == "Round")
    box.set_value(hostile["workshop_round"])
    test.run()
    next(button for button in test.button if button.label == "Submit and close this round").click()
    test.run()
    assert not test.exception, [e.message for e in test.exception]
    assert_literal(test, f"Submitted and closed {WORKSHOP_ROUND}.")
