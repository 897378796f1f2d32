"""A second opinion for the crisis screen: one multinomial naive Bayes model per danger category.

The model is data (``data/crisis_classifier.json``, written by
``python -m evals.train_crisis_classifier`` from the labelled crisis sets), read once. It is
consulted by ``guardrails.crisis`` only after the rules found nothing dangerous, and it can only
raise a result to urgent, never lower one (see ``_second_opinion`` there).

Features are lower-cased word unigrams and bigrams, apostrophes removed ("dont" = "don't"), with
a small stop-list dropped before the bigrams are formed. A score is the log-odds of the category
against the rest; words the model never saw count for nothing. Pure Python: each feature maps to
its precomputed log-odds weight per category, so a score is a sum of dictionary look-ups.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from itertools import pairwise
from typing import Any

from guardrails._patterns import normalise

__all__ = [
    "CATEGORIES",
    "STOP_WORDS",
    "Model",
    "danger_scores",
    "features",
    "lowered_tokens",
    "model",
    "tokens",
]

CATEGORIES: tuple[str, ...] = ("self_harm", "abuse", "threat_to_others", "child_safety")
# Function words that carry no danger either way; pronouns and negations are kept on purpose.
STOP_WORDS: frozenset[str] = frozenset(
    "a an the and or but of to in on at for with as is are was were be been it its this that "
    "these those there so than then just very really".split()
)
_WORD = re.compile(r"[a-z0-9]+")


def tokens(text: str) -> list[str]:
    """The words of ``text``: lower-cased, apostrophes removed, stop words dropped."""
    return lowered_tokens(normalise(text).lower())


def lowered_tokens(lowered: str) -> list[str]:
    """:func:`tokens` of a text already normalised and lower-cased."""
    return [word for word in _WORD.findall(lowered.replace("'", "")) if word not in STOP_WORDS]


def features(text: str) -> list[str]:
    """Unigrams then bigrams (of the words left after the stop-list), with repeats."""
    words = tokens(text)
    return words + [f"{a} {b}" for a, b in pairwise(words)]


@dataclass(frozen=True, slots=True)
class Model:
    """Log-odds weights per feature, one column per category in ``categories`` order."""

    categories: tuple[str, ...]
    priors: tuple[float, ...]
    weights: dict[str, tuple[float, ...]]
    thresholds: tuple[float, ...]

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> Model:
        order = tuple(data["category_order"])
        if order != CATEGORIES:
            raise ValueError(f"classifier categories {order} are not {CATEGORIES}")
        per = data["categories"]
        priors = tuple(per[c]["log_prior"][0] - per[c]["log_prior"][1] for c in order)
        thresholds = tuple(float(per[c]["threshold"]) for c in order)
        weights: dict[str, tuple[float, ...]] = {}
        for feature, columns in data["vocabulary"].items():
            if len(columns) != len(order):
                raise ValueError(f"classifier feature {feature!r} has {len(columns)} columns")
            weights[feature] = tuple(pos - neg for pos, neg in columns)
        return cls(order, priors, weights, thresholds)

    def score_words(self, words: Sequence[str]) -> tuple[float, float, float, float]:
        """Log-odds per category of a list of words (from :func:`tokens`)."""
        a, b, c, d = self.priors
        get = self.weights.get
        previous = None
        for word in words:
            weight = get(word)
            if weight is not None:
                a += weight[0]
                b += weight[1]
                c += weight[2]
                d += weight[3]
            if previous is not None:
                weight = get(previous + " " + word)
                if weight is not None:
                    a += weight[0]
                    b += weight[1]
                    c += weight[2]
                    d += weight[3]
            previous = word
        return a, b, c, d

    def score_sentences(
        self, sentences: Sequence[Sequence[str]]
    ) -> list[tuple[float, float, float, float]]:
        """:meth:`score_words` of each sentence's words and then, when there are several, of
        all of them joined (the bigrams across sentence edges included), in one pass."""
        pa, pb, pc, pd = self.priors
        get = self.weights.get
        ta = tb = tc = td = 0.0  # the whole text, without its prior
        out: list[tuple[float, float, float, float]] = []
        # The previous word when it is in the vocabulary: a kept bigram's words are kept
        # unigrams (they are in every document it is in), so no other bigram can be known.
        previous = None
        for words in sentences:
            a = b = c = d = 0.0
            first = True
            for word in words:
                weight = get(word)
                if weight is None:
                    previous = None
                    first = False
                    continue
                a += weight[0]
                b += weight[1]
                c += weight[2]
                d += weight[3]
                if previous is not None:
                    pair = get(previous + " " + word)
                    if pair is not None:
                        if first:  # across the sentence edge: the whole text only
                            ta += pair[0]
                            tb += pair[1]
                            tc += pair[2]
                            td += pair[3]
                        else:
                            a += pair[0]
                            b += pair[1]
                            c += pair[2]
                            d += pair[3]
                previous = word
                first = False
            ta += a
            tb += b
            tc += c
            td += d
            out.append((pa + a, pb + b, pc + c, pd + d))
        if len(out) > 1:
            out.append((pa + ta, pb + tb, pc + tc, pd + td))
        return out

    def scores(self, text: str) -> dict[str, float]:
        return dict(zip(self.categories, self.score_words(tokens(text)), strict=True))


@cache
def model() -> Model:
    """The shipped model, read once. Raises if the file is missing or malformed (the crisis
    screen then fails closed)."""
    path = resources.files("guardrails") / "data" / "crisis_classifier.json"
    return Model.from_data(json.loads(path.read_text(encoding="utf-8")))


def danger_scores(text: str) -> dict[str, float]:
    """Log-odds of each danger category for ``text`` (above a category's threshold: raise)."""
    return model().scores(text)
