"""collab-assess: the entry point. Page set-up and navigation only; each screen lives in pages/.

Navigation offers each person only the pages their role may use (collab_assess/access/); what a
page can read or change is checked again below it, by the ScopedStore every page works through."""

import streamlit as st

from collab_assess.access.navigation import CODE_PAGES, SECTIONS, PageName, pages_for
from collab_assess.access.scoped_store import AccessDenied
from pages.widgets.identity import show_identity
from pages.widgets.store_access import current_caller
from pages.widgets.theme import apply_theme

st.set_page_config(
    page_title="collab-assess",
    page_icon="🤝",  # an emoji needs no download, so the icon shows offline too
    layout="wide",
    # Open beside the page on a wide screen; closed on a phone, where it would cover the page.
    initial_sidebar_state="auto",
)
apply_theme()

caller = current_caller()
allowed, landing = pages_for(caller)
hide_code_pages = not caller.has_access  # visitors reach them only through their link
sections = {}
for section, entries in SECTIONS.items():
    pages = [
        st.Page(f"pages/{name.value}.py", title=title, icon=icon, default=name == landing,
                visibility="hidden" if hide_code_pages and name in CODE_PAGES else "visible")
        for name, title, icon in entries if name in allowed
    ]
    if pages:
        sections[section] = pages

# Every other page's address opens a page that says what to do (sign in; ask for a role; not
# part of your role) instead of Streamlit's "page not found", and shows nothing else.
landing_title = next(title for entries in SECTIONS.values() for name, title, _ in entries
                     if name == landing)
fallback, fallback_title = ((f"pages/{landing.value}.py", landing_title) if not caller.has_access
                            else ("pages/not_for_role.py", "Not part of your role"))
sections.setdefault("Get started", []).extend(
    st.Page(fallback, title=fallback_title, url_path=name.value, visibility="hidden")
    for entries in SECTIONS.values() for name, _, _ in entries
    if name not in allowed and name not in (PageName.SIGN_IN, PageName.NO_ACCESS))

# expanded: every page the role may use is listed (Streamlit otherwise folds all but ten).
navigation = st.navigation(sections, expanded=True)
show_identity(caller)
try:
    navigation.run()
except AccessDenied as refused:
    st.error(str(refused), icon=":material/block:")
