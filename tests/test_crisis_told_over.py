"""Danger told as over in a later sentence ("He's been dead for years") makes the finding caution;
danger told in the present, or back, or recent, stays urgent (``_told_as_over_after``)."""

from __future__ import annotations

import pytest

from guardrails import crisis
from guardrails.crisis import CrisisCategory, CrisisLevel, screen

TOLD_AS_OVER = [
    (
        "My stepfather hit me with a belt. He's been dead for years. I still freeze when you "
        "take yours off.",
        CrisisCategory.ABUSE,
    ),
    (
        "My older brother strangled me until I passed out. He's been in prison since. I can't "
        "watch fight scenes with you.",
        CrisisCategory.ABUSE,
    ),
    (
        "My father threatened to shoot us all. He died in 2010. I hate it when you joke about "
        "guns.",
        CrisisCategory.ABUSE,
    ),
    ("My grandfather molested me. He's long dead. Please don't call me oversensitive.", None),
    (
        "I swallowed a bottle of pills after my divorce. I got proper help and I'm well now. You "
        "don't need to hide the paracetamol.",
        CrisisCategory.SELF_HARM,
    ),
    (
        "He kicked me in the stomach when I was pregnant. I walked out in 2012 and never went "
        "back. Now I tense up when you lose your temper at the football.",
        CrisisCategory.ABUSE,
    ),
    (
        "My father burned my hand on the stove. He's been gone twenty years. I still can't cook "
        "with the gas on high.",
        CrisisCategory.ABUSE,
    ),
    (
        "She cracked my ribs with a frying pan. She did a course, we lived apart, and she has "
        "never raised a hand to me since. I want to talk about trust.",
        CrisisCategory.ABUSE,
    ),
]

# Twins: the same kind of later sentence, with the danger told in the present, or back.
STILL_DANGER = [
    "He hits me when he drinks. I'm safe now, I'm at my sister's, but he has my passport.",
    "I want to end my life. I'm 34 now and nothing has changed.",
    "He takes my bank card every payday. I'm okay, it's just money. He lives abroad half the year.",
    "He threatens to take the baby if I leave. He's in prison now for something else but he gets "
    "out soon.",
    "My ex hit our daughter. She's 6 now and he still has her every other weekend.",
    "My father beat me. He's dead. But my husband does the same to me now.",
    "He broke my arm last year. He's in prison now. His brother keeps driving past my house.",
    "He hit me. He's long gone. I hope.",
    "I overdosed after my mum died. I got help. Tonight I've got the pills out again.",
    "My stepdad hurt me when I was little. He's dead now. My partner hurts our son the same way.",
    "She threatened to kill me when I left. She lives abroad. She messaged me yesterday saying "
    "she's coming back for me.",
    "He punched me in the face at the party. I'm fine now. He says I should stop going on about "
    "it.",
    "My husband choked me on Saturday. He's been lovely since. Is it okay to do the exercise?",
    "He shoved me down the stairs. I don't think I'm safe now.",
    "He broke my wrist. I walked out in 2012 but he found my new address last week.",
    "She hit me with the kettle. She's been gone two days and I'm scared she's coming back.",
]


@pytest.mark.parametrize(("text", "category"), TOLD_AS_OVER)
def test_danger_told_as_over_in_a_later_sentence_is_caution(
    text: str, category: CrisisCategory | None
) -> None:
    result = screen(text)
    assert result.level is CrisisLevel.CAUTION
    assert category is None or category in result.categories


@pytest.mark.parametrize("text", STILL_DANGER)
def test_danger_told_in_the_present_or_back_stays_urgent(text: str) -> None:
    assert screen(text).level is CrisisLevel.URGENT


def test_the_later_sentence_is_what_made_it_caution() -> None:
    """Without the step, the first of the cases above is urgent: the test reads the step."""
    text = TOLD_AS_OVER[0][0]
    found = [
        crisis._Found(CrisisCategory.ABUSE, CrisisLevel.URGENT, 0, len("My stepfather hit me"))
    ]
    after = crisis._told_as_over_after(found, crisis._LazyView(text))
    assert [f.level for f in after] == [CrisisLevel.CAUTION]
    alone = "My stepfather hit me with a belt."
    found = [
        crisis._Found(CrisisCategory.ABUSE, CrisisLevel.URGENT, 0, len("My stepfather hit me"))
    ]
    after = crisis._told_as_over_after(found, crisis._LazyView(alone))
    assert [f.level for f in after] == [CrisisLevel.URGENT]


# Known misses, not made by this step (they were caution before it too): danger back in a later
# sentence, after a first sentence told in the past. No layer reads the later sentence once the
# rules found a caution; a rule for it (a recent marker beside a danger word after a caution)
# raised 13 caution texts of the training sets to urgent and no urgent one, so none was written.
RELAPSE_MISSED = [
    "I tried to hang myself when I was 17. I'm 30 now. Lately the thoughts are back and I've been "
    "looking at rope online.",
    "I used to self-harm. I'm clean two years. I'm scared because I bought blades today.",
]


@pytest.mark.xfail(strict=True, reason="danger back in a later sentence after a past one")
@pytest.mark.parametrize("text", RELAPSE_MISSED)
def test_danger_back_in_a_later_sentence_is_urgent(text: str) -> None:
    assert screen(text).level is CrisisLevel.URGENT
