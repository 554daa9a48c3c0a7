"""collab-assess: the entry point. Page set-up and navigation only; each screen lives in pages/."""

import streamlit as st

st.set_page_config(
    page_title="collab-assess",
    page_icon="🤝",  # an emoji needs no download, so the icon shows offline too
    layout="wide",
    initial_sidebar_state="expanded",
)

navigation = st.navigation(
    {
        "Get started": [
            st.Page("pages/start.py", title="Start", icon=":material/home:", default=True),
            st.Page("pages/collaborative.py", title="Collaborative", icon=":material/groups:"),
        ],
        "Assess": [
            st.Page("pages/self_assessment.py", title="Self-assessment", icon=":material/checklist:"),
        ],
        "See results": [
            st.Page("pages/results.py", title="Results", icon=":material/bar_chart:"),
        ],
    }
)
navigation.run()
