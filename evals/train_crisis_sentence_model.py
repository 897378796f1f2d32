"""Fit the crisis screen's sentence-model heads and choose the threshold by cross-validation.

Run ``python -m evals.train_crisis_sentence_model``. It writes
``guardrails/data/crisis_sentence_head.json`` (see ``guardrails/sentence_model.py``):

* an L2-regularised logistic regression on the sentence embedding, urgent against everything
  else (caution, none, and as extra negatives the reflection descriptions and each of their
  sentences, the labelled apologies, and the posts of half the C-SSRS Supportive users:
  ordinary hurts and replies, and talk about suicide to help someone);
* a multinomial logistic regression over the four danger categories, fit on urgent and caution
  cases (a case with two categories counts once for each); the word classifier's log-odds per
  category are added to its log-probabilities at a weight chosen by the same
  cross-validation (best held-out category accuracy on urgent cases).

* a gate: a logistic regression on the quick vector alone (``guardrails/token_vectors.py``),
  fit like the urgent head. Its threshold is the lowest held-out gate score among the urgent
  cases the urgent head caught in cross-validation, less ``GATE_MARGIN``: below it the
  screen skips the full model. The urgent head reads the embedding and the quick vector side
  by side.

The urgent score (and the gate's) adds the word classifier's strongest log-odds for the text
(``classifier``, naive Bayes over words) at a weight: the embedding reads what a text is about,
the words what it says, and the sum catches more than either at the same false-alarm rate.

The threshold comes from leave-one-author-out cross-validation: each crisis file was written by
a different author, so for each file the heads and a word classifier are fit on the others and
score it. The pooled held-out scores of level-none cases set the threshold at
``FALSE_ALARM_BUDGET`` (the sentence model's own false alarms, before the rules add theirs);
the regularisation strength and word weight are those of ``LAMBDAS`` x ``WORD_WEIGHTS`` with
the best pooled held-out urgent recall at that budget.

``--assess FILE ...`` fits the heads and the word classifier on every other file and prints,
for the named files, what the screen catches without and with the sentence model: the honest
estimate for a new author.
The blind sets (``CRISIS_BLIND_FILES``) are never read here.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from evals.guardrail_sets import (
    APOLOGY_TRAINING_FILES,
    CASES_DIR,
    CRISIS_TRAINING_FILES,
    CrisisCase,
    load_apology_cases,
    load_crisis_cases,
    load_cssrs,
    load_reflection_yaml,
)
from evals.linear_heads import (
    embeddings,
    fit_binary,
    fit_categories,
    held_out_category_log_probabilities,
    held_out_scores,
    quick_embeddings,
    rounded,
    write_head,
)
from guardrails import sentence_model

CRISIS_FILES: tuple[str, ...] = CRISIS_TRAINING_FILES
NEGATIVE_FILES: tuple[str, ...] = ("reflections.yaml", "reflections_train.yaml")
SUPPORT_TALK = "cssrs_reddit_500_users.csv (Supportive users at even positions)"
EVERYDAY_TALK = "sentences of the reflections, and the apology sets"
# The apology sets read as everyday talk: all the apology checker learns from, so adding an
# apology set means refitting these heads (their test says so) and measuring the screen again.
EVERYDAY_APOLOGY_FILES: tuple[str, ...] = APOLOGY_TRAINING_FILES
OUT_PATH = (
    Path(__file__).resolve().parent.parent / "guardrails" / "data" / "crisis_sentence_head.json"
)
FALSE_ALARM_BUDGET = 0.03
LAMBDAS: tuple[float, ...] = (0.1, 0.3, 1.0)
WORD_WEIGHTS: tuple[float, ...] = (0.0, 0.1, 0.2, 0.3, 0.5, 0.75, 1.0)
CATEGORY_LAMBDA = 0.0003
CATEGORY_WORD_WEIGHTS: tuple[float, ...] = (0.0, 0.05, 0.1, 0.2, 0.5, 1.0)
# How far (in log-odds) under the lowest caught case's gate score the gate is set.
GATE_MARGIN = 1.0
DIGITS = 6

Matrix = npt.NDArray[np.float64]


@dataclass(frozen=True)
class Example:
    file: str
    text: str
    urgent: bool
    none: bool  # a level-none crisis case (a possible false alarm)
    categories: tuple[str, ...]  # dangerous categories (urgent or caution)


def load_examples(files: Sequence[str] = CRISIS_FILES) -> list[Example]:
    out: list[Example] = []
    for name in files:
        for case in load_crisis_cases(CASES_DIR / name):
            out.append(_example(name, case))
    for name in NEGATIVE_FILES:
        for reflection in load_reflection_yaml(CASES_DIR / name):
            out.append(Example(name, reflection.text, False, False, ()))
    out.extend(Example(SUPPORT_TALK, post, False, False, ()) for post in support_posts())
    out.extend(Example(EVERYDAY_TALK, text, False, False, ()) for text in everyday_talk())
    return out


def everyday_talk() -> list[str]:
    """Ordinary couple talk, short and long: each sentence of the reflection descriptions, and
    the labelled apologies (what partners write back), as extra negatives. Without them the
    head learned that a short text with no topic ("That makes sense.") looks like the quiet
    urgent one-liners of the crisis sets. Texts in which the rules and the word classifier
    find danger are left out: an apology for a shove is not ordinary talk."""
    from guardrails import crisis
    from guardrails._patterns import split_sentences

    texts: list[str] = []
    for name in NEGATIVE_FILES:
        for reflection in load_reflection_yaml(CASES_DIR / name):
            pieces = [s.text.strip() for s in split_sentences(reflection.text)]
            texts.extend(p for p in pieces if len(p.split()) >= 2)
    for name in EVERYDAY_APOLOGY_FILES:
        texts.extend(case.text for case in load_apology_cases(CASES_DIR / name))
    unique = list(dict.fromkeys(texts))
    return [t for t in unique if not crisis._screen(t, "en-US", read_meaning=False).categories]


def support_posts() -> list[str]:
    """Posts of the C-SSRS Supportive users at even positions in the file: people talking about
    suicide to help others, which is not being at risk. The odd-position users are never fit
    on, so the C-SSRS figures on them stay a held-out measure (``evals.guardrail_sets``)."""
    users = load_cssrs()
    return [post for user in users[::2] if user.label == "Supportive" for post in user.posts]


def _example(name: str, case: CrisisCase) -> Example:
    cats = tuple(c for c in sentence_model.CATEGORIES if c in case.dangerous)
    return Example(name, case.text, case.level == "urgent", case.level == "none", cats)


# ------------------------------------------------------------------------------------ fitting


def fit_category_head(examples: Sequence[Example], x: Matrix, use: npt.NDArray[np.bool_]) -> Matrix:
    """The category head fit on the dangerous cases among ``use`` (one row per category)."""
    rows = [(i, c) for i, e in enumerate(examples) if use[i] for c in e.categories]
    labels = [sentence_model.CATEGORIES.index(c) for _, c in rows]
    return fit_categories(
        x[[i for i, _ in rows]], labels, len(sentence_model.CATEGORIES), CATEGORY_LAMBDA
    )


def held_out_word_scores(
    examples: Sequence[Example], files: npt.NDArray[np.str_], names: Sequence[str]
) -> Matrix:
    """Leave one author out, for the word classifier: the per-category log-odds (rows:
    ``examples``; columns: ``CATEGORIES``) of each file in ``names`` under the same naive Bayes
    as ``evals.train_crisis_classifier``, fit on the other files (other rows get 0). Each
    text's features are counted once; each fold is the whole tally less its file's."""
    from evals.train_crisis_classifier import Tally, counted, train_tally
    from guardrails.classifier import Model

    labels = [frozenset(e.categories) for e in examples]
    labelled = list(zip(counted([e.text for e in examples]), labels, strict=True))
    tallies = {
        name: Tally.of([d for d, f in zip(labelled, files, strict=True) if f == name])
        for name in sorted(set(files))
    }
    everything = Tally.total(list(tallies.values()))
    held = np.zeros((len(examples), len(sentence_model.CATEGORIES)))
    for name in names:
        model = Model.from_data(train_tally(everything, less=tallies[name]))
        for i in np.flatnonzero(files == name):
            found = model.scores(examples[int(i)].text)
            held[i] = [found[c] for c in sentence_model.CATEGORIES]
    return held


def clipped(words: Matrix) -> Matrix:
    return np.clip(words, -sentence_model.WORD_CLIP, sentence_model.WORD_CLIP)


@dataclass(frozen=True)
class CrossValidation:
    lam: float
    word_weight: float
    threshold: float
    recall: float
    false_alarms: float
    category_word_weight: float
    category_accuracy: float
    gate_threshold: float
    gate_passes_none: float  # share of held-out level-none cases the gate lets through


def cross_validate(examples: Sequence[Example], x: Matrix, quick: Matrix) -> CrossValidation:
    """Held-out scores for each crisis file from heads (and a word classifier) fit on the rest;
    the threshold at the false-alarm budget; the settings with the best held-out recall; the
    gate under every held-out urgent case caught. ``x`` holds the embeddings (category head),
    ``quick`` the quick vectors; the urgent head reads both side by side."""
    both = np.hstack([x, quick])
    y = np.array([e.urgent for e in examples], dtype=np.float64)
    crisis = np.array([e.file in CRISIS_FILES for e in examples])
    none = np.array([e.none for e in examples])
    files = np.array([e.file for e in examples])
    names = sorted(set(files[crisis]))
    per_category = held_out_word_scores(examples, files, names)
    category_logits = held_out_category_log_probabilities(
        x,
        [[sentence_model.CATEGORIES.index(c) for c in e.categories] for e in examples],
        files,
        names,
        len(sentence_model.CATEGORIES),
        CATEGORY_LAMBDA,
    )
    words = per_category.max(axis=1)
    urgent_cases = [int(i) for i in np.flatnonzero((y > 0) & crisis)]
    accuracy = {
        weight: float(
            np.mean(
                [
                    sentence_model.CATEGORIES[int(np.argmax(row))] in examples[i].categories
                    for i in urgent_cases
                    for row in [category_logits[i] + weight * clipped(per_category[i])]
                ]
            )
        )
        for weight in CATEGORY_WORD_WEIGHTS
    }
    category_weight = max(CATEGORY_WORD_WEIGHTS, key=lambda w: (accuracy[w], -w))
    best: tuple[float, float, float, float, float, Matrix] | None = None
    for lam in LAMBDAS:
        held = held_out_scores(both, y, files, names, lam)
        for weight in WORD_WEIGHTS:
            total = held + weight * clipped(words)
            threshold = float(np.quantile(total[none], 1 - FALSE_ALARM_BUDGET))
            recall = float((total[(y > 0) & crisis] > threshold).mean())
            fa = float((total[none] > threshold).mean())
            if best is None or recall > best[3]:
                best = (lam, weight, threshold, recall, fa, total)
    assert best is not None
    lam, weight, threshold, recall, fa, total = best
    gate = held_out_scores(quick, y, files, names, lam) + weight * clipped(words)
    caught = (y > 0) & crisis & (total > threshold)
    gate_threshold = float(gate[caught].min()) - GATE_MARGIN
    return CrossValidation(
        lam,
        weight,
        threshold,
        recall,
        fa,
        category_weight,
        accuracy[category_weight],
        gate_threshold,
        float((gate[none] > gate_threshold).mean()),
    )


def build(examples: Sequence[Example]) -> tuple[dict[str, Any], CrossValidation]:
    x = embeddings([e.text for e in examples])
    quick = quick_embeddings([e.text for e in examples])
    cv = cross_validate(examples, x, quick)
    y = np.array([e.urgent for e in examples], dtype=np.float64)
    gate = fit_binary(quick, y, cv.lam)
    urgent = fit_binary(np.hstack([x, quick]), y, cv.lam)
    category = fit_category_head(examples, x, np.ones(len(examples), dtype=bool))
    data = {
        "model": sentence_model.MODEL_ID,
        "about": "Written by python -m evals.train_crisis_sentence_model; see that module.",
        "trained_on": sorted({e.file for e in examples}),
        "cross_validation": {
            "lambda": cv.lam,
            "word_weight": cv.word_weight,
            "false_alarm_budget": FALSE_ALARM_BUDGET,
            "held_out_urgent_recall": round(cv.recall, 4),
            "held_out_false_alarms": round(cv.false_alarms, 4),
            "category_word_weight": cv.category_word_weight,
            "held_out_category_accuracy": round(cv.category_accuracy, 4),
            "gate_margin": GATE_MARGIN,
            "gate_passes_held_out_none": round(cv.gate_passes_none, 4),
        },
        "gate": {
            "weights": _rounded(gate[:-1]),
            "bias": round(float(gate[-1]), DIGITS),
            "threshold": round(cv.gate_threshold, DIGITS),
        },
        "urgent": {
            "weights": _rounded(urgent[:-1]),
            "bias": round(float(urgent[-1]), DIGITS),
            "threshold": round(cv.threshold, DIGITS),
            "word_weight": cv.word_weight,
        },
        "category": {
            "order": list(sentence_model.CATEGORIES),
            "weights": [_rounded(row[:-1]) for row in category],
            "bias": _rounded(category[:, -1]),
            "word_weight": cv.category_word_weight,
        },
    }
    return data, cv


def _rounded(values: Matrix) -> list[float]:
    return rounded(values, DIGITS)


# ------------------------------------------------------------------------------------ assess


def assess(names: Sequence[str]) -> str:
    """Fit on every crisis file but ``names`` and measure the whole screen on ``names``, with
    and without the sentence model (the fold's heads stand in for the shipped ones)."""
    from unittest import mock

    from evals.train_crisis_classifier import Doc, with_thresholds
    from evals.train_crisis_classifier import train as train_words
    from guardrails import classifier, crisis

    train = load_examples(tuple(f for f in CRISIS_FILES if f not in names))
    data, _ = build(train)
    fold = sentence_model.Head.from_data(data)
    shipped = classifier.model()
    words = classifier.Model.from_data(
        with_thresholds(
            train_words([Doc(e.text, frozenset(e.categories)) for e in train]),
            dict(zip(shipped.categories, shipped.thresholds, strict=True)),
        )
    )
    lines = []
    for name in names:
        cases = load_crisis_cases(CASES_DIR / name)
        with (
            mock.patch.object(sentence_model, "head", return_value=fold),
            mock.patch.object(classifier, "model", return_value=words),
        ):
            rules = [crisis._screen(c.text, "en-US", read_meaning=False) for c in cases]
            both = [crisis._screen(c.text, "en-US") for c in cases]
        urgent = [c.level == "urgent" for c in cases]
        none = [c.level == "none" for c in cases]
        lines.append(
            f"{name}: urgent caught {_count(urgent, rules, _urgent)}/{sum(urgent)} by the rules, "
            f"{_count(urgent, both, _urgent)}/{sum(urgent)} with the sentence model; false "
            f"alarms on level-none {_count(none, rules, _alarm)}/{sum(none)} -> "
            f"{_count(none, both, _alarm)}/{sum(none)}"
        )
    return "\n".join(lines)


def _count(mask: Sequence[bool], results: Sequence[Any], test: Any) -> int:
    return sum(m and test(r) for m, r in zip(mask, results, strict=True))


def _urgent(result: Any) -> bool:
    return str(result.level) == "urgent"


def _alarm(result: Any) -> bool:
    return str(result.level) != "none" or any(str(c) != "stuck" for c in result.categories)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--assess", nargs="+", metavar="FILE", help="held-out crisis files")
    parser.add_argument("--check", action="store_true", help="exit 1 if the file is stale")
    parser.add_argument("--budget", type=float, help="false-alarm budget (for experiments)")
    args = parser.parse_args(argv)
    if args.budget is not None:
        global FALSE_ALARM_BUDGET
        FALSE_ALARM_BUDGET = args.budget
    if args.assess:
        print(assess(args.assess))
        return 0
    data, cv = build(load_examples())
    print(
        f"lambda {cv.lam}, word weight {cv.word_weight}; held-out urgent recall {cv.recall:.3f} at "
        f"{cv.false_alarms:.3f} false alarms on level-none cases (sentence model alone); "
        f"category right on {cv.category_accuracy:.3f} of urgent cases; the gate lets "
        f"{cv.gate_passes_none:.3f} of held-out level-none cases through to the full model"
    )
    return write_head(data, OUT_PATH, args.check)


if __name__ == "__main__":
    sys.exit(main())
