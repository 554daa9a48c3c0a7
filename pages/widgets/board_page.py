"""The first screen of Results: what to do. The three weakest areas with a next step each, the
splits to discuss, the levels a workshop agreed and the open actions, each list cut to its first
few with a count; the full lists are folded below, under labels from this module, so the count on
the first screen and the label below always agree. collab_assess/assessment/board_page.py gathers
everything; every typed or bank text goes through as_text."""

from __future__ import annotations

import streamlit as st

from collab_assess.assessment.board_page import (
    FIRST_SHOWN,
    Action,
    AgreedLevel,
    BoardPage,
    SplitStatement,
    WeakArea,
    counts_in_words,
    shortened,
)
from collab_assess.content.scale import (
    AREA_PLACES,
    STATEMENT_PLACES,
    level_label,
    score_text,
    stage_name,
)
from collab_assess.text import WORD_JOINER, as_text

SHORT_STATEMENT = 120
"""A split's statement on the first screen is cut at about this many characters (in full under
"Every split" below)."""
SHORT_OWNER = 40
SHORT_TEXT = 100
"""An open action's due date, owner and description together, about one line of the first screen;
the description is cut to fit (in full under "Every action" below)."""

FIRST_SCREEN_KEY = "first-screen"
"""The first screen's container (its CSS class is st-key-first-screen; the browser test finds it
by that)."""


def every_statement_label(count: int) -> str:
    return f"Every statement, weakest first ({count})"


def every_split_label(count: int) -> str:
    return f"Every split ({count})"


def every_agreed_label(count: int) -> str:
    return f"Every agreed level, and why ({count})"


def every_action_label(count: int) -> str:
    return f"Every action ({count})"


def statement_id(value: str) -> str:
    """A statement id as Markdown, kept on one line ("PB-1" never breaks after its hyphen)."""
    return as_text(value).replace("\\-", "\\-" + WORD_JOINER)


def show_first_screen(board: BoardPage) -> None:
    """Two columns: where to act first (the weakest areas, then the open actions) and what to talk
    about (the splits, then the agreed levels). On a phone the columns stack."""
    with st.container(key=FIRST_SCREEN_KEY):
        act, discuss = st.columns([1.45, 1], gap="medium")
        with act:
            with st.container(key="first-weakest"):
                show_weakest_areas(board.weakest_areas)
            with st.container(key="first-actions"):
                show_open_actions(board.open_actions, len(board.actions))
        with discuss:
            with st.container(key="first-splits"):
                show_splits(board.splits)
            with st.container(key="first-agreed"):
                show_agreed(board.agreed)


def small(markdown: str) -> str:
    """Markdown in the smaller type the first screen uses for detail (Streamlit's :small[])."""
    return f":small[{markdown}]"


def show_weakest_areas(areas: tuple[WeakArea, ...]) -> None:
    title = (f"**Where to act first: the {len(areas)} weakest areas**" if len(areas) > 1
             else "**Where to act first**")
    st.markdown(title + "\n\n" + "\n".join(weak_area(number, area)
                                            for number, area in enumerate(areas, start=1)))


def weak_area(number: int, area: WeakArea) -> str:
    """"1. **Data sharing** · 1.50, 1 Emerging" and, under it, the step from its weakest
    statement, as one item of a numbered list."""
    line = (f"{number}. **{as_text(area.area)}** · {score_text(area.score, AREA_PLACES)}, "
            f"{stage_name(area.stage)}")
    if area.thin:
        line += " · " + small("*rests on few answers*")
    step = area.next_step
    if step is None:
        detail = (f"Its weakest statement: {statement_id(area.statement_id)}, "
                  f"{score_text(area.statement_score, STATEMENT_PLACES)}")
    else:
        detail = (f"**Next step** ({statement_id(area.statement_id)} to "
                  f"{level_label(step.next_level)}): {as_text(step.step)}")
    return f"{line}  \n{small(detail)}"


def show_list(title: str, lines: list[str], *, empty: str, more_label: str) -> None:
    """A bold title with its count (and, when there are more than FIRST_SHOWN, where the rest
    are), then the first FIRST_SHOWN lines as bullets in small type: one element, so no gap
    between its parts."""
    if not lines:
        st.markdown(f"**{title}**  \n{small(empty)}")
        return
    heading = f"**{title}**"
    if len(lines) > FIRST_SHOWN:
        heading += " · " + small(f"*the first {FIRST_SHOWN}; all under “{more_label}” below*")
    st.markdown(heading + "\n\n" + "\n".join(f"- {small(line)}"
                                              for line in lines[:FIRST_SHOWN]))


def show_splits(splits: tuple[SplitStatement, ...]) -> None:
    show_list(f"Splits to discuss ({len(splits)})", [split_line(split) for split in splits],
              empty="No statement has a clear split: people see things much the same way.",
              more_label=every_split_label(len(splits)))


def split_line(split: SplitStatement) -> str:
    """"**PB-6** The statement (6 Emerging, 7 Thriving)", and the level agreed since, if any."""
    line = (f"**{statement_id(split.statement_id)}** "
            f"{as_text(shortened(split.statement, SHORT_STATEMENT))} "
            f"*({counts_in_words(split.level_counts)})*")
    if split.agreed is not None:
        line += f" Since agreed: **{level_label(split.agreed)}**."
    return line


def show_agreed(agreed: tuple[AgreedLevel, ...]) -> None:
    show_list(f"Agreed levels ({len(agreed)})", [agreed_line(each) for each in agreed],
              empty="No level agreed in a workshop yet.",
              more_label=every_agreed_label(len(agreed)))


def agreed_line(agreed: AgreedLevel) -> str:
    return (f"**{statement_id(agreed.statement_id)}** agreed **{level_label(agreed.level)}** · "
            f"{as_text(agreed.area)}")


def show_open_actions(open_actions: tuple[Action, ...], all_actions: int) -> None:
    show_list(f"Open actions ({len(open_actions)})",
              [action_line(action) for action in open_actions],
              empty="No open actions." if all_actions else
              "No actions yet. A board workshop records them beside the level it agrees.",
              more_label=every_action_label(all_actions))


def action_line(action: Action) -> str:
    """"**Due 30/06/2026** · Director of digital: Agree one…", the description cut short (it is
    in full in the list of every action)."""
    due = f"Due {action.due_on:%d/%m/%Y}" if action.due_on else "No due date"
    owner = shortened(action.owner, SHORT_OWNER)
    room = max(SHORT_TEXT - len(due) - len(owner or "no owner yet"), SHORT_TEXT // 2)
    return (f"**{due}** · {as_text(owner) if owner else '*no owner yet*'}: "
            f"{as_text(shortened(action.description, room))}")
