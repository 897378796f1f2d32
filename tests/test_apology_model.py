"""The apology checker's learned second opinion (guardrails/apology_model.py) and how the
checker hears it.

The logic tests force the model's verdict with a stand-in, so they test the checker's rules for
hearing it (only when the rules accept and set nothing aside, it only adds a finding, a model
that cannot run leaves the rules' verdict) whatever the trained heads say. How well the heads do
on new authors is measured, not asserted (``python -m evals.train_apology_model --assess FILE``).
"""

from __future__ import annotations

import dataclasses
import json
import logging
from importlib import resources

import numpy as np
import pytest

from evals import train_apology_model as training
from evals.guardrail_sets import APOLOGY_BLIND_FILES, APOLOGY_TRAINING_FILES
from guardrails import apology_model, sentence_model, token_vectors
from guardrails._patterns import load_rules
from guardrails.apology import PATTERN_FILE, check_apology
from guardrails.apology_model import Opinion
from guardrails.findings import Verdict


def _stored() -> dict[str, object]:
    path = resources.files("guardrails") / "data" / apology_model.HEAD_FILE
    data: dict[str, object] = json.loads(path.read_text(encoding="utf-8"))
    return data


def _force(monkeypatch: pytest.MonkeyPatch, category: str = "excuse") -> list[str]:
    """The model turns down every text it is asked about, as a whole, in ``category``; the
    texts it was asked about are returned."""
    asked: list[str] = []

    def doubtful(text: str) -> Opinion:
        asked.append(text)
        return Opinion(5.0, category, 0, len(text))

    monkeypatch.setattr(apology_model, "opinion", doubtful)
    return asked


# ------------------------------------------------------------------------------ the data file


def test_heads_load_for_the_shipped_model() -> None:
    head = apology_model.head()
    assert head.gate_weights.shape == (token_vectors.QUICK_DIMENSION,)
    assert head.reject_weights.shape == (sentence_model.JOINT_DIMENSION,)
    assert head.category_weights.shape == (
        len(apology_model.CATEGORIES),
        sentence_model.JOINT_DIMENSION,
    )
    stored = _stored()
    trained_on = stored["trained_on"]
    assert isinstance(trained_on, list)
    assert set(trained_on) == set(APOLOGY_TRAINING_FILES)
    assert not set(APOLOGY_BLIND_FILES) & set(trained_on)
    cv = stored["cross_validation"]
    assert isinstance(cv, dict)
    assert cv["held_out_false_rejections"] <= training.FALSE_REJECTION_BUDGET + 0.005


def test_heads_are_what_the_training_script_produces() -> None:
    """Re-fit from the committed sets (cross-validation included) and compare, with a tolerance
    for floating point between machines."""
    data, _ = training.build(training.load_examples())
    stored = _stored()
    assert data["trained_on"] == stored["trained_on"]
    assert data["cross_validation"] == stored["cross_validation"]
    for part in ("gate", "reject", "category"):
        fresh, kept = data[part], stored[part]
        assert isinstance(kept, dict)
        np.testing.assert_allclose(fresh["weights"], kept["weights"], atol=1e-4)
        np.testing.assert_allclose(fresh["bias"], kept["bias"], atol=1e-4)
    kept_reject = stored["reject"]
    assert isinstance(kept_reject, dict)
    assert data["reject"]["threshold"] == pytest.approx(kept_reject["threshold"], abs=1e-3)
    kept_gate = stored["gate"]
    assert isinstance(kept_gate, dict)
    assert data["gate"]["threshold"] == pytest.approx(kept_gate["threshold"], abs=1e-3)


def test_a_head_for_another_model_is_refused() -> None:
    data = dict(_stored())
    data["model"] = "some-other-model"
    with pytest.raises(ValueError, match="not"):
        apology_model.Head.from_data(data)


def test_every_category_has_a_plain_message_for_the_learned_finding() -> None:
    messages = load_rules(PATTERN_FILE).messages
    for category in apology_model.CATEGORIES:
        message = messages[f"learned_{category}"]
        assert message["reason"].startswith("Read as a whole") or category == "no_ownership"
        assert message["hint"]


# ------------------------------------------------------------------------------ how it is heard


def test_it_speaks_when_the_rules_accept(monkeypatch: pytest.MonkeyPatch) -> None:
    asked = _force(monkeypatch, "intent_over_impact")
    text = "I'm sorry I was late tonight."
    assert check_apology(text, read_meaning=False).accepted
    result = check_apology(text)
    assert result.verdict is Verdict.REJECT and asked == [text]
    (finding,) = result.findings
    assert finding.category == "intent_over_impact"
    assert finding.span.text == text == text[finding.span.start : finding.span.end]
    message = load_rules(PATTERN_FILE).messages["learned_intent_over_impact"]
    assert (finding.reason, finding.hint) == (message["reason"], message["hint"])


def test_it_is_not_asked_when_the_rules_reject(monkeypatch: pytest.MonkeyPatch) -> None:
    asked = _force(monkeypatch)
    text = "I'm sorry, but I was exhausted."
    assert check_apology(text) == check_apology(text, read_meaning=False)
    assert asked == []


def test_a_phrasing_the_rules_read_as_sincere_keeps_their_verdict(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    asked = _force(monkeypatch)
    # The rules read the intent clause and set it aside: the impact is owned.
    text = "I wasn't trying to embarrass you, and I did. I'm sorry."
    assert check_apology(text).accepted
    assert asked == []


def test_empty_text_is_answered_by_the_rules_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    asked = _force(monkeypatch)
    result = check_apology("   ")
    assert [f.category for f in result.findings] == ["no_ownership"] and asked == []


def test_read_meaning_false_leaves_the_model_out(monkeypatch: pytest.MonkeyPatch) -> None:
    asked = _force(monkeypatch)
    assert check_apology("I'm sorry I forgot our anniversary.", read_meaning=False).accepted
    assert asked == []


def test_a_model_that_cannot_run_leaves_the_rules_verdict(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(text: str) -> Opinion:
        raise RuntimeError("no model file")

    monkeypatch.setattr(apology_model, "opinion", broken)
    text = "I'm sorry I missed your recital, Priya."
    with caplog.at_level(logging.WARNING):
        assert check_apology(text).accepted
    assert "could not run" in caplog.text
    assert "Priya" not in caplog.text  # a person's text never reaches the log


def test_the_finding_points_at_the_worst_sentence(monkeypatch: pytest.MonkeyPatch) -> None:
    """With a stand-in embedding in which only "but" counts, the sentence holding it is the
    span, trimmed of the space before it."""
    dimension = sentence_model.JOINT_DIMENSION
    weights = np.zeros(dimension, dtype=np.float32)
    weights[0] = 1.0
    categories = np.zeros((len(apology_model.CATEGORIES), dimension), dtype=np.float32)
    categories[apology_model.CATEGORIES.index("blame_shift"), 0] = 1.0
    head = apology_model.Head(
        gate_weights=np.zeros(token_vectors.QUICK_DIMENSION, dtype=np.float32),
        gate_bias=0.0,
        gate_threshold=-1.0,  # open: every text reaches the stand-in reading
        reject_weights=weights,
        reject_bias=0.0,
        threshold=0.5,
        category_weights=categories,
        category_bias=np.zeros(len(apology_model.CATEGORIES), dtype=np.float32),
    )

    def embed(text: str) -> np.ndarray:
        vector = np.zeros(dimension, dtype=np.float32)
        vector[0] = 1.0 if "but" in text.lower() else 0.0
        return vector

    monkeypatch.setattr(apology_model, "head", lambda: head)
    monkeypatch.setattr(sentence_model, "joint_embed", embed)
    text = "I'm sorry I shouted. But you started it.\n"
    found = apology_model.opinion(text)
    assert found is not None and found.category == "blame_shift"
    assert text[found.start : found.end] == "But you started it."
    assert apology_model.opinion("I'm sorry I shouted.") is None


def test_under_the_gate_the_model_is_not_run(monkeypatch: pytest.MonkeyPatch) -> None:
    """A text whose quick vector scores at or under the gate is accepted without the full
    reading; one above it is read."""
    shipped = apology_model.head()
    calls: list[str] = []

    def counted(text: str) -> np.ndarray:
        calls.append(text)
        return np.zeros(sentence_model.JOINT_DIMENSION, dtype=np.float32)

    monkeypatch.setattr(sentence_model, "joint_embed", counted)
    closed = dataclasses.replace(shipped, gate_bias=-1e6)
    monkeypatch.setattr(apology_model, "head", lambda: closed)
    assert apology_model.opinion("I'm sorry I forgot our anniversary.") is None
    assert calls == []
    opened = dataclasses.replace(shipped, gate_bias=1e6)
    monkeypatch.setattr(apology_model, "head", lambda: opened)
    apology_model.opinion("I'm sorry I forgot our anniversary.")
    assert calls == ["I'm sorry I forgot our anniversary."]


def test_the_gate_passes_most_faults_and_skips_most_sincere_apologies() -> None:
    """On the training sets' apologies (the gate was fit on them, so this guards the shipped
    file rather than measuring it), the gate lets through nearly every faulty apology and
    holds back at least a third of the sincere ones (what makes the check fast)."""
    examples = training.load_examples()
    chosen = apology_model.head()
    passed = [chosen.passes_gate(sentence_model.quick_embed(e.text)) for e in examples]
    faults = [p for p, e in zip(passed, examples, strict=True) if e.reject]
    sincere = [p for p, e in zip(passed, examples, strict=True) if not e.reject]
    print(f"\ngate passes {sum(faults)}/{len(faults)} faulty,", end=" ")
    print(f"{sum(sincere)}/{len(sincere)} sincere")
    assert sum(faults) / len(faults) >= 0.95
    assert sum(sincere) / len(sincere) <= 2 / 3


def test_the_real_model_reads_the_same_text_the_same_way() -> None:
    text = "I'm sorry you feel that way about what happened at dinner."
    first, second = apology_model.opinion(text), apology_model.opinion(text)
    assert first == second


# ------------------------------------------------------------------------------ honest apologies

# The hard sincere apologies the rule tests keep (intent with owned impact, explanations that
# keep responsibility, partial apologies, empathy). The rules accept every one; the whole
# checker, model included, turned down 10 of 102 when the model was added, 11 once it was
# refit on twelve sets, 9 once it read the quick vector beside the embedding (fourteen
# sets), and 8 once the quick vector held the tokens' maximum too and a gate came before the
# model (session 5). The share is held, not each text: a guard against it getting worse (the issue's
# "over-rejecting honest apologies is a failure too").
MUST_PASS_GUARD = 8 / 102


def test_whole_checker_turns_down_few_hard_sincere_apologies() -> None:
    from tests.test_apology_rules import MUST_PASS

    rejected = [t for t in MUST_PASS if not check_apology(t).accepted]
    print(f"\nturned down {len(rejected)}/{len(MUST_PASS)}:", *rejected, sep="\n  ")
    assert len(rejected) / len(MUST_PASS) <= MUST_PASS_GUARD
