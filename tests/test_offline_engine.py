"""The offline engine end to end: both voices, origin-driven repair, and suggestions that pass the
apology checker for descriptions of many shapes."""

from __future__ import annotations

import pytest

from assistant.offline.engine import partner_action, reflect_offline
from assistant.offline.voice import detect_speaker
from assistant.schemas import Origin, RepairKind, Voice
from guardrails.apology import check_apology


def test_to_partner_voice_is_said_back_by_the_listener() -> None:
    r = reflect_offline(
        "You promised you'd come to my sister's dinner, and then you texted an hour before "
        "saying you couldn't make it. I felt stupid making excuses for you."
    )
    assert r.voice is Voice.TO_PARTNER
    assert r.summary.restatement.startswith("I promised I'd come to your sister's dinner")
    assert "You felt stupid making excuses for me." in r.summary.restatement
    assert r.summary.origin is Origin.THIS_RELATIONSHIP
    assert "stupid" in [a.feeling for a in r.feelings.acknowledgments]
    assert r.repair.kind is RepairKind.APOLOGY
    assert r.repair.text and r.repair.text.startswith("I'm sorry I texted an hour before")


def test_about_partner_voice_speaks_to_the_speaker_and_keeps_the_partner_third_person() -> None:
    r = reflect_offline(
        "He promised he'd come to my sister's dinner, and then he texted an hour before. "
        "I felt stupid making excuses for him."
    )
    assert r.voice is Voice.ABOUT_PARTNER
    assert r.summary.restatement.startswith("He promised he'd come to your sister's dinner")
    assert "You felt stupid making excuses for him." in r.summary.restatement
    # The suggestion is in the partner's own voice, for them to say.
    assert r.repair.text and r.repair.text.startswith("I'm sorry I texted")


def test_a_hurt_from_before_gets_empathy_not_an_apology() -> None:
    r = reflect_offline(
        "Kids at school made fun of my clothes every day. Now when you comment on how I look, "
        "I freeze."
    )
    assert r.summary.origin is Origin.BEFORE_RELATIONSHIP
    assert r.repair.kind is RepairKind.EMPATHY
    assert r.repair.text and "didn't deserve" in r.repair.text
    assert "before" in r.summary.meaning


def test_unclear_origin_suggests_nothing_rather_than_something_wrong() -> None:
    r = reflect_offline("I feel so alone lately.")
    assert r.summary.origin is Origin.UNCLEAR
    assert r.repair.kind is RepairKind.NONE and r.repair.text is None
    assert r.feelings.acknowledgments[0].sentence == "You felt alone."


def test_no_feeling_words_still_acknowledges_the_hurt() -> None:
    r = reflect_offline("You moved the meeting without asking me.")
    assert r.feelings.acknowledgments
    assert all(a.sentence.startswith("You ") for a in r.feelings.acknowledgments)


DESCRIPTIONS = [
    "You forgot my birthday and went out with your friends instead.",
    "You told your mom about our money problems after I asked you not to, and now she keeps "
    "bringing it up at dinner.",
    "When we were at the party you laughed when Sam made fun of my accent, and you never said "
    "a word to stop him.",
    "He read my journal while I was at work. Then he brought up what I wrote in an argument.",
    "She spent the whole anniversary dinner on her phone. It's like I'm not even there.",
    "My husband said he'd stopped smoking, but I found cigarettes in his car.",
    "You said you'd pick up the kids, but you didn't, and I had to leave work early. I was so "
    "embarrassed in front of my boss, but honestly I'm just tired.",
    "you never text back when you're out with your brother and i'm left wondering if you're ok",
    "I was bullied in middle school, and my dad always said I was too sensitive.",
    "You kept checking your ex's Instagram during our vacation, if I'm honest about it.",
]


@pytest.mark.parametrize("text", DESCRIPTIONS)
def test_every_suggestion_passes_the_apology_checker(text: str) -> None:
    r = reflect_offline(text)
    if r.repair.text is not None:
        result = check_apology(r.repair.text)
        assert result.accepted, (r.repair.text, result.findings)
    assert r.summary.restatement
    assert r.feelings.validation


@pytest.mark.parametrize(
    ("text", "action"),
    [
        ("You promised you'd call, then you didn't even text me.", "didn't even text you"),
        ("You were on your phone the whole dinner.", "was on my phone the whole dinner"),
        ("He forgot our anniversary again.", "forgot our anniversary again"),
        ("My wife told her sister about my debt.", "told my sister about your debt"),
        ("I felt alone at the party.", None),
    ],
)
def test_partner_action_is_put_in_the_partners_voice(text: str, action: str | None) -> None:
    assert partner_action(text, detect_speaker(text)) == action


@pytest.mark.parametrize(
    "text",
    [
        "He promised he wouldn't tell anyone what I'd shared with him, and he did.",
        "You swore you'd be there.",
    ],
)
def test_a_broken_promise_is_owned_as_broken_not_as_made(text: str) -> None:
    assert partner_action(text, detect_speaker(text)) == "broke my word to you"


def test_the_act_that_broke_the_promise_is_preferred() -> None:
    text = "You said you'd support my trip. Then you complained about it to everyone."
    assert partner_action(text, detect_speaker(text)) == "complained about it to everyone"
