"""A plain-English glossary of the NHS words the app and its question bank use.

Every meaning is written in our own words (tests/test_glossary.py checks that no run of seven words
matches a source document) and cites the source files in ../shared/seeds/ and the section each fact
comes from. Where a meaning adds a general explanation that the sources take for granted (what
"unwarranted" means, say), the citation is the section where the sources use the term.

`find_terms(text)` says which terms a piece of text uses, so a page can offer the glossary only
where it helps; `one_line(term)` gives a term's first sentence for a widget's help text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property

# Readable names for the source documents (see ../shared/seeds/README.md).
SOURCE_TITLES: dict[str, str] = {
    "000_14819e0e06ef0d46.txt":
        "NHS Providers briefing on the risks of provider collaboration for trust boards",
    "001_f629cfe9f896f09b.txt":
        "NHS Providers summary of NHS England's Working together at scale (2021)",
    "002_400590e118f724af.txt":
        "Law-firm briefing on the Health and Care Bill 2021 and provider collaboratives",
    "003_c2f9f5648b7432cc.txt":
        "PRUComm research note on the potential role of provider collaboratives",
    "004_038cedfb7b8e7b4e.txt":
        "Good Governance Institute, Unlocking the potential of provider collaboratives (2023)",
}

RISKS = "000_14819e0e06ef0d46.txt"
GUIDANCE = "001_f629cfe9f896f09b.txt"
BILL = "002_400590e118f724af.txt"
RESEARCH = "003_c2f9f5648b7432cc.txt"
GGI = "004_038cedfb7b8e7b4e.txt"


@dataclass(frozen=True)
class Citation:
    """A source file in ../shared/seeds/ and the section heading the fact comes from."""

    file: str
    section: str

    def __str__(self) -> str:
        return f"{self.file}, section '{self.section}'"


@dataclass(frozen=True)
class GlossaryTerm:
    """One entry: the term, its abbreviation (if any), what it means, and where the facts come from.

    `also` lists other forms of the words to look for in text (plurals that are not just an added
    "s", related words); an added "s" is always allowed, so "ICSs" finds the ICS entry."""

    term: str
    short_form: str | None
    meaning: str
    sources: tuple[Citation, ...]
    also: tuple[str, ...] = field(default=())

    @property
    def label(self) -> str:
        """How the term is headed: 'Integrated care system (ICS)'."""
        return f"{self.term} ({self.short_form})" if self.short_form else self.term

    @property
    def anchor(self) -> str:
        """The id of the term's heading on the Glossary page, for a link like /glossary#ics."""
        return _slug(self.short_form or self.term)

    @property
    def source(self) -> str:
        """The citations as one line, in the question bank's style."""
        return "; ".join(str(citation) for citation in self.sources)

    @property
    def readable_source(self) -> str:
        """The citations for a reader: each document's title once, then the sections used."""
        by_file: dict[str, list[str]] = {}
        for citation in self.sources:
            by_file.setdefault(citation.file, []).append(f"'{citation.section}'")
        return "; ".join(
            f"{SOURCE_TITLES.get(file, file)}, {file}: "
            f"section{'s' if len(sections) > 1 else ''} {', '.join(sections)}"
            for file, sections in by_file.items()
        )

    @property
    def in_one_line(self) -> str:
        """The first sentence of the meaning, led by the term: for a widget's help text."""
        first = re.split(r"(?<=[.!?])\s+", self.meaning.strip(), maxsplit=1)[0]
        return f"{self.label}: {first}"

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(name for name in (self.term, self.short_form, *self.also) if name)

    @cached_property
    def pattern(self) -> re.Pattern[str]:
        """Any of the term's names as whole words, any case, with an optional plural "s"; a space
        or hyphen in a name matches either ("open book" finds "open-book")."""
        names = sorted(self.names, key=len, reverse=True)
        alternatives = "|".join(
            _GAP.join(re.escape(part) for part in _GAP_RE.split(name)) for name in names
        )
        return re.compile(rf"(?<![A-Za-z0-9])(?:{alternatives})(?:s|es)?(?![A-Za-z0-9])",
                          re.IGNORECASE)


_GAP = r"[\s\-]+"
_GAP_RE = re.compile(_GAP)


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _cite(*pairs: tuple[str, str]) -> tuple[Citation, ...]:
    return tuple(Citation(file, section) for file, section in pairs)


EXPECTATIONS = "Expectations of NHS providers, including capabilities and enablers"

TERMS: tuple[GlossaryTerm, ...] = (
    GlossaryTerm(
        term="Integrated care system",
        short_form="ICS",
        meaning=(
            "The partnership that plans health and care for one area of England, joining NHS "
            "organisations with local councils and other partners. Since the Health and Care Act "
            "2022 each ICS has two statutory parts: an NHS board (the ICB) and a wider partnership "
            "(the ICP). A provider collaborative must keep its goals in line with the priorities "
            "of every ICS it works in."
        ),
        sources=_cite(
            (RISKS, "Complexity of collaborative arrangements within systems"),
            (RISKS, "Misaligned oversight arrangements and regulatory frameworks"),
            (RESEARCH, "Transparency"),
            (GUIDANCE, "Summary of the guidance"),
        ),
        also=("integrated care systems",),
    ),
    GlossaryTerm(
        term="Integrated care board",
        short_form="ICB",
        meaning=(
            "The NHS body inside each integrated care system that holds the area's NHS money and "
            "decides what services to commission (plan and pay for). An ICB can hand functions and "
            "budgets down to trusts and collaboratives, and then holds a collaborative to account "
            "for whatever it was given."
        ),
        sources=_cite(
            (GUIDANCE, "Options for strengthening decision-making"),
            (GUIDANCE, "Accountabilities and system oversight"),
            (RESEARCH, "Provider Collaboratives – potential forms and aims"),
        ),
    ),
    GlossaryTerm(
        term="Integrated care partnership",
        short_form="ICP",
        meaning=(
            "The wider, system-level partnership in an ICS, beside the ICB, where the NHS meets "
            "local councils, social care, GPs and other primary care, and voluntary groups. "
            "Collaboratives are expected to draw on these partners' knowledge through place-based "
            "partnerships and, over time, the ICP."
        ),
        sources=_cite(
            (GUIDANCE, "The roles of different organisations and services"),
            (RESEARCH, "Transparency"),
        ),
    ),
    GlossaryTerm(
        term="Place-based partnership",
        short_form=None,
        meaning=(
            "A 'place' is a smaller area inside an integrated care system with its own local "
            "population; a place-based partnership is where the NHS, the council and other local "
            "services plan and join up care for the people there. A provider collaborative is "
            "different: its members work together across several places, and sometimes across "
            "several ICSs, so it needs to line up its plans with the places it covers."
        ),
        sources=_cite(
            (BILL, "What are provider collaboratives?"),
            (BILL, "Agreeing objectives and priorities"),
            (RESEARCH, "Considerations"),
            (RESEARCH, "Potential solutions"),
        ),
        also=("place-based",),
    ),
    GlossaryTerm(
        term="Provider collaborative",
        short_form=None,
        meaning=(
            "A partnership of two or more NHS trusts that agree a shared purpose and a way of "
            "taking decisions together, so they can work at scale across several places. Since "
            "April 2022 every trust running acute or mental health services has had to belong to "
            "one or more; community trusts, ambulance trusts and other providers join where that "
            "helps patients."
        ),
        sources=_cite(
            (GUIDANCE, "Key points"),
            (GUIDANCE, EXPECTATIONS),
            (BILL, "What are provider collaboratives?"),
        ),
    ),
    GlossaryTerm(
        term="Lead provider",
        short_form=None,
        meaning=(
            "A way of organising a collaborative in which one trust is the contract holder for a "
            "set of services that all the members agreed, and sub-contracts parts of the work to "
            "the others. Research warns such contracts can be hard to monitor, so it should be "
            "clear who oversees the lead provider."
        ),
        sources=_cite(
            (GUIDANCE, "Form and governance"),
            (RESEARCH, "Considerations"),
        ),
    ),
    GlossaryTerm(
        term="Provider leadership board",
        short_form=None,
        meaning=(
            "A way of organising a collaborative in which chief executives or other directors of "
            "the member trusts meet as one board, each using powers their own trust board has "
            "delegated to them. Non-executive directors should be involved so that these joint "
            "decisions are scrutinised."
        ),
        sources=_cite((GUIDANCE, "Form and governance"), (GUIDANCE, "NHS Providers view")),
    ),
    GlossaryTerm(
        term="Shared leadership",
        short_form=None,
        meaning=(
            "A way of organising a collaborative in which the member trusts share one leadership "
            "team, with at least a joint chief executive, so the same people lead every trust."
        ),
        sources=_cite((GUIDANCE, "Form and governance"),),
    ),
    GlossaryTerm(
        term="Core capability",
        short_form=None,
        meaning=(
            "One of six things NHS England expects a collaborative to be able to do: partnership "
            "building, programme delivery, shared governance, peer support and mutual "
            "accountability, joined up working, and quality improvement. They are the first six "
            "areas of this assessment."
        ),
        sources=_cite((GUIDANCE, EXPECTATIONS),),
        also=("core capabilities",),
    ),
    GlossaryTerm(
        term="Enabler",
        short_form=None,
        meaning=(
            "One of five conditions that help collaboration succeed: strong relationships, "
            "clinical leadership, listening to what people and communities say matters, sharing "
            "data, and digital systems that are interoperable. They are the last five areas of "
            "this assessment."
        ),
        sources=_cite((GUIDANCE, EXPECTATIONS),),
    ),
    GlossaryTerm(
        term="Unwarranted variation",
        short_form=None,
        meaning=(
            "Differences between providers or areas in patients' outcomes, in how easily they get "
            "care, or in what care is like for them, where no good reason (such as different "
            "needs) explains the gap. Reducing it is one of the main benefits expected from "
            "working at scale."
        ),
        sources=_cite(
            (GUIDANCE, "Summary of the guidance"),
            (GUIDANCE, "The roles of different organisations and services"),
            (BILL, "What are provider collaboratives?"),
        ),
    ),
    GlossaryTerm(
        term="Health inequalities",
        short_form=None,
        meaning=(
            "Unfair, avoidable gaps in health, or in access to care, between groups of people. "
            "Narrowing them is one of the benefits the guidance expects collaboratives to deliver."
        ),
        sources=_cite(
            (GUIDANCE, "Summary of the guidance"), (BILL, "What are provider collaboratives?"),
        ),
        also=("health inequality", "inequalities"),
    ),
    GlossaryTerm(
        term="Interoperable",
        short_form=None,
        meaning=(
            "Able to work together: interoperable digital systems can pass information to each "
            "other and use it, so that, for example, one trust can see a patient record held by "
            "another. Digital systems that work together in this way are one of the five enablers."
        ),
        sources=_cite((GUIDANCE, EXPECTATIONS), (GUIDANCE, "Summary of the guidance")),
        also=("interoperability",),
    ),
    GlossaryTerm(
        term="Mutual aid",
        short_form=None,
        meaning=(
            "Organisations lending each other staff, capacity or other help when one of them is "
            "under strain, as trusts did during COVID-19. Making services more resilient in this "
            "way is one of the aims of a collaborative."
        ),
        sources=_cite(
            (GUIDANCE, "Summary of the guidance"), (BILL, "What are provider collaboratives?"),
        ),
    ),
    GlossaryTerm(
        term="Mutual accountability",
        short_form=None,
        meaning=(
            "Member trusts checking on, and challenging, each other to make sure each does what "
            "was agreed, through routes such as open-book accounting or risk and gain share "
            "agreements. Each trust still keeps its own legal duties."
        ),
        sources=_cite(
            (GUIDANCE, EXPECTATIONS), (GUIDANCE, "Accountabilities and system oversight"),
        ),
    ),
    GlossaryTerm(
        term="Open-book accounting",
        short_form=None,
        meaning=(
            "Partners showing each other their real costs and finances, so that joint decisions "
            "rest on figures everyone has seen. The guidance gives it as an example of how members "
            "hold each other to account."
        ),
        sources=_cite((GUIDANCE, EXPECTATIONS),),
        also=("open-book", "open book"),
    ),
    GlossaryTerm(
        term="Risk and gain share",
        short_form=None,
        meaning=(
            "An agreement, made in advance, on how partners will split any losses (the risk) or "
            "savings (the gain) from work they do together."
        ),
        sources=_cite((GUIDANCE, "Accountabilities and system oversight"),),
    ),
    GlossaryTerm(
        term="Non-executive director",
        short_form="NED",
        meaning=(
            "A board member who does not run services day to day and brings independent scrutiny "
            "and challenge. Trust boards are urged to involve their non-executives in "
            "collaborative decisions so that executives acting together are still questioned."
        ),
        sources=_cite(
            (GUIDANCE, "Form and governance"),
            (GUIDANCE, "NHS Providers view"),
            (RISKS, "Risk management and oversight for trust boards"),
        ),
    ),
    GlossaryTerm(
        term="Governor",
        short_form=None,
        meaning=(
            "A member of an NHS foundation trust's council of governors, who speaks for the "
            "trust's members, staff and public. Boards need to work out how governors take part in "
            "collaborative decisions; some collaboratives also ask governors to meet local people "
            "and partners to learn what they need."
        ),
        sources=_cite(
            (RISKS, "Risk management and oversight for trust boards"),
            (GGI, "Trusted relationships"),
        ),
        also=("council of governors", "councils of governors"),
    ),
    GlossaryTerm(
        term="Commissioner",
        short_form=None,
        meaning=(
            "The body that plans and pays for services that others provide, which is called "
            "commissioning. It is now mainly done by ICBs (before them, clinical commissioning "
            "groups). Some collaboratives take on commissioning work handed to them, which can "
            "risk bringing back a cold split between commissioners and providers."
        ),
        sources=_cite(
            (RISKS, "Recreating a commissioner/provider split"),
            (RESEARCH, "Potential solutions"),
        ),
        also=("commissioning",),
    ),
    GlossaryTerm(
        term="Delegation",
        short_form=None,
        meaning=(
            "Handing a task, with the authority and money to carry it out, from one body to "
            "another: an ICB passing a budget to a collaborative, say, or a trust board letting "
            "its chief executive decide on a collaborative's board. The body that delegates stays "
            "answerable, and board members keep legal liability for what the collaborative "
            "decides."
        ),
        sources=_cite(
            (GUIDANCE, "Options for strengthening decision-making"),
            (GUIDANCE, "Form and governance"),
            (RISKS, "Risk management and oversight for trust boards"),
        ),
        also=("delegate", "delegated", "delegating"),
    ),
    GlossaryTerm(
        term="System oversight",
        short_form=None,
        meaning=(
            "How NHS England, and in future ICBs, watch the performance of trusts and systems and "
            "decide where help is needed. Collaboratives may be asked to support a member that "
            "this process finds is struggling."
        ),
        sources=_cite(
            (GUIDANCE, "Accountabilities and system oversight"),
            (RISKS, "Supporting both high-performing and more challenged trusts"),
        ),
    ),
    GlossaryTerm(
        term="Clinical network",
        short_form=None,
        meaning=(
            "A group of clinicians and organisations that plan and improve one kind of care across "
            "a wider area than a single trust. The core capability called joined up working is "
            "about collaboratives working with these networks, with cancer alliances and with "
            "senior clinicians."
        ),
        sources=_cite(
            (GUIDANCE, EXPECTATIONS),
            (RISKS, "Complexity of collaborative arrangements within systems"),
        ),
    ),
    GlossaryTerm(
        term="Cancer alliance",
        short_form=None,
        meaning=(
            "A partnership of hospitals, primary care and other local organisations that leads the "
            "improvement of cancer services across a large area. Many trusts already belong to one "
            "alongside their collaborative."
        ),
        sources=_cite(
            (GUIDANCE, EXPECTATIONS),
            (RISKS, "Complexity of collaborative arrangements within systems"),
        ),
    ),
    GlossaryTerm(
        term="Triple aim",
        short_form=None,
        meaning=(
            "The duty on NHS bodies to weigh three things together in their decisions: the health "
            "of the whole population, the quality of care, and making good use of resources. A "
            "collaborative's common purpose should serve it, even when that costs one member "
            "something."
        ),
        sources=_cite(
            (GUIDANCE, EXPECTATIONS),
            (RISKS, "Misaligned oversight arrangements and regulatory frameworks"),
        ),
    ),
    GlossaryTerm(
        term="Quality improvement",
        short_form="QI",
        meaning=(
            "A structured way of making services better in small, tested steps, measuring the "
            "effect as you go. Collaboratives are expected to agree what best practice looks like "
            "and use one shared improvement method."
        ),
        sources=_cite((GUIDANCE, EXPECTATIONS),),
    ),
    GlossaryTerm(
        term="Programme management office",
        short_form="PMO",
        meaning=(
            "A small team that plans, tracks and reports on a set of projects. An independent, "
            "well staffed one can help a collaborative that runs many complex programmes at once."
        ),
        sources=_cite((GUIDANCE, "Resourcing"),),
    ),
    GlossaryTerm(
        term="Care Quality Commission",
        short_form="CQC",
        meaning=(
            "The independent regulator that inspects and rates health and adult social care in "
            "England. How it will judge care that trusts deliver through a collaborative is still "
            "being worked out."
        ),
        sources=_cite((RISKS, "Misaligned oversight arrangements and regulatory frameworks"),),
    ),
    GlossaryTerm(
        term="Pathway",
        short_form=None,
        meaning=(
            "The route a patient follows through services for a condition, from first contact to "
            "the end of treatment. Collaboratives often agree one standard pathway across their "
            "members, so that care and results can be compared."
        ),
        sources=_cite((GUIDANCE, "The roles of different organisations and services"),),
        also=("care pathway",),
    ),
    GlossaryTerm(
        term="Population health management",
        short_form=None,
        meaning=(
            "Using joined-up data about everyone in an area to see who is at risk and to plan "
            "services that keep people well, not only treat them when ill. Collaboratives are "
            "advised to lay the groundwork for it early."
        ),
        sources=_cite(
            (BILL, "What next?"),
            (GUIDANCE, "The roles of different organisations and services"),
        ),
        also=("population health",),
    ),
    GlossaryTerm(
        term="Board assurance framework",
        short_form="BAF",
        meaning=(
            "A board's own record of the main risks to its goals, the controls in place and the "
            "evidence those controls work. Reviewing these together helps partners see the risks "
            "they share."
        ),
        sources=_cite((GGI, "Exploring system risk and interdependencies"),),
    ),
    GlossaryTerm(
        term="Memorandum of understanding",
        short_form="MoU",
        meaning=(
            "A written agreement, usually not legally binding, setting out how partners intend to "
            "work together. A simple one can be enough governance for a new collaborative until "
            "its joint work grows."
        ),
        sources=_cite((GGI, "Form follows function"),),
    ),
)

_BY_NAME: dict[str, GlossaryTerm] = {
    name.casefold(): entry for entry in TERMS for name in (entry.term, entry.short_form) if name
}


def glossary() -> tuple[GlossaryTerm, ...]:
    """Every term, in alphabetical order of the term."""
    return tuple(sorted(TERMS, key=lambda entry: entry.term.casefold()))


def lookup(name: str) -> GlossaryTerm:
    """The entry for a term or its short form, in any case ('ics', 'Integrated care system')."""
    try:
        return _BY_NAME[name.strip().casefold()]
    except KeyError:
        raise KeyError(f"{name!r} is not in the glossary (collab_assess/glossary.py)") from None


def one_line(name: str) -> str:
    """A term's first sentence, led by the term, for a widget's help text."""
    return lookup(name).in_one_line


def find_terms(text: str) -> list[GlossaryTerm]:
    """The glossary terms `text` uses, each once, in the order they first appear. Matching ignores
    case and takes whole words only: "ICS" is found in "across the ICS" but not in "physics"."""
    found = []
    for entry in TERMS:
        match = entry.pattern.search(text)
        if match:
            found.append((match.start(), entry))
    return [entry for _, entry in sorted(found, key=lambda pair: pair[0])]
