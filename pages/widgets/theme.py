"""The little the theme in .streamlit/config.toml cannot say: readable grey caption text.

Streamlit draws captions (st.caption, the level descriptors under each radio option, a widget's
caption) in the text colour at 60% opacity. With the NHS text colour #212B32 that is about 4.0:1 on
white and 3.9:1 on the sidebar's #F0F4F5, short of the 4.5:1 WCAG AA asks of normal-size text. No
theme option sets the caption colour on its own (it is derived from `textColor`), so this one fixed
rule sets it to the NHS secondary text colour at full opacity. The CSS is fixed text of ours: never
put user input into it.

tests/e2e/test_accessibility.py measures the result in a real browser.
"""

from __future__ import annotations

import streamlit as st

# NHS secondary text colour: 6.4:1 on white (#FFFFFF), 5.8:1 on the sidebar (#F0F4F5).
CAPTION_COLOUR = "#4C6272"

_STYLE = f"""<style>
[data-testid="stApp"] [data-testid="stCaptionContainer"] {{
  color: {CAPTION_COLOUR};
  opacity: 1;
}}
</style>"""


def apply_theme() -> None:
    """Add the rule to the page; call once per run, from app.py. A style-only st.html takes no room
    on the page."""
    st.html(_STYLE)
