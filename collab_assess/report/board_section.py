"""The report's second page: the board's page on one sheet of A4. The overall stage; a matrix of
every area's level now, any level a workshop agreed in it, its target, its splits and its open
actions; the widest splits; and the open actions with owners and dates. The same figures as the
first screen of Results (both come from assessment/board_page.py); each list is cut to what fits
on the page, and says how many more there are and where they are."""

from __future__ import annotations

from collab_assess.assessment.board_page import (
    Action,
    AreaLevels,
    counts_in_words,
    shortened,
)
from collab_assess.content.scale import AREA_PLACES, score_text, stage_name
from collab_assess.report.content import BoardReport
from collab_assess.report.document import (
    Block,
    Bullets,
    Callout,
    Heading,
    Metric,
    Metrics,
    OnePage,
    Table,
    bold,
    paragraph,
)
from collab_assess.report.wording import plural, short_date

BOARD_PAGE_HEADING = "The board's page"
SHOWN = ((3, 5), (3, 4), (3, 3), (2, 3), (2, 2), (1, 2), (1, 1), (0, 1))
"""(splits, open actions) the page lists, fullest first: the PDF prints the fullest that fits on
one page (document.OnePage)."""
SHORT_STATEMENT = 150
SHORT_ACTION = 90
SHORT_OWNER = 40
"""An action's description and owner are cut at about these many characters on the board's page
(two lines of their columns); they are in full under "Actions"."""
IN_A_CELL = 2
"""How many agreed levels or split statements one area's cell of the matrix names; with more, it
names the first and how many more, so no row of the matrix grows past two lines."""
NONE = "—"


def board_page(report: BoardReport) -> list[Block]:
    return [OnePage(tuple(tuple(version(report, splits_shown, actions_shown))
                          for splits_shown, actions_shown in SHOWN))]


def version(report: BoardReport, splits_shown: int, actions_shown: int) -> list[Block]:
    board = report.board
    blocks: list[Block] = [
        Heading(BOARD_PAGE_HEADING, 1, new_page=True),
        headline(report),
    ]
    if report.provisional:
        blocks.append(Callout((paragraph(
            bold("Provisional: "),
            f"only {report.statements_scored} of {report.statements_asked} statements have a "
            "score so far. The stage may change a lot as more answers come in."),)))
    blocks += [
        Heading("Each area: where it is, what was agreed, where people want it", 3),
        matrix(board.matrix),
        paragraph("Now: the area's stage and score. Agreed: the level a board workshop agreed "
                  "for a statement in it. Target: the average of the targets people set for its "
                  "statements. Splits: its statements where people's answers sit two or more "
                  "levels apart.", style="small"),
    ]
    blocks += splits(report, splits_shown)
    blocks += open_actions(report, actions_shown)
    return blocks


def headline(report: BoardReport) -> Metrics:
    """The three figures Results opens with, as it shows them."""
    return Metrics((
        Metric("Overall stage", stage_name(report.stage),
               f"score {score_text(report.overall, AREA_PLACES)} of 4"),
        Metric("How respondents describe it", stage_name(report.self_described),
               f"{report.self_described_views} gave a view" if report.self_described_views
               else "nobody has said yet"),
        Metric("People who took part", str(report.headcount.took_part),
               f"{report.statements_scored} of {report.statements_asked} statements scored"),
    ))


def level_and_score(score: float | None, stage_label: str) -> str:
    return NONE if score is None else f"{stage_label}, {score_text(score, AREA_PLACES)}"


def first_few(items: list[str], separator: str) -> str:
    """Up to IN_A_CELL items; with more, the first and how many more ("PB-1 +5 more"); NONE for
    none."""
    if not items:
        return NONE
    if len(items) <= IN_A_CELL:
        return separator.join(items)
    return f"{items[0]} +{len(items) - 1} more"


def matrix(rows: tuple[AreaLevels, ...]) -> Table:
    """One row per area. Widths in millimetres of the A4 text width (174 mm): each level column
    holds "2 Developing, 2.08" on one line, and an area's name takes at most two."""
    return Table(
        header=("Area", "Now", "Agreed", "Target", "Splits", "Actions"),
        rows=tuple((
            row.area,
            level_and_score(row.score, stage_name(row.stage)),
            first_few([f"{agreed.statement_id}: {stage_name(agreed.level)}"
                       for agreed in row.agreed], "; "),
            level_and_score(row.target, stage_name(row.target_stage)),
            first_few(list(row.splits), ", "),
            f"{row.open_actions} open" if row.open_actions else NONE,
        ) for row in rows),
        widths=(46, 31, 31, 31, 20, 15), compact=True)


def splits(report: BoardReport, shown: int) -> list[Block]:
    found = report.board.splits
    heading = Heading(f"Splits to discuss ({len(found)})", 3)
    if not found:
        return [heading, paragraph("No statement has a clear split: people see things much the "
                                   "same way.", style="small")]
    items = tuple(paragraph(bold(f"{split.statement_id} "), shortened(split.statement,
                                                                     SHORT_STATEMENT),
                            f" ({counts_in_words(split.level_counts)})"
                            + (f"; since agreed: {stage_name(split.agreed)}."
                               if split.agreed else "."))
                  for split in found[:shown])
    blocks: list[Block] = [heading, Bullets(items, style="small")]
    if not shown:
        return [heading, paragraph(f"Each is under its area in “Area by area”, widest first: "
                                   f"{', '.join(split.statement_id for split in found)}.",
                                   style="small")]
    if len(found) > shown:
        widest = "The widest split" if shown == 1 else f"The widest {shown} splits"
        others = len(found) - shown
        blocks.append(paragraph(f"{widest}; the other {others} "
                                f"{'is' if others == 1 else 'are'} under "
                                f"{'its area' if others == 1 else 'their areas'} in “Area by "
                                "area”.", style="small"))
    return blocks


def open_actions(report: BoardReport, shown: int) -> list[Block]:
    board = report.board
    still_open = board.open_actions
    heading = Heading(f"Open actions ({len(still_open)})", 3)
    if not still_open:
        return [heading, paragraph(
            ("No open actions: every action is done or dropped." if board.actions else
             "No actions yet. A board workshop records them beside the level it agrees."),
            style="small")]
    blocks: list[Block] = [heading, actions_table(still_open[:shown])]
    closed = len(board.actions) - len(still_open)
    rest = []
    if len(still_open) > shown:
        rest.append(f"{len(still_open) - shown} more open")
    if closed:
        rest.append(f"{plural(closed, 'action')} done or dropped")
    note = "Soonest due first."
    if rest:
        note += " " + " and ".join(rest).capitalize() + ": all are under “Actions”."
    else:
        note += " Each in full under “Actions”."
    blocks.append(paragraph(note, style="small"))
    return blocks


def actions_table(actions: tuple[Action, ...]) -> Table:
    """Widths in millimetres, as the matrix: a date on one line, "in progress" on one line."""
    return Table(
        header=("Action", "Owner", "Due", "For", "Status"),
        rows=tuple((shortened(action.description, SHORT_ACTION),
                    shortened(action.owner, SHORT_OWNER) or "no owner yet",
                    short_date(action.due_on) or "no date",
                    ", ".join(part for part in (action.statement_id, action.area) if part)
                    or "the whole collaborative", action.status)
                   for action in actions),
        widths=(66, 30, 21, 36, 21), compact=True)

