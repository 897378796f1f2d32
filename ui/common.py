"""What every page shares: settings for this session, the database, help cards, safe text.

People's and models' words are always escaped before Streamlit renders them (never HTML).
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING

import streamlit as st
from sqlalchemy.orm import Session

from assistant.config import OFFLINE, Settings, get_settings
from assistant.storage.db import database_url, migrate, session_scope
from assistant.textfmt import as_plain_markdown as plain
from guardrails.crisis import CrisisResult, Route
from guardrails.findings import Finding

if TYPE_CHECKING:
    from assistant.practice import PracticeFeedback

HELP_PAGE = "ui/pages/get_help.py"
HOMEWORK_PAGE = "ui/pages/homework.py"
THERAPIST_PAGE = "ui/pages/therapist.py"
MODEL_KEY = "engine_model"
CLIENT_KEY = "client_key"
EXERCISES = {
    "understand": "Understand what happened",
    "acknowledge": "Acknowledge the feelings",
    "apologize": "Apologize",
    "agreement": "Make an agreement",
    "free": "Free practice",
}


def settings() -> Settings:
    """The process settings, with this browser session's engine choice on top."""
    base = get_settings()
    chosen = st.session_state.get(MODEL_KEY)
    return base.model_copy(update={"model": chosen}) if chosen else base


def where_text_goes(model: str) -> str:
    if model.strip().lower() == OFFLINE:
        return "Offline engine: nothing you type leaves this computer."
    if model.strip().lower() == "local":
        return "Local model: it runs on this computer; nothing you type leaves it."
    return (
        f"Model {model}: what you type is sent to that model's provider "
        "(or to your own server, if it is one)."
    )


@st.cache_resource(show_spinner=False)
def _migrated(url: str) -> str:
    migrate(url)
    return url


def db_url() -> str:
    """The database for this app, migrated to the current schema on first use."""
    return _migrated(database_url(settings()))


@contextmanager
def db() -> Iterator[Session]:
    with session_scope(db_url()) as session:
        yield session


def help_link() -> None:
    st.page_link(HELP_PAGE, label="Get help now", icon=":material/support:")


def show_route(route: Route) -> None:
    with st.container(border=True):
        st.markdown(f"**{plain(route.title)}**")
        st.markdown(plain(route.intro))
        for line in route.lines:
            detail = f" ({plain(line.detail)})" if line.detail else ""
            st.markdown(f"- **{plain(line.name)}**: {plain(line.contact)}{detail}")
        if route.footer:
            st.markdown(plain(route.footer))


def show_crisis_stop(crisis: CrisisResult) -> None:
    """Urgent text: the help card replaces the exercise. Nothing was stored or sent."""
    st.error(
        "Let's pause the exercise: what you wrote may mean someone is in danger right now. "
        "Your safety comes first. Nothing you wrote here was saved or sent anywhere."
    )
    if crisis.route is not None:
        show_route(crisis.route)


def show_caution(crisis: CrisisResult) -> None:
    if crisis.route is None:
        return
    with st.expander("Help, if you need it", expanded=True, icon=":material/support:"):
        show_route(crisis.route)


def highlighted(text: str, findings: Sequence[Finding]) -> str:
    """The draft as Markdown, each finding's span highlighted, everything else escaped."""
    return _highlight(text, [(f.span.start, f.span.end) for f in findings])


def highlighted_phrases(text: str, phrases: Sequence[str]) -> str:
    """Like :func:`highlighted`, for findings kept only as their words (a stored submission)."""
    spans = []
    for phrase in phrases:
        start = text.find(phrase) if phrase else -1
        if start >= 0:
            spans.append((start, start + len(phrase)))
    return _highlight(text, spans)


def _highlight(text: str, spans: Sequence[tuple[int, int]]) -> str:
    out: list[str] = []
    cursor = 0
    for start, end in sorted(s for s in spans if s[1] > s[0]):
        if start < cursor:
            continue
        out.append(plain(text[cursor:start]))
        out.append(f":orange-background[{plain(text[start:end])}]")
        cursor = end
    out.append(plain(text[cursor:]))
    return "".join(out)


def show_findings(findings: Sequence[Finding]) -> None:
    for finding in findings:
        label = finding.category.replace("_", " ")
        st.markdown(
            f"- **{plain(label)}**: “{plain(finding.span.text)}”. {plain(finding.reason)}  \n"
            f"  *Try:* {plain(finding.hint)}"
        )


def show_feedback(feedback: PracticeFeedback, draft: str) -> None:
    """The rubric, step by step, and the draft with its findings highlighted."""
    if feedback.passed:
        st.success(feedback.summary)
    else:
        st.info(feedback.summary)
    for item in feedback.items:
        mark, state = (
            (":material/check_circle:", "done")
            if item.passed
            else (":material/edit:", "to work on")
        )
        st.markdown(
            f"{mark} **Step {item.step} · {plain(item.label)}** ({state}): {plain(item.message)}"
        )
    if feedback.findings:
        st.markdown("**In your draft:**")
        with st.container(border=True):
            st.markdown(highlighted(draft, feedback.findings))
        show_findings(feedback.findings)


def client_key() -> str:
    """A random id for this browser session, for the rate limits (never an IP, never stored
    in the clear: the limits keep only a keyed hash of it)."""
    if CLIENT_KEY not in st.session_state:
        st.session_state[CLIENT_KEY] = secrets.token_urlsafe(16)
    key: str = st.session_state[CLIENT_KEY]
    return key


def text_key(text: str) -> str:
    """A stable id for an exercise, so revisions of one response are grouped together."""
    return hashlib.sha256(text.strip().encode("utf-8")).hexdigest()[:16]
