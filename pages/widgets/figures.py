"""The table behind a chart, with a CSV download: for screen readers, and for copying."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from collab_assess.benchmark.view import table_csv


def show_table_behind(table: pd.DataFrame, name: str) -> None:
    with st.expander("The table behind this chart"):
        st.dataframe(table, hide_index=True)
        st.download_button("Download as CSV", table_csv(table), file_name=f"{name}.csv",
                           mime="text/csv", key=f"csv-{name}", icon=":material/download:")
