"""The steps after the layers that only add categories: the word classifier's other categories
beside what the rules found, children in the abuse, someone's threat to harm themselves, and a
child's own self-harm.
They name more of what a text holds; none of them changes a text's level."""

from __future__ import annotations

import pytest

from evals.guardrail_sets import CASES_DIR, CRISIS_TRAINING_FILES, load_crisis_cases
from guardrails import crisis
from guardrails.crisis import CrisisCategory, CrisisLevel, screen

ABUSE = CrisisCategory.ABUSE
SELF_HARM = CrisisCategory.SELF_HARM
_STEPS = ("_more_categories", "_children_in_it", "_their_own_harm", "_minor_at_risk")


def _without_steps(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in _STEPS:
        monkeypatch.setattr(crisis, name, lambda found, lazy_view: [])


def test_the_steps_add_categories_and_never_change_a_level(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The four newest training sets: 800 texts by four authors, many with more than one danger.
    cases = [c for name in CRISIS_TRAINING_FILES[-4:] for c in load_crisis_cases(CASES_DIR / name)]
    with_steps = [screen(case.text) for case in cases]
    _without_steps(monkeypatch)
    without = [screen(case.text) for case in cases]
    assert [r.level for r in with_steps] == [r.level for r in without]
    assert all(
        set(b.categories) <= set(a.categories) for a, b in zip(with_steps, without, strict=True)
    )
    added = sum(
        len(a.categories) - len(b.categories) for a, b in zip(with_steps, without, strict=True)
    )
    print(f"categories added on {len(cases)} texts: {added}")
    assert added > 0


# Abuse in one sentence, the writer's own wish not to be alive in another: the rules name the
# abuse, and the word classifier, asked only about the categories the rules did not name, reads
# the wish in its own sentence.
MIXED = [
    "He shoves me into the wall when he has been drinking. Some nights I think everyone would "
    "be better off if I just did not wake up.",
]


@pytest.mark.parametrize("text", MIXED)
def test_the_word_classifier_names_what_the_rules_did_not(text: str) -> None:
    found = crisis._find(text)
    assert {f.category for f in found} == {ABUSE}
    added = crisis._more_categories(found, crisis._LazyView(text))
    assert SELF_HARM in {f.category for f in added}
    assert all(f.level is CrisisLevel.URGENT for f in added)
    result = screen(text)
    assert result.level is CrisisLevel.URGENT
    assert {ABUSE, SELF_HARM} <= set(result.categories)


def test_an_added_category_is_never_above_the_rules_level() -> None:
    text = "My first husband hit me for years, until 2009. Now I just want to die."
    found = crisis._find(text)
    view = crisis._LazyView(text)
    found = crisis._told_as_over_after(found, view)
    top = max((f.level for f in found), key=crisis._RANK.__getitem__, default=None)
    for f in crisis._more_categories(found, view):
        assert top is not None and crisis._RANK[f.level] <= crisis._RANK[top]


THEIR_OWN_HARM = [
    "He told me that if I go to my sister's for Christmas he'll kill himself and I'll have to "
    "live with it.",
    "She keeps my car keys and says she will take all her tablets if I leave.",
    "Whenever I mention moving out he holds a razor to his own wrist and says it's on me.",
    "When I say I'm leaving he grabs my wrists and says he'll do himself in.",
]

NOT_THEIR_OWN_HARM = [
    "He hit me last night. He told me later he hates himself for it.",
    "She checks my phone every night and tells herself it's because she loves me.",
]


@pytest.mark.parametrize("text", THEIR_OWN_HARM)
def test_a_threat_to_harm_themselves_adds_self_harm(text: str) -> None:
    found = crisis._find(text) + crisis._second_opinion(crisis._find(text), crisis._LazyView(text))
    assert ABUSE in {f.category for f in found}
    if SELF_HARM not in {f.category for f in found}:
        added = crisis._their_own_harm(found, crisis._LazyView(text))
        assert [f.category for f in added] == [SELF_HARM]
    assert SELF_HARM in screen(text).categories


@pytest.mark.parametrize("text", NOT_THEIR_OWN_HARM)
def test_harm_to_oneself_in_other_words_adds_nothing(text: str) -> None:
    found = crisis._find(text)
    assert ABUSE in {f.category for f in found}
    assert crisis._their_own_harm(found, crisis._LazyView(text)) == []
