"""The perspective flip, as a table: rows that must come out exactly so."""

from __future__ import annotations

import pytest

from assistant.offline.perspective import partner_to_first, speaker_to_you, to_listener

TO_LISTENER = [
    # subject and object forms of "you"
    (
        "You promised you'd come to my sister's dinner.",
        "I promised I'd come to your sister's dinner.",
    ),
    (
        "I told you I was scared and you laughed at me.",
        "You told me you were scared and I laughed at you.",
    ),
    ("I thought you would come.", "You thought I would come."),
    ("You didn't even call me.", "I didn't even call you."),
    ("I saw you with her at the party.", "You saw me with her at the party."),
    ("I love you.", "You love me."),
    ("I need you to listen.", "You need me to listen."),
    ("When you laughed, I left.", "When I laughed, you left."),
    ("It's like you forgot about me.", "It's like I forgot about you."),
    # possessives and reflexives
    ("You read my messages on your phone.", "I read your messages on my phone."),
    ("That was mine, not yours.", "That was yours, not mine."),
    ("I blamed myself and you excused yourself.", "You blamed yourself and I excused myself."),
    # contractions
    ("I'm hurt and you're not listening.", "You're hurt and I'm not listening."),
    ("I've waited and you've ignored it.", "You've waited and I've ignored it."),
    ("I'd hoped you'd call.", "You'd hoped I'd call."),
    ("You’re always late.", "I'm always late."),
    # verb agreement after the flipped subject
    ("I was embarrassed.", "You were embarrassed."),
    ("You were on your phone.", "I was on my phone."),
    ("You aren't listening to me and I am tired.", "I am not listening to you and you are tired."),
    ("You weren't there.", "I wasn't there."),
    # we/us/our and third persons stay
    ("We argued about our plans and she left us.", "We argued about our plans and she left us."),
    # sentence starts stay capitalised, "I" stays capital mid-sentence
    ("i was sad. you lied to me.", "You were sad. I lied to you."),
]


@pytest.mark.parametrize(("said", "heard"), TO_LISTENER)
def test_to_listener(said: str, heard: str) -> None:
    assert to_listener(said) == heard


SPEAKER_TO_YOU = [
    (
        "He forgot my birthday and I felt invisible.",
        "He forgot your birthday and you felt invisible.",
    ),
    ("She told her sister about my debt.", "She told her sister about your debt."),
    ("I'm tired of his excuses.", "You're tired of his excuses."),
    ("My husband laughed at me.", "Your husband laughed at you."),
]


@pytest.mark.parametrize(("said", "heard"), SPEAKER_TO_YOU)
def test_speaker_to_you_keeps_the_partner_third_person(said: str, heard: str) -> None:
    assert speaker_to_you(said) == heard


PARTNER_TO_FIRST = [
    ("he forgot my birthday", "he", "I forgot your birthday"),
    ("she read my messages and told her sister", "she", "I read your messages and told my sister"),
    ("he says he is busy", "he", "I say I am busy"),
    ("she was on her phone", "she", "I was on my phone"),
    ("they cancelled on me again", "they", "I cancelled on you again"),
]


@pytest.mark.parametrize(("said", "partner", "heard"), PARTNER_TO_FIRST)
def test_partner_to_first(said: str, partner: str, heard: str) -> None:
    assert partner_to_first(said, partner) == heard


MUST_NOT_CHANGE = [
    "We tried again on Sunday.",
    "The dinner was at eight.",
    "Their friends were there.",
]


@pytest.mark.parametrize("text", MUST_NOT_CHANGE)
def test_text_without_the_two_persons_is_unchanged(text: str) -> None:
    assert to_listener(text) == text
