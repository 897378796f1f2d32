"""Every page of the app, run in-process with Streamlit's AppTest (STYLE habit 10).

Each test gets its own data folder, so the SQLite file starts empty; the offline engine answers
unless a test picks a model, and a model is always litellm's own ``mock_response``: no network.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import streamlit as st
from sqlalchemy import func, inspect, select, table
from streamlit.dataframe_util import convert_arrow_bytes_to_pandas_df
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.element_tree import Block, PageLink

from assistant.config import get_settings
from assistant.llm import Backoff, LiteLLMCompletion, StreamingCompletion
from assistant.storage import repo
from assistant.storage.db import database_url, migrate, session_scope
from assistant.storage.models import Checkin, utcnow

APP = str(Path(__file__).resolve().parents[1] / "app.py")
REFLECT = "ui/pages/reflect.py"
PRACTISE = "ui/pages/practise.py"
AGREEMENTS = "ui/pages/agreements.py"
PROGRESS = "ui/pages/progress.py"
GET_HELP = "ui/pages/get_help.py"
SETTINGS = "ui/pages/settings_page.py"

SISTER = (
    "You promised you'd come to my sister's dinner, then you texted an hour before to say you "
    "couldn't make it. I felt stupid making excuses for you."
)
URGENT = "I'm going to kill myself tonight, I have the pills ready"
EXCUSING = "I'm sorry, but I was exhausted and you know how work is."
GOOD = (
    "I answered emails through most of the dinner you booked for us. You felt invisible. "
    "That makes sense. I'm sorry I made you feel invisible."
)
OVERPROMISE = "I will never ever be late again, no matter what."
SPECIFIC = "I'll call you on my lunch break on Tuesdays and Thursdays."
MODEL = "gpt-4o-mini"
MODEL_RESTATEMENT = "I said I'd be at your sister's dinner, and I cancelled by text an hour before."
MODEL_REPLY = json.dumps(
    {
        "restatement": MODEL_RESTATEMENT,
        "meaning": "You were left to explain my absence to your family.",
        "origin": "this_relationship",
        "feelings": [{"feeling": "embarrassed", "sentence": "You felt embarrassed."}],
        "validation": "That makes sense.",
        "repair": "I'm sorry I cancelled an hour before your sister's dinner.",
    }
)


@pytest.fixture(autouse=True)
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A fresh data folder and fresh settings for every test; the offline engine by default."""
    monkeypatch.setenv("HEARDWELL_DATA_DIR", str(tmp_path))
    for name in ("HEARDWELL_MODEL", "HEARDWELL_DATABASE_URL", "HEARDWELL_MAX_CHARS"):
        monkeypatch.delenv(name, raising=False)
    get_settings.cache_clear()
    st.cache_resource.clear()
    yield tmp_path
    get_settings.cache_clear()
    st.cache_resource.clear()


# --- helpers ------------------------------------------------------------------------------------


def open_page(page: str = REFLECT) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=30).run()
    if page != REFLECT:
        at.switch_page(page).run()
    assert not at.exception, at.exception
    return at


def click(at: AppTest, label: str) -> AppTest:
    """Click the one button with this label (form submit buttons included) and rerun."""
    matches = [b for b in at.button if b.label == label]
    assert len(matches) == 1, f"{len(matches)} buttons labelled {label!r}"
    matches[0].click().run()
    assert not at.exception, at.exception
    return at


def unescaped(text: str) -> str:
    """Markdown as a reader sees it: ``assistant.textfmt`` backslash-escapes punctuation."""
    return re.sub(r"\\(.)", r"\1", text)


def raw_markdown(at: AppTest) -> str:
    return "\n".join(m.value for m in at.markdown)


def markdown(at: AppTest) -> str:
    return unescaped(raw_markdown(at))


def shown(at: AppTest) -> str:
    """Every piece of text on the page, whatever element shows it."""
    kinds = ("title", "subheader", "markdown", "caption", "code", "info", "warning", "error")
    parts = [str(e.value) for kind in (*kinds, "success") for e in getattr(at, kind)]
    return unescaped("\n".join(parts))


def subheaders(at: AppTest) -> list[str]:
    return [str(s.value) for s in at.subheader]


def row_counts() -> dict[str, int]:
    """Rows in every table of this test's database (made, and migrated, if the app did not)."""
    url = database_url(get_settings())
    migrate(url)
    with session_scope(url) as session:
        tables = set(inspect(session.connection()).get_table_names()) - {"alembic_version"}
        return {
            name: session.scalar(select(func.count()).select_from(table(name))) or 0
            for name in sorted(tables)
        }


def nothing_stored() -> bool:
    return not any(row_counts().values())


def reflect_text(at: AppTest, text: str) -> AppTest:
    at.text_area(key="reflect_text").set_value(text)
    return click(at, "Reflect")


# --- Reflect ------------------------------------------------------------------------------------


def test_reflect_steps_through_understanding_feelings_and_repair() -> None:
    at = reflect_text(open_page(), SISTER)
    assert subheaders(at) == ["Step 1 · Understand what happened"]
    assert "I promised I'd come to your sister's" in at.code[0].value
    assert "You felt stupid" in at.code[0].value
    assert "This hurt happened in your relationship." in markdown(at)

    click(at, "Next: the feelings")
    assert subheaders(at)[-1] == "Step 2 · Acknowledge the feelings"
    feelings = at.code[1].value
    assert "You felt stupid." in feelings
    assert "You felt let down." in feelings

    click(at, "Next: repair")
    assert subheaders(at)[-1] == "Step 3 · Repair"
    apology = at.code[2].value
    assert apology.startswith("I'm sorry I texted an hour before")
    assert any("owns the impact" in c.value for c in at.caption)
    assert "From the offline engine (offline)." in shown(at)
    assert at.text_area(key="reflect_text").value == SISTER


@pytest.mark.parametrize(
    ("text", "warning"),
    [
        ("   ", "There is nothing to reflect yet"),
        ("I felt hurt when you left. " * 200, "the limit is 5,000"),
    ],
    ids=["empty", "over-the-limit"],
)
def test_reflect_bad_input_warns_and_keeps_the_text(text: str, warning: str) -> None:
    at = reflect_text(open_page(), text)
    assert len(at.warning) == 1
    assert warning in at.warning[0].value
    assert not at.subheader
    assert at.text_area(key="reflect_text").value == text


def test_reflect_urgent_text_shows_help_first_and_stores_nothing() -> None:
    at = reflect_text(open_page(), URGENT)
    assert "Step 1 · Understand what happened" not in subheaders(at)
    assert not at.code
    assert "Your safety comes first" in at.error[0].value
    assert "988" in markdown(at)
    # The help card sits in the container above the page's own content.
    first_block = at.main.children[1]
    assert any("988" in m.value for m in first_block.markdown)
    assert at.text_area(key="reflect_text").value == URGENT
    assert nothing_stored()


# --- Reflect through a model (litellm's mock_response) -----------------------------------------


def fake_model(monkeypatch: pytest.MonkeyPatch, mock_response: Any) -> None:
    """The page's model door, answering with ``mock_response`` and never waiting to retry."""

    def streaming_completion(settings: Any, on_text: Any, **_: Any) -> StreamingCompletion:
        inner = LiteLLMCompletion(settings, backoff=Backoff(0, 0, 0), mock_response=mock_response)
        return StreamingCompletion(inner, on_text)

    monkeypatch.setattr("assistant.llm.streaming_completion", streaming_completion)


def test_reflect_with_a_model_shows_its_answer(monkeypatch: pytest.MonkeyPatch) -> None:
    fake_model(monkeypatch, MODEL_REPLY)
    at = open_page()
    at.session_state["engine_model"] = MODEL
    at.run()
    assert f"Model {MODEL}" in shown(at)
    reflect_text(at, SISTER)
    assert not at.info  # no fallback notice
    assert MODEL_RESTATEMENT in at.code[0].value
    click(at, "Next: the feelings")
    assert "You felt embarrassed." in at.code[1].value
    click(at, "Next: repair")
    assert at.code[2].value == "I'm sorry I cancelled an hour before your sister's dinner."
    assert f"From the model engine ({MODEL})." in shown(at)


def litellm_error(kind: str) -> Exception:
    """One of litellm's own exceptions, as its ``mock_response`` raises it."""
    import litellm

    error: type[Any] = getattr(litellm, kind)
    raised: Exception = error(message="mock failure", model=MODEL, llm_provider="openai")
    return raised


@pytest.mark.parametrize(
    ("failure", "notice"),
    [
        ("RateLimitError", "did not answer after 3 tries (rate limit)"),
        ("Timeout", "did not answer after 3 tries (timeout)"),
        ("not json", "did not answer in the expected shape after 3 tries"),
    ],
)
def test_reflect_falls_back_to_offline_when_the_model_fails(
    monkeypatch: pytest.MonkeyPatch, failure: str, notice: str
) -> None:
    fake_model(monkeypatch, failure if failure == "not json" else litellm_error(failure))
    at = open_page()
    at.session_state["engine_model"] = MODEL
    reflect_text(at, SISTER)
    assert len(at.info) == 1
    assert notice in unescaped(at.info[0].value)
    assert "came from the offline engine instead" in unescaped(at.info[0].value)
    assert "I promised I'd come to your sister's" in at.code[0].value
    assert at.text_area(key="reflect_text").value == SISTER


# --- Practise -----------------------------------------------------------------------------------


def practise(at: AppTest, draft: str) -> AppTest:
    at.text_area(key="practice_draft").set_value(draft)
    return click(at, "Get feedback")


def test_practise_rejects_an_excuse_then_passes_the_revision() -> None:
    at = open_page(PRACTISE)
    at.selectbox(key="practice_scenario").select("phone-at-dinner").run()
    assert "I felt invisible" in markdown(at)

    practise(at, EXCUSING)
    text = markdown(at)
    assert "**Step 3 · No excuses or blame** (to work on): Some phrases weaken the apology" in text
    assert "**excuse**: “I was exhausted" in text
    assert "It weakens the apology" in text
    assert unescaped(at.info[0].value)  # the summary, not a success
    assert not at.success

    practise(at, GOOD)
    assert len(at.success) == 1
    marks = [m.value for m in at.markdown if m.value.startswith(":material/")]
    assert len(marks) == 6
    assert all("(done)" in mark for mark in marks)
    assert "2 attempt(s), 1 passed every step." in shown(at)
    assert [e.label.split(" · ")[-1] for e in at.expander] == ["to revise", "passed"]
    assert row_counts()["practice_attempts"] == 2


def test_practise_urgent_draft_shows_help_and_saves_nothing() -> None:
    at = practise(open_page(PRACTISE), URGENT)
    assert "Your safety comes first" in at.error[0].value
    assert "988" in markdown(at)
    assert "Your attempts at this one" not in subheaders(at)
    assert nothing_stored()


# --- Agreements ---------------------------------------------------------------------------------


def agree(at: AppTest, text: str) -> AppTest:
    at.text_area(key="agreement_text").set_value(text)
    return click(at, "Check and save")


def test_agreements_flag_overpromises_and_keep_specific_ones() -> None:
    at = agree(open_page(AGREEMENTS), OVERPROMISE)
    assert at.warning[0].value.startswith("Not saved yet")
    assert "**overpromising**" in markdown(at)
    assert ":orange-background[never]" in markdown(at)
    assert row_counts()["agreements"] == 0

    agree(at, SPECIFIC)
    assert at.success[0].value.startswith("Saved.")
    assert row_counts()["agreements"] == 1
    listed = [m.value for m in at.markdown if "lunch break" in m.value]
    assert listed and "This week: not marked yet" in shown(at)

    click(at, "Kept")
    assert "This week: kept" in shown(at)
    assert "Kept 1 of 1 weekly check-ins." in shown(at)

    restarted = open_page(AGREEMENTS)
    assert any("lunch break on Tuesdays and Thursdays" in m.value for m in restarted.markdown)
    assert "This week: kept" in shown(restarted)
    assert "Kept 1 of 1 weekly check-ins." in shown(restarted)


# --- Progress -----------------------------------------------------------------------------------


def check_in(at: AppTest, safety: int, note: str = "") -> AppTest:
    at.slider(key="safety").set_value(safety)
    at.text_area(key="checkin_note").set_value(note)
    return click(at, "Save check-in")


def test_progress_saves_check_ins_and_charts_them() -> None:
    at = open_page(PROGRESS)
    assert "No check-ins yet." in shown(at)
    check_in(at, 4, "We talked after dinner.")
    assert at.success[0].value == "Check-in saved."
    check_in(at, 6)
    assert "How safe you have felt" in subheaders(at)
    assert "No check-ins yet." not in shown(at)
    charts = at.get("vega_lite_chart")
    assert len(charts) == 1
    plotted = convert_arrow_bytes_to_pandas_df(charts[0].proto.datasets[0].data.data)
    assert plotted["safety (1-10)"].tolist() == [4, 6]
    with session_scope(database_url(get_settings())) as session:
        saved = [(c.safety, c.note) for c in repo.list_checkins(session)]
    assert saved == [(4, "We talked after dinner."), (6, None)]
    assert not at.info  # two check-ins today are not a stalled history


def test_progress_points_back_to_steps_1_to_3_when_stalled() -> None:
    url = database_url(get_settings())
    migrate(url)
    now = utcnow()
    with session_scope(url) as session:
        for days_ago, safety in [(20, 5), (12, 5), (2, 4)]:
            session.add(Checkin(safety=safety, created_at=now - timedelta(days=days_ago)))
    at = open_page(PROGRESS)
    assert len(at.info) == 1
    assert "steps 1-3 went too fast" in unescaped(at.info[0].value)
    links = [link.label for link in at.get("page_link") if isinstance(link, PageLink)]
    assert "Back to step 1: Reflect" in links


def test_progress_urgent_note_is_not_saved() -> None:
    at = check_in(open_page(PROGRESS), 2, URGENT)
    assert "Your safety comes first" in at.error[0].value
    assert nothing_stored()


# --- Get help -----------------------------------------------------------------------------------


def test_get_help_lists_crisis_lines_and_no_couples_therapy_for_abuse() -> None:
    at = open_page(GET_HELP)
    text = markdown(at)
    assert "988" in text
    assert "1-800-799-7233" in text
    cards = [block for block in at.main.children.values() if isinstance(block, Block)]
    abuse = next(
        card
        for card in cards
        if card.markdown and card.markdown[0].value == "**Your safety comes first**"
    )
    lines = [unescaped(m.value) for m in abuse.markdown if m.value.startswith("- ")]
    assert lines
    assert any("1-800-799-7233" in line for line in lines)
    assert not any("couples" in line.lower() for line in lines)


# --- Settings -----------------------------------------------------------------------------------


def test_settings_model_choice_says_where_text_goes() -> None:
    at = open_page(SETTINGS)
    assert unescaped(at.info[0].value).startswith(
        "Offline engine: nothing you type leaves this computer."
    )
    at.radio(key="engine_choice").set_value("A model through litellm").run()
    at.text_input(key="engine_model_name").input(MODEL).run()
    assert unescaped(at.info[0].value).startswith(
        f"Model {MODEL}: what you type is sent to that model's"
    )
    assert at.session_state["engine_model"] == MODEL
    at.switch_page(REFLECT).run()
    assert f"Model {MODEL}: what you type is sent" in shown(at)


def test_settings_exports_and_deletes_everything() -> None:
    url = database_url(get_settings())
    migrate(url)
    with session_scope(url) as session:
        repo.add_agreement(session, SPECIFIC)
        repo.add_checkin(session, 6, "Better week.")
    at = open_page(SETTINGS)
    labels = [b.proto.label for b in at.get("download_button")]
    assert labels == ["Export everything (JSON)", "Export everything (Markdown)"]
    assert sum(row_counts().values()) == 2

    delete = next(b for b in at.button if b.label == "Delete everything")
    assert delete.disabled
    at.checkbox(key="confirm_delete").check().run()
    click(at, "Delete everything")
    assert at.success[0].value == "Deleted 2 records."
    assert nothing_stored()


# --- People's words are text, never markup ------------------------------------------------------

MARKUP = (
    "You said <b>bold</b> things and **stars** about me, then sent a [link](http://x) to mock "
    "me. I <3 you but that hurt."
)


def test_peoples_words_render_as_text_not_markup() -> None:
    at = reflect_text(open_page(), MARKUP)
    assert "HTML tags were ignored" in unescaped(at.info[0].value)
    # The reflection is a code block (shown verbatim, copyable), never Markdown.
    assert "**stars**" in at.code[0].value
    assert "[link](http://x)" in at.code[0].value
    assert "<b>" not in at.code[0].value
    for element in [*at.markdown, *at.caption, *at.info]:
        assert "<b>" not in element.value
        assert "**stars**" not in element.value
        assert "](http" not in element.value

    at = practise(open_page(PRACTISE), MARKUP)
    draft = next(m.value for m in at.markdown if "stars" in m.value and "link" in m.value)
    assert "\\*\\*stars\\*\\*" in draft
    assert "\\[link\\]\\(http\\://x\\)" in draft
    assert "I &lt;3 you" in draft
    assert "<b>" not in raw_markdown(at)
    assert "<3" not in raw_markdown(at)


def test_the_app_never_imports_litellm_on_the_offline_engine(tmp_path: Path) -> None:
    """Every page, and a reflection, in a fresh process: litellm stays unimported."""
    pages = [PRACTISE, AGREEMENTS, PROGRESS, GET_HELP, SETTINGS]
    script = f"""
import sys
from streamlit.testing.v1 import AppTest
at = AppTest.from_file({APP!r}, default_timeout=60).run()
at.text_area(key="reflect_text").input("You forgot my birthday and I felt invisible.")
at.button[0].click().run()
for page in {pages!r}:
    at.switch_page(page).run()
    assert not at.exception, at.exception
print("litellm" in sys.modules)
"""
    env = {**os.environ, "HEARDWELL_DATA_DIR": str(tmp_path), "HEARDWELL_MODEL": "offline"}
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=240
    )
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip().splitlines()[-1] == "False"
