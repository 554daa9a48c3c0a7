"""The front of the report: the cover (who, which round, who took part); after the board's page
(board_section.py), the two charts (the areas against peers, the stage beside the 2022 survey),
the survey's caveats and the role view. The words follow the Results page."""

from __future__ import annotations

from collab_assess.assessment.results import MIN_GROUP_SIZE, OTHER_ROLES
from collab_assess.content.scale import Level, percent_text, stage_name
from collab_assess.report.chart_images import area_figure, baseline_figure, role_figure
from collab_assess.report.content import BoardReport
from collab_assess.report.document import (
    Block,
    Bullets,
    Callout,
    Heading,
    KeepTogether,
    Paragraph,
    Table,
    Title,
    bold,
    paragraph,
)
from collab_assess.report.wording import (
    long_date,
    peers_described,
    people,
    round_status,
)

KICKER = "Board report · provider collaborative maturity self-assessment"
SUMMARY_CHART_SHARE = 0.84
"""The summary's two charts are drawn a little narrower than the text, so both fit on one page."""
SYNTHETIC = ("Synthetic demo data: this collaborative was made up to show how the tool works. "
             "Nothing in this report describes a real collaborative.")


# -- cover ----------------------------------------------------------------------------------------

def cover(report: BoardReport, contents: list[str]) -> list[Block]:
    collaborative, assessment_round = report.collaborative, report.assessment_round
    blocks: list[Block] = [Title(kicker=KICKER, name=collaborative.name,
                                 subtitle=f"Assessment round: {assessment_round.label}")]
    if collaborative.is_demo:
        blocks.append(Callout((paragraph(bold(SYNTHETIC)),)))
    opened = f"opened {long_date(assessment_round.opens_on)}"
    if assessment_round.closes_on:
        opened += f", closing date {long_date(assessment_round.closes_on)}"
    facts = [
        ("Round: ", f"{assessment_round.label} ({opened}); {round_status(report)}."),
        ("Report made on: ", f"{long_date(report.made_on)}."),
        ("Question bank: ", f"{report.bank_title}, version {report.bank_version}."),
    ]
    profile = [value for value in (collaborative.region, collaborative.collaborative_type,
                                   collaborative.governance_model) if value]
    if profile:
        facts.append(("Profile: ", "; ".join(profile) + "."))
    blocks.extend(paragraph(bold(label), value) for label, value in facts)
    blocks += who_took_part(report)
    blocks += [Heading("In this report", 2),
               Bullets(tuple(paragraph(section) for section in contents))]
    return blocks


def who_took_part(report: BoardReport) -> list[Block]:
    blocks: list[Block] = [Heading("Who took part", 2)]
    blocks.append(paragraph(report.headcount.in_words()))
    if report.role_groups:
        blocks.append(Table(header=("Role", "People"),
                            rows=tuple((group, str(count))
                                       for group, count in report.role_groups.items()),
                            widths=(4, 1), numeric=(1,)))
    small_print = [f"To protect people in small groups, a role is named only when at least "
                   f"{MIN_GROUP_SIZE} of the self-assessors who took part have it; people who "
                   "voted in a workshop without their resume code are not counted by role."]
    if OTHER_ROLES in report.role_groups:
        small_print.append(f"Smaller roles, and anyone whose role is “Other”, are counted "
                           f"together as “{OTHER_ROLES}”.")
    if report.roles_not_shown:
        hidden = report.roles_not_shown
        small_print.append(f"The answers of {people(hidden)} are not shown by role, because even "
                           f"together their roles have fewer than {MIN_GROUP_SIZE} people. "
                           f"{'Those answers' if hidden > 1 else 'That person’s answers'} still "
                           "count in every result.")
    blocks.append(paragraph(" ".join(small_print), style="small"))
    return blocks


# -- the charts -----------------------------------------------------------------------------------

SUMMARY_HEADING = "Against peers and the 2022 survey"


def summary(report: BoardReport) -> list[Block]:
    """The two charts: each area against peers, and the stage beside the 2022 survey. The
    headline figures are on the board's page before it (board_section.py)."""
    return [
        Heading(SUMMARY_HEADING, 1, new_page=True),
        KeepTogether((Heading("Area by area, against peers", 3),
                      area_figure(report, width_share=SUMMARY_CHART_SHARE),
                      paragraph(area_key(report), style="small"))),
        KeepTogether((Heading("Beside the 2022 survey", 3),
                      baseline_figure(report, width_share=SUMMARY_CHART_SHARE),
                      survey_key(report))),
    ]


def area_key(report: BoardReport) -> str:
    """What the area chart's marks mean (the chart's own legend is in words on the page)."""
    peers = report.peers
    if peers.shown:
        return (f"Green bars (the darker, narrower bars in black and white): your area scores. "
                f"Grey band: the middle half of "
                f"{peers_described(report)} ({report.peer_group.label.lower()}); black tick: "
                "their median. The shaded columns are the four stages. "
                f"{peers.as_of_words}.")
    return ("Green bars: your area scores. The shaded columns are the four stages. Peers are not "
            f"shown: {peers.why_hidden}")


def survey_key(report: BoardReport) -> Paragraph:
    """The chart's reading in one sentence, with the survey's figure in its own words beside it."""
    baseline = report.baseline
    early = "at an early stage" if report.comparison.is_early else "beyond the early stages"
    share = percent_text(baseline.share)
    before, _, after = baseline.finding.partition(share)
    return paragraph(
        "On these answers the collaborative is ", bold(f"{early} ({stage_name(report.stage)})"),
        f" (“Your collaborative” in the chart). In the {baseline.survey}, {before}", bold(share),
        f"{after}: self-reported, and only by the collaboratives that responded (see below).")


# -- the survey, in full -------------------------------------------------------------------------

def beside_the_survey(report: BoardReport) -> list[Block]:
    baseline = report.baseline

    def early_or_not(stage: Level) -> str:
        return "an early stage" if baseline.is_early(stage) else "beyond the early stages"

    if report.self_described is not None:
        described = paragraph(
            bold(f"How your respondents describe it: {stage_name(report.self_described)}"),
            f" ({early_or_not(report.self_described)}). {baseline.closer_comparison}")
    else:
        described = paragraph(bold("How your respondents describe it: "), "nobody has said yet.")
    worked_out = paragraph(
        bold(f"Worked out from your scores: {stage_name(report.stage)}"),
        f" ({early_or_not(report.stage)}). {baseline.looser_comparison}")
    blocks: list[Block] = [
        Heading(f"What the {percent_text(baseline.share)} can and cannot tell you", 2),
        paragraph(baseline.summary),
        Bullets((described, worked_out)),
    ]
    if report.peer_position:
        blocks.append(paragraph(report.peer_position))
    caveats = Bullets(tuple(paragraph(caveat) for caveat in baseline.caveats), style="small")
    blocks.append(KeepTogether((caveats, paragraph(baseline.citation, style="small"))))
    if report.peers.shown and report.peers.synthetic:
        blocks.append(paragraph(baseline.demo_peers, style="small"))
    return blocks


# -- roles ----------------------------------------------------------------------------------------

def role_view(report: BoardReport) -> list[Block]:
    heading = Heading("How each role sees each area", 2)
    if len(report.role_groups) < 2:
        return [KeepTogether((heading, paragraph(
            "There are not yet two role groups big enough to compare (each needs at least "
            f"{MIN_GROUP_SIZE} people who have answered)."),))]
    note = ("Each cell is the area score worked out from that group's answers alone, coloured by "
            "its stage. Large differences along a row show a gap in how roles see the same area.")
    if report.role_scores["score"].isna().any():
        note += (f" “too few” marks an area where fewer than {MIN_GROUP_SIZE} of a group gave a "
                 "level.")
    return [KeepTogether((heading, role_figure(report), paragraph(note, style="small")))]
