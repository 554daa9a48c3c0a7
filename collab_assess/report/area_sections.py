"""Area by area (score, stage, strongest and weakest statements, where people disagreed, what a
workshop agreed and why, actions), then the next steps for the weakest statements."""

from __future__ import annotations

from collab_assess.assessment.results import SPLIT_RULE
from collab_assess.content.scale import PEER_PLACES, STATEMENT_PLACES, level_label, score_text
from collab_assess.report.chart_images import level_counts_text, split_figure
from collab_assess.report.content import Action, AreaReport, BoardReport, StatementScore
from collab_assess.report.document import (
    Block,
    Bullets,
    Divider,
    Heading,
    KeepTogether,
    Paragraph,
    Table,
    bold,
    paragraph,
)
from collab_assess.report.wording import (
    reference,
    score_and_stage,
    short_date,
    statement_figure,
)

AREAS_HEADING = "Area by area"
NEXT_STEPS_HEADING = "Next steps for the weakest statements"


def areas(report: BoardReport) -> list[Block]:
    blocks: list[Block] = [
        Heading(AREAS_HEADING, 1, new_page=True),
        paragraph(f"Each of the {len(report.areas)} areas: its score and stage, its strongest and "
                  "weakest statements, where people disagreed, any level a board workshop agreed "
                  "and why, and the actions agreed for it."),
    ]
    for number, area in enumerate(report.areas, start=1):
        blocks += area_section(number, area)
    return blocks


def area_section(number: int, area: AreaReport) -> list[Block]:
    headline = paragraph(bold(score_and_stage(area.score)),
                         f" ({area.group}; {area.statements_scored} of "
                         f"{area.statements_asked} statements scored).")
    opening: list[Block] = [Heading(f"{number}. {area.name}", 2), headline]
    if area.peers:
        opening.append(paragraph(f"Peers: median {score_text(area.peers.median, PEER_PLACES)}, "
                                 f"middle half {score_text(area.peers.q1, PEER_PLACES)} to "
                                 f"{score_text(area.peers.q3, PEER_PLACES)}.", style="small"))
    blocks: list[Block] = []
    if area.all_level:
        opening.append(paragraph(f"Every scored statement in this area has the same score, "
                                 f"{score_text(area.score, STATEMENT_PLACES)}, so none stands "
                                 "out as strongest or weakest."))
    else:
        opening += _statements("Strongest", area.strongest, area.strongest_more)
        blocks += _statements("Weakest", area.weakest, area.weakest_more)
    blocks = [KeepTogether(tuple(opening))] + blocks

    missing = []
    if area.disagreements:
        blocks.append(KeepTogether((
            Heading("Where people disagreed", 3),
            Bullets(tuple(paragraph(bold(f"{split.statement_id} "), split.statement, " — ",
                                    level_counts_text(split))
                          for split in area.disagreements), style="small"),
            split_figure(area),
        )))
    else:
        missing.append("no clear split")
    if area.agreed:
        blocks.append(KeepTogether((
            Heading("Agreed in a workshop", 3),
            Bullets(tuple(agreed_line(agreed) for agreed in area.agreed)),
        )))
    else:
        missing.append("no level agreed in a workshop")
    if area.actions:
        blocks.append(KeepTogether((Heading("Actions", 3), actions_table(area.actions,
                                                                          with_area=False))))
    else:
        missing.append("no actions yet")
    if missing:
        blocks.append(paragraph("In this area: " + _joined(missing) + ".", style="small"))
    return blocks


def _statements(label: str, statements: tuple[StatementScore, ...], more: int) -> list[Block]:
    if not statements:
        return []
    items = [paragraph(bold(statement_figure(s)), f" · {s.statement} {reference(s.statement_id)}")
             for s in statements]
    if more:
        items.append(paragraph(f"and {more} more at "
                               f"{score_text(statements[-1].score, STATEMENT_PLACES)}"))
    return [KeepTogether((paragraph(bold(f"{label}:")), Bullets(tuple(items))))]


def agreed_line(agreed) -> Paragraph:
    why = agreed.rationale.strip() or "no reason recorded."
    return paragraph(bold(f"{agreed.statement_id}: agreed {level_label(agreed.level)}. "),
                     f"{agreed.statement} ", bold("Why: "), why)


def actions_table(actions: tuple[Action, ...], *, with_area: bool) -> Table:
    """Action, (area or statement,) owner, due date and status, in the order they were agreed."""
    header = ("Action", "For", "Owner", "Due", "Status") if with_area else (
        "Action", "Owner", "Due", "Status")
    rows = []
    for action in actions:
        where = ", ".join(part for part in (action.statement_id, action.area) if part)
        row = (action.description, where or "the whole collaborative", action.owner,
               short_date(action.due_on), action.status)
        rows.append(row if with_area else row[:1] + row[2:])
    widths = (5, 2.4, 2, 1.5, 1.5) if with_area else (6, 2.2, 1.5, 1.5)
    return Table(header=header, rows=tuple(rows), widths=widths)


def _joined(parts: list[str]) -> str:
    if len(parts) == 1:
        return parts[0]
    return ", ".join(parts[:-1]) + " and " + parts[-1]


# -- next steps -----------------------------------------------------------------------------------

def next_steps(report: BoardReport) -> list[Block]:
    blocks: list[Block] = [Heading(NEXT_STEPS_HEADING, 1, new_page=True)]
    if report.has_next_steps:
        blocks.append(paragraph(
            f"The {len(report.weakest)} lowest-scoring statements, a starting point for the "
            "action plan, each with what its next level looks like and one step towards it. "
            "Among equal scores, the one with more low answers comes first."))
    else:
        blocks.append(paragraph(
            f"The {len(report.weakest)} lowest-scoring statements, a starting point for the "
            f"action plan. This round asked version {report.bank_version} of the question bank, "
            "which gives no next steps; rounds on version 2 or later show one under each."))
    for number, weak in enumerate(report.weakest):
        statement = weak.statement
        parts: list[Block] = [paragraph(bold(statement_figure(statement)),
                                        f" · {statement.statement} ",
                                        reference(statement.statement_id, statement.area))]
        if weak.next_step:
            step = weak.next_step
            parts += [paragraph(bold(f"Next level, {level_label(step.next_level)}: "),
                                step.looks_like),
                      paragraph(bold("To get there: "), step.step)]
        if number:
            parts.insert(0, Divider())
        blocks.append(KeepTogether(tuple(parts)))
    if report.weakest_more:
        more = "statement also scores" if report.weakest_more == 1 else "statements also score"
        last_score = score_text(report.weakest[-1].statement.score, STATEMENT_PLACES)
        blocks.append(paragraph(bold(f"{report.weakest_more} more"), f" {more} {last_score}"
                                ". The Results page lists "
                                f"all {report.statements_ranked} statements with a score."))
    return blocks


def split_rule_sentence() -> str:
    return f"A statement is flagged as split when {SPLIT_RULE}."
