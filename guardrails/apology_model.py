"""A second opinion for the apology checker: the sentence model reading an apology as a whole.

The rules (``apology_patterns.yaml``) name the phrasings that weaken an apology; new writers find
new ones ("My heart was in the right place", "to whatever extent it landed badly"). This module
scores the whole apology, read by the same local all-MiniLM-L6-v2 the crisis screen uses
(nothing downloaded or sent): its embedding and its quick vector side by side
(``sentence_model.joint_embed``; the model reads what the apology does, the quick vector which
words it uses, and across authors the two together catch about 0.67 of faulty apologies where
the embedding alone caught 0.51, at the same 3% of sincere ones turned down), with linear
heads fit on the labelled apology sets (``data/apology_sentence_head.json``, written by
``python -m evals.train_apology_model``):

* ``gate``: a first look from the quick vector alone (microseconds). At or under its threshold
  (set under every faulty apology the full reading caught across authors, less a margin) the
  full model is not run: about half of sincere apologies stop here;
* ``reject``: does this apology have a fault? (log-odds, raised above ``threshold``, which
  cross-validation across authors set so that it turns down about 3% of sincere apologies);
* ``category``: which fault is likeliest.

It is heard only when the rules accept and set no phrasing aside as sincere, and it can only
turn an accept into a reject. Its finding points at the sentence it scores worst. On two new
authors' sets it was not fit to, it caught 221 of 270 faulty apologies with the rules where the
rules alone caught 174, and accepted 193 of 230 sincere ones where the rules accepted 201
(``python -m evals.train_apology_model --assess FILE``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import numpy as np
import numpy.typing as npt

from guardrails import sentence_model, token_vectors
from guardrails._patterns import split_sentences, strip_span
from guardrails.apology import ApologyCategory

__all__ = ["CATEGORIES", "Head", "Opinion", "head", "opinion"]

HEAD_FILE = "apology_sentence_head.json"
# The apology checker's fault categories, in the order of the category head's rows.
CATEGORIES: tuple[str, ...] = tuple(category.value for category in ApologyCategory)

Vector = npt.NDArray[np.float32]


@dataclass(frozen=True, slots=True)
class Opinion:
    """The model's reading of an apology it turns down: the fault's log-odds, the likeliest
    category, and the character offsets of the sentence it scores worst."""

    score: float
    category: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Head:
    gate_weights: Vector  # (token_vectors.QUICK_DIMENSION,)
    gate_bias: float
    gate_threshold: float
    reject_weights: Vector
    reject_bias: float
    threshold: float
    category_weights: Vector  # (categories, sentence_model.JOINT_DIMENSION)
    category_bias: Vector

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> Head:
        if data.get("model") != sentence_model.MODEL_ID:
            raise ValueError(
                f"apology head is for {data.get('model')!r}, not {sentence_model.MODEL_ID!r}"
            )
        if tuple(data["category"]["order"]) != CATEGORIES:
            raise ValueError(f"apology head categories are not {CATEGORIES}")
        gate = np.asarray(data["gate"]["weights"], dtype=np.float32)
        reject = np.asarray(data["reject"]["weights"], dtype=np.float32)
        category = np.asarray(data["category"]["weights"], dtype=np.float32)
        dimension = sentence_model.JOINT_DIMENSION
        if (
            gate.shape != (token_vectors.QUICK_DIMENSION,)
            or reject.shape != (dimension,)
            or category.shape != (len(CATEGORIES), dimension)
        ):
            raise ValueError("apology head weights have the wrong shape")
        return cls(
            gate_weights=gate,
            gate_bias=float(data["gate"]["bias"]),
            gate_threshold=float(data["gate"]["threshold"]),
            reject_weights=reject,
            reject_bias=float(data["reject"]["bias"]),
            threshold=float(data["reject"]["threshold"]),
            category_weights=category,
            category_bias=np.asarray(data["category"]["bias"], dtype=np.float32),
        )

    def passes_gate(self, quick: Vector) -> bool:
        """Whether the quick vector alone leaves room for a fault (else the model is skipped)."""
        return float(quick @ self.gate_weights + self.gate_bias) > self.gate_threshold

    def reject_score(self, vector: Vector) -> float:
        return float(vector @ self.reject_weights + self.reject_bias)

    def category_of(self, vector: Vector) -> str:
        logits = self.category_weights @ vector + self.category_bias
        return CATEGORIES[int(np.argmax(logits))]


@cache
def head() -> Head:
    """The shipped heads, read once. Raises if missing or malformed."""
    path = resources.files("guardrails") / "data" / HEAD_FILE
    return Head.from_data(json.loads(path.read_text(encoding="utf-8")))


def opinion(text: str) -> Opinion | None:
    """``None`` when the model finds no fault in ``text``; else what it found and where.
    Raises when the model cannot be loaded (the checker then keeps the rules' verdict)."""
    chosen = head()
    if not chosen.passes_gate(sentence_model.quick_embed(text)):
        return None
    vector = sentence_model.joint_embed(text)
    score = chosen.reject_score(vector)
    if not score > chosen.threshold:
        return None
    sentences = split_sentences(text)
    start, end = strip_span(text, 0, len(text))
    if len(sentences) > 1:
        worst = max(
            sentences, key=lambda s: chosen.reject_score(sentence_model.joint_embed(s.text))
        )
        start, end = strip_span(text, worst.start, worst.end)
    return Opinion(score, chosen.category_of(vector), start, end)
