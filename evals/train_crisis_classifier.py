"""Train the crisis screen's second opinion and choose its thresholds by cross-validation.

Run ``python -m evals.train_crisis_classifier``. It writes
``guardrails/data/crisis_classifier.json`` (see ``guardrails/classifier.py``): one multinomial
naive Bayes model per danger category (one against the rest), trained on the labelled crisis
sets (``CRISIS_TRAINING_FILES``) plus, as extra negatives, the reflection descriptions (ordinary
couple hurts). A case is positive for a category when it is urgent or caution with that category.

Thresholds come from leave-one-author-out cross-validation: each crisis file was written by a
different author, so for each file a model is trained on the others (and the reflections)
and measured on it. The rules were tuned on many of these files, so recall is that of the
classifier alone (as if the rules had found nothing: the honest estimate of what it adds for a
new author), while false alarms are those the classifier adds to the rules'
on level-none cases. The per-category thresholds keep those at or below
``FALSE_ALARM_BUDGET`` on average over the files while maximising the average urgent
recall, never below ``FLOORS`` (see there). The blind sets (``CRISIS_BLIND_FILES``) are
never read here.

Output is deterministic (sorted keys, rounded floats) apart from the ``trained_on`` date.
"""

from __future__ import annotations

import argparse
import datetime
import json
import math
import sys
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from evals.guardrail_sets import (
    CASES_DIR,
    CRISIS_TRAINING_FILES,
    CrisisCase,
    load_crisis_cases,
    load_reflection_yaml,
)
from guardrails import crisis
from guardrails._patterns import normalise
from guardrails.classifier import CATEGORIES, STOP_WORDS, Model, features

CRISIS_FILES: tuple[str, ...] = CRISIS_TRAINING_FILES
NEGATIVE_FILES: tuple[str, ...] = ("reflections.yaml", "reflections_train.yaml")
OUT_PATH = Path(__file__).resolve().parent.parent / "guardrails" / "data" / "crisis_classifier.json"

# A feature must appear in this many training documents to be kept (drops one-off words).
MIN_DOCUMENTS = 2
# Average false-alarm rate on level-none cases (over the held-out files) the classifier may add
# to the rules' own.
FALSE_ALARM_BUDGET = 0.015
# Candidate thresholds (log-odds); ``OFF`` means the category is never raised.
GRID: tuple[float, ...] = tuple(x / 4 for x in range(-8, 121))
OFF = 1000.0
# Lowest threshold allowed per category, set outside the cross-validation (which may then only
# choose higher). Naive Bayes sees words, not who or when, and the cross-validated thresholds
# (self_harm 10.0, abuse 3.5, threat_to_others 8.5, child_safety 2.0 with self_harm floored at
# 10.0) raised hard negatives the rules' own tests keep at none (tests/test_crisis_rules.py
# NO_DANGER, tests/test_crisis_tier3.py NOT_DANGER), e.g. "I don't see myself being around here
# in ten years, I want to move to Spain" (self_harm 13.42), "... she says I'm going to regret
# skipping breakfast" (abuse 7.49), "I know where she works, so I'll drop her lunch off"
# (threat_to_others 7.22), "Our son fell off the bed last night but he's fine" (child_safety
# 3.74). Each floor is the next grid value above the highest such score. self_harm also needs
# 10.0 to add no Supportive user on the C-SSRS Reddit data (gate: 0.20, rules alone 21/108).
# These were chosen by looking at those texts, so they are not unseen measures of the classifier.
# Re-applied when the training grew from 6 to 17 files: "Our son fell off the bed last night but
# he's fine" then scored 8.40 for child_safety, so that floor rose to 8.5; the others were still
# above every such score.
FLOORS: dict[str, float] = {
    "self_harm": 13.5,
    "abuse": 7.5,
    "threat_to_others": 7.25,
    "child_safety": 8.5,
}
DIGITS = 6


@dataclass(frozen=True)
class Doc:
    text: str
    positive: frozenset[str]


# ------------------------------------------------------------------------------------ data


def load_sets() -> tuple[dict[str, list[CrisisCase]], list[str]]:
    """The labelled crisis sets by file name, and the negative-only reflection texts."""
    cases = {name: load_crisis_cases(CASES_DIR / name) for name in CRISIS_FILES}
    negatives = [c.text for name in NEGATIVE_FILES for c in load_reflection_yaml(CASES_DIR / name)]
    return cases, negatives


def documents(cases: Sequence[CrisisCase], negatives: Sequence[str]) -> list[Doc]:
    docs = [Doc(c.text, frozenset(c.dangerous)) for c in cases]
    return docs + [Doc(text, frozenset()) for text in negatives]


# ------------------------------------------------------------------------------------ training


def counted(texts: Sequence[str]) -> list[Counter[str]]:
    """Each text's features, counted: what :func:`train_counted` reads."""
    return [Counter(features(text)) for text in texts]


def train(docs: Sequence[Doc]) -> dict[str, Any]:
    """Multinomial naive Bayes per category, Laplace smoothing over the kept vocabulary."""
    return train_counted(
        list(zip(counted([d.text for d in docs]), [d.positive for d in docs], strict=True))
    )


def train_counted(items: Sequence[tuple[Counter[str], frozenset[str]]]) -> dict[str, Any]:
    """:func:`train` on documents whose features are counted already (with their categories)."""
    return train_tally(Tally.of(items))


@dataclass(frozen=True)
class Tally:
    """What the naive Bayes reads of a set of documents, summed: it adds up over sets, so a
    cross-validation fold is the whole tally less the held-out file's."""

    documents: int
    frequency: Counter[str]  # documents each feature is in
    positives: dict[str, int]  # documents labelled with each category
    positive: dict[str, Counter[str]]  # per category: feature counts in its documents
    negative: dict[str, Counter[str]]  # per category: feature counts in the others

    @classmethod
    def of(cls, items: Sequence[tuple[Counter[str], frozenset[str]]]) -> Tally:
        frequency: Counter[str] = Counter()
        positive: dict[str, Counter[str]] = {c: Counter() for c in CATEGORIES}
        negative: dict[str, Counter[str]] = {c: Counter() for c in CATEGORIES}
        for counts, labels in items:
            frequency.update(counts.keys())
            for category in CATEGORIES:
                (positive if category in labels else negative)[category].update(counts)
        positives = {c: sum(c in labels for _, labels in items) for c in CATEGORIES}
        return cls(len(items), frequency, positives, positive, negative)

    @classmethod
    def total(cls, tallies: Sequence[Tally]) -> Tally:
        frequency: Counter[str] = Counter()
        positive: dict[str, Counter[str]] = {c: Counter() for c in CATEGORIES}
        negative: dict[str, Counter[str]] = {c: Counter() for c in CATEGORIES}
        for t in tallies:
            frequency.update(t.frequency)
            for category in CATEGORIES:
                positive[category].update(t.positive[category])
                negative[category].update(t.negative[category])
        positives = {c: sum(t.positives[c] for t in tallies) for c in CATEGORIES}
        return cls(sum(t.documents for t in tallies), frequency, positives, positive, negative)


def train_tally(tally: Tally, less: Tally | None = None) -> dict[str, Any]:
    """:func:`train` from a tally, less the documents of ``less`` (a part of it) if given."""
    out = less or Tally.of([])
    documents = tally.documents - out.documents
    vocabulary = sorted(
        f for f, n in tally.frequency.items() if n - out.frequency.get(f, 0) >= MIN_DOCUMENTS
    )
    size = len(vocabulary)
    columns: dict[str, list[list[float]]] = {f: [] for f in vocabulary}
    per_category: dict[str, Any] = {}
    for category in CATEGORIES:
        pos = [tally.positive[category][f] - out.positive[category][f] for f in vocabulary]
        neg = [tally.negative[category][f] - out.negative[category][f] for f in vocabulary]
        total_pos, total_neg = sum(pos), sum(neg)
        n_pos = tally.positives[category] - out.positives[category]
        n_neg = documents - n_pos
        for feature, p, n in zip(vocabulary, pos, neg, strict=True):
            columns[feature].append(
                [
                    round(math.log((p + 1) / (total_pos + size)), DIGITS),
                    round(math.log((n + 1) / (total_neg + size)), DIGITS),
                ]
            )
        per_category[category] = {
            "documents": [n_pos, n_neg],
            "log_prior": [
                round(math.log(n_pos / documents), DIGITS),
                round(math.log(n_neg / documents), DIGITS),
            ],
            "threshold": OFF,
        }
    return {
        "category_order": list(CATEGORIES),
        "categories": per_category,
        "vocabulary": columns,
    }


def with_thresholds(data: dict[str, Any], thresholds: dict[str, float]) -> dict[str, Any]:
    categories = {c: {**spec, "threshold": thresholds[c]} for c, spec in data["categories"].items()}
    return {**data, "categories": categories}


# ------------------------------------------------------------------------------------ evaluation


@dataclass(frozen=True)
class Scored:
    """One held-out case: its gold labels, what the rules said, and the classifier's best
    score per category over the units no exclusion of that category covers."""

    file: str
    level: str
    gold: frozenset[str]
    rule_level: str
    rule_danger: frozenset[str]
    best: tuple[float, ...]


@dataclass(frozen=True)
class Prepared:
    case: CrisisCase
    normalised: str
    units: list[tuple[int, int]]
    excluded: list[frozenset[str]]
    rule_level: str
    rule_danger: frozenset[str]


def prepare(case: CrisisCase) -> Prepared:
    found = crisis._find(case.text)
    danger = [f for f in found if f.category is not crisis.CrisisCategory.STUCK]
    rank = {"none": 0, "caution": 1, "urgent": 2}
    level = max((f.level.value for f in danger), key=rank.__getitem__, default="none")
    normalised = normalise(case.text)
    units = crisis._classifier_units(normalised)
    excluded = [
        frozenset(c.value for c in crisis._unit_excluded(normalised, s, e)) for s, e in units
    ]
    return Prepared(
        case, normalised, units, excluded, level, frozenset(f.category.value for f in danger)
    )


def score(prepared: Prepared, model: Model, file: str) -> Scored:
    rows = crisis._unit_scores(model, prepared.normalised, prepared.units) if prepared.units else []
    best = tuple(
        max(
            (row[i] for row, out in zip(rows, prepared.excluded, strict=True) if c not in out),
            default=-math.inf,
        )
        for i, c in enumerate(CATEGORIES)
    )
    case = prepared.case
    return Scored(
        file, case.level, frozenset(case.dangerous), prepared.rule_level, prepared.rule_danger, best
    )


def predict(
    item: Scored, thresholds: Sequence[float], rules: bool = True
) -> tuple[str, frozenset[str]]:
    """The screen's answer (``rules``), or the classifier's alone as if the rules found none."""
    if rules and item.rule_danger:
        return item.rule_level, item.rule_danger
    raised = frozenset(
        c for c, s, t in zip(CATEGORIES, item.best, thresholds, strict=True) if s > t
    )
    return ("urgent" if raised else "none"), raised


@dataclass(frozen=True)
class Figures:
    urgent: int
    caught: int
    negatives: int
    alarms: int
    dangerous: int
    exact: int

    @property
    def recall(self) -> float:
        return self.caught / self.urgent if self.urgent else 1.0

    @property
    def false_alarm(self) -> float:
        return self.alarms / self.negatives if self.negatives else 0.0

    @property
    def category_accuracy(self) -> float:
        return self.exact / self.dangerous if self.dangerous else 1.0


def figures(items: Sequence[Scored], thresholds: Sequence[float], rules: bool = True) -> Figures:
    urgent = caught = negatives = alarms = dangerous = exact = 0
    for item in items:
        level, danger = predict(item, thresholds, rules)
        if item.level == "urgent":
            urgent += 1
            caught += level == "urgent"
        if item.level == "none":
            negatives += 1
            alarms += level != "none" or bool(danger)
        if item.gold:
            dangerous += 1
            exact += danger == item.gold
    return Figures(urgent, caught, negatives, alarms, dangerous, exact)


def per_file(
    items: Sequence[Scored], thresholds: Sequence[float], rules: bool = True
) -> dict[str, Figures]:
    return {
        name: figures([i for i in items if i.file == name], thresholds, rules)
        for name in CRISIS_FILES
    }


def averages(table: dict[str, Figures]) -> tuple[float, float]:
    """Mean urgent recall and mean false-alarm rate over the files."""
    n = len(table)
    return (
        sum(f.recall for f in table.values()) / n,
        sum(f.false_alarm for f in table.values()) / n,
    )


def objective(
    groups: Sequence[Sequence[Scored]], thresholds: Sequence[float]
) -> tuple[float, float]:
    """Mean urgent recall of the classifier alone (the rules were tuned on many of these
    files, so the screen's own recall says little about the classifier), and mean false
    alarms the classifier adds to the rules on level-none cases, over the files (``groups``:
    the held-out items of each file). One pass."""
    recall = alarm = 0.0
    for items in groups:
        urgent = caught = negatives = alarms = 0
        for item in items:
            raised = any(s > t for s, t in zip(item.best, thresholds, strict=True))
            if item.level == "urgent":
                urgent += 1
                caught += raised
            elif item.level == "none":
                negatives += 1
                alarms += not item.rule_danger and raised
        recall += caught / urgent if urgent else 1.0
        alarm += alarms / negatives if negatives else 0.0
    return recall / len(groups), alarm / len(groups)


def choose_thresholds(items: Sequence[Scored]) -> tuple[float, ...]:
    """Coordinate search from "all off": each step takes the one threshold change that most
    raises mean urgent recall while mean false alarms stay within the budget (ties: fewer
    false alarms, then the higher threshold)."""
    groups = [[i for i in items if i.file == name] for name in CRISIS_FILES]
    current = [OFF] * len(CATEGORIES)
    recall, _ = objective(groups, current)
    while True:
        best: tuple[float, float, float] | None = None
        move: tuple[int, float] | None = None
        for index in range(len(CATEGORIES)):
            floor = FLOORS.get(CATEGORIES[index], -math.inf)
            for value in GRID:
                if value == current[index] or value < floor:
                    continue
                trial = list(current)
                trial[index] = value
                r, a = objective(groups, trial)
                if a > FALSE_ALARM_BUDGET + 1e-12 or r <= recall + 1e-12:
                    continue
                key = (r, -a, value)
                if best is None or key > best:
                    best, move = key, (index, value)
        if move is None:
            return tuple(current)
        current[move[0]] = move[1]
        recall, _ = objective(groups, current)


CrossValidation = dict[str, dict[str, Figures]]


def cross_validate(
    cases: dict[str, list[CrisisCase]], negatives: Sequence[str]
) -> tuple[tuple[float, ...], CrossValidation]:
    """Leave-one-author-out: the thresholds, and the held-out figures per file for the
    classifier alone, the screen (rules, then classifier) and the rules alone."""
    prepared = {name: [prepare(c) for c in cases[name]] for name in CRISIS_FILES}
    # Each text's features are counted once; each fold is the whole tally less its file's.
    labelled = {
        name: list(
            zip(
                counted([c.text for c in cases[name]]),
                [frozenset(c.dangerous) for c in cases[name]],
                strict=True,
            )
        )
        for name in CRISIS_FILES
    }
    tallies = {name: Tally.of(labelled[name]) for name in CRISIS_FILES}
    unlabelled = Tally.of([(counts, frozenset[str]()) for counts in counted(negatives)])
    everything = Tally.total([*tallies.values(), unlabelled])
    items: list[Scored] = []
    for held in CRISIS_FILES:
        model = Model.from_data(train_tally(everything, less=tallies[held]))
        items.extend(score(p, model, held) for p in prepared[held])
    thresholds = choose_thresholds(items)
    off = [OFF] * len(CATEGORIES)
    return thresholds, {
        "classifier": per_file(items, thresholds, rules=False),
        "screen": per_file(items, thresholds),
        "rules": per_file(items, off),
    }


# ------------------------------------------------------------------------------------ output


def build(today: str | None = None) -> tuple[dict[str, Any], str]:
    """The model data (what is written) and a Markdown report of the cross-validation."""
    cases, negatives = load_sets()
    thresholds, cv = cross_validate(cases, negatives)
    data = train(documents([c for name in CRISIS_FILES for c in cases[name]], negatives))
    data = with_thresholds(data, dict(zip(CATEGORIES, thresholds, strict=True)))
    data["kind"] = "multinomial naive Bayes, one category against the rest, Laplace smoothing"
    data["features"] = {
        "ngrams": [1, 2],
        "lowercase": True,
        "apostrophes": "removed",
        "min_documents": MIN_DOCUMENTS,
        "stop_words": sorted(STOP_WORDS),
    }
    sizes = {name: len(cases[name]) for name in CRISIS_FILES}
    for name in NEGATIVE_FILES:
        sizes[name] = len(load_reflection_yaml(CASES_DIR / name))
    data["training_sets"] = sizes
    data["false_alarm_budget"] = FALSE_ALARM_BUDGET
    data["threshold_floors"] = dict(sorted(FLOORS.items()))
    data["cross_validation"] = {
        what: {
            name: {
                "urgent_recall": round(f.recall, 4),
                "false_alarm_rate": round(f.false_alarm, 4),
                "category_accuracy": round(f.category_accuracy, 4),
            }
            for name, f in table.items()
        }
        for what, table in cv.items()
    }
    data["trained_on"] = today or datetime.date.today().isoformat()
    return data, report(thresholds, cv)


def report(thresholds: Sequence[float], cv: CrossValidation) -> str:
    lines = [
        "### Crisis classifier: leave-one-author-out (each file held out in turn)",
        "",
        "thresholds (log-odds): "
        + ", ".join(
            f"{c} {'off' if t >= OFF else t}" for c, t in zip(CATEGORIES, thresholds, strict=True)
        ),
        "",
        "classifier = the classifier alone, as if the rules had found nothing; "
        "screen = rules then classifier; rules = rules alone (tuned on these files).",
        "",
        "| held-out file | what | urgent recall | false alarms on none | category accuracy |",
        "|---|---|---|---|---|",
    ]
    for name in CRISIS_FILES:
        for what, table in cv.items():
            f = table[name]
            lines.append(
                f"| {name} | {what} | {f.caught}/{f.urgent} = {f.recall:.3f} "
                f"| {f.alarms}/{f.negatives} = {f.false_alarm:.3f} "
                f"| {f.exact}/{f.dangerous} = {f.category_accuracy:.3f} |"
            )
    for what, table in cv.items():
        recall, alarm = averages(table)
        accuracy = sum(f.category_accuracy for f in table.values()) / len(table)
        lines.append(f"| mean | {what} | {recall:.3f} | {alarm:.3f} | {accuracy:.3f} |")
    return "\n".join(lines) + "\n"


def dumps(data: dict[str, Any]) -> str:
    """Sorted keys; the vocabulary one feature a line, so a re-train diffs readably."""
    parts = []
    for key in sorted(data):
        if key == "vocabulary":
            entries = [f"  {json.dumps(f)}: {json.dumps(data[key][f])}" for f in sorted(data[key])]
            parts.append(f'"{key}": {{\n' + ",\n".join(entries) + "\n }")
        else:
            parts.append(f"{json.dumps(key)}: {json.dumps(data[key], sort_keys=True)}")
    return "{\n " + ",\n ".join(parts) + "\n}\n"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--out", type=Path, default=OUT_PATH)
    args = parser.parse_args(argv)
    data, text = build()
    args.out.write_text(dumps(data), encoding="utf-8")
    sys.stdout.write(text)
    sys.stdout.write(f"wrote {args.out} ({len(data['vocabulary'])} features)\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
