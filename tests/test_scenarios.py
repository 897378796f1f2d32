"""The built-in practice scenarios: well-formed, varied, safe, and read as they are labelled."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from assistant.offline.origin import detect_origin
from assistant.offline.voice import detect_speaker
from assistant.practice import practice_feedback
from assistant.scenarios import Scenario, get_scenario, list_scenarios
from assistant.schemas import Origin, Voice
from guardrails.crisis import CrisisLevel, screen

SCENARIOS = list_scenarios()


def test_there_are_twelve_to_sixteen_with_unique_ids() -> None:
    assert 12 <= len(SCENARIOS) <= 16
    ids = [s.id for s in SCENARIOS]
    assert len(set(ids)) == len(ids)


def test_get_scenario_finds_each_one() -> None:
    for scenario in SCENARIOS:
        assert get_scenario(scenario.id) == scenario


def test_an_unknown_id_is_a_clear_key_error() -> None:
    with pytest.raises(KeyError, match="no-such-scenario") as caught:
        get_scenario("no-such-scenario")
    assert "Known ids" in str(caught.value)
    assert SCENARIOS[0].id in str(caught.value)


def test_scenarios_reject_unknown_fields() -> None:
    fields = SCENARIOS[0].model_dump()
    with pytest.raises(ValidationError):
        Scenario.model_validate({**fields, "speaker": "Alex"})
    with pytest.raises(ValidationError):
        Scenario.model_validate({**fields, "id": "Not An Id"})


def test_both_origins_and_both_voices_are_represented_mostly_this_relationship() -> None:
    origins = [s.origin for s in SCENARIOS]
    assert 3 <= origins.count(Origin.BEFORE_RELATIONSHIP) < origins.count(Origin.THIS_RELATIONSHIP)
    voices = {detect_speaker(s.description).voice for s in SCENARIOS}
    assert voices == {Voice.TO_PARTNER, Voice.ABOUT_PARTNER}


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.id)
def test_no_scenario_contains_crisis_language(scenario: Scenario) -> None:
    for text in (scenario.title, scenario.description, scenario.hint):
        assert screen(text).level is CrisisLevel.NONE


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.id)
def test_the_origin_label_is_what_the_feedback_will_assume(scenario: Scenario) -> None:
    # practice_feedback decides apology vs empathy with detect_origin: they must agree here.
    assert detect_origin(scenario.description) is scenario.origin


# One answer a listener could write to some of the scenarios: each must pass the whole rubric.
MODEL_ANSWERS = {
    "phone-at-dinner": (
        "You booked that table for weeks, and I answered emails through most of dinner. "
        "You felt invisible. That makes sense. I'm sorry I chose my phone over you."
    ),
    "money-secret": (
        "I kept a credit card from you for months, after we agreed to share everything about "
        "money. You were lied to. No wonder you feel stupid for trusting me. "
        "I'm sorry I broke that agreement."
    ),
    "forgotten-anniversary": (
        "I didn't say a word about our anniversary all day, and you had a card in your bag. "
        "You felt forgotten. Of course you did. I'm sorry I forgot it."
    ),
    "late-again": (
        "I said I'd be home by seven for your friend's exhibition, and I came in after nine "
        "without a text. You felt let down, and furious. That makes sense. I let you down."
    ),
    "ex-who-cheated": (
        "Your ex cheated on you for almost a year and your friends knew. You felt humiliated. "
        "It makes sense that my phone brings it back. I'm sorry you went through that."
    ),
    "father-never-proud": (
        "Growing up, your dad found something wrong with every report card and every game. "
        "You felt small and not good enough. No wonder mistakes still sting. "
        "You didn't deserve that."
    ),
}


@pytest.mark.parametrize(("scenario_id", "answer"), MODEL_ANSWERS.items())
def test_a_model_answer_passes_the_rubric(scenario_id: str, answer: str) -> None:
    feedback = practice_feedback(get_scenario(scenario_id).description, answer)
    assert [i.key for i in feedback.items if not i.passed] == []
    assert feedback.findings == []
    assert feedback.passed
