"""Agreements: commitments the couple writes, checked before saving, kept or missed week by week."""

from __future__ import annotations

from datetime import date, timedelta

import streamlit as st

from assistant.errors import InputError
from assistant.storage import repo
from assistant.storage.repo import UrgentTextNotStored
from assistant.text_input import check_text
from assistant.textfmt import as_plain_markdown as plain
from guardrails.agreement import check_agreement
from guardrails.crisis import screen
from ui.common import db, help_link, highlighted, settings, show_crisis_stop, show_findings

CHECKED = "agreement_checked"


def _add(top: st.delta_generator.DeltaGenerator) -> None:
    with st.form("agreement_form"):
        text = st.text_area(
            "A commitment one of you will keep",
            key="agreement_text",
            height=90,
            placeholder="I'll spend two weekends a month with just you, starting this month.",
        )
        submitted = st.form_submit_button("Check and save", type="primary")
    if not submitted:
        return
    try:
        clean = check_text(text, max_chars=settings().max_chars).text
    except InputError as exc:
        st.warning(str(exc))
        return
    result = check_agreement(clean)
    if not result.accepted:
        st.warning("Not saved yet: make it something you can keep, and clear enough to check.")
        with st.container(border=True):
            st.markdown(highlighted(clean, result.findings))
        show_findings(result.findings)
        return
    try:
        with db() as session:
            repo.add_agreement(session, clean, result.findings)
    except UrgentTextNotStored:
        with top:
            show_crisis_stop(screen(clean))
        return
    st.success("Saved. Promise only what you will keep, then keep it.")


def _this_week(agreements: list[tuple[int, str, bool | None]], monday: date) -> None:
    st.subheader(f"This week (from {monday:%d %b})")
    if not agreements:
        st.caption("No agreements yet. Write one above, together.")
    for agreement_id, text, kept in agreements:
        with st.container(border=True):
            st.markdown(plain(text))
            status = {True: "kept", False: "missed", None: "not marked yet"}[kept]
            st.caption(f"This week: {status}")
            kept_col, missed_col, retire_col = st.columns(3)
            if kept_col.button("Kept", key=f"kept-{agreement_id}"):
                _mark(agreement_id, monday, True)
            if missed_col.button("Missed", key=f"missed-{agreement_id}"):
                _mark(agreement_id, monday, False)
            if retire_col.button("Retire", key=f"retire-{agreement_id}"):
                with db() as session:
                    repo.set_agreement_active(session, agreement_id, False)
                st.rerun()


def _mark(agreement_id: int, monday: date, kept: bool) -> None:
    with db() as session:
        repo.mark_week(session, agreement_id, monday, kept)
    st.rerun()


def _chart() -> None:
    with db() as session:
        weeks = repo.follow_through(session)
    if not weeks:
        return
    st.subheader("Follow-through")
    st.bar_chart(
        {
            "week": [w.week_start.isoformat() for w in weeks],
            "kept": [w.kept for w in weeks],
            "missed": [w.missed for w in weeks],
        },
        x="week",
        y=["kept", "missed"],
        color=["#2f6f6a", "#d08c60"],
    )
    kept = sum(w.kept for w in weeks)
    total = kept + sum(w.missed for w in weeks)
    st.caption(f"Kept {kept} of {total} weekly check-ins. Misses stay visible: that is honest.")


st.title("Agreements")
top = st.container()
help_link()
st.caption(
    "Step 4 of the method: make the contract between you explicit. Two weekends a month "
    "kept beats four promised and missed."
)
_add(top)
today = date.today()
monday = today - timedelta(days=today.weekday())
with db() as session:
    rows = []
    for agreement in repo.list_agreements(session):
        this_week = next((c.kept for c in agreement.checks if c.week_start == monday), None)
        rows.append((agreement.id, agreement.text, this_week))
_this_week(rows, monday)
_chart()
