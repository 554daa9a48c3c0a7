"""Bring the next area into view from its top: Streamlit keeps the scroll position across reruns, so
after "Next area" the reader would otherwise land at the bottom of the new area."""

from __future__ import annotations

import streamlit as st

_REQUEST = "scroll_to_top"
_SCRIPT = """
<span data-scroll-request="{nonce}"></span>
<script>
for (const selector of ['[data-testid="stMain"]', '[data-testid="stAppViewContainer"]', 'section.main']) {{
  const element = window.parent.document.querySelector(selector) || document.querySelector(selector);
  if (element) element.scrollTo({{top: 0}});
}}
window.scrollTo({{top: 0}});
</script>
"""


def request_scroll_to_top() -> None:
    st.session_state[_REQUEST] = st.session_state.get(_REQUEST, 0) + 1


def scroll_to_top_if_requested() -> None:
    nonce = st.session_state.get(_REQUEST)
    if nonce and st.session_state.get(f"{_REQUEST}_done") != nonce:
        st.session_state[f"{_REQUEST}_done"] = nonce
        st.html(_SCRIPT.format(nonce=nonce), unsafe_allow_javascript=True, width="content")
