"""The flows a person clicks through, in the system Chromium against a real Streamlit server.

Screenshots for the docs are written to ``docs/screenshots/`` as a side effect.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

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

PHONE = {"width": 390, "height": 844}

DESCRIPTION_LABEL = "What happened, and how did it feel?"
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


def _new_page(browser: Any, app_url: str, viewport: dict[str, int]) -> Iterator[Any]:
    context = browser.new_context(viewport=viewport)

    # The app is served from this machine; anything else (fonts, telemetry) is refused.
    def local_only(route: Any) -> None:
        if route.request.url.startswith(app_url):
            route.continue_()
        else:
            route.abort()

    context.route("**/*", local_only)
    page = context.new_page()
    page.set_default_timeout(WAIT_MS)
    yield page
    context.close()


@pytest.fixture
def page(browser: Any, app_url: str) -> Iterator[Any]:
    yield from _new_page(browser, app_url, DESKTOP)


@pytest.fixture
def phone(browser: Any, app_url: str) -> Iterator[Any]:
    yield from _new_page(browser, app_url, PHONE)


def open_page(page: Any, url: str, title: str) -> None:
    page.goto(url)
    expect(page.get_by_role("heading", name=title, exact=True)).to_be_visible(timeout=WAIT_MS)


def shot(page: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / name))


def heading(page: Any, name: str) -> Any:
    return page.get_by_role("heading", name=name)


def reflect_through_all_steps(page: Any) -> None:
    page.get_by_label(DESCRIPTION_LABEL, exact=True).fill(SISTER)
    page.get_by_role("button", name="Reflect", exact=True).click()
    expect(heading(page, "Step 1 · Understand what happened")).to_be_visible(timeout=WAIT_MS)
    expect(page.get_by_text("I promised I'd come to your sister's dinner")).to_be_visible()
    page.get_by_role("button", name="Next: the feelings").click()
    expect(heading(page, "Step 2 · Acknowledge the feelings")).to_be_visible(timeout=WAIT_MS)
    page.get_by_role("button", name="Next: repair").click()
    expect(heading(page, "Step 3 · Repair")).to_be_visible(timeout=WAIT_MS)
    expect(page.get_by_text("From the offline engine (offline).")).to_be_visible()


def test_reflect_shows_steps_1_to_3(page: Any, app_url: str) -> None:
    open_page(page, app_url, "Reflect")
    reflect_through_all_steps(page)
    expect(page.get_by_text("You felt let down.")).to_be_visible()
    expect(page.get_by_text("I'm sorry I texted an hour before")).to_be_visible()
    shot(page, "reflect.png")


def test_reflect_at_phone_width(phone: Any, app_url: str) -> None:
    open_page(phone, app_url, "Reflect")
    reflect_through_all_steps(phone)
    heading(phone, "Step 1 · Understand what happened").scroll_into_view_if_needed()
    shot(phone, "reflect-phone.png")


def test_urgent_text_shows_the_help_card_and_no_steps(page: Any, app_url: str) -> None:
    open_page(page, app_url, "Reflect")
    page.get_by_label(DESCRIPTION_LABEL, exact=True).fill(URGENT)
    page.get_by_role("button", name="Reflect", exact=True).click()
    expect(page.get_by_text("Let's pause the exercise")).to_be_visible(timeout=WAIT_MS)
    expect(page.get_by_text("Call or text 988").first).to_be_visible()
    expect(page.get_by_text("Step 1")).to_have_count(0)
    expect(page.get_by_label(DESCRIPTION_LABEL, exact=True)).to_have_value(URGENT)
    shot(page, "crisis.png")


def test_an_over_long_paste_stays_in_the_box_with_a_reason(page: Any, app_url: str) -> None:
    long_text = "I felt hurt when you left without a word. " * 130
    open_page(page, app_url, "Reflect")
    box = page.get_by_label(DESCRIPTION_LABEL, exact=True)
    box.fill(long_text)
    page.get_by_role("button", name="Reflect", exact=True).click()
    expect(page.get_by_text(f"That is {len(long_text):,} characters")).to_be_visible(
        timeout=WAIT_MS
    )
    expect(box).to_have_value(long_text)
    expect(page.get_by_text("Step 1")).to_have_count(0)


def test_practise_rejects_an_excuse_then_passes_the_revision(page: Any, app_url: str) -> None:
    open_page(page, app_url + "/practise", "Practise")
    page.get_by_role("combobox", name="Scenario").click()
    page.get_by_role("option", name="The phone at dinner").click()
    expect(page.get_by_text("I felt invisible, sitting across from you.")).to_be_visible()

    draft = page.get_by_label("Your response", exact=True)
    draft.fill(EXCUSING)
    page.get_by_role("button", name="Get feedback").click()
    rejected = page.get_by_text(re.compile(r"Step 3 · No excuses or blame \(to work on\)"))
    expect(rejected).to_be_visible(timeout=WAIT_MS)
    reason = page.get_by_text("This gives a reason for what you did")
    expect(reason).to_be_visible()
    reason.scroll_into_view_if_needed()
    shot(page, "practise.png")

    draft.fill(GOOD)
    page.get_by_role("button", name="Get feedback").click()
    expect(page.get_by_text("This is ready: you said back what happened")).to_be_visible(
        timeout=WAIT_MS
    )
    expect(page.get_by_text(re.compile(r"Step 3 · No excuses or blame \(done\)"))).to_be_visible()
    expect(page.get_by_text("2 attempt(s), 1 passed every step.")).to_be_visible()


def test_an_overpromise_is_flagged_not_saved(page: Any, app_url: str) -> None:
    open_page(page, app_url + "/agreements", "Agreements")
    page.get_by_label("A commitment one of you will keep", exact=True).fill(OVERPROMISE)
    page.get_by_role("button", name="Check and save").click()
    expect(page.get_by_text("Not saved yet")).to_be_visible(timeout=WAIT_MS)
    expect(page.get_by_text("overpromising").first).to_be_visible()
    expect(page.get_by_text("No agreements yet.")).to_be_visible()
    shot(page, "agreements.png")
