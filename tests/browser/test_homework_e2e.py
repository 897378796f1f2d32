"""The homework loop in the system Chromium: a therapist and a partner, each in their own browser
context (their own cookies and Streamlit session), against the real server from conftest.

Writes ``docs/screenshots/therapist-review.png`` as a side effect.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from uuid import uuid4

import pytest

from tests.browser._chromium import (
    DESKTOP,
    SHOTS,
    WAIT_MS,
    skip_without_chromium,
)

skip_without_chromium()
playwright_api = pytest.importorskip("playwright.sync_api")
expect = playwright_api.expect

pytestmark = pytest.mark.browser

PASSWORD = "lantern orchard pebble 42"
SCENARIO = (
    "You promised to come to my sister's dinner and you cancelled an hour before. "
    "I sat there alone."
)
GOOD = (
    "I cancelled on your sister's dinner an hour before, and you sat there alone. "
    "You felt abandoned and embarrassed, and that makes sense. I let you down."
)
COMMENT = "Lovely: naming the feeling changed it. Bring this on Thursday."


def new_person(browser: Any, app_url: str) -> Any:
    """A page in a fresh browser context: another person, with nothing shared."""
    context = browser.new_context(viewport=DESKTOP, accept_downloads=True)

    def local_only(route: Any) -> None:
        if route.request.url.startswith(app_url):
            route.continue_()
        else:
            route.abort()

    context.route("**/*", local_only)
    page = context.new_page()
    page.set_default_timeout(WAIT_MS)
    return page


def form_with(page: Any, button: str) -> Any:
    return page.get_by_test_id("stForm").filter(has=page.get_by_role("button", name=button))


def test_therapist_assigns_partner_submits_therapist_reviews_and_exports(
    browser: Any, app_url: str
) -> None:
    therapist = new_person(browser, app_url)
    therapist.goto(app_url + "/therapist")
    expect(therapist.get_by_role("heading", name="For therapists")).to_be_visible()
    therapist.get_by_role("tab", name="Create an account").click()
    register = form_with(therapist, "Create account")
    register.get_by_label("Your name (as partners will see it)").fill("Dr Rowan")
    register.get_by_label("Email", exact=True).fill(f"rowan.{uuid4().hex[:8]}@clinic.example")
    register.get_by_label("Password (at least 12 characters)").fill(PASSWORD)
    register.get_by_role("button", name="Create account").click()
    expect(therapist.get_by_text("Signed in as Dr Rowan.")).to_be_visible()

    therapist.get_by_text("Add a couple", exact=True).click()
    therapist.get_by_role("textbox", name="Label or pseudonym").fill("Couple Birch")
    therapist.get_by_role("button", name="Add couple").click()
    expect(therapist.get_by_text("No assignments for this couple yet.")).to_be_visible()
    therapist.get_by_role("textbox", name="Scenario (what one partner says", exact=False).fill(
        SCENARIO
    )
    therapist.get_by_role("textbox", name="Instructions for the couple").fill(
        "Send the try you like best."
    )
    therapist.get_by_role("button", name="Create assignment").click()
    expect(therapist.get_by_text("Copy these now: they are not shown again.")).to_be_visible()
    link = therapist.get_by_test_id("stCode").first.inner_text().strip()
    assert link.startswith(app_url + "/?join=")
    assert urlsplit(therapist.url).query == ""  # the sign-in is never in the address
    therapist.get_by_role("button", name="I have copied them").click()
    expect(therapist.get_by_text("Copy these now")).to_have_count(0)

    partner = new_person(browser, app_url)
    partner.goto(link)
    expect(partner.get_by_text("You are Partner A on this assignment.")).to_be_visible()
    expect(partner.get_by_role("heading", name="Homework")).to_be_visible()
    partner.wait_for_function("() => !window.location.search.includes('join')")
    assert "join" not in urlsplit(partner.url).query
    partner.get_by_label("Your response", exact=True).fill(GOOD)
    partner.get_by_role("button", name="Get feedback").click()
    expect(partner.get_by_text("This is ready")).to_be_visible()
    partner.get_by_text("Send attempt 1").click()
    partner.get_by_role("button", name="Send the chosen attempts").click()
    expect(partner.get_by_text("Sent 1 attempt(s) to your therapist.")).to_be_visible()

    therapist.get_by_role("button", name="Check for new submissions").click()
    expect(therapist.get_by_text(GOOD)).to_be_visible()
    expect(therapist.get_by_text("not reviewed yet", exact=False)).to_be_visible()
    comment = form_with(therapist, "Add comment")
    comment.get_by_label("Comment (partners read it", exact=False).fill(COMMENT)
    comment.get_by_role("button", name="Add comment").click()
    expect(therapist.get_by_text("Comment added.")).to_be_visible()
    therapist.get_by_role("button", name="Mark reviewed").click()
    expect(therapist.get_by_text("not reviewed yet", exact=False)).to_have_count(0)

    pdf_button = therapist.get_by_test_id("stDownloadButton").filter(has_text="PDF").first
    with therapist.expect_download() as download:
        pdf_button.click()
    saved = download.value
    assert saved.suggested_filename.endswith(".pdf")
    assert Path(saved.path()).read_bytes().startswith(b"%PDF")

    therapist.get_by_role("heading", name="Submitted attempts").scroll_into_view_if_needed()
    SHOTS.mkdir(parents=True, exist_ok=True)
    therapist.screenshot(path=str(SHOTS / "therapist-review.png"), full_page=True)

    partner.goto(link)  # the partner comes back later by the same link
    expect(partner.get_by_text(COMMENT)).to_be_visible()
    expect(partner.get_by_text("who has read 1", exact=False)).to_be_visible()
    therapist.context.close()
    partner.context.close()
