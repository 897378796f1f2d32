"""Line breaks end sentences too: a line with no full stop is still read by every guardrail.

(A regression: lines ending in a newline without punctuation were once skipped.)
"""

from __future__ import annotations

import pytest

from guardrails._patterns import split_sentences
from guardrails.apology import check_apology
from guardrails.crisis import CrisisLevel, screen


@pytest.mark.parametrize(
    "text",
    [
        "i want to kill myself tonight\nbye",
        "hi\ni want to kill myself tonight\nsorry",
        "ok\n\nhe choked me last night and im scared to go home\nanyway",
    ],
)
def test_crisis_language_on_an_unpunctuated_line_is_caught(text: str) -> None:
    assert screen(text).level is CrisisLevel.URGENT


@pytest.mark.parametrize(
    "text",
    ["sorry if you were offended\nlove you", "I'm sorry but you were late too\nok"],
)
def test_apology_faults_on_an_unpunctuated_line_are_found(text: str) -> None:
    assert check_apology(text).verdict == "reject"


def test_every_line_is_a_sentence_with_true_offsets() -> None:
    text = "first line\nsecond. third!\n\nlast"
    pieces = split_sentences(text)
    assert [p.text.strip() for p in pieces] == ["first line", "second.", "third!", "last"]
    assert all(text[p.start : p.end] == p.text for p in pieces)
