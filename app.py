"""Heardwell in the browser: navigation only. Pages live in ui/pages; decisions in assistant/."""

from __future__ import annotations

import threading

import streamlit as st

from assistant.homework.assignments import LINK_PARAMETER
from assistant.warmup import warm_up_in_background

st.set_page_config(page_title="Heardwell", page_icon=":material/favorite:", layout="centered")


@st.cache_resource(show_spinner=False)
def _warming() -> threading.Thread:
    """Once per server; started already when the server came from ``ui.serve``."""
    return warm_up_in_background()


_warming()

# A partner's share link is the app's address with ?join=<token>: it opens on Homework.
joining = LINK_PARAMETER in st.query_params
pages = [
    st.Page("ui/pages/reflect.py", title="Reflect", icon=":material/hearing:", default=not joining),
    st.Page("ui/pages/practise.py", title="Practise", icon=":material/edit_note:"),
    st.Page("ui/pages/agreements.py", title="Agreements", icon=":material/handshake:"),
    st.Page("ui/pages/progress.py", title="Progress", icon=":material/trending_up:"),
    st.Page(
        "ui/pages/homework.py", title="Homework", icon=":material/assignment:", default=joining
    ),
    st.Page("ui/pages/therapist.py", title="For therapists", icon=":material/clinical_notes:"),
    st.Page("ui/pages/get_help.py", title="Get help", icon=":material/support:"),
    st.Page("ui/pages/settings_page.py", title="Settings", icon=":material/settings:"),
]
page = st.navigation(pages)
with st.sidebar:
    st.caption("Practice for repairing trust, not therapy or crisis care.")
    st.page_link("ui/pages/get_help.py", label="Get help now", icon=":material/support:")
page.run()
