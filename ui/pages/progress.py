"""Progress: short check-ins on how safe the hurt partner feels, over time."""

from __future__ import annotations

import streamlit as st

from assistant.errors import InputError
from assistant.storage import repo
from assistant.storage.repo import UrgentTextNotStored
from assistant.text_input import check_text
from guardrails.crisis import screen
from ui.common import db, help_link, settings, show_crisis_stop

st.title("Progress")
top = st.container()
help_link()
st.caption(
    "Step 6: trust grows slowly, in small steps. A short check-in now and then shows the trend."
)
with st.form("checkin_form", clear_on_submit=False):
    safety = st.slider("How safe do I feel with my partner right now?", 1, 10, 5, key="safety")
    note = st.text_area("A note for yourself (optional)", key="checkin_note", height=80)
    saved = st.form_submit_button("Save check-in", type="primary")
if saved:
    try:
        clean = check_text(note, max_chars=settings().max_chars).text if note.strip() else None
        with db() as session:
            repo.add_checkin(session, int(safety), clean)
    except InputError as exc:
        st.warning(str(exc))
    except UrgentTextNotStored:
        with top:
            show_crisis_stop(screen(note))
    else:
        st.success("Check-in saved.")

with db() as session:
    checkins = repo.list_checkins(session)
    points = [(c.created_at, c.safety) for c in checkins]
    stalled = repo.stalled(checkins)
if points:
    st.subheader("How safe you have felt")
    st.line_chart(
        {"when": [when for when, _ in points], "safety (1-10)": [s for _, s in points]},
        x="when",
        y="safety (1-10)",
        color="#2f6f6a",
    )
else:
    st.caption("No check-ins yet.")
if stalled:
    st.info(
        "It has felt stuck for a few weeks. That is common, and it usually means steps 1-3 "
        "went too fast: the hurt partner does not yet feel understood. Go back to understanding "
        "and acknowledging the feelings, slowly. A couples therapist can help you do this."
    )
    st.page_link("ui/pages/reflect.py", label="Back to step 1: Reflect", icon=":material/undo:")
    st.page_link(
        "ui/pages/get_help.py", label="Find a couples therapist", icon=":material/support:"
    )
