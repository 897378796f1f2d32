"""Heardwell in the browser: rendering only; decisions live in assistant/ and guardrails/."""

from __future__ import annotations

import streamlit as st

from assistant.config import get_settings
from assistant.errors import InputError
from assistant.pipeline import reflect
from assistant.schemas import RepairKind
from assistant.textfmt import as_plain_markdown as plain
from guardrails.crisis import Route

st.set_page_config(page_title="Heardwell", page_icon="🫶", layout="centered")


def show_route(route: Route) -> None:
    st.markdown(f"**{plain(route.title)}**")
    st.markdown(plain(route.intro))
    for line in route.lines:
        detail = f" ({plain(line.detail)})" if line.detail else ""
        st.markdown(f"- **{plain(line.name)}**: {plain(line.contact)}{detail}")
    if route.footer:
        st.markdown(plain(route.footer))


settings = get_settings()
st.title("Heardwell")
st.caption(
    "Practice for understanding a hurt, step by step. This is practice, not therapy or crisis care."
)
engine_note = (
    "Offline engine: nothing you type leaves this computer."
    if not settings.uses_model
    else f"Model {settings.model}: your text is sent to that model's provider."
)
st.caption(engine_note)

with st.form("reflect"):
    text = st.text_area(
        "Describe the hurt, in your own words",
        key="description",
        height=180,
        max_chars=settings.max_chars,
        placeholder="You promised you'd come to my sister's dinner, then you texted...",
    )
    submitted = st.form_submit_button("Reflect", type="primary")

if submitted:
    try:
        outcome = reflect(text, settings=settings)
    except InputError as exc:
        st.warning(str(exc))
    else:
        if outcome.reflection is None:
            st.error("Let's pause the exercise. Your safety comes first.")
            if outcome.crisis.route:
                show_route(outcome.crisis.route)
        else:
            reflection = outcome.reflection
            if outcome.crisis.route:
                with st.container(border=True):
                    show_route(outcome.crisis.route)
            for notice in reflection.notices:
                st.info(notice)
            st.subheader("1. Understand")
            st.markdown(plain(reflection.summary.restatement))
            st.markdown(plain(reflection.summary.meaning))
            st.subheader("2. Acknowledge the feelings")
            for ack in reflection.feelings.acknowledgments:
                st.markdown(plain(ack.sentence))
            st.markdown(plain(reflection.feelings.validation))
            st.subheader("3. Repair")
            if reflection.repair.kind is RepairKind.NONE or not reflection.repair.text:
                st.markdown("It isn't clear where this hurt comes from. Ask about it first.")
            else:
                st.markdown(plain(reflection.repair.text))
            st.caption(f"From the {reflection.engine} engine ({reflection.model}).")
