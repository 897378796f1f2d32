"""Get help: every crisis route and where to find a couples therapist."""

from __future__ import annotations

import streamlit as st

from guardrails.crisis import help_card
from ui.common import settings, show_route

st.title("Get help")
st.markdown(
    "**If you or someone else is in danger right now, call your local emergency number "
    "(911 in the US).** Heardwell is practice, not therapy or crisis care."
)
for route in help_card(settings().locale):
    show_route(route)
