"""Practice feedback, as tables: for each rubric item, drafts that must pass it and drafts that
must fail it; then whole drafts, findings and their spans, crisis and errors."""

from __future__ import annotations

import itertools

import pytest

import assistant.practice as practice
from assistant.errors import InputError
from assistant.offline.origin import detect_origin
from assistant.practice import ITEM_KEYS, PracticeFeedback, RubricItem, practice_feedback
from assistant.schemas import Origin
from guardrails.crisis import CrisisLevel, screen
from guardrails.findings import CheckResult, Finding, Span, Verdict

# A hurt in this relationship, addressed to the listener.
PARTY = (
    "At Sam's party you told everyone the story about my cooking disaster and did my voice "
    "while you told it. Everyone laughed and you kept going. I was so embarrassed I went and "
    "stood in the kitchen for the rest of the night."
)
# A hurt from before the relationship.
SCHOOL = (
    "Long before we met, when I was at school, the other kids mocked my clothes because my "
    "family couldn't afford new ones. I was called names every day for years. That's why I get "
    "so tense when anyone comments on how I look."
)

GOOD_PARTY = (
    "At Sam's party I told everyone the story about your cooking disaster and did your voice, "
    "and I kept going while they laughed. You felt embarrassed, so embarrassed you spent the "
    "night in the kitchen. That makes sense to me. I'm sorry I embarrassed you."
)
GOOD_SCHOOL = (
    "When you were at school, the other kids mocked your clothes and called you names for "
    "years. You felt humiliated and alone. No wonder comments on how you look still sting. "
    "I'm sorry you went through that. You didn't deserve it."
)


def item(feedback: PracticeFeedback, key: str) -> RubricItem:
    return next(i for i in feedback.items if i.key == key)


def test_the_descriptions_have_the_origins_the_tables_assume() -> None:
    assert detect_origin(PARTY) is Origin.THIS_RELATIONSHIP
    assert detect_origin(SCHOOL) is Origin.BEFORE_RELATIONSHIP


# --- one table per rubric item: (description, draft, must pass?) --------------------------------

RESTATED = [
    (PARTY, "At Sam's party I told everyone about your cooking disaster.", True),
    (PARTY, "I told the whole party that story and did your voice.", True),
    (PARTY, "What I hear is that it went too far.", True),
    (PARTY, "You're saying it went too far.", True),
    (PARTY, "I kept going when everyone laughed, and you stood in the kitchen.", True),
    (SCHOOL, "Kids at school mocked your clothes and called you names.", True),
    # no content of what happened, only a feeling or an apology
    (PARTY, "You felt embarrassed.", False),
    (PARTY, "I'm sorry I hurt you.", False),
    (PARTY, "I'm sorry, but I was exhausted.", False),
    # the speaker's own words, in the speaker's voice
    (PARTY, "You told everyone the story about my cooking disaster.", False),
    (SCHOOL, "I was called names every day for years.", False),
]


@pytest.mark.parametrize(("description", "draft", "passes"), RESTATED)
def test_restated(description: str, draft: str, passes: bool) -> None:
    assert item(practice_feedback(description, draft), "restated").passed is passes


def test_parroting_asks_for_the_listeners_side() -> None:
    draft = "You told everyone the story about my cooking disaster."
    message = item(practice_feedback(PARTY, draft), "restated").message
    assert "from your side" in message
    assert "repeated" in message


NAMED_FEELING = [
    ("You felt embarrassed.", True),
    ("You were hurt.", True),
    ("You must have felt so alone.", True),
    ("That made you feel small.", True),
    ("You were humiliated and angry.", True),
    ("You’re feeling really let down.", True),
    ("It left you feeling on your own.", True),
    # thoughts dressed as feelings
    ("You felt that I was wrong.", False),
    ("You felt like I didn't care.", False),
    # a feeling, but not given to the partner
    ("I felt embarrassed too.", False),
    ("Everyone was embarrassed.", False),
    # no feeling word
    ("You were at the party.", False),
    ("You felt that way.", False),
    ("I don't think you were hurt.", False),
]


@pytest.mark.parametrize(("draft", "passes"), NAMED_FEELING)
def test_named_feeling(draft: str, passes: bool) -> None:
    assert item(practice_feedback(PARTY, draft), "named_feeling").passed is passes


def test_a_thought_gets_its_own_advice_and_a_suggestion_from_the_description() -> None:
    message = item(practice_feedback(PARTY, "You felt that I was wrong."), "named_feeling").message
    assert "thought" in message
    assert "You felt embarrassed." in message


def test_the_named_feeling_is_quoted_back() -> None:
    message = item(practice_feedback(PARTY, "You were so humiliated."), "named_feeling").message
    assert '"humiliated"' in message


VALIDATED = [
    ("That makes sense.", True),
    ("It makes total sense that you left the room.", True),
    ("Of course you felt that way.", True),
    ("I understand why you went to the kitchen.", True),
    ("No wonder you went to the kitchen.", True),
    ("It's understandable.", True),
    ("Anyone would have felt the same.", True),
    ("I don't understand why you're upset.", False),
    ("That doesn't make sense to me.", False),
    ("You felt embarrassed.", False),
    ("I'm sorry I embarrassed you.", False),
]


@pytest.mark.parametrize(("draft", "passes"), VALIDATED)
def test_validated(draft: str, passes: bool) -> None:
    assert item(practice_feedback(PARTY, draft), "validated").passed is passes


OWNED_IMPACT = [
    # this relationship: own the impact
    (PARTY, "I'm sorry I embarrassed you.", True),
    (PARTY, "I hurt you.", True),
    (PARTY, "That's on me.", True),
    (PARTY, "I see how my joke hurt you.", True),
    (PARTY, "I'm sorry I told that story.", True),
    (PARTY, "I shouldn't have done your voice.", True),
    (PARTY, "I wasn't trying to embarrass you, and yet I did. I'm sorry.", True),
    (PARTY, "I'm sorry you went through that.", False),  # empathy is not ownership here
    (PARTY, "I'm sorry if I hurt you.", False),
    (PARTY, "You felt that I was wrong.", False),
    (PARTY, "You felt embarrassed.", False),
    (PARTY, "I'm not sorry I told it.", False),
    # before the relationship: empathy counts, an apology does not fit
    (SCHOOL, "I'm sorry you went through that.", True),
    (SCHOOL, "You didn't deserve that.", True),
    (SCHOOL, "I wish that had never happened to you.", True),
    (SCHOOL, "I'm sorry I did that.", False),
    (SCHOOL, "Kids can be cruel.", False),
]


@pytest.mark.parametrize(("description", "draft", "passes"), OWNED_IMPACT)
def test_owned_impact(description: str, draft: str, passes: bool) -> None:
    assert item(practice_feedback(description, draft), "owned_impact").passed is passes


def test_before_relationship_empathy_counts_as_owning() -> None:
    feedback = practice_feedback(SCHOOL, "I'm sorry you went through that. You didn't deserve it.")
    owned = item(feedback, "owned_impact")
    assert owned.passed
    assert "before you were together" in owned.message


def test_empathy_alone_for_a_hurt_in_this_relationship_asks_for_ownership() -> None:
    owned = item(practice_feedback(PARTY, "I'm sorry you went through that."), "owned_impact")
    assert not owned.passed
    assert "between you two" in owned.message


NO_EXCUSES = [
    ("I'm sorry I embarrassed you.", True),
    ("You felt embarrassed. I'm sorry I told that story.", True),
    ("I'm sorry, but I was exhausted.", False),
    ("I'm sorry if you were upset.", False),
    ("I'm sorry you feel that way.", False),
    ("It was just a joke.", False),
    ("You're being too sensitive.", False),
]


@pytest.mark.parametrize(("draft", "passes"), NO_EXCUSES)
def test_no_excuses_or_blame(draft: str, passes: bool) -> None:
    feedback = practice_feedback(PARTY, draft)
    assert item(feedback, "no_excuses_or_blame").passed is passes
    assert any(f.category != "fixing" for f in feedback.findings) is not passes


def test_an_excusing_apology_fails_with_a_finding_in_the_draft() -> None:
    draft = "I'm sorry, but I was exhausted."
    feedback = practice_feedback(PARTY, draft)
    assert not item(feedback, "no_excuses_or_blame").passed
    assert not feedback.passed
    excuses = [f for f in feedback.findings if f.category == "excuse"]
    assert excuses
    for finding in excuses:
        assert 0 <= finding.span.start < finding.span.end <= len(draft)
        assert draft[finding.span.start : finding.span.end] == finding.span.text
        assert "exhausted" in finding.span.text
        assert finding.reason and finding.hint


NO_FIXING = [
    ("You felt embarrassed.", True),
    ("I kept you waiting in the kitchen for at least an hour.", True),
    ("Next time I'll ask before I tell a story about you.", True),
    ("You shouldn't have had to sit through that.", True),
    ("I understand you need to be heard.", True),
    ("You should just laugh it off.", False),
    ("You need to tell people when it bothers you.", False),
    ("Next time just tell me to stop.", False),
    ("Why don't you talk to Sam about it?", False),
    ("Have you tried laughing along?", False),
    ("Don't worry about it.", False),
    ("I'm not him, so you shouldn't worry.", False),
    ("At least nobody filmed it.", False),
    ("Look on the bright side.", False),
    ("You'll get over it.", False),
    ("If I were you I'd tell the story yourself first.", False),
]


@pytest.mark.parametrize(("draft", "passes"), NO_FIXING)
def test_no_fixing(draft: str, passes: bool) -> None:
    assert item(practice_feedback(PARTY, draft), "no_fixing").passed is passes


@pytest.mark.parametrize(
    ("draft", "flagged"),
    [
        ("You felt embarrassed. You should just laugh it off.", "You should"),
        ("I'm sorry I embarrassed you. Have you tried laughing along?", "Have you tried"),
        ("I'm sorry I embarrassed you. At least nobody filmed it.", "At least"),
        ("I'm sorry I embarrassed you. Don't worry about it.", "Don't worry"),
    ],
)
def test_advice_is_a_finding_with_its_span(draft: str, flagged: str) -> None:
    feedback = practice_feedback(PARTY, draft)
    fixing = [f for f in feedback.findings if f.category == "fixing"]
    assert [f.span.text for f in fixing] == [flagged]
    span = fixing[0].span
    assert draft[span.start : span.end] == flagged
    assert span.start == draft.index(flagged)
    assert fixing[0].reason == (
        "Advice comes too early: your partner needs to feel understood first."
    )
    assert fixing[0].hint
    assert not item(feedback, "no_fixing").passed
    assert not feedback.passed


@pytest.mark.parametrize(
    "draft",
    [
        "I'm sorry I embarrassed you. Calm down.",
        "I'm sorry I embarrassed you, but at least nobody filmed it.",
    ],
)
def test_a_phrase_the_checker_highlights_is_not_highlighted_twice(draft: str) -> None:
    feedback = practice_feedback(PARTY, draft)
    assert not item(feedback, "no_fixing").passed
    assert not item(feedback, "no_excuses_or_blame").passed
    spans = sorted((f.span.start, f.span.end) for f in feedback.findings)
    assert all(a[1] <= b[0] for a, b in itertools.pairwise(spans))


# --- the "no ownership" overlap ------------------------------------------------------------------


def test_no_ownership_is_kept_only_when_owned_impact_failed() -> None:
    feedback = practice_feedback(PARTY, "You felt embarrassed. That makes sense.")
    assert not item(feedback, "owned_impact").passed
    assert [f.category for f in feedback.findings] == ["no_ownership"]
    # It is the same point as owned_impact, not an excuse or blame.
    assert item(feedback, "no_excuses_or_blame").passed


def test_no_ownership_is_dropped_when_owned_impact_passed(monkeypatch: pytest.MonkeyPatch) -> None:
    draft = GOOD_PARTY
    whole = Span(start=0, end=len(draft), text=draft)
    stub = CheckResult(
        verdict=Verdict.REJECT,
        findings=[Finding(category="no_ownership", span=whole, reason="r", hint="h")],
    )
    monkeypatch.setattr(practice, "check_apology", lambda text: stub)
    feedback = practice_feedback(PARTY, draft)
    assert item(feedback, "owned_impact").passed
    assert feedback.findings == []
    assert feedback.passed


# --- whole drafts ------------------------------------------------------------------------------


def test_a_first_draft_then_a_revision_that_passes_everything() -> None:
    first = practice_feedback(
        PARTY, "I'm sorry, but I was exhausted. You should just laugh it off."
    )
    assert not first.passed
    failed = {i.key for i in first.items if not i.passed}
    assert {"restated", "named_feeling", "validated", "no_excuses_or_blame", "no_fixing"} <= failed

    revised = practice_feedback(PARTY, GOOD_PARTY)
    assert [i.key for i in revised.items] == list(ITEM_KEYS)
    assert [i.key for i in revised.items if not i.passed] == []
    assert revised.findings == []
    assert revised.passed
    assert revised.crisis_level == "none"
    assert "ready" in revised.summary


def test_a_good_empathy_draft_for_an_old_hurt_passes_everything() -> None:
    feedback = practice_feedback(SCHOOL, GOOD_SCHOOL)
    assert [i.key for i in feedback.items if not i.passed] == []
    assert feedback.passed


def test_items_carry_their_step_and_a_message() -> None:
    feedback = practice_feedback(PARTY, "You felt embarrassed.")
    assert [(i.key, i.step) for i in feedback.items] == [
        ("restated", 1),
        ("named_feeling", 2),
        ("validated", 2),
        ("owned_impact", 3),
        ("no_excuses_or_blame", 3),
        ("no_fixing", 3),
    ]
    assert all(i.label and i.message for i in feedback.items)


@pytest.mark.parametrize(
    ("description", "draft", "names"),
    [
        (PARTY, "You felt embarrassed.", "say back what happened"),
        (PARTY, "At Sam's party I did your voice in front of everyone.", "name one feeling"),
        (
            SCHOOL,
            GOOD_SCHOOL.replace("I'm sorry you went through that. ", "").replace(
                " You didn't deserve it.", ""
            ),
            "empathy",
        ),
    ],
)
def test_summary_is_one_sentence_naming_the_next_step(
    description: str, draft: str, names: str
) -> None:
    summary = practice_feedback(description, draft).summary
    assert names in summary
    assert summary.endswith(".")
    assert summary.count(". ") == 0


# --- safety and input ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("description", "draft"),
    [
        (PARTY, "I want to kill myself tonight."),
        ("I want to kill myself tonight. You never listen.", "I'm sorry I didn't listen."),
    ],
)
def test_urgent_text_stops_practice(description: str, draft: str) -> None:
    assert CrisisLevel.URGENT in (screen(description).level, screen(draft).level)
    feedback = practice_feedback(description, draft)
    assert feedback.crisis_level == "urgent"
    assert feedback.items == []
    assert feedback.findings == []
    assert not feedback.passed
    assert "help" in feedback.summary


def test_caution_is_passed_on_and_practice_goes_on() -> None:
    description = "Years ago my ex hit me, it is over now. " + SCHOOL
    assert screen(description).level is CrisisLevel.CAUTION
    feedback = practice_feedback(description, GOOD_SCHOOL)
    assert feedback.crisis_level == "caution"
    assert len(feedback.items) == len(ITEM_KEYS)


@pytest.mark.parametrize("draft", ["", "   ", "\n\t"])
def test_an_empty_draft_asks_for_a_response_first(draft: str) -> None:
    with pytest.raises(InputError, match="Write your response first"):
        practice_feedback(PARTY, draft)


def test_an_empty_description_is_an_input_error() -> None:
    with pytest.raises(InputError, match="scenario"):
        practice_feedback("  ", "I'm sorry I embarrassed you.")


def test_spans_index_the_draft_with_typographic_apostrophes() -> None:
    draft = (
        "I’m sorry, but I was exhausted. You should’ve seen the day I had. Don’t worry about it."
    )
    feedback = practice_feedback(PARTY, draft)
    assert feedback.findings
    for finding in feedback.findings:
        assert draft[finding.span.start : finding.span.end] == finding.span.text
