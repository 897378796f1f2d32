"""The homework pages in-process with AppTest: a therapist's session and each partner's session are
separate ``AppTest`` instances (separate browser sessions) over one temporary database.

The rules themselves are tested on the backend (tests/test_homework.py); here each one is checked
where a person meets it: what the page shows, and what it stores.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import streamlit as st
from sqlalchemy import func, select
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.element_tree import PageLink

from assistant.config import get_settings
from assistant.homework import secret
from assistant.homework.errors import NO_ACCESS
from assistant.storage import db as storage_db
from assistant.storage.db import database_url, session_scope
from assistant.storage.models import PracticeAttempt, ShareCode, Submission
from tests.homework_helpers import (
    COMMENT_ON_A,
    DESCRIPTION,
    GOOD_DRAFT,
    PASSWORD,
    WEAK_DRAFT,
    configure,
    unique_email,
)

APP = str(Path(__file__).resolve().parents[1] / "app.py")
THERAPIST = "ui/pages/therapist.py"
HOMEWORK = "ui/pages/homework.py"
PRACTISE = "ui/pages/practise.py"
URGENT = "I'm going to kill myself tonight, I have the pills ready"
INSTRUCTIONS = "Try it twice; send the attempt you like best."


@pytest.fixture(autouse=True)
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A fresh data folder, secret key and settings per test, with a cheap argon2."""
    configure(monkeypatch, tmp_path)
    for name in ("HEARDWELL_MODEL", "HEARDWELL_PUBLIC_URL", "HEARDWELL_MAX_CHARS"):
        monkeypatch.delenv(name, raising=False)
    get_settings.cache_clear()
    st.cache_resource.clear()
    yield tmp_path
    url = database_url(get_settings())
    storage_db.get_engine(url).dispose()
    storage_db._engine.cache_clear()
    get_settings.cache_clear()
    secret._key_from_file.cache_clear()
    st.cache_resource.clear()


# --- helpers ------------------------------------------------------------------------------------


def open_page(page: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=30).run()
    at.switch_page(page).run()
    assert not at.exception, at.exception
    return at


def click(at: AppTest, label: str) -> AppTest:
    matches = [b for b in at.button if b.label == label]
    assert len(matches) == 1, f"{len(matches)} buttons labelled {label!r}"
    matches[0].click().run()
    assert not at.exception, at.exception
    return at


def unescaped(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text)


def shown(at: AppTest) -> str:
    kinds = ("title", "subheader", "markdown", "caption", "code", "info", "warning", "error")
    parts = [str(e.value) for kind in (*kinds, "success") for e in getattr(at, kind)]
    return unescaped("\n".join(parts))


def count(model: type) -> int:
    with session_scope(database_url(get_settings())) as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def register(email: str | None = None, name: str = "Dr Rowan") -> AppTest:
    at = open_page(THERAPIST)
    at.text_input(key="register_name").input(name)
    at.text_input(key="register_email").input(email or unique_email())
    at.text_input(key="register_password").input(PASSWORD)
    click(at, "Create account")
    assert f"Signed in as {name}." in shown(at)
    return at


def sign_in(at: AppTest, email: str, password: str) -> AppTest:
    at.text_input(key="signin_email").input(email)
    at.text_input(key="signin_password").input(password)
    return click(at, "Sign in")


def add_couple(at: AppTest, label: str) -> AppTest:
    at.text_input(key="new_couple_label").input(label)
    return click(at, "Add couple")


def assign(at: AppTest, scenario: str | None = DESCRIPTION) -> dict[str, tuple[str, str]]:
    """Create an 'apologize' assignment; returns each partner's (link token, short code)."""
    at.selectbox(key="new_exercise").select("apologize")
    if scenario is None:
        at.radio(key="new_source").set_value("Their own situation")
    else:
        at.text_area(key="new_scenario").input(scenario)
    at.text_area(key="new_instructions").input(INSTRUCTIONS)
    click(at, "Create assignment")
    assert any("Copy these now: they are not shown again" in w.value for w in at.warning)
    blocks = [c.value for c in at.code]
    labels = [m.value for m in at.markdown if m.value in ("**Partner A**", "**Partner B**")]
    assert labels == ["**Partner A**", "**Partner B**"] and len(blocks) == 4
    codes = {}
    for label, (link, code) in zip("AB", zip(blocks[::2], blocks[1::2], strict=True), strict=True):
        parts = urlsplit(link)
        assert (parts.path, list(parse_qs(parts.query))) == ("/", ["join"])
        assert re.fullmatch(r"[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}", code)
        codes[label] = (parse_qs(parts.query)["join"][0], code)
    return codes


def join_by_code(code: str) -> AppTest:
    at = open_page(HOMEWORK)
    at.text_input(key="join_code_text").input(code)
    return click(at, "Open")


def practise(at: AppTest, draft: str, description: str | None = None) -> AppTest:
    if description is not None:
        at.text_area(key="homework_description").input(description)
    at.text_area(key="homework_draft").input(draft)
    return click(at, "Get feedback")


def therapist_with_assignment() -> tuple[AppTest, dict[str, tuple[str, str]]]:
    at = register()
    add_couple(at, "Couple Birch")
    return at, assign(at)


# --- the loop -----------------------------------------------------------------------------------


def test_the_whole_loop_through_the_pages() -> None:
    therapist, codes = therapist_with_assignment()
    assert "Nothing submitted yet." in shown(therapist)
    click(therapist, "I have copied them")
    assert not therapist.code  # the links and codes are shown once

    partner = join_by_code(codes["A"][1].lower().replace("-", ""))
    text = shown(partner)
    assert "You are Partner A on this assignment." in text
    assert INSTRUCTIONS in text and DESCRIPTION in text
    practise(partner, WEAK_DRAFT)
    assert "excuse" in shown(partner) and not partner.success
    practise(partner, GOOD_DRAFT)
    assert len(partner.success) == 1  # the rubric passed
    assert [e.label.split(" · ")[-1] for e in partner.expander] == ["to revise", "passed"]
    partner.checkbox[1].check().run()  # "Send attempt 2" only
    assert [c.label for c in partner.checkbox] == ["Send attempt 1", "Send attempt 2"]
    click(partner, "Send the chosen attempts")
    assert "Sent 1 attempt(s) to your therapist." in shown(partner)
    assert partner.expander[1].label.endswith("· sent")
    assert count(Submission) == 1 and count(PracticeAttempt) == 2

    therapist.run()
    text = shown(therapist)
    assert GOOD_DRAFT in text and WEAK_DRAFT not in text  # only what was chosen
    assert "Partner A" in text and "not reviewed yet" in text
    rubric = [m.value for m in therapist.markdown if m.value.startswith(":material/check_circle:")]
    assert len(rubric) == 6
    therapist.selectbox(key="comment_about").select_index(1)
    therapist.text_area(key="comment_body").input(COMMENT_ON_A)
    click(therapist, "Add comment")
    assert "Comment added." in shown(therapist)
    click(therapist, "Mark reviewed")
    assert re.search(r"reviewed \d\d \w+ \d{4}", shown(therapist))
    exports = [b.proto for b in therapist.get("download_button")]
    # One assignment, then the whole couple; the files are the backend's (test_homework).
    assert [b.label for b in exports] == ["Markdown", "CSV", "PDF"] * 2
    assert all(b.ignore_rerun for b in exports)

    partner.run()
    text = shown(partner)
    assert COMMENT_ON_A in text
    assert "you sent 1 to your therapist, who has read 1" in text

    other = join_by_code(codes["B"][1])  # the other partner does not read A's comment
    assert "You are Partner B" in shown(other) and COMMENT_ON_A not in shown(other)


def test_the_link_opens_the_homework_and_leaves_the_address() -> None:
    _, codes = therapist_with_assignment()
    at = AppTest.from_file(APP, default_timeout=30)
    at.query_params["join"] = codes["B"][0]
    at.run()
    assert not at.exception, at.exception
    assert at.title[0].value == "Homework"
    assert "You are Partner B on this assignment." in shown(at)
    assert "join" not in at.query_params
    practise(at, GOOD_DRAFT)  # the access outlives the address
    assert count(PracticeAttempt) == 1


def test_own_situation_asks_for_the_partners_words() -> None:
    therapist = register()
    add_couple(therapist, "Couple Elm")
    codes = assign(therapist, scenario=None)
    partner = join_by_code(codes["A"][1])
    assert "use your own situation" in shown(partner)
    practise(partner, GOOD_DRAFT, description=DESCRIPTION)
    assert len(partner.success) == 1 and count(PracticeAttempt) == 1


# --- access rules -------------------------------------------------------------------------------


def test_another_therapist_sees_nothing_of_the_first() -> None:
    first, _ = therapist_with_assignment()
    second = register(name="Dr Other")
    assert "Add a couple to start" in shown(second)
    assert "Couple Birch" not in shown(second)
    # Even a couple or assignment id put into the session by hand opens nothing.
    second.session_state["therapist_couple"] = 1
    second.session_state["therapist_assignment"] = 1
    second.run()
    assert not second.exception
    assert "Couple Birch" not in shown(second) and DESCRIPTION not in shown(second)
    assert not second.get("download_button")
    assert not [box for box in second.selectbox if box.key == "therapist_couple"]
    assert first.run().selectbox(key="therapist_couple").options == ["Couple Birch"]


def test_a_withdrawn_code_opens_nothing() -> None:
    therapist, codes = therapist_with_assignment()
    partner = join_by_code(codes["A"][1])  # open before the code is withdrawn
    assert "You are Partner A" in shown(partner)
    click(therapist, "I have copied them")
    revoke = [b for b in therapist.button if b.label == "Withdraw"]
    revoke[0].click().run()
    assert "Partner A's link and code no longer work." in shown(therapist)
    assert "withdrawn" in shown(therapist)

    partner.run()  # already open: closed at the next click
    assert NO_ACCESS in shown(partner) and "You are Partner A" not in shown(partner)
    late = join_by_code(codes["A"][1])
    assert NO_ACCESS in shown(late)
    by_link = AppTest.from_file(APP, default_timeout=30)
    by_link.query_params["join"] = codes["A"][0]
    assert NO_ACCESS in shown(by_link.run())
    assert "You are Partner B" in shown(join_by_code(codes["B"][1]))


def test_a_reissued_code_replaces_the_old_one() -> None:
    therapist, codes = therapist_with_assignment()
    click(therapist, "I have copied them")
    [b for b in therapist.button if b.label == "New link and code"][1].click().run()
    assert "Partner B's old link and code no longer work." in shown(therapist)
    fresh = therapist.code[1].value
    assert fresh != codes["B"][1]
    assert NO_ACCESS in shown(join_by_code(codes["B"][1]))
    assert "You are Partner B" in shown(join_by_code(fresh))


def test_the_homework_page_without_a_session_asks_for_a_code() -> None:
    at = open_page(HOMEWORK)
    assert at.text_input(key="join_code_text").placeholder == "ABCD-EFGH"
    assert not at.text_area  # nothing to practise without an assignment
    click(at, "Open")
    assert NO_ACCESS in shown(at)


def test_the_therapist_page_needs_a_sign_in_and_sign_out_ends_it() -> None:
    at = register()
    add_couple(at, "Couple Birch")
    token = at.session_state["therapist_token"]
    assert token not in str(dict(at.query_params))
    click(at, "Sign out")
    assert "Couple Birch" not in shown(at)
    assert [b.label for b in at.button if b.label in ("Sign in", "Create account")] == [
        "Sign in",
        "Create account",
    ]
    at.session_state["therapist_token"] = token  # a signed-out token opens nothing
    at.run()
    assert "Your sign-in has ended" in shown(at) and "Couple Birch" not in shown(at)


# --- safety and sign-in limits ------------------------------------------------------------------


def test_an_urgent_draft_shows_the_help_card_and_stores_nothing() -> None:
    _, codes = therapist_with_assignment()
    partner = join_by_code(codes["A"][1])
    practise(partner, URGENT)
    assert "Your safety comes first" in partner.error[0].value
    assert "988" in shown(partner)
    assert "Your attempts" not in [s.value for s in partner.subheader]
    assert count(PracticeAttempt) == 0 and count(Submission) == 0


def test_a_crisis_marker_is_shown_to_the_therapist_without_text() -> None:
    therapist, _ = therapist_with_assignment()
    with session_scope(database_url(get_settings())) as session:
        code_id = session.scalars(select(ShareCode.id).order_by(ShareCode.id)).first()
        session.add(Submission(share_code_id=code_id, crisis_marker=True))
    therapist.run()
    marker = [e.value for e in therapist.error if e.value.startswith("Crisis marker:")]
    assert len(marker) == 1 and "its text was not stored" in marker[0]
    assert "What was said" not in shown(therapist)


def test_wrong_passwords_are_refused_and_the_sixth_try_waits() -> None:
    email = unique_email()
    register(email)
    at = open_page(THERAPIST)
    for _ in range(5):
        sign_in(at, email, "not the password at all")
        assert "do not match an account" in at.error[0].value
    sign_in(at, email, PASSWORD)  # even the right password waits now
    assert at.error[0].value.startswith("Too many sign-in attempts. Wait 15 minutes")
    assert "therapist_token" not in at.session_state


def test_a_weak_password_is_explained() -> None:
    at = open_page(THERAPIST)
    at.text_input(key="register_name").input("Dr Short")
    at.text_input(key="register_email").input(unique_email())
    at.text_input(key="register_password").input("short")
    click(at, "Create account")
    assert "at least 12 characters" in at.warning[0].value


def test_practise_points_to_the_homework_page() -> None:
    at = open_page(PRACTISE)
    links = [link.label for link in at.get("page_link") if isinstance(link, PageLink)]
    assert "Have a code from your therapist? Open your homework" in links


def test_peoples_words_on_the_homework_pages_are_text() -> None:
    markup = "I <b>promised</b> **stars** and a [link](http://x), then cancelled."
    therapist = register()
    add_couple(therapist, "<i>Couple</i> **Birch**")
    codes = assign(therapist, scenario=markup)
    partner = join_by_code(codes["A"][1])
    for at in (therapist, partner):
        raw = "\n".join(m.value for m in at.markdown)
        assert "<b>" not in raw and "<i>" not in raw and "](http" not in raw
        assert "\\*\\*stars\\*\\* and a \\[link\\]" in raw
