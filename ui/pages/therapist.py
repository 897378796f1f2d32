"""For therapists: sign in, assign exercises to couples, share links, review, comment, export.

The sign-in token lives only in this browser session's state (never in the URL), and every
database call below checks it again (``accounts.current_therapist``), so a session that ends or
expires stops working at the next click. Every record goes through ``assistant.homework``, which
refuses anything that is not this therapist's own.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit, urlunsplit

import streamlit as st
from sqlalchemy.orm import Session

from assistant.config import get_settings
from assistant.errors import HeardwellError
from assistant.homework import accounts, assignments, export, review
from assistant.homework.assignments import NewShareCode
from assistant.homework.errors import NotSignedIn
from assistant.homework.review import SubmissionView
from assistant.storage.models import Assignment, Comment, ShareCode, Therapist
from assistant.textfmt import as_plain_markdown as plain
from ui.common import (
    EXERCISES,
    HOMEWORK_PAGE,
    client_key,
    db,
    highlighted_phrases,
)

TOKEN = "therapist_token"
NEW_CODES = "therapist_new_codes"
NOTICE = "therapist_notice"
COUPLE = "therapist_couple"
ASSIGNMENT = "therapist_assignment"
PAGE_PATH = "therapist"
DEFAULT_BASE_URL = "http://127.0.0.1:8501"
SCENARIO = "A scenario I write"
OWN = "Their own situation"
WHOLE = 0  # the comment target meaning "the whole assignment"
FORMATS: tuple[tuple[export.Format, str], ...] = (
    ("md", "Markdown"),
    ("csv", "CSV"),
    ("pdf", "PDF"),
)


# --- session and helpers ------------------------------------------------------------------------


@contextmanager
def signed_in() -> Iterator[tuple[Session, Therapist]]:
    """A database session and the signed-in therapist, checked again for this call."""
    with db() as session:
        yield session, accounts.current_therapist(session, st.session_state.get(TOKEN))


def notify(message: str) -> None:
    """A message to show after the rerun that an action starts."""
    st.session_state[NOTICE] = message


def when(value: datetime | None) -> str:
    return value.strftime("%d %b %Y %H:%M UTC") if value else ""


def base_url() -> str:
    """Where partners open their links: the configured public address, else the address this
    browser shows (without this page's path), else the local default."""
    configured = get_settings().public_url
    if configured:
        return configured.rstrip("/")
    seen = st.context.url
    if seen:
        parts = urlsplit(seen)
        path = parts.path.rstrip("/").removesuffix(f"/{PAGE_PATH}")
        return urlunsplit((parts.scheme, parts.netloc, path, "", "")).rstrip("/")
    return DEFAULT_BASE_URL


def keep_new_codes(assignment_id: int, codes: Sequence[NewShareCode]) -> None:
    """Hold the new links and codes in this session until the therapist has copied them."""
    base = base_url()
    st.session_state[NEW_CODES] = {
        "assignment_id": assignment_id,
        "codes": [
            (c.partner_label, assignments.share_link(base, c.link_token), c.short_code)
            for c in codes
        ],
    }


def sign_out() -> None:
    with db() as session:
        accounts.sign_out(session, st.session_state.get(TOKEN))
    for key in (TOKEN, NEW_CODES, NOTICE, COUPLE, ASSIGNMENT):
        st.session_state.pop(key, None)


# --- signed out ---------------------------------------------------------------------------------


def sign_in_forms() -> None:
    st.markdown(
        "Assign a listening exercise to a couple, give each partner a link or code, and read "
        "the attempts they choose to send you. Partners need no account."
    )
    st.page_link(HOMEWORK_PAGE, label="A partner with a code? Open your homework here")
    sign_in_tab, register_tab = st.tabs(["Sign in", "Create an account"])
    with sign_in_tab, st.form("sign_in", clear_on_submit=True):
        email = st.text_input("Email", key="signin_email")
        password = st.text_input("Password", type="password", key="signin_password")
        if st.form_submit_button("Sign in", type="primary"):
            start_session(email, password)
    with register_tab, st.form("register", clear_on_submit=True):
        name = st.text_input("Your name (as partners will see it)", key="register_name")
        new_email = st.text_input("Email", key="register_email")
        new_password = st.text_input(
            "Password (at least 12 characters)", type="password", key="register_password"
        )
        if st.form_submit_button("Create account", type="primary"):
            try:
                with db() as session:
                    accounts.register_therapist(session, new_email, new_password, name)
            except HeardwellError as exc:
                st.warning(str(exc))
            else:
                start_session(new_email, new_password)


def start_session(email: str, password: str) -> None:
    try:
        with db() as session:
            token = accounts.sign_in(session, email, password, client_key())
    except HeardwellError as exc:
        st.error(str(exc))
        return
    st.session_state[TOKEN] = token
    st.rerun()


# --- couples and assignments --------------------------------------------------------------------


def couple_picker() -> int | None:
    with st.expander("Add a couple"), st.form("new_couple", clear_on_submit=True):
        label = st.text_input(
            "Label or pseudonym",
            key="new_couple_label",
            help="Anything you will recognise; no real names are needed.",
        )
        if st.form_submit_button("Add couple"):
            try:
                with signed_in() as (session, me):
                    couple = assignments.create_couple(session, me, label)
            except HeardwellError as exc:
                st.warning(str(exc))
            else:
                st.session_state[COUPLE] = couple.id
    with signed_in() as (session, me):
        couples = {c.id: c.label for c in assignments.list_couples(session, me)}
    if not couples:
        st.info("Add a couple to start: open “Add a couple” above.")
        return None
    if st.session_state.get(COUPLE) not in couples:
        st.session_state.pop(COUPLE, None)
    chosen: int = st.selectbox("Couple", list(couples), format_func=couples.__getitem__, key=COUPLE)
    return chosen


def new_assignment_form(couple_id: int, first: bool) -> None:
    with (
        st.expander("New assignment", expanded=first, icon=":material/add:"),
        st.form("new_assignment", clear_on_submit=True),
    ):
        exercise = st.selectbox(
            "Exercise", list(EXERCISES), format_func=EXERCISES.__getitem__, key="new_exercise"
        )
        source = st.radio("Responding to", [SCENARIO, OWN], horizontal=True, key="new_source")
        scenario = st.text_area(
            "Scenario (what one partner says, for the other to respond to)",
            key="new_scenario",
            help="Leave empty when they use their own situation.",
        )
        instructions = st.text_area("Instructions for the couple", key="new_instructions")
        due = st.date_input("Due date (optional)", value=None, key="new_due")
        if st.form_submit_button("Create assignment", type="primary"):
            own = source == OWN
            try:
                with signed_in() as (session, me):
                    made = assignments.create_assignment(
                        session,
                        me,
                        couple_id,
                        exercise,
                        instructions=instructions,
                        scenario_text=None if own else scenario,
                        use_own_situation=own,
                        due_date=due if not isinstance(due, tuple) else None,
                    )
            except HeardwellError as exc:
                st.warning(str(exc))
            else:
                keep_new_codes(made.assignment.id, made.codes)
                st.session_state[ASSIGNMENT] = made.assignment.id


def show_new_codes() -> None:
    held = st.session_state.get(NEW_CODES)
    if not held:
        return
    with st.container(border=True):
        st.warning(
            "Copy these now: they are not shown again. Give each partner their own link or "
            "code (by a channel you trust). Lost ones can be replaced below."
        )
        for label, link, code in held["codes"]:
            st.markdown(f"**{plain(label)}**")
            st.code(link, language=None)
            st.caption("or the code, typed on the Homework page:")
            st.code(code, language=None)
        if st.button("I have copied them", key="codes_copied"):
            st.session_state.pop(NEW_CODES, None)
            st.rerun()


def assignment_picker(couple_id: int) -> int | None:
    with signed_in() as (session, me):
        listed = assignments.list_assignments(session, me, couple_id)
    if not listed:
        st.info("No assignments for this couple yet.")
        return None
    names = {
        a.id: f"#{a.id} · {EXERCISES.get(a.exercise, a.exercise)} · given {a.created_at:%d %b %Y}"
        for a in listed
    }
    if st.session_state.get(ASSIGNMENT) not in names:
        st.session_state.pop(ASSIGNMENT, None)
    chosen: int = st.selectbox(
        "Assignment", list(names), format_func=names.__getitem__, key=ASSIGNMENT
    )
    return chosen


# --- one assignment -----------------------------------------------------------------------------


@dataclass(frozen=True)
class AssignmentState:
    assignment: Assignment
    codes: list[ShareCode]
    submissions: list[SubmissionView]
    comments: list[Comment]
    exports: list[export.Export]


def load(assignment_id: int) -> AssignmentState:
    with signed_in() as (session, me):
        return AssignmentState(
            assignments.get_assignment(session, me, assignment_id),
            assignments.list_share_codes(session, me, assignment_id),
            review.list_submissions(session, me, assignment_id),
            review.list_comments(session, me, assignment_id),
            [export.export_assignment(session, me, assignment_id, f) for f, _ in FORMATS],
        )


def show_assignment(state: AssignmentState) -> None:
    a = state.assignment
    with st.container(border=True):
        st.markdown(f"**{plain(EXERCISES.get(a.exercise, a.exercise))}**")
        if a.use_own_situation:
            st.markdown("*Responding to:* their own situation")
        elif a.scenario_text:
            st.markdown(f"*Scenario:* {plain(a.scenario_text)}")
        if a.instructions:
            st.markdown(f"*Instructions:* {plain(a.instructions)}")
        st.caption(f"Due {a.due_date:%d %b %Y}" if a.due_date else "No due date")
    show_partners(state.codes)
    show_submissions(state.submissions)
    show_comments(a.id, state.submissions, state.comments)
    st.markdown("**Export this assignment**")
    download_row(state.exports, "assignment")


def show_partners(codes: list[ShareCode]) -> None:
    st.markdown("**Links and codes**")
    for code in codes:
        if code.revoked_at is not None:
            status = f"withdrawn {when(code.revoked_at)}"
        elif code.expires_at is not None:
            status = f"open until {when(code.expires_at)}"
        else:
            status = "open"
        left, middle, right = st.columns([2, 1, 1], vertical_alignment="center")
        left.markdown(f"{plain(code.partner_label)}: {plain(status)}")
        if middle.button("New link and code", key=f"reissue_{code.id}"):
            with signed_in() as (session, me):
                fresh = assignments.reissue_code(session, me, code.id)
            keep_new_codes(code.assignment_id, [fresh])
            notify(f"{plain(code.partner_label)}'s old link and code no longer work.")
            st.rerun()
        if code.revoked_at is None and right.button("Withdraw", key=f"revoke_{code.id}"):
            with signed_in() as (session, me):
                assignments.revoke_code(session, me, code.id)
            notify(f"{plain(code.partner_label)}'s link and code no longer work.")
            st.rerun()


def show_submissions(submissions: list[SubmissionView]) -> None:
    st.subheader("Submitted attempts")
    # Streamlit does not push new rows: a click reruns the page (and checks the sign-in again).
    st.button("Check for new submissions", key="refresh", icon=":material/refresh:")
    if not submissions:
        st.caption("Nothing submitted yet. Partners choose which of their attempts to send.")
        return
    for s in submissions:
        with st.container(border=True):
            result = "passed every step" if s.passed else "still to work on"
            reviewed = f"reviewed {when(s.reviewed_at)}" if s.reviewed_at else "not reviewed yet"
            st.markdown(f"**{plain(s.partner_label)}** · {when(s.submitted_at)} · {reviewed}")
            if s.marker:
                st.error(f"Crisis marker: {s.marker}", icon=":material/emergency:")
            else:
                st.markdown(f"*What was said:* {plain(s.description)}")
                st.markdown("*The response* (" + plain(result) + "):")
                with st.container(border=True):
                    st.markdown(highlighted_phrases(s.draft, [f.text for f in s.findings]))
                for line in s.rubric:
                    mark = ":material/check_circle:" if line.passed else ":material/edit:"
                    st.markdown(f"{mark} **{plain(line.label)}**: {plain(line.message)}")
                for f in s.findings:
                    category = f.category.replace("_", " ")
                    st.markdown(f"- **{plain(category)}**: “{plain(f.text)}”. {plain(f.reason)}")
            label = "Mark not reviewed" if s.reviewed_at else "Mark reviewed"
            if st.button(label, key=f"reviewed_{s.id}"):
                with signed_in() as (session, me):
                    review.mark_reviewed(session, me, s.id, reviewed=s.reviewed_at is None)
                st.rerun()


def show_comments(
    assignment_id: int, submissions: list[SubmissionView], comments: list[Comment]
) -> None:
    st.subheader("Comments")
    about = {s.id: f"{s.partner_label}'s attempt of {when(s.submitted_at)}" for s in submissions}
    for c in comments:
        target = about.get(c.submission_id, "") if c.submission_id else "both partners"
        st.markdown(f"{when(c.created_at)} · *to {plain(target)}*: {plain(c.body)}")
    targets = {WHOLE: "The whole assignment (both partners read it)", **about}
    with st.form("comment", clear_on_submit=True):
        target_id = st.selectbox(
            "About", list(targets), format_func=targets.__getitem__, key="comment_about"
        )
        body = st.text_area("Comment (partners read it on their Homework page)", key="comment_body")
        if st.form_submit_button("Add comment"):
            try:
                with signed_in() as (session, me):
                    review.add_comment(session, me, assignment_id, body, target_id or None)
            except HeardwellError as exc:
                st.warning(str(exc))
            else:
                notify("Comment added.")
                st.rerun()


def download_row(files: list[export.Export], what: str) -> None:
    for column, file, (_, name) in zip(st.columns(len(files)), files, FORMATS, strict=True):
        column.download_button(
            f"{name}",
            file.data,
            file_name=file.filename,
            mime=file.mime,
            key=f"export_{what}_{file.filename}",
            on_click="ignore",
            icon=":material/download:",
        )


# --- the page -----------------------------------------------------------------------------------


def signed_in_page(me_name: str) -> None:
    top_left, top_right = st.columns([3, 1], vertical_alignment="center")
    top_left.caption(f"Signed in as {plain(me_name)}.")
    if top_right.button("Sign out", key="sign_out"):
        sign_out()
        st.rerun()
    if notice := st.session_state.pop(NOTICE, None):
        st.success(notice)
    st.subheader("Couples")
    couple_id = couple_picker()
    if couple_id is None:
        return
    with signed_in() as (session, me):
        has_any = bool(assignments.list_assignments(session, me, couple_id))
    new_assignment_form(couple_id, first=not has_any)
    show_new_codes()
    assignment_id = assignment_picker(couple_id)
    if assignment_id is not None:
        show_assignment(load(assignment_id))
    with signed_in() as (session, me):
        couple_files = [export.export_couple(session, me, couple_id, f) for f, _ in FORMATS]
    st.markdown("**Export all of this couple's work**")
    download_row(couple_files, "couple")


st.title("For therapists")
try:
    with signed_in() as (_, therapist):
        name = therapist.display_name
except NotSignedIn as ended:
    if st.session_state.pop(TOKEN, None):
        st.info(str(ended))
    sign_in_forms()
else:
    try:
        signed_in_page(name)
    except NotSignedIn as ended:
        st.session_state.pop(TOKEN, None)
        st.info(str(ended))
    except HeardwellError as exc:  # NotAllowed: a record that is not (or no longer) there
        st.error(str(exc))
