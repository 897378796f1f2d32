"""Origin detection: cues both ways, and the rule that weighs them."""

from __future__ import annotations

import pytest

from assistant.offline.origin import detect_origin, origin_cues
from assistant.schemas import Origin

BEFORE = Origin.BEFORE_RELATIONSHIP
THIS = Origin.THIS_RELATIONSHIP
UNCLEAR = Origin.UNCLEAR


def cue_names(text: str) -> set[str]:
    return {name for name, _, _ in origin_cues(text)}


@pytest.mark.parametrize(
    ("text", "cue"),
    [
        ("Before I met you, nobody listened to me.", "before:before_us"),
        ("Long before we got together I learned to hide.", "before:before_us"),
        ("My ex used to read my messages.", "before:ex"),
        ("My ex-husband lied constantly.", "before:ex"),
        ("My last boyfriend never called.", "before:ex"),
        ("My first husband left me.", "before:ex"),
        ("In my previous relationship I was always wrong.", "before:ex"),
        ("Growing up, nobody asked how I was.", "before:childhood"),
        ("As a kid I was always the last one picked.", "before:childhood"),
        ("When I was little my parents fought.", "before:childhood"),
        ("When I was a teenager I stopped eating.", "before:childhood"),
        ("When I was 12 they moved away.", "before:childhood"),
        ("In high school I had no friends.", "before:school"),
        ("The kids at school called me names.", "before:school"),
        ("I was bullied for years.", "before:bullied"),
        ("My dad used to criticise everything I wore.", "before:parent_habit"),
        ("My mother would always compare us.", "before:parent_habit"),
        ("You promised you'd be there.", "this:partner_act"),
        ("You told everyone.", "this:partner_act"),
        ("You forgot again.", "this:partner_act"),
        ("When you just left without a word.", "this:partner_act"),
        ("My husband forgot to call.", "this:partner_named"),
        ("My fiancée read my diary.", "this:partner_named"),
        ("Last night was awful.", "this:recent_time"),
        ("On our anniversary nothing happened.", "this:recent_time"),
        ("You always check your phone.", "this:partner_habit"),
        ("He cancelled on me.", "this:third_person_act"),
        ("We argued.", "this:us"),
        ("It all came back.", "bridge:brought_back"),
        ("It reminded me of my father.", "bridge:brought_back"),
        ("It triggered something old.", "bridge:brought_back"),
        ("GROWING UP nobody listened.", "before:childhood"),
        ("Before you, I was engaged.", "before:before_us"),
        ("When I was at school the girls laughed at me.", "before:childhood"),
        ("I was bullied at secondary school.", "before:school"),
        ("A teacher made me read out loud.", "before:school"),
        ("At my first job my manager shouted at me.", "before:earlier_life"),
        ("When I was a student I had no money.", "before:earlier_life"),
        # the partner's act in other tenses and forms
        ("She's been hiding bills from me.", "this:third_person_act"),
        ("He has been lying for months.", "this:third_person_act"),
        ("He's stopped wearing his ring.", "this:third_person_act"),
        ("She keeps texting him.", "this:third_person_act"),
        ("He checks his phone all the time.", "this:third_person_act"),
        ("He doesn't do anything at home.", "this:third_person_act"),
        ("She'd hidden the letters.", "this:third_person_act"),
        ("She read my journal.", "this:third_person_act"),
        ("You've been lying to me.", "this:partner_act"),
        ("You keep bringing it up.", "this:partner_act"),
        ("My husband's phone was on the table.", "this:partner_named"),
    ],
)
def test_cues_match(text: str, cue: str) -> None:
    assert cue in cue_names(text)


@pytest.mark.parametrize(
    ("text", "cue"),
    [
        ("I texted you before you left.", "before:before_us"),
        ("My husband was kind.", "before:ex"),
        ("My expectations were high.", "before:ex"),
        ("The kids were at school when you called.", "before:childhood"),
        ("When I was at work you called.", "before:childhood"),
        ("My dad visited.", "before:parent_habit"),
        ("I told you so.", "this:partner_act"),
        ("My ex-husband called.", "this:partner_named"),
        ("My first husband called.", "this:partner_named"),
        ("Years ago I was fine.", "this:recent_time"),
        ("He was kind.", "this:partner_habit"),
        ("Whenever I see red I think of it.", "bridge:brought_back"),
        ("I'll see you before you leave.", "before:before_us"),
        ("When I was at work he called.", "before:childhood"),
        ("When I was at the school gate you waved.", "before:childhood"),
        ("My wife is a teacher.", "before:school"),
        ("The teacher training starts next week.", "before:school"),
        ("At my new job my manager shouted at me.", "before:earlier_life"),
        ("I've been hiding it.", "this:third_person_act"),
        ("The shed has been leaking.", "this:third_person_act"),
        ("You know what I mean.", "this:partner_act"),
    ],
)
def test_cues_do_not_match(text: str, cue: str) -> None:
    assert cue not in cue_names(text)


def test_cue_spans_point_into_the_text() -> None:
    text = "Growing up, my dad used to yell. Last night you yelled."
    found = [(name, text[start:end]) for name, start, end in origin_cues(text)]
    assert ("before:childhood", "Growing up") in found
    assert ("this:recent_time", "Last night") in found
    assert ("this:partner_act", "you yelled") in found
    assert [start for _, start, _ in origin_cues(text)] == sorted(
        start for _, start, _ in origin_cues(text)
    )


@pytest.mark.parametrize(
    ("text", "origin"),
    [
        # no cue at all
        ("I feel so alone lately.", UNCLEAR),
        ("Everything feels heavy.", UNCLEAR),
        ("", UNCLEAR),
        # this relationship, either voice
        ("You promised you'd come to my recital and then you didn't show up.", THIS),
        ("He forgot my birthday again.", THIS),
        ("My wife told her sister about my debts.", THIS),
        ("I felt invisible when we spent time with your friends.", THIS),
        ("You said you'd support my trip and then complained about it.", THIS),
        # before the relationship
        ("Kids at school made fun of my clothes and I felt judged and shamed.", BEFORE),
        ("My ex cheated on me for two years and now I can't trust you when you go out.", BEFORE),
        ("When I was little my mom would leave us alone for days. She never called.", BEFORE),
        ("My first husband used to yell at me constantly.", BEFORE),
        ("Growing up my dad always criticised my looks; I still hate comments on how I look.",
         BEFORE),
        ("Before we met, I was engaged to someone who lied about everything.", BEFORE),
        ("I was bullied for years and it still hurts.", BEFORE),
        # an old hurt brought back by the partner's act now: the act is the event
        ("My dad always criticised my looks, and when you commented on my dress last night "
         "it all came back.", THIS),
        ("Last night you laughed at me in front of your sister and it reminded me of how my "
         "brother used to mock me.", THIS),
        ("Growing up my parents ignored me. When my husband ignored me at dinner it took me "
         "right back.", THIS),
        # a bridge without a partner act stays with the old hurt
        ("In high school I was laughed at, and it all comes back whenever anyone laughs.",
         BEFORE),
        # the partner's act in the present perfect, the progressive, a habit
        ("She's been hiding credit card bills from me.", THIS),
        ("He's been flirting with someone at work.", THIS),
        ("He checks his phone every time it buzzes.", THIS),
        ("You keep bringing up my ex whenever we argue.", THIS),
        # older hurts named in other ways
        ("Before you, I was engaged, and he called it off a week before the wedding.", BEFORE),
        ("When I was at school, the other girls laughed at my clothes.", BEFORE),
        ("A teacher made me read aloud although she knew I struggled.", BEFORE),
        ("At my first job my boss took credit for my work.", BEFORE),
    ],
)  # fmt: skip
def test_detect_origin(text: str, origin: Origin) -> None:
    assert detect_origin(text) is origin


def test_he_means_the_earlier_person_when_the_story_is_old() -> None:
    # "he yelled" would count for the partner without "my dad"
    assert detect_origin("He yelled all the time.") is THIS
    assert (
        detect_origin("My dad drank. He yelled all the time, he never came to anything.") is BEFORE
    )


@pytest.mark.parametrize(
    ("text", "origin"),
    [
        # texting register and present-tense habits of a partner named only as "he"/"she"
        ("honestly its like talking to a wall. he just nods and goes back to the tv", "this"),
        ("He reads all my texts over my shoulder.", "this"),
        ("I found a second phone in his gym bag.", "this"),
        ("When you get stressed you take it out on me.", "this"),
        ("Not a word from you.", "this"),
        ("why is it always me? do you even notice", "this"),
        # "my childhood" as what was told, against a partner's act
        ("I told you about my childhood and you brought it up in a row.", "this"),
        # an old hurt relived now, with the partner's act
        ("My dad never came to my matches. When you skipped my final I was twelve again.", "this"),
        # still the past
        ("Growing up my mum used to tell everyone I was the difficult one.", "before"),
        ("My dad would go silent for days. He reads the paper and says nothing.", "before"),
    ],
)
def test_origin_generalises(text: str, origin: str) -> None:
    expected = {
        "this": Origin.THIS_RELATIONSHIP,
        "before": Origin.BEFORE_RELATIONSHIP,
    }[origin]
    assert detect_origin(text) == expected
