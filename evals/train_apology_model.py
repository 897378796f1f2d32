"""Fit the apology checker's learned second opinion and choose its threshold by cross-validation.

Run ``python -m evals.train_apology_model``. It writes
``guardrails/data/apology_sentence_head.json`` (see ``guardrails/apology_model.py``):

* an L2-regularised logistic regression on the sentence embedding and the quick vector
  (``guardrails/token_vectors.py``) of each labelled apology, side by side,
  reject (any fault) against accept (sincere);
* a multinomial logistic regression over the eleven fault categories, fit on the rejected
  apologies (an apology with two faults counts once for each);
* a gate: a logistic regression on the quick vector alone, fit like the reject head. Its
  threshold is the lowest held-out gate score among the faulty apologies the reject head
  caught in cross-validation, less ``GATE_MARGIN``: below it the checker does not run the
  full model (most sincere apologies), as the crisis screen does.

The threshold comes from leave-one-author-out cross-validation: each apology file was written
by a different author, so for each file the heads are fit on the others and score it. The
pooled held-out scores of sincere apologies set the threshold at ``FALSE_REJECTION_BUDGET``
(the share of sincere apologies the model alone would turn down); the regularisation strength
is the one of ``LAMBDAS`` with the best pooled held-out reject recall at that budget.

``--assess FILE ...`` fits on every other file and prints, for the named files, what the
checker decides without and with the model: the honest estimate for a new author.
The blind sets (``APOLOGY_BLIND_FILES``) are never read here.
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

from evals.guardrail_sets import APOLOGY_TRAINING_FILES, CASES_DIR, load_apology_cases
from evals.linear_heads import (
    Matrix,
    embeddings,
    fit_binary,
    fit_categories,
    held_out_category_log_probabilities,
    held_out_scores,
    quick_embeddings,
    rounded,
    write_head,
)
from guardrails import apology_model, sentence_model

OUT_PATH = Path(__file__).resolve().parent.parent / "guardrails" / "data" / apology_model.HEAD_FILE
FALSE_REJECTION_BUDGET = 0.03
LAMBDAS: tuple[float, ...] = (0.1, 0.3, 1.0)
CATEGORY_LAMBDA = 0.0003
# How far (in log-odds) under the lowest caught fault's gate score the gate is set.
GATE_MARGIN = 1.0
DIGITS = 6


@dataclass(frozen=True)
class Example:
    file: str
    text: str
    reject: bool
    categories: tuple[str, ...]


def load_examples(files: Sequence[str] = APOLOGY_TRAINING_FILES) -> list[Example]:
    return [
        Example(name, case.text, case.label == "reject", tuple(case.categories))
        for name in files
        for case in load_apology_cases(CASES_DIR / name)
    ]


def fit_category_head(examples: Sequence[Example], x: Matrix, use: npt.NDArray[np.bool_]) -> Matrix:
    rows = [(i, c) for i, e in enumerate(examples) if use[i] for c in e.categories]
    labels = [apology_model.CATEGORIES.index(c) for _, c in rows]
    return fit_categories(
        x[[i for i, _ in rows]], labels, len(apology_model.CATEGORIES), CATEGORY_LAMBDA
    )


@dataclass(frozen=True)
class CrossValidation:
    lam: float
    threshold: float
    recall: float
    false_rejections: float
    category_accuracy: float
    gate_threshold: float
    gate_passes_sincere: float  # share of held-out sincere apologies the gate lets through


def cross_validate(examples: Sequence[Example], x: Matrix, quick: Matrix) -> CrossValidation:
    """Held-out scores for each file from heads fit on the others; the threshold at the budget;
    the regularisation with the best held-out reject recall; the gate (on ``quick``, the quick
    vectors) under every held-out fault caught. ``x`` holds what the heads read."""
    y = np.array([e.reject for e in examples], dtype=np.float64)
    files = np.array([e.file for e in examples])
    names = sorted(set(files))
    category_logits = held_out_category_log_probabilities(
        x,
        [[apology_model.CATEGORIES.index(c) for c in e.categories] for e in examples],
        files,
        names,
        len(apology_model.CATEGORIES),
        CATEGORY_LAMBDA,
    )
    rejected = [int(i) for i in np.flatnonzero(y > 0)]
    category_accuracy = float(
        np.mean(
            [
                apology_model.CATEGORIES[int(np.argmax(category_logits[i]))]
                in examples[i].categories
                for i in rejected
            ]
        )
    )
    best: tuple[float, float, float, float, Matrix] | None = None
    for lam in LAMBDAS:
        held = held_out_scores(x, y, files, names, lam)
        threshold = float(np.quantile(held[y == 0], 1 - FALSE_REJECTION_BUDGET))
        recall = float((held[y > 0] > threshold).mean())
        false_rejections = float((held[y == 0] > threshold).mean())
        if best is None or recall > best[2]:
            best = (lam, threshold, recall, false_rejections, held)
    assert best is not None
    lam, threshold, recall, false_rejections, held = best
    gate = held_out_scores(quick, y, files, names, lam)
    gate_threshold = float(gate[(y > 0) & (held > threshold)].min()) - GATE_MARGIN
    return CrossValidation(
        lam,
        threshold,
        recall,
        false_rejections,
        category_accuracy,
        gate_threshold,
        float((gate[y == 0] > gate_threshold).mean()),
    )


def build(examples: Sequence[Example]) -> tuple[dict[str, Any], CrossValidation]:
    texts = [e.text for e in examples]
    quick = quick_embeddings(texts)
    x = np.hstack([embeddings(texts), quick])
    cv = cross_validate(examples, x, quick)
    y = np.array([e.reject for e in examples], dtype=np.float64)
    reject = fit_binary(x, y, cv.lam)
    gate = fit_binary(quick, y, cv.lam)
    category = fit_category_head(examples, x, np.ones(len(examples), dtype=bool))
    data = {
        "model": sentence_model.MODEL_ID,
        "about": "Written by python -m evals.train_apology_model; see that module.",
        "trained_on": sorted({e.file for e in examples}),
        "cross_validation": {
            "lambda": cv.lam,
            "false_rejection_budget": FALSE_REJECTION_BUDGET,
            "held_out_reject_recall": round(cv.recall, 4),
            "held_out_false_rejections": round(cv.false_rejections, 4),
            "held_out_category_accuracy": round(cv.category_accuracy, 4),
            "gate_margin": GATE_MARGIN,
            "gate_passes_held_out_sincere": round(cv.gate_passes_sincere, 4),
        },
        "gate": {
            "weights": rounded(gate[:-1], DIGITS),
            "bias": round(float(gate[-1]), DIGITS),
            "threshold": round(cv.gate_threshold, DIGITS),
        },
        "reject": {
            "weights": rounded(reject[:-1], DIGITS),
            "bias": round(float(reject[-1]), DIGITS),
            "threshold": round(cv.threshold, DIGITS),
        },
        "category": {
            "order": list(apology_model.CATEGORIES),
            "weights": [rounded(row[:-1], DIGITS) for row in category],
            "bias": rounded(category[:, -1], DIGITS),
        },
    }
    return data, cv


def assess(names: Sequence[str]) -> str:
    """Fit on every training file but ``names`` and measure the checker on ``names``, without
    and with the model (the fold's heads stand in for the shipped ones)."""
    from unittest import mock

    from guardrails.apology import check_apology

    data, _ = build(load_examples(tuple(f for f in APOLOGY_TRAINING_FILES if f not in names)))
    fold = apology_model.Head.from_data(data)
    lines = []
    for name in names:
        cases = load_apology_cases(CASES_DIR / name)
        gold = [c.label == "reject" for c in cases]
        rules = [not check_apology(c.text, read_meaning=False).accepted for c in cases]
        with mock.patch.object(apology_model, "head", return_value=fold):
            both = [not check_apology(c.text).accepted for c in cases]
        lines.append(
            f"{name}: rules {_figures(gold, rules)}; with the model {_figures(gold, both)}"
        )
    return "\n".join(lines)


def _figures(gold: Sequence[bool], rejected: Sequence[bool]) -> str:
    pairs = list(zip(gold, rejected, strict=True))
    right = sum(g == r for g, r in pairs)
    sincere = [not r for g, r in pairs if not g]
    faults = [r for g, r in pairs if g]
    return (
        f"accuracy {right}/{len(pairs)}, sincere accepted {sum(sincere)}/{len(sincere)}, "
        f"faults rejected {sum(faults)}/{len(faults)}"
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--assess", nargs="+", metavar="FILE", help="held-out apology files")
    parser.add_argument("--check", action="store_true", help="exit 1 if the file is stale")
    parser.add_argument("--budget", type=float, help="false-rejection budget (for experiments)")
    args = parser.parse_args(argv)
    if args.budget is not None:
        global FALSE_REJECTION_BUDGET
        FALSE_REJECTION_BUDGET = args.budget
    if args.assess:
        print(assess(args.assess))
        return 0
    data, cv = build(load_examples())
    print(
        f"lambda {cv.lam}; held-out reject recall {cv.recall:.3f} at {cv.false_rejections:.3f} "
        f"sincere apologies turned down (the model alone); category right on "
        f"{cv.category_accuracy:.3f} of rejected apologies; the gate lets "
        f"{cv.gate_passes_sincere:.3f} of held-out sincere apologies through to the model"
    )
    return write_head(data, OUT_PATH, args.check)


if __name__ == "__main__":
    sys.exit(main())
