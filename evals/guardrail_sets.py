"""Labelled development sets for the guardrails, and the code that scores the guardrails on them.

The sets in ``evals/cases/`` were written blind: by someone who had not read the guardrail rules.
They are development sets (the rules may be tuned against them), not an unseen test.

Sets and schemas (every file is validated with pydantic; a malformed case fails loudly):

- ``cases/crisis_dev.jsonl``     :class:`CrisisCase`     gold level + categories (crisis screen)
- ``cases/apology_dev.jsonl``    :class:`ApologyCase`    accept/reject + expected fault categories
- ``cases/agreement_dev.jsonl``  :class:`AgreementCase`  accept/reject + overpromising/vague
- ``cases/reflections.yaml``     :class:`ReflectionCase` a partner's hurt + feelings/keep_words
- ``cases/method_examples.yaml`` :class:`ReflectionCase` the method article's own examples
- ``data/cssrs_reddit/``         Gaur et al. 2019, user-level C-SSRS labels (CC BY 4.0)
- ``data/goemotions/``           GoEmotions stratified test sample (Apache-2.0)

The guardrails are imported lazily (``guardrails.crisis``, ``guardrails.apology``,
``guardrails.agreement``), so the sets load and validate without them. Scoring functions take a
plain predictor callable, so they can be tested with fakes.

Run ``python -m evals.guardrail_sets`` for every table as Markdown.
"""

from __future__ import annotations

import argparse
import csv
import importlib
import json
import re
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, Literal, TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

HERE = Path(__file__).resolve().parent
CASES_DIR = HERE / "cases"
DATA_DIR = HERE / "data"
THRESHOLDS_PATH = HERE / "thresholds.yaml"

CRISIS_PATH = CASES_DIR / "crisis_dev.jsonl"
APOLOGY_PATH = CASES_DIR / "apology_dev.jsonl"
AGREEMENT_PATH = CASES_DIR / "agreement_dev.jsonl"
REFLECTIONS_PATH = CASES_DIR / "reflections.yaml"
METHOD_EXAMPLES_PATH = CASES_DIR / "method_examples.yaml"
CSSRS_PATH = DATA_DIR / "cssrs_reddit" / "cssrs_reddit_500_users.csv"
# The labelled crisis sets the word classifier and the sentence model learn from, one file per
# author (cross-validation leaves one out at a time). The blind sets are never read by training.
# Holdouts 4 and 5 were measured once each (evals/report/crisis_holdout*.md) and then joined the
# training files; 6 to 13, measured once each in sessions 3 to 6, joined them in session 7, once
# 14 and 15 were written (evals/README.md); 14 and 15, measured once each in session 7, joined
# them in session 8, once 17 and 18 were written; 16 to 18, measured once each in session 8,
# joined them once 19 and 20 were written; 19 to 22, measured once each in session 8, joined
# them in session 9, once 23 to 27 were written; 23 to 27, measured once each in session 9, joined
# them in session 10, once 28 to 31 were written; 28 to 31, measured once each in session 10,
# joined them in session 10, once 32 and 33 were written; 32 to 35 (32 and 33 measured in session
# 10, 34 and 35 in session 11) joined them in session 11, once 36 and 37 were written; 36 to 39
# (36 and 37 measured in session 11, 38 and 39 in session 12) joined them in session 12, once 40
# and 41 were written; 40 to 47 (measured once each in sessions 12 to 14) joined them in
# session 14, once 48 to 51 were written; 48 to 59 joined them in sessions 15 to 17, once the next
# four were written. crisis_train20 and 22 to 43 were each measured once
# with the screen before anything was fit to them (evals/report/crisis_train*.md).
CRISIS_TRAINING_FILES: tuple[str, ...] = (
    "crisis_dev.jsonl",
    "crisis_train.jsonl",
    "crisis_train2.jsonl",
    "crisis_train3.jsonl",
    "crisis_train4.jsonl",
    "crisis_train5.jsonl",
    "crisis_train6.jsonl",
    "crisis_train7.jsonl",
    "crisis_train8.jsonl",
    "crisis_train9.jsonl",
    "crisis_train10.jsonl",
    "crisis_train11.jsonl",
    "crisis_train12.jsonl",
    "crisis_train13.jsonl",
    "crisis_train14.jsonl",
    "crisis_train15.jsonl",
    "crisis_train16.jsonl",
    "crisis_train17.jsonl",
    "crisis_train18.jsonl",
    "crisis_train19.jsonl",
    "crisis_holdout.jsonl",
    "crisis_holdout2.jsonl",
    "crisis_holdout3.jsonl",
    "crisis_holdout4.jsonl",
    "crisis_holdout5.jsonl",
    "crisis_train20.jsonl",
    "crisis_train22.jsonl",
    "crisis_train23.jsonl",
    "crisis_train24.jsonl",
    "crisis_holdout6.jsonl",
    "crisis_holdout7.jsonl",
    "crisis_holdout8.jsonl",
    "crisis_holdout9.jsonl",
    "crisis_holdout10.jsonl",
    "crisis_holdout11.jsonl",
    "crisis_holdout12.jsonl",
    "crisis_holdout13.jsonl",
    "crisis_train25.jsonl",
    "crisis_train26.jsonl",
    "crisis_holdout14.jsonl",
    "crisis_holdout15.jsonl",
    "crisis_train27.jsonl",
    "crisis_train28.jsonl",
    "crisis_holdout16.jsonl",
    "crisis_holdout17.jsonl",
    "crisis_holdout18.jsonl",
    "crisis_train29.jsonl",
    "crisis_train30.jsonl",
    "crisis_train31.jsonl",
    "crisis_train32.jsonl",
    "crisis_train33.jsonl",
    "crisis_holdout19.jsonl",
    "crisis_holdout20.jsonl",
    "crisis_holdout21.jsonl",
    "crisis_holdout22.jsonl",
    "crisis_holdout23.jsonl",
    "crisis_holdout24.jsonl",
    "crisis_holdout25.jsonl",
    "crisis_holdout26.jsonl",
    "crisis_holdout27.jsonl",
    "crisis_holdout28.jsonl",
    "crisis_holdout29.jsonl",
    "crisis_holdout30.jsonl",
    "crisis_holdout31.jsonl",
    "crisis_train34.jsonl",
    "crisis_train35.jsonl",
    "crisis_train36.jsonl",
    "crisis_train37.jsonl",
    "crisis_holdout32.jsonl",
    "crisis_holdout33.jsonl",
    "crisis_holdout34.jsonl",
    "crisis_holdout35.jsonl",
    "crisis_train38.jsonl",
    "crisis_train39.jsonl",
    "crisis_train40.jsonl",
    "crisis_train41.jsonl",
    "crisis_holdout36.jsonl",
    "crisis_holdout37.jsonl",
    "crisis_holdout38.jsonl",
    "crisis_holdout39.jsonl",
    "crisis_train42.jsonl",
    "crisis_train43.jsonl",
    "crisis_holdout40.jsonl",
    "crisis_holdout41.jsonl",
    "crisis_holdout42.jsonl",
    "crisis_holdout43.jsonl",
    "crisis_holdout44.jsonl",
    "crisis_holdout45.jsonl",
    "crisis_holdout46.jsonl",
    "crisis_holdout47.jsonl",
    "crisis_holdout48.jsonl",
    "crisis_holdout49.jsonl",
    "crisis_holdout50.jsonl",
    "crisis_holdout51.jsonl",
    "crisis_holdout52.jsonl",
    "crisis_holdout53.jsonl",
    "crisis_holdout54.jsonl",
    "crisis_holdout55.jsonl",
    "crisis_holdout56.jsonl",
    "crisis_holdout57.jsonl",
    "crisis_holdout58.jsonl",
    "crisis_holdout59.jsonl",
    "crisis_holdout60.jsonl",
    "crisis_holdout61.jsonl",
    "crisis_holdout62.jsonl",
    "crisis_holdout63.jsonl",
    "crisis_holdout64.jsonl",
    "crisis_holdout65.jsonl",
    "crisis_holdout66.jsonl",
    "crisis_holdout67.jsonl",
    "crisis_holdout68.jsonl",
    "crisis_holdout69.jsonl",
    "crisis_holdout70.jsonl",
    "crisis_holdout71.jsonl",
    "crisis_holdout72.jsonl",
    "crisis_holdout73.jsonl",
    "crisis_holdout74.jsonl",
    "crisis_holdout75.jsonl",
    "crisis_holdout76.jsonl",
    "crisis_holdout77.jsonl",
    "crisis_holdout78.jsonl",
    "crisis_holdout79.jsonl",
    "crisis_holdout80.jsonl",
    "crisis_holdout81.jsonl",
    "crisis_holdout82.jsonl",
    "crisis_holdout83.jsonl",
    "crisis_holdout84.jsonl",
    "crisis_holdout85.jsonl",
    "crisis_holdout86.jsonl",
    "crisis_holdout87.jsonl",
    "crisis_holdout88.jsonl",
    "crisis_holdout89.jsonl",
    "crisis_holdout90.jsonl",
    "crisis_holdout91.jsonl",
    "crisis_holdout92.jsonl",
    "crisis_holdout93.jsonl",
    "crisis_holdout94.jsonl",
    "crisis_holdout95.jsonl",
)
# Written in session 5 by a new author (harmless texts that sound dangerous, each beside a
# dangerous twin) and measured once before anything was fit to it, but not trained on: fitting
# the word classifier and the sentence model on it lowered the share of C-SSRS users at risk the
# screen flags (session 6, with crisis_train20 to 23: 0.679 without it, 0.662 with it).
CRISIS_MEASURED_FILES: tuple[str, ...] = ("crisis_train21.jsonl",)
# 36 and 37 (measured once each in session 11 with the round-G screen) and 38 and 39 (session 12,
# the same screen) joined the training sets in session 12. 40 and 41 (measured once each in
# session 12 with the round-H screen), 42 to 45 (measured once each in session 13) and 46 and 47
# (measured once each at the start of session 14) joined them in session 14. 48 to 51 (measured
# once each in session 14) joined them in session 15. 52 to 55, written at the start of session
# 15 by four more new authors and measured once each in session 15, joined them in session 16;
# 56 to 59, written at the end of session 15 by four more and measured once each in session 16,
# joined them in session 17; 60 to 63, written in session 16 by four more (rural America; South
# Asian, Middle Eastern and North African diaspora families; perinatal care; recovery
# communities) and measured once each in session 17, joined them in session 18; 64 to 67,
# written at the start of session 17 by four more (older couples; shift and gig workers;
# neurodivergent couples and families; gambling and debt) and measured once each in session
# 18, joined them in session 19; 68 to 71, written in session 18 by four more (Latino and
# Hispanic families in the US; blended and step-families; East and Southeast Asian diaspora
# families; affluent professionals) and measured once each in session 19, joined them in
# session 20; 72 to 75, written at the start of session 19 by four more (fly-in fly-out and
# remote workers; West African and Caribbean diaspora families in the UK; LGBTQ+ couples;
# families with a partner in prison or recently released) and measured once each in session 20,
# joined them in session 21; 76 to 79, written at the start of session 20 by four more (Gen Z
# couples writing in internet slang; Eastern European migrant families in the UK and Ireland;
# couples where one partner cares for the other; hospitality workers) and measured once each in
# session 21, joined them in session 22. 80 to 83, written at the start of session 21 by four
# more (separated parents co-parenting; Maori and Pacific Islander families in New Zealand and
# Australia; long-distance and online relationships; couples under money pressure), were
# measured once in session 22 and joined them in session 23. 84 to 87, written in session 22 by
# four more (military and veteran families; religious communities; farming and fishing families
# in Ireland, Scotland, Wales and Atlantic Canada; people writing in English as a second
# language), were measured once in session 23 and joined them in the same session's second
# refit; 88 to 91, written in session 23 by four more (parents of teenagers and of adult
# children at home; First Nations, Inuit, Metis and Native American families; university
# students and young couples in shared housing; people typing hurriedly on a phone), were
# measured once in session 23 and joined them in session 24. 92 to 95, written at the start of
# session 24 by four more (messages written to the partner as "you"; emergency, hospital,
# prison, shelter and funeral workers; pregnancy, fertility, loss and the first years with a
# baby; hospitality, nightlife, music, comedy and the arts, in dark humour), were measured once
# after that session's refit and joined them in session 25. 96 to 99, written at the end of
# session 24 by four more (Southern and East African couples; sport and outdoor life; the
# "sandwich generation" in their fifties and sixties; British cities in regional dialect), were
# measured once after session 25's refit. 100 to 103, written in session 25 by four more
# (couples living with chronic illness, pain or disability; tech and remote workers writing in
# terse chat style; married couples in South Asia writing in South Asian English; grandparents
# and relatives raising children not their own) are unopened.
CRISIS_BLIND_FILES: tuple[str, ...] = (
    "crisis_holdout96.jsonl",
    "crisis_holdout97.jsonl",
    "crisis_holdout98.jsonl",
    "crisis_holdout99.jsonl",
    "crisis_holdout100.jsonl",
    "crisis_holdout101.jsonl",
    "crisis_holdout102.jsonl",
    "crisis_holdout103.jsonl",
)
# The labelled apology sets the apology checker's learned second opinion is fit on, one file per
# author; apology holdouts 3 and 4 were measured once each (evals/report/apology_holdout*.md)
# before they joined them, and holdouts 5 to 9 (measured once each in sessions 4 to 6) joined
# them in session 7, once 10 and 11 were written. apology_train10 was measured once before.
APOLOGY_TRAINING_FILES: tuple[str, ...] = (
    "apology_dev.jsonl",
    "apology_train.jsonl",
    "apology_train2.jsonl",
    "apology_train3.jsonl",
    "apology_train4.jsonl",
    "apology_train5.jsonl",
    "apology_train6.jsonl",
    "apology_train7.jsonl",
    "apology_train8.jsonl",
    "apology_train9.jsonl",
    "apology_holdout.jsonl",
    "apology_holdout2.jsonl",
    "apology_holdout3.jsonl",
    "apology_holdout4.jsonl",
    "apology_train10.jsonl",
    "apology_holdout5.jsonl",
    "apology_holdout6.jsonl",
    "apology_holdout7.jsonl",
    "apology_holdout8.jsonl",
    "apology_holdout9.jsonl",
)
APOLOGY_BLIND_FILES: tuple[str, ...] = (
    "apology_holdout10.jsonl",
    "apology_holdout11.jsonl",
    "apology_holdout12.jsonl",
)
GOEMOTIONS_PATH = DATA_DIR / "goemotions" / "goemotions_test_stratified_2000.csv"
GOEMOTIONS_LABELS_PATH = DATA_DIR / "goemotions" / "labels.txt"

# --------------------------------------------------------------------------------------------
# Label vocabularies
# --------------------------------------------------------------------------------------------

Level = Literal["none", "caution", "urgent"]
CrisisCategoryName = Literal["self_harm", "abuse", "threat_to_others", "child_safety", "stuck"]
Label = Literal["accept", "reject"]
ApologyCategoryName = Literal[
    "excuse",
    "blame_shift",
    "conditional",
    "non_apology",
    "minimizing",
    "intent_over_impact",
    "demanding_forgiveness",
    "sarcasm_self_pity",
    "overpromising",
    "weaponizing_disclosure",
    "no_ownership",
]
AgreementCategoryName = Literal["overpromising", "vague"]
Voice = Literal["to_partner", "about_partner"]
Origin = Literal["this_relationship", "before_relationship", "unclear"]

LEVELS: tuple[str, ...] = ("none", "caution", "urgent")
DANGEROUS: tuple[str, ...] = ("self_harm", "abuse", "threat_to_others", "child_safety")
CRISIS_CATEGORIES: tuple[str, ...] = (*DANGEROUS, "stuck")
LABELS: tuple[str, ...] = ("accept", "reject")
APOLOGY_CATEGORIES: tuple[str, ...] = (
    "excuse",
    "blame_shift",
    "conditional",
    "non_apology",
    "minimizing",
    "intent_over_impact",
    "demanding_forgiveness",
    "sarcasm_self_pity",
    "overpromising",
    "weaponizing_disclosure",
    "no_ownership",
)
AGREEMENT_CATEGORIES: tuple[str, ...] = ("overpromising", "vague")
CSSRS_RISK_LABELS: tuple[str, ...] = ("Ideation", "Behavior", "Attempt")
CSSRS_LABELS: tuple[str, ...] = ("Supportive", "Indicator", "Ideation", "Behavior", "Attempt")


# --------------------------------------------------------------------------------------------
# Case schemas
# --------------------------------------------------------------------------------------------


class _Case(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

    id: str = Field(min_length=1)
    text: str = Field(min_length=1)
    note: str = ""


def _no_duplicates(values: Sequence[str], what: str) -> None:
    dupes = sorted(v for v, n in Counter(values).items() if n > 1)
    if dupes:
        raise ValueError(f"duplicate {what}: {dupes}")


class CrisisCase(_Case):
    """One text for the crisis screen. ``level`` none + ``categories`` [] is a hard negative;
    none + [stuck] is hard-but-not-dangerous; caution/urgent need a dangerous category."""

    id: str = Field(pattern=r"^cri[a-z0-9]*-\d{3,}$")
    level: Level
    categories: list[CrisisCategoryName]

    @model_validator(mode="after")
    def _consistent(self) -> CrisisCase:
        _no_duplicates(self.categories, "categories")
        dangerous = self.dangerous
        if self.level == "none" and dangerous:
            raise ValueError(f"level none with dangerous categories {sorted(dangerous)}")
        if self.level != "none" and not dangerous:
            raise ValueError(f"level {self.level} needs at least one dangerous category")
        if self.level != "none" and "stuck" in self.categories:
            raise ValueError("stuck is only used with level none")
        return self

    @property
    def dangerous(self) -> frozenset[str]:
        return frozenset(c for c in self.categories if c in DANGEROUS)

    @property
    def is_hard_negative(self) -> bool:
        """Not dangerous: level none, no dangerous category (stuck allowed)."""
        return self.level == "none"


class _VerdictCase(_Case):
    label: Label

    @model_validator(mode="after")
    def _consistent(self) -> _VerdictCase:
        cats: list[str] = list(getattr(self, "categories", []))
        _no_duplicates(cats, "categories")
        if self.label == "accept" and cats:
            raise ValueError("an accepted case has no fault categories")
        if self.label == "reject" and not cats:
            raise ValueError("a rejected case needs at least one fault category")
        return self


class ApologyCase(_VerdictCase):
    id: str = Field(pattern=r"^apo[a-z]*[0-9]*-\d{3,}$")
    categories: list[ApologyCategoryName]


class AgreementCase(_VerdictCase):
    id: str = Field(pattern=r"^agr[a-z]*[0-9]*-\d{3,}$")
    categories: list[AgreementCategoryName]


class ReflectionCase(_Case):
    """A partner's description of a hurt and what a faithful listener must get right."""

    id: str = Field(pattern=r"^(ref|rft|met)[a-z]*-\d{3,}$")
    voice: Voice
    origin: Origin
    feelings: list[list[str]] = Field(min_length=1)
    keep_words: list[str] = Field(min_length=2, max_length=4)

    @model_validator(mode="after")
    def _consistent(self) -> ReflectionCase:
        for group in self.feelings:
            if not group or any(not w.strip() for w in group):
                raise ValueError("every feeling group needs at least one non-empty synonym")
        lowered = self.text.lower()
        missing = [w for w in self.keep_words if w.lower() not in lowered]
        if missing:
            raise ValueError(f"keep_words not in the text: {missing}")
        sentences = [s for s in re.split(r"(?<=[.!?])\s+", self.text.strip()) if s]
        if not 1 <= len(sentences) <= 6:
            raise ValueError(f"text has {len(sentences)} sentences; expected 1-6")
        return self


class _ReflectionFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    cases: list[ReflectionCase] = Field(min_length=1)


class CaseFileError(ValueError):
    """A case file could not be read or a case in it is malformed."""


CaseT = TypeVar("CaseT", bound=_Case)


def load_jsonl(path: Path, model: type[CaseT]) -> list[CaseT]:
    """Load and validate a JSONL case file; raise :class:`CaseFileError` naming file and line."""
    cases: list[CaseT] = []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise CaseFileError(f"{path}: {exc}") from exc
    for lineno, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            cases.append(model.model_validate(json.loads(line)))
        except (json.JSONDecodeError, ValidationError) as exc:
            raise CaseFileError(f"{path}:{lineno}: {exc}") from exc
    _check_ids(path, [c.id for c in cases])
    if not cases:
        raise CaseFileError(f"{path}: no cases")
    return cases


def load_reflection_yaml(path: Path) -> list[ReflectionCase]:
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        if isinstance(raw, list):  # a bare list of cases is accepted too
            raw = {"cases": raw}
        cases = _ReflectionFile.model_validate(raw).cases
    except (OSError, yaml.YAMLError, ValidationError) as exc:
        raise CaseFileError(f"{path}: {exc}") from exc
    _check_ids(path, [c.id for c in cases])
    return cases


def _check_ids(path: Path, ids: Sequence[str]) -> None:
    try:
        _no_duplicates(ids, "ids")
    except ValueError as exc:
        raise CaseFileError(f"{path}: {exc}") from exc


def load_crisis_cases(path: Path = CRISIS_PATH) -> list[CrisisCase]:
    return load_jsonl(path, CrisisCase)


def load_apology_cases(path: Path = APOLOGY_PATH) -> list[ApologyCase]:
    return load_jsonl(path, ApologyCase)


def load_agreement_cases(path: Path = AGREEMENT_PATH) -> list[AgreementCase]:
    return load_jsonl(path, AgreementCase)


def load_reflections(path: Path = REFLECTIONS_PATH) -> list[ReflectionCase]:
    return load_reflection_yaml(path)


def load_method_examples(path: Path = METHOD_EXAMPLES_PATH) -> list[ReflectionCase]:
    return load_reflection_yaml(path)


# --------------------------------------------------------------------------------------------
# Thresholds
# --------------------------------------------------------------------------------------------


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class CrisisThresholds(_Strict):
    urgent_recall_min: float = Field(ge=0, le=1)
    hard_negative_false_alarm_max: float = Field(ge=0, le=1)
    category_accuracy_min: float = Field(ge=0, le=1)


class VerdictThresholds(_Strict):
    accuracy_min: float = Field(ge=0, le=1)
    sincere_acceptance_min: float = Field(ge=0, le=1)


class CssrsThresholds(_Strict):
    user_recall_min: float = Field(ge=0, le=1)
    supportive_user_false_alarm_max: float = Field(ge=0, le=1)
    risk_post_flag_rate_min: float = Field(ge=0, le=1)
    supportive_post_flag_rate_max: float = Field(ge=0, le=1)


class Thresholds(_Strict):
    crisis: CrisisThresholds
    apology: VerdictThresholds
    agreement: VerdictThresholds
    cssrs: CssrsThresholds
    # The evaluation gate's section, validated by evals.gate.GateThresholds.
    evals: dict[str, Any] = Field(default_factory=dict)


def load_thresholds(path: Path = THRESHOLDS_PATH) -> Thresholds:
    try:
        return Thresholds.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
    except (OSError, yaml.YAMLError, ValidationError) as exc:
        raise CaseFileError(f"{path}: {exc}") from exc


# --------------------------------------------------------------------------------------------
# Confusion tables and small helpers
# --------------------------------------------------------------------------------------------


def _rate(num: int, den: int) -> float:
    return num / den if den else float("nan")


def _fmt(x: float) -> str:
    return "n/a" if x != x else f"{x:.3f}"


@dataclass
class Confusion:
    """Counts of (gold, predicted) pairs over fixed label orders."""

    gold_labels: tuple[str, ...]
    pred_labels: tuple[str, ...]
    counts: Counter[tuple[str, str]] = field(default_factory=Counter)

    def add(self, gold: str, pred: str) -> None:
        if gold not in self.gold_labels:
            raise ValueError(f"unknown gold label {gold!r}")
        if pred not in self.pred_labels:
            raise ValueError(f"unknown predicted label {pred!r}")
        self.counts[(gold, pred)] += 1

    def get(self, gold: str, pred: str) -> int:
        return self.counts[(gold, pred)]

    def to_markdown(self, corner: str = "gold \\ predicted") -> str:
        header = f"| {corner} | " + " | ".join(self.pred_labels) + " | total |"
        sep = "|---|" + "---:|" * (len(self.pred_labels) + 1)
        rows = [header, sep]
        for g in self.gold_labels:
            cells = [str(self.get(g, p)) for p in self.pred_labels]
            total = sum(self.get(g, p) for p in self.pred_labels)
            rows.append(f"| {g} | " + " | ".join(cells) + f" | {total} |")
        return "\n".join(rows)


def _metrics_table(rows: Iterable[tuple[str, str]]) -> str:
    out = ["| metric | value |", "|---|---:|"]
    out.extend(f"| {k} | {v} |" for k, v in rows)
    return "\n".join(out)


def _value(x: Any) -> str:
    """Enum members and plain strings both become their string value."""
    return str(getattr(x, "value", x))


# --------------------------------------------------------------------------------------------
# Adapters to the guardrails' public API (imported lazily)
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CrisisPrediction:
    level: str
    categories: frozenset[str]

    @property
    def dangerous(self) -> frozenset[str]:
        return frozenset(c for c in self.categories if c in DANGEROUS)

    @property
    def alarm(self) -> bool:
        """Anything beyond 'none': a non-none level or a dangerous category. Stuck-only is none."""
        return self.level != "none" or bool(self.dangerous)


@dataclass(frozen=True)
class VerdictPrediction:
    label: str
    categories: frozenset[str]


CrisisPredictor = Callable[[str], CrisisPrediction]
VerdictPredictor = Callable[[str], VerdictPrediction]


def crisis_predictor() -> CrisisPredictor:
    """``guardrails.crisis.screen`` as a :class:`CrisisPrediction`; ImportError if absent."""
    screen: Callable[[str], Any] = importlib.import_module("guardrails.crisis").screen

    def predict(text: str) -> CrisisPrediction:
        result = screen(text)
        return CrisisPrediction(
            level=_value(result.level),
            categories=frozenset(_value(c) for c in result.categories),
        )

    return predict


def _verdict_predictor(module: str, func: str) -> VerdictPredictor:
    check: Callable[[str], Any] = getattr(importlib.import_module(module), func)

    def predict(text: str) -> VerdictPrediction:
        result = check(text)
        return VerdictPrediction(
            label=_value(result.verdict),
            categories=frozenset(_value(f.category) for f in result.findings),
        )

    return predict


def apology_predictor() -> VerdictPredictor:
    return _verdict_predictor("guardrails.apology", "check_apology")


def agreement_predictor() -> VerdictPredictor:
    return _verdict_predictor("guardrails.agreement", "check_agreement")


# --------------------------------------------------------------------------------------------
# Crisis scoring
# --------------------------------------------------------------------------------------------


@dataclass
class CrisisReport:
    n: int
    urgent_total: int
    urgent_caught: int
    hard_negative_total: int
    hard_negative_false_alarms: int
    figurative_total: int
    figurative_false_alarms: int
    stuck_total: int
    stuck_found: int
    dangerous_total: int
    category_exact: int
    level_confusion: Confusion
    category_recall: dict[str, tuple[int, int]]
    missed_urgent: list[str]
    false_alarms: list[str]
    category_errors: list[str]

    @property
    def urgent_recall(self) -> float:
        return _rate(self.urgent_caught, self.urgent_total)

    @property
    def hard_negative_false_alarm_rate(self) -> float:
        return _rate(self.hard_negative_false_alarms, self.hard_negative_total)

    @property
    def category_accuracy(self) -> float:
        return _rate(self.category_exact, self.dangerous_total)

    def to_markdown(self) -> str:
        metrics = _metrics_table(
            [
                (
                    "urgent recall (urgent predicted urgent)",
                    f"{_fmt(self.urgent_recall)} ({self.urgent_caught}/{self.urgent_total})",
                ),
                (
                    "false alarms on level-none cases (incl. stuck)",
                    f"{_fmt(self.hard_negative_false_alarm_rate)} "
                    f"({self.hard_negative_false_alarms}/{self.hard_negative_total})",
                ),
                (
                    "  of which on figurative/ordinary hard negatives",
                    f"{self.figurative_false_alarms}/{self.figurative_total}",
                ),
                (
                    "category accuracy on dangerous cases (exact set)",
                    f"{_fmt(self.category_accuracy)} "
                    f"({self.category_exact}/{self.dangerous_total})",
                ),
                ("stuck found on stuck cases", f"{self.stuck_found}/{self.stuck_total}"),
            ]
        )
        cat_rows = ["| category | recall | caught/total |", "|---|---:|---:|"]
        for cat, (hit, tot) in self.category_recall.items():
            cat_rows.append(f"| {cat} | {_fmt(_rate(hit, tot))} | {hit}/{tot} |")
        parts = [
            "### Crisis screen (crisis_dev.jsonl)",
            metrics,
            "Level confusion (gold x predicted):",
            self.level_confusion.to_markdown(),
            "Per-category recall (gold category among predicted categories):",
            "\n".join(cat_rows),
            f"Missed urgent: {', '.join(self.missed_urgent) or 'none'}",
            f"False alarms: {', '.join(self.false_alarms) or 'none'}",
            f"Category errors: {', '.join(self.category_errors) or 'none'}",
        ]
        return "\n\n".join(parts)


def score_crisis(cases: Sequence[CrisisCase], predict: CrisisPredictor) -> CrisisReport:
    confusion = Confusion(LEVELS, LEVELS)
    recall_counts: dict[str, list[int]] = {c: [0, 0] for c in CRISIS_CATEGORIES}
    urgent_total = urgent_caught = 0
    hn_total = hn_fa = fig_total = fig_fa = stuck_total = stuck_found = 0
    dangerous_total = exact = 0
    missed: list[str] = []
    alarms: list[str] = []
    cat_errors: list[str] = []
    for case in cases:
        pred = predict(case.text)
        if pred.level not in LEVELS:
            raise ValueError(f"{case.id}: guardrail returned unknown level {pred.level!r}")
        confusion.add(case.level, pred.level)
        for cat in case.categories:
            recall_counts[cat][1] += 1
            if cat in pred.categories:
                recall_counts[cat][0] += 1
        if case.level == "urgent":
            urgent_total += 1
            if pred.level == "urgent":
                urgent_caught += 1
            else:
                missed.append(f"{case.id} (got {pred.level})")
        if case.is_hard_negative:
            hn_total += 1
            is_stuck = "stuck" in case.categories
            if is_stuck:
                stuck_total += 1
                stuck_found += "stuck" in pred.categories
            else:
                fig_total += 1
            if pred.alarm:
                hn_fa += 1
                fig_fa += not is_stuck
                alarms.append(f"{case.id} ({pred.level}, {sorted(pred.dangerous)})")
        if case.dangerous:
            dangerous_total += 1
            if pred.dangerous == case.dangerous:
                exact += 1
            else:
                cat_errors.append(
                    f"{case.id} (gold {sorted(case.dangerous)}, got {sorted(pred.dangerous)})"
                )
    return CrisisReport(
        n=len(cases),
        urgent_total=urgent_total,
        urgent_caught=urgent_caught,
        hard_negative_total=hn_total,
        hard_negative_false_alarms=hn_fa,
        figurative_total=fig_total,
        figurative_false_alarms=fig_fa,
        stuck_total=stuck_total,
        stuck_found=stuck_found,
        dangerous_total=dangerous_total,
        category_exact=exact,
        level_confusion=confusion,
        category_recall={k: (v[0], v[1]) for k, v in recall_counts.items()},
        missed_urgent=missed,
        false_alarms=alarms,
        category_errors=cat_errors,
    )


# --------------------------------------------------------------------------------------------
# Apology / agreement scoring
# --------------------------------------------------------------------------------------------


@dataclass
class VerdictReport:
    name: str
    n: int
    correct: int
    accept_total: int
    accept_kept: int
    reject_total: int
    reject_caught: int
    confusion: Confusion
    category_recall: dict[str, tuple[int, int]]
    findings_on_accepts: Counter[str]
    wrongly_rejected: list[str]
    wrongly_accepted: list[str]

    @property
    def accuracy(self) -> float:
        return _rate(self.correct, self.n)

    @property
    def sincere_acceptance(self) -> float:
        return _rate(self.accept_kept, self.accept_total)

    @property
    def reject_recall(self) -> float:
        return _rate(self.reject_caught, self.reject_total)

    def to_markdown(self) -> str:
        metrics = _metrics_table(
            [
                ("accuracy", f"{_fmt(self.accuracy)} ({self.correct}/{self.n})"),
                (
                    "sincere acceptance (accept kept)",
                    f"{_fmt(self.sincere_acceptance)} ({self.accept_kept}/{self.accept_total})",
                ),
                (
                    "reject recall",
                    f"{_fmt(self.reject_recall)} ({self.reject_caught}/{self.reject_total})",
                ),
            ]
        )
        cat_rows = [
            "| category | recall (named on gold rejects) | caught/total | findings on accepts |",
            "|---|---:|---:|---:|",
        ]
        for cat, (hit, tot) in self.category_recall.items():
            cat_rows.append(
                f"| {cat} | {_fmt(_rate(hit, tot))} | {hit}/{tot} | "
                f"{self.findings_on_accepts.get(cat, 0)} |"
            )
        return "\n\n".join(
            [
                f"### {self.name}",
                metrics,
                "Verdict confusion (gold x predicted):",
                self.confusion.to_markdown(),
                "Per-category recall:",
                "\n".join(cat_rows),
                f"Wrongly rejected: {', '.join(self.wrongly_rejected) or 'none'}",
                f"Wrongly accepted: {', '.join(self.wrongly_accepted) or 'none'}",
            ]
        )


def score_verdicts(
    name: str,
    cases: Sequence[ApologyCase] | Sequence[AgreementCase],
    predict: VerdictPredictor,
    categories: Sequence[str],
) -> VerdictReport:
    confusion = Confusion(LABELS, LABELS)
    recall_counts: dict[str, list[int]] = {c: [0, 0] for c in categories}
    on_accepts: Counter[str] = Counter()
    correct = acc_total = acc_kept = rej_total = rej_caught = 0
    wrong_rej: list[str] = []
    wrong_acc: list[str] = []
    for case in cases:
        pred = predict(case.text)
        if pred.label not in LABELS:
            raise ValueError(f"{case.id}: guardrail returned unknown verdict {pred.label!r}")
        confusion.add(case.label, pred.label)
        correct += pred.label == case.label
        if case.label == "accept":
            acc_total += 1
            acc_kept += pred.label == "accept"
            on_accepts.update(pred.categories)
            if pred.label != "accept":
                wrong_rej.append(f"{case.id} ({', '.join(sorted(pred.categories)) or '-'})")
        else:
            rej_total += 1
            rej_caught += pred.label == "reject"
            if pred.label != "reject":
                wrong_acc.append(case.id)
        for cat in case.categories:
            recall_counts[cat][1] += 1
            if cat in pred.categories:
                recall_counts[cat][0] += 1
    return VerdictReport(
        name=name,
        n=len(cases),
        correct=correct,
        accept_total=acc_total,
        accept_kept=acc_kept,
        reject_total=rej_total,
        reject_caught=rej_caught,
        confusion=confusion,
        category_recall={k: (v[0], v[1]) for k, v in recall_counts.items()},
        findings_on_accepts=on_accepts,
        wrongly_rejected=wrong_rej,
        wrongly_accepted=wrong_acc,
    )


def score_apology(cases: Sequence[ApologyCase], predict: VerdictPredictor) -> VerdictReport:
    return score_verdicts(
        "Apology guardrail (apology_dev.jsonl)", cases, predict, APOLOGY_CATEGORIES
    )


def score_agreement(cases: Sequence[AgreementCase], predict: VerdictPredictor) -> VerdictReport:
    return score_verdicts(
        "Agreement guardrail (agreement_dev.jsonl)", cases, predict, AGREEMENT_CATEGORIES
    )


# --------------------------------------------------------------------------------------------
# C-SSRS Reddit (Gaur et al. 2019): user-level labels
# --------------------------------------------------------------------------------------------


class CssrsUser(BaseModel):
    model_config = ConfigDict(frozen=True)

    user: str
    label: Literal["Supportive", "Indicator", "Ideation", "Behavior", "Attempt"]
    posts: list[str] = Field(min_length=1)
    truncated: bool

    @property
    def at_risk(self) -> bool:
        return self.label in CSSRS_RISK_LABELS


_RAW_SPLIT = re.compile(r"""['"],\s*['"]""")


def _split_raw_posts(raw: str) -> list[str]:
    """Best-effort split of an upstream Python-list string cut at the Excel cell limit."""
    body = raw.strip().lstrip("[").rstrip("]").strip()
    body = body.strip("'\"")
    return [p for p in _RAW_SPLIT.split(body) if p.strip()]


@cache
def load_cssrs(path: Path = CSSRS_PATH) -> tuple[CssrsUser, ...]:
    """All 500 users; truncated post lists are split best-effort (``truncated=True``)."""
    csv.field_size_limit(sys.maxsize)
    users: list[CssrsUser] = []
    with path.open(encoding="utf-8", newline="") as fh:
        for lineno, row in enumerate(csv.DictReader(fh), 2):
            try:
                user = row.get("User") or row.get("user") or ""
                if row["posts_parsed_ok"] == "1":
                    posts = json.loads(row["posts_json"])
                else:
                    posts = _split_raw_posts(row["post_raw"])
                users.append(
                    CssrsUser(
                        user=user,
                        label=row["label"],
                        posts=posts,
                        truncated=row["truncated_at_excel_limit"] == "1",
                    )
                )
            except (KeyError, json.JSONDecodeError, ValidationError) as exc:
                raise CaseFileError(f"{path}:{lineno}: {exc}") from exc
    if len(users) != 500:
        raise CaseFileError(f"{path}: expected 500 users, got {len(users)}")
    return tuple(users)


@dataclass
class CssrsReport:
    users_by_label: dict[str, tuple[int, int]]  # label -> (flagged users, users)
    posts_by_label: dict[str, tuple[int, int]]  # label -> (flagged posts, posts)
    level_by_label: dict[str, Counter[str]]  # label -> highest level per user
    seconds: float

    def _sum(self, table: dict[str, tuple[int, int]], labels: Iterable[str]) -> tuple[int, int]:
        hit = sum(table[lb][0] for lb in labels)
        tot = sum(table[lb][1] for lb in labels)
        return hit, tot

    @property
    def user_recall(self) -> float:
        return _rate(*self._sum(self.users_by_label, CSSRS_RISK_LABELS))

    @property
    def supportive_user_false_alarm(self) -> float:
        return _rate(*self.users_by_label["Supportive"])

    @property
    def indicator_user_flag_rate(self) -> float:
        return _rate(*self.users_by_label["Indicator"])

    @property
    def risk_post_flag_rate(self) -> float:
        return _rate(*self._sum(self.posts_by_label, CSSRS_RISK_LABELS))

    @property
    def supportive_post_flag_rate(self) -> float:
        return _rate(*self.posts_by_label["Supportive"])

    def to_markdown(self) -> str:
        rh, rt = self._sum(self.users_by_label, CSSRS_RISK_LABELS)
        ph, pt = self._sum(self.posts_by_label, CSSRS_RISK_LABELS)
        sh, st = self.users_by_label["Supportive"]
        ih, it = self.users_by_label["Indicator"]
        sph, spt = self.posts_by_label["Supportive"]
        metrics = _metrics_table(
            [
                ("user recall, Ideation+Behavior+Attempt", f"{_fmt(self.user_recall)} ({rh}/{rt})"),
                (
                    "user false-alarm rate, Supportive",
                    f"{_fmt(self.supportive_user_false_alarm)} ({sh}/{st})",
                ),
                (
                    "user flag rate, Indicator (reported, no gold)",
                    f"{_fmt(self.indicator_user_flag_rate)} ({ih}/{it})",
                ),
                (
                    "post flag rate, risk users' posts",
                    f"{_fmt(self.risk_post_flag_rate)} ({ph}/{pt})",
                ),
                (
                    "post flag rate, Supportive users' posts",
                    f"{_fmt(self.supportive_post_flag_rate)} ({sph}/{spt})",
                ),
                ("seconds", f"{self.seconds:.1f}"),
            ]
        )
        rows = [
            "| C-SSRS label | users flagged | user rate | posts flagged | post rate |"
            " highest level none/caution/urgent |",
            "|---|---:|---:|---:|---:|---|",
        ]
        for lb in CSSRS_LABELS:
            uh, ut = self.users_by_label[lb]
            p_h, p_t = self.posts_by_label[lb]
            lv = self.level_by_label[lb]
            rows.append(
                f"| {lb} | {uh}/{ut} | {_fmt(_rate(uh, ut))} | {p_h}/{p_t} | "
                f"{_fmt(_rate(p_h, p_t))} | {lv['none']}/{lv['caution']}/{lv['urgent']} |"
            )
        return "\n\n".join(
            [
                "### C-SSRS Reddit (Gaur et al. 2019), flag = self_harm at any level",
                metrics,
                "\n".join(rows),
            ]
        )


_LEVEL_RANK = {lv: i for i, lv in enumerate(LEVELS)}


def score_cssrs(users: Sequence[CssrsUser], predict: CrisisPredictor) -> CssrsReport:
    start = time.perf_counter()
    u_counts: dict[str, list[int]] = {lb: [0, 0] for lb in CSSRS_LABELS}
    p_counts: dict[str, list[int]] = {lb: [0, 0] for lb in CSSRS_LABELS}
    levels: dict[str, Counter[str]] = {lb: Counter() for lb in CSSRS_LABELS}
    for user in users:
        flagged = False
        top = "none"
        for post in user.posts:
            pred = predict(post)
            hit = "self_harm" in pred.categories
            flagged |= hit
            p_counts[user.label][0] += hit
            p_counts[user.label][1] += 1
            if _LEVEL_RANK.get(pred.level, 0) > _LEVEL_RANK[top]:
                top = pred.level
        u_counts[user.label][0] += flagged
        u_counts[user.label][1] += 1
        levels[user.label][top] += 1
    return CssrsReport(
        users_by_label={k: (v[0], v[1]) for k, v in u_counts.items()},
        posts_by_label={k: (v[0], v[1]) for k, v in p_counts.items()},
        level_by_label=levels,
        seconds=time.perf_counter() - start,
    )


# --------------------------------------------------------------------------------------------
# GoEmotions (loaded for feeling-acknowledgment evals; not a guardrail measure)
# --------------------------------------------------------------------------------------------


class GoEmotionsRow(BaseModel):
    model_config = ConfigDict(frozen=True)

    comment_id: str
    text: str
    labels: list[str] = Field(min_length=1)


def load_goemotions(path: Path = GOEMOTIONS_PATH) -> list[GoEmotionsRow]:
    known = {
        line.split("\t")[1].strip()
        for line in GOEMOTIONS_LABELS_PATH.read_text(encoding="utf-8").splitlines()
        if line.strip()
    }
    rows: list[GoEmotionsRow] = []
    with path.open(encoding="utf-8", newline="") as fh:
        for lineno, row in enumerate(csv.DictReader(fh), 2):
            labels = [lb for lb in row["labels"].split(",") if lb]
            unknown = set(labels) - known
            if unknown:
                raise CaseFileError(f"{path}:{lineno}: unknown labels {sorted(unknown)}")
            rows.append(
                GoEmotionsRow(comment_id=row["comment_id"], text=row["text"], labels=labels)
            )
    return rows


# --------------------------------------------------------------------------------------------
# Counts of the sets themselves, and the Markdown report
# --------------------------------------------------------------------------------------------


def set_counts_markdown() -> str:
    crisis = load_crisis_cases()
    apology = load_apology_cases()
    agreement = load_agreement_cases()
    refl = load_reflections()
    meth = load_method_examples()
    out = ["### Development sets"]
    c_rows = ["| crisis level | categories | n |", "|---|---|---:|"]
    for (lv, cats), n in sorted(
        Counter((c.level, "+".join(c.categories) or "-") for c in crisis).items()
    ):
        c_rows.append(f"| {lv} | {cats} | {n} |")
    out.append(f"crisis_dev.jsonl: {len(crisis)} cases\n\n" + "\n".join(c_rows))
    for name, vcases, cat_names in (
        ("apology_dev.jsonl", apology, APOLOGY_CATEGORIES),
        ("agreement_dev.jsonl", agreement, AGREEMENT_CATEGORIES),
    ):
        labels: Counter[str] = Counter(c.label for c in vcases)
        per_cat: Counter[str] = Counter(cat for c in vcases for cat in c.categories)
        rows = ["| label / category | n |", "|---|---:|"]
        rows += [f"| {lb} | {labels[lb]} |" for lb in LABELS]
        rows += [f"| reject: {cat} | {per_cat[cat]} |" for cat in cat_names]
        out.append(f"{name}: {len(vcases)} cases\n\n" + "\n".join(rows))
    for name, rcases in (("reflections.yaml", refl), ("method_examples.yaml", meth)):
        voices = Counter(c.voice for c in rcases)
        origins = Counter(c.origin for c in rcases)
        out.append(
            f"{name}: {len(rcases)} cases; voice {dict(sorted(voices.items()))}; "
            f"origin {dict(sorted(origins.items()))}"
        )
    return "\n\n".join(out)


def run_all(include_cssrs: bool = True) -> str:
    parts = ["## Guardrail development sets", set_counts_markdown()]
    try:
        crisis = crisis_predictor()
    except ImportError as exc:
        parts.append(f"_guardrails.crisis not available: {exc}_")
    else:
        parts.append(score_crisis(load_crisis_cases(), crisis).to_markdown())
        if include_cssrs:
            users = load_cssrs()
            cached = cache(crisis)
            parts.append(score_cssrs(users, cached).to_markdown())
            parts.append(
                "Users at odd positions only (the sentence model fits on no post of theirs):\n\n"
                + score_cssrs(users[1::2], cached).to_markdown()
            )
    try:
        apology = apology_predictor()
    except ImportError as exc:
        parts.append(f"_guardrails.apology not available: {exc}_")
    else:
        parts.append(score_apology(load_apology_cases(), apology).to_markdown())
    try:
        agreement = agreement_predictor()
    except ImportError as exc:
        parts.append(f"_guardrails.agreement not available: {exc}_")
    else:
        parts.append(score_agreement(load_agreement_cases(), agreement).to_markdown())
    return "\n\n".join(parts) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--no-cssrs", action="store_true", help="skip the 500-user C-SSRS run")
    args = parser.parse_args(argv)
    sys.stdout.write(run_all(include_cssrs=not args.no_cssrs))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
