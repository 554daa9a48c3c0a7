"""Bring the right place into view: the top of the next area, or one statement.

Streamlit keeps the scroll position across reruns, so after "Next area" the reader would otherwise
land at the bottom of the new area, and a jump from the review list would land at the top of the
area rather than on the unanswered statement. Streamlit has no API for this, hence a few lines of
script; the element to reach is named by the CSS class Streamlit gives a keyed container.
"""

from __future__ import annotations

import json

import streamlit as st

_REQUEST = "scroll_request"
_SCRIPT = """
<span data-scroll-request="{nonce}"></span>
<script>
(() => {{
  const target = {target};
  const doc = window.parent.document || document;
  const toTop = () => {{
    for (const selector of ['[data-testid="stMain"]', '[data-testid="stAppViewContainer"]']) {{
      const element = doc.querySelector(selector);
      if (element) element.scrollTo({{top: 0}});
    }}
    window.scrollTo({{top: 0}});
  }};
  if (!target) {{ toTop(); return; }}
  // The statement is drawn after this script, so look for it for a few seconds.
  let tries = 0;
  const find = () => {{
    const element = doc.querySelector('.' + target);
    if (element) {{
      element.scrollIntoView({{block: 'start'}});
      const choice = element.querySelector('input');
      if (choice) choice.focus({{preventScroll: true}});
    }} else if (tries++ < 50) {{
      setTimeout(find, 100);
    }}
  }};
  find();
}})();
</script>
"""


def request_scroll_to_top() -> None:
    _request(None)


def request_scroll_to(container_key: str) -> None:
    """Scroll to the container drawn with st.container(key=container_key) on the next run."""
    _request(f"st-key-{container_key}")


def _request(target: str | None) -> None:
    nonce = st.session_state.get(_REQUEST, (0, None))[0] + 1
    st.session_state[_REQUEST] = (nonce, target)


def scroll_if_requested() -> None:
    nonce, target = st.session_state.get(_REQUEST, (0, None))
    if nonce and st.session_state.get(f"{_REQUEST}_done") != nonce:
        st.session_state[f"{_REQUEST}_done"] = nonce
        st.html(_SCRIPT.format(nonce=nonce, target=json.dumps(target)),
                unsafe_allow_javascript=True, width="content")
