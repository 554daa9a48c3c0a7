"""The board report of one round, as PDF and as one HTML file, built from a database with the demo
peers and collaboratives of our own. The PDF is read back with poppler (pdftoppm, pdftotext), the
way a person would see it; the pages are kept in tests/artifacts/report/ to look at."""

from __future__ import annotations

import random
import re
import shutil
import subprocess
import tempfile
from dataclasses import replace
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import pytest
from PIL import Image

from collab_assess.content.bank import load_banks
from collab_assess.content.scale import AREA_PLACES, score_text, stage_name
from collab_assess.errors import CollabAssessError
from collab_assess.operations.demo import demo_banks, generate_demo
from collab_assess.report import (
    NothingToReport,
    build_board_report,
    report_file_name,
    report_html,
    report_pdf,
)
from collab_assess.report.document import Heading, paragraph
from collab_assess.report.pdf_layout import ReportPDF
from collab_assess.store import Store
from collab_assess.store.inputs import (
    ActionInput,
    ActionStatusInput,
    AnswerInput,
    CollaborativeProfile,
    ConsensusInput,
    RespondentInput,
    RoundInput,
    StageInput,
)
from collab_assess.store.peer_comparison import PeerGroup

ARTIFACTS = Path(__file__).resolve().parent / "artifacts" / "report"
TODAY = date(2026, 3, 20)
TRICKY = ('**Bold** <script>alert(1)</script> [link](http://evil.example/x) '
          '=HYPERLINK("http://evil.example","click") & {nb} Zoë Ødegård Ελληνικά')
"""Markdown, HTML, a spreadsheet formula, fpdf2's page-count alias and non-Latin letters."""
FORMULA_OWNER = "=cmd|' /C calc'!A0"
TRICKY_NAME = "<b>Tricky</b> & **Co** =1+1 / ../etc"
A4_POINTS = (595, 842)


def poppler(tool: str) -> str:
    found = shutil.which(tool)
    if found is None:
        pytest.fail(f"{tool} is not installed, and the report tests need it to read the PDF back. "
                    "Install poppler-utils (apt-get install poppler-utils).")
    return found


def pdf_text(path: Path, page: int | None = None, *, layout: bool = False) -> str:
    """The PDF's text as pdftotext reads it: in reading order, or (layout) as laid out, which
    keeps runs of spaces and table rows on one line."""
    pages = ["-f", str(page), "-l", str(page)] if page else []
    options = ["-layout"] if layout else []
    return subprocess.run([poppler("pdftotext"), *options, *pages, str(path), "-"],
                          check=True, capture_output=True, text=True).stdout


def page_count(path: Path) -> int:
    info = subprocess.run([poppler("pdfinfo"), str(path)], check=True, capture_output=True,
                          text=True).stdout
    return int(re.search(r"^Pages:\s+(\d+)", info, re.MULTILINE).group(1))


def flat(text: str) -> str:
    """Text with every run of spaces and line breaks made one space (pdftotext wraps lines)."""
    return " ".join(text.split())


def seed_main_round(store: Store, bank) -> int:
    """Northshire Collaborative, Spring 2026: 13 people in seven roles (three of them too small to
    show alone, so folded into "Other roles"), varied answers with a split on PB-6, Don't knows,
    self-described stages, two agreed levels and three actions, some with tricky text."""
    collaborative = store.create_collaborative(CollaborativeProfile(
        name="Northshire Collaborative", region="North West", collaborative_type="Acute",
        governance_model="Provider leadership board"), "lead")
    round_id = store.open_round(collaborative, RoundInput(label="Spring 2026",
                                                         opens_on="2026-03-01"), bank, "lead")
    rng = random.Random(7)
    roles = (["Executive director"] * 4 + ["Clinical lead"] * 3 + ["Non-executive director"] * 3
             + ["Collaborative programme team", "Partner organisation", "Other"])
    typical = {area.id: rng.choice([1.4, 1.8, 2.2, 2.6, 3.0]) for area in bank.areas}
    for number, role in enumerate(roles):
        person = store.add_respondent(round_id, RespondentInput(role=role))
        for statement in bank.statements:
            if statement.id == "PB-6":
                level = 1 if number % 2 else 4
            else:
                level = min(4, max(1, round(typical[statement.area] + rng.gauss(0, 0.7))))
            if rng.random() < 0.05:
                given = AnswerInput(unscored="dont_know", recorded_by="tester")
            else:
                note = TRICKY if number == 0 and statement.id == "PB-3" else ""
                given = AnswerInput(level=level, note=note, recorded_by="tester")
            store.record_answer(round_id, person, statement.id, given)
        store.record_self_described_stage(round_id, person, StageInput(
            stage=rng.choice([1, 2, 2, 3]), recorded_by="tester"))
    store.record_consensus(round_id, "PB-3", ConsensusInput(
        level=2, rationale=TRICKY + "\nSecond line.", recorded_by="tester"))
    store.record_consensus(round_id, "SG-1", ConsensusInput(level=3, recorded_by="tester"))
    tricky_action = store.add_action(round_id, ActionInput(
        description=TRICKY, owner=FORMULA_OWNER, due_on=date(2026, 6, 30), statement_id="PB-3",
        recorded_by="tester"))
    store.add_action(round_id, ActionInput(
        description="Agree one data-sharing agreement across all members and publish it",
        owner="Director of digital", due_on=date(2026, 9, 1), area_id="DS", recorded_by="tester"))
    store.add_action(round_id, ActionInput(
        description="Report progress on the joint workforce plan to each member board",
        recorded_by="tester"))
    store.update_action_status(tricky_action, ActionStatusInput(status="in progress",
                                                                changed_by="tester"))
    return round_id


def seed_small_round(store: Store, bank) -> int:
    """A collaborative with a tricky name and no profile: five people, three executives, one
    non-executive and one clinical lead, who answered only two areas, and an action with
    characters the PDF's font does not have."""
    collaborative = store.create_collaborative(CollaborativeProfile(name=TRICKY_NAME), "lead")
    round_id = store.open_round(collaborative, RoundInput(label="R1", opens_on="2026-03-01"),
                                bank, "lead")
    for role in ["Executive director"] * 3 + ["Non-executive director", "Clinical lead"]:
        person = store.add_respondent(round_id, RespondentInput(role=role))
        for statement in bank.statements_in("PB") + bank.statements_in("SG"):
            store.record_answer(round_id, person, statement.id,
                                AnswerInput(level=2, recorded_by="tester"))
    store.add_action(round_id, ActionInput(description="Tab\tbetween, emoji 🙂 at the end",
                                           owner="Zoë 中文", recorded_by="tester"))
    return round_id


@pytest.fixture(scope="module")
def database(tmp_path_factory) -> dict:
    path = tmp_path_factory.mktemp("report") / "report.duckdb"
    banks = load_banks()
    bank, _ = demo_banks(banks)
    earlier = banks[1]  # older demo rounds on version 1, so one report is of a version-1 round
    store = Store(path)
    try:
        store.import_demo(generate_demo(bank, earlier_bank=earlier), [bank, earlier])
        main = seed_main_round(store, bank)
        collaborative = store.get_round(main).collaborative_id
        empty = store.open_round(collaborative, RoundInput(label="Autumn 2026",
                                                           opens_on="2026-09-01"), bank, "lead")
        small = seed_small_round(store, bank)
        rounds = store.all_rounds()
        version_1 = int(rounds[(rounds["bank_version"] == 1) & (rounds["status"] == "closed")]
                        ["round_id"].iloc[0])
    finally:
        store.close()
    return {"path": path, "main": main, "empty": empty, "small": small, "version_1": version_1}


@pytest.fixture(scope="module")
def store(database):
    opened = Store(database["path"])
    yield opened
    opened.close()


@pytest.fixture(scope="module")
def report(store, database):
    return build_board_report(store, database["main"], today=TODAY)


@pytest.fixture(scope="module")
def pdf_bytes(report) -> bytes:
    return report_pdf(report)


@pytest.fixture(scope="module")
def pdf_file(report, pdf_bytes) -> Path:
    """The demo PDF, its pages as PNG (60 dpi) and its board's page and charts in greyscale, kept in
    tests/artifacts/report/ to look at."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for old in ARTIFACTS.glob("*"):
        old.unlink()
    path = ARTIFACTS / report_file_name(report, "pdf")
    path.write_bytes(pdf_bytes)
    subprocess.run([poppler("pdftoppm"), "-r", "60", "-png", str(path), str(ARTIFACTS / "page")],
                   check=True)
    subprocess.run([poppler("pdftoppm"), "-r", "100", "-gray", "-f", "2", "-l", "3", "-png",
                    str(path), str(ARTIFACTS / "greyscale-board-and-summary")], check=True)
    return path


@pytest.fixture(scope="module")
def html(report) -> str:
    page = report_html(report)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / report_file_name(report, "html")).write_text(page, encoding="utf-8")
    return page


# -- the PDF --------------------------------------------------------------------------------------

def test_the_pdf_has_a_sensible_number_of_a4_pages(pdf_file):
    pages = sorted(ARTIFACTS.glob("page-*.png"))
    assert 6 <= len(pages) <= 20, f"{len(pages)} pages"
    a4_at_60_dpi = tuple(round(points / 72 * 60) for points in A4_POINTS)
    for page in pages:
        with Image.open(page) as picture:
            width, height = picture.size
        assert abs(width - a4_at_60_dpi[0]) <= 1 and abs(height - a4_at_60_dpi[1]) <= 1, (
            f"{page.name} is {width}x{height} pixels, not A4")


def assert_numbered(path: Path) -> None:
    """Every page ends "Page n of N", readable as text (so written in the font it claims)."""
    total = page_count(path)
    for number in range(1, total + 1):
        assert f"Page {number} of {total}" in pdf_text(path, number)


def test_every_page_says_page_n_of_n(pdf_file):
    assert page_count(pdf_file) == len(list(ARTIFACTS.glob("page-*.png")))
    assert_numbered(pdf_file)


def test_the_pdf_has_every_section_and_area(pdf_file, report):
    text = flat(pdf_text(pdf_file))
    for heading in ["Board report", "Northshire Collaborative", "Assessment round: Spring 2026",
                    "Who took part", "Summary", "Area by area, against peers",
                    "Beside the 2022 survey", "What the 70% can and cannot tell you",
                    "How each role sees each area", "Next steps for the weakest statements",
                    "Actions", "Board questions", "Method: how this report was worked out"]:
        assert heading in text, heading
    for number, area in enumerate(report.areas, start=1):
        assert f"{number}. {area.name}" in text, area.name


def assert_mostly_light(path: Path) -> None:
    """No page is largely dark, as it would be if a box's fill leaked into the tables after it."""
    with tempfile.TemporaryDirectory() as folder:
        subprocess.run([poppler("pdftoppm"), "-r", "20", "-gray", "-png", str(path),
                        f"{folder}/page"], check=True)
        for page in sorted(Path(folder).glob("page-*.png")):
            with Image.open(page) as picture:
                histogram = picture.convert("L").histogram()
            dark = sum(histogram[:90]) / sum(histogram)
            assert dark < 0.12, f"{page.name} is {dark:.0%} dark"


def assert_no_heading_ends_a_page(path: Path, headings: list[str]) -> None:
    for number in range(1, page_count(path) + 1):
        lines = [line.strip() for line in pdf_text(path, number).splitlines() if line.strip()]
        body = [line for line in lines
                if "board report" not in line and not line.startswith("Page ")]
        assert body and body[-1] not in headings, f"page {number} ends with the heading {body[-1]}"


def test_no_page_ends_with_a_heading(pdf_file, report):
    headings = [f"{n}. {area.name}" for n, area in enumerate(report.areas, start=1)]
    assert_no_heading_ends_a_page(pdf_file, headings + [
        "Strongest:", "Weakest:", "Where people disagreed", "Agreed in a workshop", "Actions",
        "Board questions"])


def test_the_summary_fits_on_one_page_with_both_charts(pdf_file, report):
    # The board's page is page 2; the two charts follow it, together on page 3.
    summary = flat(pdf_text(pdf_file, 3))
    assert summary.startswith("Against peers and the 2022 survey")
    assert "Area by area, against peers" in summary
    # Both charts and their captions end on this page.
    assert "Beside the 2022 survey" in summary
    assert "70%" in summary and "self-reported" in summary
    assert len(pdf_images(pdf_file, 3)) == 2


# -- the board's page ---------------------------------------------------------------------------

def pdf_images(path: Path, page: int) -> list[str]:
    """The images drawn on one page (pdfimages -list), one line each."""
    listed = subprocess.run([poppler("pdfimages"), "-list", "-f", str(page), "-l", str(page),
                             str(path)], check=True, capture_output=True, text=True).stdout
    return listed.splitlines()[2:]


def layout_line(text: str, starts: str) -> str:
    """The one line of a -layout page that starts with these words."""
    found = [line for line in text.splitlines() if line.strip().startswith(starts)]
    assert len(found) == 1, (starts, found)
    return found[0]


def test_the_boards_page_is_page_2_and_alone_on_it(pdf_file, report):
    page = flat(pdf_text(pdf_file, 2))
    assert page.startswith("The board's page")
    assert "Overall stage" in page and stage_name(report.stage) in page
    # It ends on its own page: the next section starts page 3, nothing of it runs on.
    assert flat(pdf_text(pdf_file, 3)).startswith("Against peers and the 2022 survey")
    assert pdf_images(pdf_file, 2) == []


def test_the_boards_page_has_each_areas_level_now_agreed_and_target(pdf_file, report):
    text = pdf_text(pdf_file, 2, layout=True)
    board = report.board
    assert [row.area for row in board.matrix] == [area.name for area in report.areas]
    assert layout_line(text, "Area").split() == ["Area", "Now", "Agreed", "Target", "Splits",
                                                  "Actions"]
    for row in board.matrix:
        line = layout_line(text, " ".join(row.area.split()[:2]))
        assert f"{score_text(row.score, AREA_PLACES)}" in line, line
    # Two levels were agreed in the workshop: PB-3 (Partnership building) and SG-1.
    assert "PB-3: 2 Developing" in layout_line(text, "Partnership building")
    assert "SG-1: 3 Maturing" in layout_line(text, "Shared governance")
    assert "PB-6" in layout_line(text, "Partnership building")  # its split
    assert "1 open" in layout_line(text, "Partnership building")  # the in-progress action
    assert "1 open" in layout_line(text, "Data sharing")


def test_the_boards_page_has_the_widest_splits_and_the_open_actions_with_owners_and_dates(
        pdf_file, report):
    page = flat(pdf_text(pdf_file, 2))
    board = report.board
    assert f"Splits to discuss ({len(board.splits)})" in page
    assert board.splits[0].statement_id == "PB-6"  # everyone at 1 or 4: the widest split
    assert "PB-6 Member organisations" in page and "(6 Emerging, 5 Thriving)" in page
    assert f"the other {len(board.splits) - 3} are under their areas" in page
    assert "Open actions (3)" in page
    for owner, due in [(FORMULA_OWNER, "30/06/2026"), ("Director of digital", "01/09/2026"),
                       ("no owner yet", "no date")]:
        assert owner in page and due in page
    # Soonest due first.
    assert page.index("30/06/2026") < page.index("01/09/2026") < page.index("no date")


def test_the_boards_page_stays_on_one_page_when_every_list_is_long(report, tmp_path):
    """Many agreed levels and splits in one area, long statements and actions, and a provisional
    round's warning: the lists are cut, with counts, and the page never runs on."""
    board = report.board
    long_words = " ".join(["a long description of what has to be done by whom"] * 6)
    actions = tuple(replace(board.actions[1], description=f"{number} {long_words}",
                            owner="Director of strategy and partnerships " * 2)
                    for number in range(12))
    agreed = tuple(replace(board.agreed[0], statement_id=f"PB-{number}")
                   for number in range(1, 9))
    splits = tuple(replace(board.splits[0], statement_id=f"PB-{number}",
                           statement=board.splits[0].statement * 4) for number in range(1, 9))
    matrix = tuple(replace(row, agreed=agreed, splits=tuple(f"PB-{n}" for n in range(1, 9)),
                           open_actions=12) for row in board.matrix)
    crowded = replace(report, provisional=True, board=replace(
        board, actions=actions, agreed=agreed, splits=splits, matrix=matrix))
    path = tmp_path / "crowded.pdf"
    path.write_bytes(report_pdf(crowded))
    page = flat(pdf_text(path, 2))
    assert page.startswith("The board's page") and "Provisional:" in page
    # An area's cell names one agreed level or split and how many more, never a long list.
    laid_out = pdf_text(path, 2, layout=True)
    assert laid_out.count("PB-1: 2 Developing") == len(board.matrix) and "PB-2:" not in laid_out
    assert laid_out.count("+7 more") == len(board.matrix)  # the agreed levels' second line
    assert laid_out.count("PB-1 +7") == len(board.matrix)  # the splits ("more" wraps)
    assert "Splits to discuss (8)" in page and "Open actions (12)" in page
    shown = re.search(r"(\d+) more open: all are under “Actions”\.", page)
    assert shown and 1 <= 12 - int(shown.group(1)) <= 5
    assert page.count("Director of strategy") == 12 - int(shown.group(1))
    assert flat(pdf_text(path, 3)).startswith("Against peers and the 2022 survey")


def used_share(picture: Image.Image) -> float:
    """How far down a page's text area (top margin to footer) its last mark comes."""
    grey = picture.convert("L")
    width, height = grey.size
    top, bottom = round(height * 16 / 297), round(height * (297 - 20) / 297)
    pixels = grey.load()
    last = top
    for y in range(top, bottom):
        if any(pixels[x, y] < 200 for x in range(0, width, 2)):
            last = y
    return (last - top) / (bottom - top)


def test_no_page_but_the_last_is_mostly_blank(pdf_file):
    pages = sorted(ARTIFACTS.glob("page-*.png"))
    for page in pages[:-1]:
        with Image.open(page) as picture:
            assert used_share(picture) >= 0.5, f"{page.name} is mostly blank"


def test_the_cover_names_only_roles_of_three_or_more(pdf_file):
    cover = flat(pdf_text(pdf_file, 1))
    who = cover[cover.index("Who took part"):cover.index("In this report")]
    assert "13 people took part: 13 in the self-assessment." in who
    for shown in ["Executive director 4", "Clinical lead 3", "Non-executive director 3",
                  "Other roles 3"]:
        assert shown in who
    for folded in ["Collaborative programme team", "Partner organisation"]:
        assert folded not in cover


def test_the_report_never_calls_the_survey_the_national_picture(pdf_file, html):
    # "National" may appear only in a cited title (the National Health Service ... Regulations).
    pattern = re.compile(r"national (survey|picture)|national share", re.IGNORECASE)
    assert not pattern.search(flat(pdf_text(pdf_file))) and not pattern.search(html)


def test_user_text_prints_literally_in_the_pdf(pdf_file):
    text = flat(pdf_text(pdf_file))
    for piece in ["**Bold**", "<script>alert(1)</script>", "[link](http://evil.example/x)",
                  '=HYPERLINK("http://evil.example","click")', "& {nb} Zoë Ødegård Ελληνικά",
                  FORMULA_OWNER, "Second line."]:
        assert piece in text, piece


def test_areas_show_disagreement_consensus_and_actions(pdf_file):
    text = flat(pdf_text(pdf_file))
    assert "Where people disagreed" in text
    assert "PB-6" in text and "1 Emerging: 6" in text and "4 Thriving: 5" in text
    assert "PB-3: agreed 2 Developing." in text
    assert "SG-1: agreed 3 Maturing." in text and "Why: no reason recorded." in text
    assert "Director of digital" in text and "01/09/2026" in text
    assert "the whole collaborative" in text
    assert "3 actions agreed in workshops: 2 open, 1 in progress." in text


def test_weakest_statements_have_a_next_step(pdf_file, report):
    text = flat(pdf_text(pdf_file))
    assert report.weakest and all(weak.next_step for weak in report.weakest)
    assert text.count("To get there:") == len(report.weakest)
    assert "Next level, 2 Developing:" in text


def test_board_questions_are_answered(pdf_file, report):
    text = flat(pdf_text(pdf_file))
    assert len(report.board_answers) == 5
    for answer in report.board_answers:
        assert f"{answer.number}. {answer.question}" in text
    assert "Answered by" in text and "Evidence given:" in text
    assert "Policy as at 31 January 2026" in text


def test_the_method_note_gives_the_rules_and_the_survey_caveats(pdf_file, report):
    method = flat(pdf_text(pdf_file))
    method = method[method.index("Method: how this report was worked out"):]
    assert "median" in method and "Emerging from 1.00 to 1.75" in method
    assert "counts as the lower stage" in method
    assert "at least 3 people" in method and "at least 5" in method
    for caveat in report.baseline.caveats:
        assert flat(caveat) in method
    assert "Good Governance Institute" in method


def test_the_demo_pdf_is_a_pdf_file(pdf_bytes):
    # How long it takes is a figure in `make bench` (board report: PDF), never a test.
    assert pdf_bytes.startswith(b"%PDF-")
    assert pdf_bytes.rstrip().endswith(b"%%EOF")


def test_progress_is_reported_from_start_to_finish(report):
    steps: list[tuple[float, str]] = []
    report_pdf(report, progress=lambda done, what: steps.append((done, what)))
    fractions = [done for done, _ in steps]
    assert fractions == sorted(fractions) and fractions[0] == 0.0 and fractions[-1] == 1.0
    assert all(isinstance(what, str) and what for _, what in steps)
    steps.clear()
    report_html(report, progress=lambda done, what: steps.append((done, what)))
    assert steps[-1][0] == 1.0


# -- the HTML -------------------------------------------------------------------------------------

class Elements(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def test_the_html_is_one_file_that_fetches_nothing(html):
    parser = Elements()
    parser.feed(html)
    names = [tag for tag, _ in parser.tags]
    assert "script" not in names and "link" not in names and "iframe" not in names
    addresses = [attrs[name] for _, attrs in parser.tags for name in ("src", "href", "srcset")
                 if name in attrs]
    assert addresses, "the charts should be images in the page"
    assert all(address.startswith("data:image/png;base64,") for address in addresses), addresses
    assert "url(" not in html and "@import" not in html
    assert "default-src 'none'" in html  # and the browser is told to fetch nothing


def test_the_html_has_every_section_and_a_text_alternative_for_each_chart(html, report):
    parser = Elements()
    parser.feed(html)
    images = [attrs for tag, attrs in parser.tags if tag == "img"]
    assert len(images) >= 3 and all(image.get("alt") for image in images)
    assert html.count("The figures behind this chart") >= 3
    for heading in ["The board&#x27;s page", "Against peers and the 2022 survey", "Area by area",
                    "Actions", "Board questions", "Method: how this report was worked out"]:
        assert re.search(rf"<h[23][^>]*>{re.escape(heading)}</h[23]>", html), heading
    for area in report.areas:
        assert area.name in html


def test_user_text_is_escaped_in_the_html(html):
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "**Bold**" in html and "[link](http://evil.example/x)" in html
    assert "=HYPERLINK(&quot;http://evil.example&quot;,&quot;click&quot;)" in html
    assert "=cmd|&#x27; /C calc&#x27;!A0" in html
    assert "{nb} Zoë Ødegård Ελληνικά" in html
    assert 'href="http' not in html and 'src="http' not in html


# -- other rounds ----------------------------------------------------------------------------------

def test_a_round_with_no_answers_has_nothing_to_report(store, database):
    with pytest.raises(NothingToReport) as raised:
        build_board_report(store, database["empty"])
    assert isinstance(raised.value, CollabAssessError)
    assert str(raised.value).startswith("Nobody has given a level in the round 'Autumn 2026' yet, "
                                        "so there is no report to make.")


def test_a_small_provisional_round_hides_small_roles_and_escapes_its_name(store, database,
                                                                          tmp_path):
    report = build_board_report(store, database["small"], peer_group=PeerGroup.SAME_REGION,
                                today=TODAY)
    path = tmp_path / "small.pdf"
    path.write_bytes(report_pdf(report))
    text = flat(pdf_text(path))
    cover = flat(pdf_text(path, 1))
    assert TRICKY_NAME in cover
    # 3 executives, and 1 + 1 in other roles: the executives are folded in with them, so "everyone
    # minus the groups shown" is never those two.
    assert "Other roles 5" in cover and "Executive director 3" not in cover
    assert "Non-executive director" not in cover[cover.index("Who took part"):]
    assert "Provisional:" in text
    assert "not scored yet" in text
    assert "Peers are not shown: Your collaborative's profile did not record this" in text
    assert "There are not yet two role groups big enough to compare" in text
    # Characters DejaVu Sans lacks print as a visible replacement, never as nothing.
    assert "Tab    between, emoji \ufffd at the end" in pdf_text(path, layout=True)
    assert "Zoë \ufffd\ufffd" in text
    assert_numbered(path)
    assert_mostly_light(path)
    assert_no_heading_ends_a_page(path, [f"{n}. {area.name}"
                                         for n, area in enumerate(report.areas, start=1)])
    page = report_html(report)
    assert "&lt;b&gt;Tricky&lt;/b&gt; &amp; **Co** =1+1 / ../etc" in page
    assert "<b>Tricky</b>" not in page


def test_a_version_1_round_says_it_has_no_board_questions_or_steps(store, database, tmp_path):
    report = build_board_report(store, database["version_1"], today=TODAY)
    path = tmp_path / "v1.pdf"
    path.write_bytes(report_pdf(report))
    text = flat(pdf_text(path))
    assert "version 1 of the question bank, which gives no next steps" in text
    assert "does not group its statements under the board questions" in text
    assert "Synthetic demo data" in text


# -- file names -----------------------------------------------------------------------------------

def test_the_file_name_is_safe_and_says_what_it_is(store, database, report):
    assert report_file_name(report, "pdf") == (
        "northshire-collaborative-spring-2026-board-report.pdf")
    assert report_file_name(report, ".html") == (
        "northshire-collaborative-spring-2026-board-report.html")
    tricky = build_board_report(store, database["small"], today=TODAY)
    name = report_file_name(tricky, "pdf")
    assert name == "b-tricky-b-co-1-1-etc-r1-board-report.pdf"
    assert re.fullmatch(r"[a-z0-9-]+\.pdf", name)


def test_page_numbers_are_readable_on_a_page_that_ends_in_bold(tmp_path):
    """fpdf2 writes a font into a page only when it changes; the footers are written last, going
    back to each page, so a page whose text ends in bold must still get its footer's own font."""
    pdf = ReportPDF("footer")
    for number in range(1, 4):
        pdf.add_page()
        pdf.paragraph(paragraph(f"Plain text on page {number}."))
        if number == 2:
            pdf.heading(Heading("A bold heading ends this page", 2))
    pdf.finish()
    path = tmp_path / "bold.pdf"
    path.write_bytes(bytes(pdf.output()))
    assert_numbered(path)
