from __future__ import annotations

import pytest

from assistant.offline.sentences import clauses, sentences
from assistant.offline.voice import detect_speaker
from assistant.schemas import Voice


@pytest.mark.parametrize(
    ("text", "voice", "partner"),
    [
        ("You forgot my birthday.", Voice.TO_PARTNER, ""),
        ("When you're on your phone I feel alone.", Voice.TO_PARTNER, ""),
        ("He forgot my birthday.", Voice.ABOUT_PARTNER, "he"),
        ("She read my texts and told her mom.", Voice.ABOUT_PARTNER, "she"),
        ("My wife read my texts.", Voice.ABOUT_PARTNER, "she"),
        ("My boyfriend laughed at my dress.", Voice.ABOUT_PARTNER, "he"),
        ("My partner forgot again, you know.", Voice.ABOUT_PARTNER, "they"),
        ("I feel alone lately.", Voice.ABOUT_PARTNER, ""),
        ("When I was at school, the other girls laughed at my clothes.", Voice.ABOUT_PARTNER, ""),
        # a third person mentioned inside an addressed description does not change the voice
        ("You laughed when your mom said she hated my cooking.", Voice.TO_PARTNER, ""),
    ],
)
def test_detect_speaker(text: str, voice: Voice, partner: str) -> None:
    speaker = detect_speaker(text)
    assert (speaker.voice, speaker.partner) == (voice, partner)


def test_sentences_keep_positions_and_abbreviations() -> None:
    text = "You promised... Then Dr. Smith called!  I felt stupid.\nWhy?"
    pieces = sentences(text)
    assert [p.text for p in pieces] == [
        "You promised...",
        "Then Dr. Smith called!",
        "I felt stupid.",
        "Why?",
    ]
    assert all(text[p.start : p.end] == p.text for p in pieces)


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        (
            "I felt stupid making excuses for you and then you laughed, so I left.",
            ["I felt stupid making excuses for you", "you laughed", "I left"],
        ),
        # a comma before a participle, or "before" as an adverb, does not start a clause
        (
            "Then you texted an hour before, saying you couldn't make it.",
            ["you texted an hour before, saying you couldn't make it"],
        ),
        ("You said you'd call but you didn't.", ["You said you'd call", "you didn't"]),
    ],
)
def test_clauses(sentence: str, expected: list[str]) -> None:
    assert clauses(sentence) == expected
