"""Homework: a partner (no account) opens their therapist's assignment by link or code, practises
with the usual feedback, chooses which attempts to send, and reads the therapist's comments.

The link's token is read once from the address and removed from it at once, so it does not stay
in the address bar or the history; the access lives in this browser session's state only, and
every call to the backend checks again that the link or code is still open.
"""

from __future__ import annotations

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from assistant.errors import HeardwellError, InputError
from assistant.homework import partner
from assistant.homework.assignments import LINK_PARAMETER
from assistant.homework.errors import NoAccess
from assistant.homework.partner import PartnerAccess
from assistant.storage.models import Comment, PracticeAttempt, Submission
from assistant.text_input import check_text
from assistant.textfmt import as_plain_markdown as plain
from guardrails.crisis import screen
from ui.common import (
    EXERCISES,
    client_key,
    db,
    help_link,
    settings,
    show_crisis_stop,
    show_feedback,
)

ACCESS = "homework_access"
FEEDBACK = "homework_feedback"
NOTICE = "homework_notice"


def open_from_link() -> None:
    """``?join=<token>``: take it out of the address first, then open the assignment."""
    if LINK_PARAMETER not in st.query_params:
        return
    token = st.query_params[LINK_PARAMETER]
    del st.query_params[LINK_PARAMETER]
    try:
        with db() as session:
            access = partner.open_by_link(session, token, client_key())
    except HeardwellError as exc:  # NoAccess or TooManyAttempts
        st.error(str(exc))
    else:
        forget()
        st.session_state[ACCESS] = access


def forget() -> None:
    for key in (ACCESS, FEEDBACK, NOTICE):
        st.session_state.pop(key, None)


def code_form() -> None:
    st.markdown(
        "Your therapist gave you a link or a short code. Open the link, or type the code here. "
        "You need no account."
    )
    with st.form("join_code", clear_on_submit=True):
        code = st.text_input("Your code", placeholder="ABCD-EFGH", key="join_code_text")
        if st.form_submit_button("Open", type="primary"):
            try:
                with db() as session:
                    access = partner.open_by_code(session, code, client_key())
            except HeardwellError as exc:
                st.error(str(exc))
            else:
                forget()
                st.session_state[ACCESS] = access
                st.rerun()


def show_assignment(access: PartnerAccess) -> None:
    st.caption(f"You are {plain(access.partner_label)} on this assignment.")
    with st.container(border=True):
        st.markdown(f"**{plain(EXERCISES.get(access.exercise, access.exercise))}**")
        if access.instructions:
            st.markdown(f"*From your therapist:* {plain(access.instructions)}")
        if access.use_own_situation:
            st.markdown("*Responding to:* use your own situation.")
        elif access.scenario_text:
            st.markdown(f"*Your partner says:* {plain(access.scenario_text)}")
        if access.due_date:
            st.caption(f"Due {access.due_date:%d %b %Y}")


def practise(access: PartnerAccess, top: DeltaGenerator) -> None:
    description = None
    if access.use_own_situation:
        description = st.text_area(
            "What your partner said (in their words)",
            key="homework_description",
            height=120,
            help=f"Up to {settings().max_chars:,} characters.",
        )
    draft = st.text_area("Your response", key="homework_draft", height=160)
    if not st.button("Get feedback", type="primary", key="homework_feedback_button"):
        return
    st.session_state.pop(FEEDBACK, None)
    limit = settings().max_chars
    try:
        checked_draft = check_text(draft, max_chars=limit)
        checked_description = (
            check_text(description, max_chars=limit) if description is not None else None
        )
        clean_description = checked_description.text if checked_description else None
        with db() as session:
            practised = partner.practise(session, access, checked_draft.text, clean_description)
    except InputError as exc:
        st.warning(str(exc))
        return
    notices = set(checked_draft.notices)
    if checked_description:
        notices |= set(checked_description.notices)
    for notice in notices:
        st.info(notice)
    if practised.attempt is None:  # the crisis screen fired: nothing was saved
        situation = clean_description or access.scenario_text or ""
        with top:
            show_crisis_stop(screen(f"{situation}\n{checked_draft.text}"))
        return
    st.session_state[FEEDBACK] = (practised.feedback, checked_draft.text)


def show_attempts(access: PartnerAccess) -> None:
    with db() as session:
        attempts = partner.my_attempts(session, access)
        sent = partner.my_submissions(session, access)
    if not attempts and not sent:
        return
    st.subheader("Your attempts")
    sent_ids = {s.attempt_id for s in sent if s.attempt_id is not None}
    read = sum(1 for s in sent if s.reviewed_at is not None)
    st.caption(
        f"{len(attempts)} attempt(s); you sent {len(sent)} to your therapist, who has read "
        f"{read}. Only the attempts you choose to send are seen by your therapist."
    )
    chosen = [a.id for number, a in enumerate(attempts, 1) if attempt_row(number, a, sent_ids)]
    unsent = len(sent_ids) < len(attempts)
    if unsent and st.button("Send the chosen attempts", key="homework_send", disabled=not chosen):
        send(access, chosen)
    show_markers(sent)


def attempt_row(number: int, attempt: PracticeAttempt, sent_ids: set[int]) -> bool:
    """One attempt, with a box to choose it for sending (if it is not sent yet)."""
    state = "passed" if attempt.passed else "to revise"
    label = f"Attempt {number} · {attempt.created_at:%d %b %H:%M} · {state}"
    if attempt.id in sent_ids:
        label += " · sent"
    with st.expander(label):
        st.markdown(plain(attempt.draft))
    if attempt.id in sent_ids:
        return False
    return st.checkbox(f"Send attempt {number}", key=f"send_{attempt.id}")


def send(access: PartnerAccess, chosen: list[int]) -> None:
    markers = 0
    try:
        with db() as session:
            for attempt_id in chosen:
                if partner.submit(session, access, attempt_id).crisis_marker:
                    markers += 1
    except HeardwellError as exc:
        st.warning(str(exc))
        return
    message = f"Sent {len(chosen)} attempt(s) to your therapist."
    if markers:
        message += " Some of what you wrote may mean someone is in danger: it was not stored."
    st.session_state[NOTICE] = message
    st.rerun()


def show_markers(sent: list[Submission]) -> None:
    if any(s.crisis_marker for s in sent):
        st.warning(
            "One of your sent attempts was not stored because it may mean someone is in "
            "danger; your therapist sees only a note that it happened."
        )
        help_link()


def show_comments(comments: list[Comment]) -> None:
    st.subheader("From your therapist")
    if not comments:
        st.caption("No comments yet.")
        return
    for c in comments:
        st.markdown(f"{c.created_at:%d %b %Y} · {plain(c.body)}")


def show_homework(access: PartnerAccess, comments: list[Comment]) -> None:
    if notice := st.session_state.pop(NOTICE, None):
        st.success(notice)
    show_assignment(access)
    practise(access, top)
    saved = st.session_state.get(FEEDBACK)
    if saved is not None:
        show_feedback(*saved)
    show_attempts(access)
    show_comments(comments)
    if st.button("Leave this assignment on this device", key="homework_leave"):
        forget()
        st.rerun()


st.title("Homework")
top = st.container()
help_link()
open_from_link()
access: PartnerAccess | None = st.session_state.get(ACCESS)
if access is not None:
    try:
        with db() as session:
            access = partner.refresh(session, access)
            comments = partner.comments_for(session, access)
    except NoAccess as closed:
        forget()
        st.error(str(closed))
        access = None
if access is None:
    code_form()
else:
    try:
        show_homework(access, comments)
    except NoAccess as closed:  # withdrawn while the page was open
        forget()
        st.error(str(closed))
