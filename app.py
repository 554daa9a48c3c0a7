"""collab-assess: the entry point. Page set-up and navigation only; each screen lives in pages/."""

import streamlit as st

from pages.widgets.theme import apply_theme

st.set_page_config(
    page_title="collab-assess",
    page_icon="🤝",  # an emoji needs no download, so the icon shows offline too
    layout="wide",
    # Open beside the page on a wide screen; closed on a phone, where it would cover the page.
    initial_sidebar_state="auto",
)
apply_theme()

navigation = st.navigation(
    {
        "Get started": [
            st.Page("pages/start.py", title="Start", icon=":material/home:", default=True),
            st.Page("pages/collaborative.py", title="Collaborative", icon=":material/groups:"),
        ],
        "Assess": [
            st.Page("pages/self_assessment.py", title="Self-assessment", icon=":material/checklist:"),
            st.Page("pages/import_responses.py", title="Import responses",
                    icon=":material/upload_file:"),
        ],
        "Board workshop": [
            st.Page("pages/workshop.py", title="Run a workshop", icon=":material/co_present:"),
            st.Page("pages/join.py", title="Join a workshop", icon=":material/how_to_vote:"),
            st.Page("pages/workshop_summary.py", title="Workshop summary",
                    icon=":material/summarize:"),
        ],
        "See results": [
            st.Page("pages/results.py", title="Results", icon=":material/bar_chart:"),
            st.Page("pages/benchmark.py", title="Benchmark", icon=":material/compare:"),
        ],
        "Help": [
            st.Page("pages/glossary.py", title="Glossary", icon=":material/menu_book:"),
        ],
        "Admin": [
            st.Page("pages/admin.py", title="Back up and restore", icon=":material/backup:"),
        ],
    }
)
navigation.run()
