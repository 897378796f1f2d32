"""Language rules of the agreement guardrail: rows that must be caught, rows that must pass."""

from __future__ import annotations

import pytest

from guardrails._patterns import load_rules
from guardrails.agreement import PATTERN_FILE, AgreementCategory, check_agreement
from guardrails.findings import Verdict

C = AgreementCategory

# (commitment, the category that must be among the findings, words the span must contain)
MUST_MATCH: list[tuple[str, AgreementCategory, str]] = [
    # overpromising: absolutes
    ("I'll always answer your calls.", C.OVERPROMISING, "always"),
    ("I will never be late again.", C.OVERPROMISING, "never"),
    ("I'll spend every single weekend with you.", C.OVERPROMISING, "every single"),
    ("Each and every morning I'll make you coffee.", C.OVERPROMISING, "each and every"),
    ("I'll text you back no matter what.", C.OVERPROMISING, "no matter what"),
    ("I'll be available 24/7.", C.OVERPROMISING, "24/7"),
    ("I'll call you every day without fail.", C.OVERPROMISING, "without fail"),
    ("No exceptions, I'll be home by six.", C.OVERPROMISING, "No exceptions"),
    ("I'll love you forever.", C.OVERPROMISING, "forever"),
    ("I'll answer whenever you call.", C.OVERPROMISING, "whenever you call"),
    ("We'll be together every weekend.", C.OVERPROMISING, "every weekend"),
    ("I'll keep my phone on at all times.", C.OVERPROMISING, "at all times"),
    ("I'll give this 100% for the rest of my life.", C.OVERPROMISING, "100%"),
    # vague: no concrete action
    ("I'll be better.", C.VAGUE, "be better"),
    ("I'll try harder.", C.VAGUE, "try harder"),
    ("I will be more present.", C.VAGUE, "be more present"),
    ("I'll work on my temper.", C.VAGUE, "work on my temper"),
    ("I'll make more of an effort.", C.VAGUE, "effort"),
    ("I'll communicate better.", C.VAGUE, "communicate better"),
    ("I'll make you a priority.", C.VAGUE, "priority"),
    ("Things will be different.", C.VAGUE, "different"),
    ("We'll be more open with each other.", C.VAGUE, "more open"),
    ("I'll do better.", C.VAGUE, "do better"),
    # vague: a recurring action with no frequency or time
    ("I'll call you more.", C.VAGUE, "call you more"),
    ("I'll help around the house more often.", C.VAGUE, "more"),
    ("We'll spend more time together.", C.VAGUE, "more"),
    ("I'll text you when I can.", C.VAGUE, "when I can"),
    ("We'll go on dates regularly.", C.VAGUE, "regularly"),
    ("I'll check in from time to time.", C.VAGUE, "from time to time"),
    ("I'll try to be home earlier.", C.VAGUE, "earlier"),
    ("I'll drink less.", C.VAGUE, "less"),
    ("I'll listen more.", C.VAGUE, "listen more"),
    # vague: frequency words as adjectives, with no number or day
    ("We'll have regular date nights.", C.VAGUE, "regular"),
    ("I'll give you more frequent updates about money.", C.VAGUE, "frequent"),
    ("We'll plan occasional trips away.", C.VAGUE, "occasional"),
    ("We'll do a routine check-in about chores.", C.VAGUE, "routine"),
    ("I'll call your parents on a regular basis.", C.VAGUE, "regular basis"),
    ("We'll cook together every so often.", C.VAGUE, "every so often"),
]

MUST_PASS: list[str] = [
    "I'll spend two weekends a month with just you.",
    "I can promise that I will spend 2 weekends each month just with you.",
    "I'll call you on my lunch break on Tuesdays and Thursdays.",
    "We'll have a phone-free dinner every Sunday.",
    "I will tell you within a day if plans change.",
    "I'll text you if I'm running late.",
    "If I'm going to be more than ten minutes late, I'll text you.",
    "I'll be more present by putting my phone in the drawer during dinner.",
    "I'll stop reading your messages.",
    "We'll take a walk together after dinner three evenings a week.",
    "I'll be home by 7 on weeknights, and text you if that changes.",
    "I will call my mom on Saturdays instead of during our date night.",
    "I'll ask before I share stories about you with friends.",
    "Once a month we'll plan a date night and take turns choosing.",
    "I'll check in with you before making plans on weekends.",
    "We'll talk for 15 minutes each evening about our day.",
    "I'll spend more time with you on Sunday afternoons.",
    "I can't promise I'll always be on time, but I'll text you when I leave work.",
    "I will text you when I get to work each morning.",
    "We will go to couples counseling twice a month.",
    "I'll put my phone away when we talk.",
    "I'll tell you the truth, even when it is hard.",
    "I'll be home no later than 7 on weeknights.",
    # "regular" with a number or a day is a schedule, not a hope
    "We'll keep our regular date night on the first Friday of each month.",
    "We'll have regular check-ins twice a month.",
    "I'll keep my regular Sunday call with you at 6pm.",
]


@pytest.mark.parametrize(("text", "category", "span_words"), MUST_MATCH)
def test_fault_is_named(text: str, category: AgreementCategory, span_words: str) -> None:
    result = check_agreement(text)
    assert result.verdict is Verdict.REJECT
    matching = [f for f in result.findings if f.category == category.value]
    assert matching, f"expected {category}, got {[f.category for f in result.findings]}"
    assert any(span_words.lower() in f.span.text.lower() for f in matching), [
        f.span.text for f in matching
    ]
    for finding in result.findings:
        assert text[finding.span.start : finding.span.end] == finding.span.text
        assert finding.reason and finding.hint


@pytest.mark.parametrize("text", MUST_PASS)
def test_specific_realistic_commitment_passes(text: str) -> None:
    result = check_agreement(text)
    assert result.findings == [], [(f.category, f.span.text) for f in result.findings]
    assert result.verdict is Verdict.ACCEPT


def test_every_category_has_rows_that_must_match() -> None:
    assert {category for _, category, _ in MUST_MATCH} == set(AgreementCategory)


def test_each_sentence_is_judged_on_its_own() -> None:
    text = "I'll call you on Tuesdays. I'll also help more."
    [finding] = check_agreement(text).findings
    assert finding.category == C.VAGUE.value
    assert finding.span.start > text.index("Tuesdays")


def test_both_faults_in_one_commitment() -> None:
    result = check_agreement("I'll always try harder.")
    assert sorted(f.category for f in result.findings) == ["overpromising", "vague"]


@pytest.mark.parametrize("text", ["", "  \n"])
def test_empty_agreement_is_vague(text: str) -> None:
    [finding] = check_agreement(text).findings
    assert finding.category == C.VAGUE.value
    assert (finding.span.start, finding.span.end) == (0, 0)


def test_json_shape_is_stable() -> None:
    dumped = check_agreement("I'll always be on time.").model_dump(mode="json")
    assert dumped["verdict"] == "reject"
    [finding] = dumped["findings"]
    assert finding["category"] == "overpromising"
    assert finding["span"] == {"start": 5, "end": 11, "text": "always"}
    assert set(finding) == {"category", "span", "reason", "hint"}
    assert check_agreement("We'll cook together on Fridays.").model_dump(mode="json") == {
        "verdict": "accept",
        "findings": [],
    }


def test_every_family_names_a_known_category() -> None:
    for family in load_rules(PATTERN_FILE).families:
        assert family.spec.category in set(AgreementCategory), family.spec.name
