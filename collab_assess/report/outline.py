"""The report's sections, in the order a board reads them."""

from __future__ import annotations

from collab_assess.report import (
    area_sections,
    board_section,
    closing_sections,
    cover_and_summary,
)
from collab_assess.report.content import BoardReport
from collab_assess.report.document import Block

CONTENTS = [
    f"{board_section.BOARD_PAGE_HEADING} (page 2): the overall stage, each area now, agreed and "
    "targeted, the splits to discuss and the open actions",
    f"{cover_and_summary.SUMMARY_HEADING}: the areas against peers, and the stage beside the "
    "survey",
    "How each role sees each area",
    f"{area_sections.AREAS_HEADING}: scores, disagreements, agreed levels and actions",
    area_sections.NEXT_STEPS_HEADING,
    f"{closing_sections.ACTIONS_HEADING} and {closing_sections.BOARD_QUESTIONS_HEADING.lower()}",
    closing_sections.METHOD_HEADING,
]


def report_blocks(report: BoardReport) -> list[Block]:
    return [
        *cover_and_summary.cover(report, CONTENTS),
        *board_section.board_page(report),
        *cover_and_summary.summary(report),
        *cover_and_summary.beside_the_survey(report),
        *cover_and_summary.role_view(report),
        *area_sections.areas(report),
        *area_sections.next_steps(report),
        *closing_sections.actions(report),
        *closing_sections.board_questions(report),
        *closing_sections.method(report),
    ]
