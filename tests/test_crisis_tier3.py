"""Tier 3 of the crisis screen: broad danger words anchored to a person, for wording no phrase
rule was written for. (Its self-harm group stays off: see crisis_patterns.yaml.)"""

from __future__ import annotations

import pytest

from guardrails import crisis
from guardrails.crisis import CrisisCategory, CrisisLevel, screen

URGENT = [
    ("he shoved me into the door again tonight", CrisisCategory.ABUSE),
    ("she wont let me see my friends anymore and takes my car keys", CrisisCategory.ABUSE),
    ("I am hiding from him in the bathroom", CrisisCategory.ABUSE),
    ("he keeps a gun in the car and waved it at me", CrisisCategory.ABUSE),
    ("I will make him pay, I know where he works", CrisisCategory.THREAT_TO_OTHERS),
    ("our toddler was left alone in the bath for an hour", CrisisCategory.CHILD_SAFETY),
]


@pytest.mark.parametrize(("text", "category"), URGENT)
def test_danger_in_new_wording_is_urgent(text: str, category: CrisisCategory) -> None:
    result = screen(text)
    assert result.level is CrisisLevel.URGENT
    assert category in result.categories


NOT_DANGER = [
    "my son got kicked at football and has a bruise, hes fine",
    "he wouldnt let me see the contract for the house",
    "she checked my phone last night",
    "Id kill for a nap",
    "my boss will kill me if Im late",
    "we threw away the old sofa",
    "he hit the gym at six",
]


@pytest.mark.parametrize("text", NOT_DANGER)
def test_everyday_uses_of_the_same_words_are_not(text: str) -> None:
    """The rules and the word classifier (the whole screen's false alarms on this list are
    measured in tests/test_crisis_sentence_model.py)."""
    assert crisis._screen(text, "en-US", read_meaning=False).level is CrisisLevel.NONE
