"""The back of the report: every action in one table, the board questions with this round's
answers, and the method note (modelled on "How scores are worked out" on Results)."""

from __future__ import annotations

from collections import Counter

from collab_assess.assessment.board_questions import INTRODUCTION, statements_counted
from collab_assess.assessment.results import MIN_GROUP_SIZE, OTHER_ROLES, SPLIT_RULE
from collab_assess.assessment.scoring import INFORMATION_GAP_SHARE
from collab_assess.content.anonymity import min_peers
from collab_assess.content.scale import (
    LEVELS,
    ON_THE_LINE,
    STATEMENT_PLACES,
    describe_bands,
    level_label,
    percent_text,
    score_text,
)
from collab_assess.report.area_sections import actions_table
from collab_assess.report.content import BoardReport
from collab_assess.report.document import (
    Block,
    Bullets,
    Heading,
    KeepTogether,
    Table,
    bold,
    paragraph,
)
from collab_assess.report.wording import long_date, plural
from collab_assess.store.inputs import ACTION_STATUSES

ACTIONS_HEADING = "Actions"
BOARD_QUESTIONS_HEADING = "Board questions"
METHOD_HEADING = "Method: how this report was worked out"


def actions(report: BoardReport) -> list[Block]:
    heading = Heading(ACTIONS_HEADING, 1, new_page=True)
    if not report.actions:
        return [heading, paragraph("No actions recorded yet. A board workshop records them beside "
                                   "the level the room agrees (Run a workshop).")]
    counts = Counter(action.status for action in report.actions)
    statuses = [status for status in ACTION_STATUSES if counts[status]] + sorted(
        status for status in counts if status not in ACTION_STATUSES)
    tally = ", ".join(f"{counts[status]} {status}" for status in statuses)
    return [heading,
            paragraph(f"{plural(len(report.actions), 'action')} agreed in workshops: {tally}. "
                      "Status as it stood when the report was made."),
            actions_table(report.actions, with_area=True)]


def policy_stamp(report: BoardReport) -> str | None:
    """"Policy as at 31 January 2026", from the round's bank (version 3 on)."""
    if report.policy_as_at is None:
        return None
    return f"Policy as at {long_date(report.policy_as_at)}"


def board_questions(report: BoardReport) -> list[Block]:
    heading = Heading(BOARD_QUESTIONS_HEADING, 1)
    if not report.board_answers:
        return [heading, paragraph(
            f"This round asked version {report.bank_version} of the question bank, which does not "
            "group its statements under the board questions; rounds on version 2 or later do.")]
    blocks: list[Block] = [heading, paragraph(INTRODUCTION)]
    stamp = policy_stamp(report)
    if stamp:
        blocks.append(paragraph(f"{stamp}: the question bank's statements reflect NHS policy up to "
                                "that date.", style="small"))
    for answer in report.board_answers:
        summary = paragraph(
            "None of its statements has a score yet." if answer.scored == 0 else
            f"Answered by {statements_counted(answer.scored, answer.asked)}:")
        rows = tuple(
            (score_text(row.score, STATEMENT_PLACES) if row.score is not None else "",
             row.stage.label if row.stage is not None else "not rated",
             f"{row.statement} ({row.statement_id}, {row.area})",
             row.answered)
            for row in answer.statements)
        notes = [paragraph(bold(f"{row.statement_id}: "),
                           f"{note.role}{', ' + note.answer if note.answer else ''}: {note.note}",
                           style="small")
                 for row in answer.statements for note in row.evidence]
        blocks.append(KeepTogether((
            Heading(f"{answer.number}. {answer.question}", 3),
            summary,
            Table(header=("Score", "Stage", "Statement", "Answers"), rows=rows,
                  widths=(1, 1.5, 6, 2.5), numeric=(0,)),
        )))
        blocks.append(paragraph(bold("Evidence given: "), "none yet." if not notes else
                                f"{plural(len(notes), 'note')}.", style="small"))
        blocks += notes
    return blocks


def method(report: BoardReport) -> list[Block]:
    baseline, peers = report.baseline, report.peers
    scale = ", ".join(level_label(level) for level in LEVELS)
    scoring = Bullets(tuple(paragraph(*parts) for parts in (
        (bold("The scale: "), f"each statement is rated on four stages, {scale}, named after the "
         "stages of NHS England's 2018 ICS maturity matrix. “Don't know” and “Not applicable” are "
         "recorded, so a gap in information shows, but never count."
         + (f" The rule for choosing: {report.rating_rule}" if report.rating_rule else "")),
        (bold("A statement's score "), "is the middle value (median) of the levels people gave, or "
         "the level a workshop agreed, where one was recorded."),
        (bold("An area's score "), "is the average of its statements' scores; the ",
         bold("overall score "), "is the average of the area scores, so every area weighs the "
         "same. A statement nobody has rated is left out, not counted as zero."),
        (bold("The stage "), f"splits 1 to 4 into four equal bands: {describe_bands()}. "
         f"{ON_THE_LINE}"),
        (bold("Provisional "), "results are those with fewer than half the statements scored."),
        (bold("Where people disagreed: "), f"a statement is flagged when {SPLIT_RULE}. With two "
         "or three people, that means any two answers two levels apart; with more, one person "
         "out of step is not enough."),
        (bold("Information gap: "), f"{percent_text(INFORMATION_GAP_SHARE)} or more of a "
         "statement's answers are “Don't know” (listed on the Results page)."),
        (bold("Next level: "), "a statement's stage comes from its score by the same bands; the "
         "next level is the one above it, and the step towards it is the question bank's."),
        (bold("Board questions: "), "each is answered by the statements that bear on it, with "
         "their scores, how people answered and the evidence given; no question is averaged "
         "into a single score."),
    )))
    roles = paragraph(
        bold("People in small groups: "),
        f"a role's scores and name are shown only when at least {MIN_GROUP_SIZE} people of the "
        f"self-assessors who took part have it. Smaller roles, and “Other”, are put together as "
        f"“{OTHER_ROLES}”, with the smallest others folded in until no group has fewer than "
        f"{MIN_GROUP_SIZE}; when even everyone together is fewer, no role is shown. Their answers "
        "count in every other result. Workshop votes count once the facilitator reveals them with "
        f"at least {MIN_GROUP_SIZE} voters. Nobody is named anywhere in this report.")
    peer_lines = [
        paragraph(bold("Peers "), f"are the other collaboratives in the group chosen "
                  f"(“{report.peer_group.label}”), each on its latest submitted round: a round "
                  "counts only once its lead submits it, so half-finished answers never move a "
                  "peer figure."),
        paragraph(bold("Anonymity: "), "only the peers' median and middle half are shown, to one "
                  f"decimal place, never any one of them, and only when they number at least "
                  f"{min_peers()}, so no single collaborative can be picked out. No other "
                  "collaborative is named, and none is ranked. Peer figures come from a copy "
                  f"taken once a day ({peers.as_of_words.lower() or 'none yet'}), so they "
                  "change at most once a day."),
    ]
    if peers.shown and peers.synthetic:
        peer_lines.append(paragraph(f"{peers.synthetic} of the {peers.peers} peers are synthetic "
                                    f"demo data. {baseline.demo_peers}"))
    if peers.versions_note:
        peer_lines.append(paragraph(peers.versions_note))
    survey: list[Block] = [paragraph(baseline.summary),
                           Bullets(tuple(paragraph(caveat) for caveat in baseline.caveats)),
                           paragraph(baseline.citation)]
    stamp = policy_stamp(report)
    sources = paragraph(
        "The areas follow NHS England's 'Working together at scale' (2021), its guidance on "
        "provider collaboratives: six core capabilities and five enablers (version 3 of the bank "
        "adds a twelfth, Governance basics). The board questions are the five NHS Providers "
        "suggests trust boards ask. The question bank "
        f"(“{report.bank_title}”, version {report.bank_version}"
        + (f", {stamp.lower()}" if stamp else "") + ") names the document and section behind "
        "every statement, listed below. The scores are worked out from the answers saved in "
        f"collab-assess as they stood on {long_date(report.made_on)}.")
    cited = Table(header=("No.", "Document (publisher, title, date)"),
                  rows=tuple((str(number), title)
                             for number, title in enumerate(report.documents, start=1)),
                  widths=(0.6, 9.6), numeric=(0,))
    where_from = Table(
        header=("Statement", "Where this comes from (document number: sections)"),
        rows=tuple((item.statement_id,
                    "; ".join(f"{number}: {parts}" if parts else str(number)
                              for number, parts in item.sources))
                   for item in report.sources),
        widths=(1.2, 9))
    return [
        Heading(METHOD_HEADING, 1, new_page=True),
        KeepTogether((Heading("Scale and scoring", 3), scoring)),
        KeepTogether((Heading("Who is shown", 3), roles)),
        KeepTogether((Heading("Peers", 3), *peer_lines)),
        KeepTogether((Heading("The 2022 survey", 3), *survey)),
        KeepTogether((Heading("Sources", 3), sources)),
        cited,
        where_from,
    ]

