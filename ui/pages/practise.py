"""Practise: the listener writes their own response and gets feedback by step; attempts are kept."""

from __future__ import annotations

import streamlit as st

from assistant.errors import InputError
from assistant.practice import practice_feedback
from assistant.scenarios import list_scenarios
from assistant.storage import repo
from assistant.text_input import check_text
from assistant.textfmt import as_plain_markdown as plain
from ui.common import (
    db,
    help_link,
    settings,
    show_crisis_stop,
    show_feedback,
    text_key,
)

FEEDBACK = "practice_feedback"
OWN = "My partner's description"
BUILT_IN = "A practice scenario"


def _description() -> tuple[str, str | None]:
    """The description to respond to, and the scenario id when it is a built-in one."""
    source = st.radio("Respond to", [BUILT_IN, OWN], key="practice_source", horizontal=True)
    if source == BUILT_IN:
        scenarios = {s.id: s for s in list_scenarios()}
        chosen = st.selectbox(
            "Scenario",
            list(scenarios),
            format_func=lambda sid: scenarios[sid].title,
            key="practice_scenario",
        )
        scenario = scenarios[chosen]
        with st.container(border=True):
            st.markdown(f"*Your partner says:* {plain(scenario.description)}")
            st.caption(plain(scenario.hint))
        return scenario.description, scenario.id
    text = st.text_area(
        "What your partner said (in their words)",
        key="practice_description",
        height=120,
        help=f"Up to {settings().max_chars:,} characters.",
    )
    return text, None


def _history(group: str) -> None:
    with db() as session:
        attempts = repo.list_attempts(session, group=group)
        rows = [(a.created_at, a.passed, a.draft) for a in attempts]
    if not rows:
        return
    passed = sum(1 for _, ok, _ in rows if ok)
    st.subheader("Your attempts at this one")
    st.caption(f"{len(rows)} attempt(s), {passed} passed every step.")
    for number, (when, ok, draft) in enumerate(rows, start=1):
        label = f"Attempt {number} · {when:%d %b %H:%M} · {'passed' if ok else 'to revise'}"
        with st.expander(label):
            st.markdown(plain(draft))


st.title("Practise")
top = st.container()
help_link()
st.page_link(
    "ui/pages/homework.py",
    label="Have a code from your therapist? Open your homework",
    icon=":material/assignment:",
)
st.caption(
    "Write what you would say back. Feedback follows the method: understand, name the "
    "feelings, say they make sense, own the impact, no excuses or blame, no fixing yet."
)
description, scenario_id = _description()
draft = st.text_area("Your response", key="practice_draft", height=160)
if st.button("Get feedback", type="primary"):
    st.session_state.pop(FEEDBACK, None)
    try:
        limit = settings().max_chars
        checked_description = check_text(description, max_chars=limit)
        checked_draft = check_text(draft, max_chars=limit)
        clean_description, clean_draft = checked_description.text, checked_draft.text
        feedback = practice_feedback(clean_description, clean_draft)
    except InputError as exc:
        st.warning(str(exc))
    else:
        for notice in {*checked_description.notices, *checked_draft.notices}:
            st.info(notice)
        if feedback.crisis_level == "urgent":
            from guardrails.crisis import screen

            crisis = screen(f"{clean_description}\n{clean_draft}")
            with top:
                show_crisis_stop(crisis)
        else:
            group = text_key(clean_description)
            with db() as session:
                repo.add_attempt(
                    session,
                    description=clean_description,
                    draft=clean_draft,
                    feedback=feedback,
                    passed=feedback.passed,
                    source="scenario" if scenario_id else "own",
                    scenario_id=scenario_id,
                    attempt_group=group,
                )
            st.session_state[FEEDBACK] = (feedback, clean_draft, group)

saved = st.session_state.get(FEEDBACK)
if saved is not None:
    feedback, shown_draft, group = saved
    show_feedback(feedback, shown_draft)
    _history(group)
