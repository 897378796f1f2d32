"""Labelled development sets for the guardrails, and the guardrails measured on them.

The sets (evals/cases/) were written blind to the guardrail rules. Schema/coverage tests run
always; measurement tests skip with a reason while a guardrail module does not exist yet.
Run with ``pytest -s tests/test_guardrail_devsets.py`` to see the confusion tables.
"""

from __future__ import annotations

import functools
import json
from collections import Counter
from pathlib import Path

import pytest

from evals import guardrail_sets as gs

THRESHOLDS = gs.load_thresholds()


def _guardrail(module: str) -> None:
    pytest.importorskip(module, reason=f"{module} is not written yet; measurement skipped")


# ------------------------------------------------------------------------------------------
# The sets themselves: schema, size and coverage (no guardrail needed)
# ------------------------------------------------------------------------------------------


def test_apology_set_coverage() -> None:
    cases = gs.load_apology_cases()
    labels = Counter(c.label for c in cases)
    per_cat: Counter[str] = Counter(cat for c in cases for cat in c.categories)
    assert len(cases) >= 170
    assert labels["accept"] >= 70
    for cat in gs.APOLOGY_CATEGORIES:
        assert per_cat[cat] >= 8, cat


def test_crisis_set_coverage() -> None:
    cases = gs.load_crisis_cases()
    assert len(cases) >= 170
    hard_negatives = [c for c in cases if c.level == "none" and not c.categories]
    assert len(hard_negatives) >= 70
    pairs = {(c.level, cat) for c in cases for cat in c.categories}
    for cat in gs.DANGEROUS:
        assert ("urgent", cat) in pairs, cat
        assert ("caution", cat) in pairs, cat
    assert ("none", "stuck") in pairs


def test_agreement_set_coverage() -> None:
    cases = gs.load_agreement_cases()
    assert len(cases) >= 40
    per_cat: Counter[str] = Counter(cat for c in cases for cat in c.categories)
    assert all(per_cat[cat] >= 8 for cat in gs.AGREEMENT_CATEGORIES)
    assert sum(c.label == "accept" for c in cases) >= 15


def test_reflection_sets_coverage() -> None:
    cases = gs.load_reflections()
    assert len(cases) >= 60
    voices = Counter(c.voice for c in cases)
    origins = Counter(c.origin for c in cases)
    assert min(voices.values()) / len(cases) >= 0.4
    assert origins["before_relationship"] >= 12
    assert origins["unclear"] >= 2
    assert origins["this_relationship"] > len(cases) / 2
    method = gs.load_method_examples()
    assert {c.origin for c in method} == {"this_relationship", "before_relationship", "unclear"}
    assert not {c.id for c in cases} & {c.id for c in method}


def test_texts_unique_within_each_set() -> None:
    for cases in (gs.load_apology_cases(), gs.load_crisis_cases(), gs.load_agreement_cases()):
        texts = Counter(c.text for c in cases)
        assert [t for t, n in texts.items() if n > 1] == []


def test_data_is_local_and_licensed() -> None:
    for sub, files in {
        "cssrs_reddit": ("cssrs_reddit_500_users.csv", "SOURCE.md", "LICENSE.md"),
        "goemotions": ("goemotions_test_stratified_2000.csv", "labels.txt", "LICENSE.txt"),
    }.items():
        for name in files:
            assert (gs.DATA_DIR / sub / name).is_file(), f"{sub}/{name}"
    for source in gs.HERE.glob("*.py"):  # nothing reads the staging area at run time
        assert "shared/" not in source.read_text(encoding="utf-8"), source
    users = gs.load_cssrs()
    assert Counter(u.label for u in users) == {
        "Ideation": 171,
        "Supportive": 108,
        "Indicator": 99,
        "Behavior": 77,
        "Attempt": 45,
    }
    assert len(gs.load_goemotions()) == 2000


@pytest.mark.parametrize(
    ("model", "record", "needle"),
    [
        (
            gs.ApologyCase,
            {"id": "apo-001", "text": "x", "label": "maybe", "categories": []},
            "label",
        ),
        (
            gs.ApologyCase,
            {"id": "apo-001", "text": "Sorry.", "label": "accept", "categories": ["excuse"]},
            "no fault categories",
        ),
        (
            gs.ApologyCase,
            {"id": "apo-001", "text": "Sorry.", "label": "reject", "categories": []},
            "at least one",
        ),
        (
            gs.ApologyCase,
            {"id": "apo-001", "text": "x", "label": "reject", "categories": ["rude"]},
            "categories",
        ),
        (
            gs.CrisisCase,
            {"id": "cri-001", "text": "x", "level": "urgent", "categories": ["stuck"]},
            "dangerous category",
        ),
        (
            gs.CrisisCase,
            {"id": "cri-001", "text": "x", "level": "none", "categories": ["abuse"]},
            "level none",
        ),
        (
            gs.CrisisCase,
            {"id": "cri-001", "text": "x", "level": "none", "categories": [], "extra": 1},
            "extra",
        ),
        (
            gs.AgreementCase,
            {"id": "agr-001", "text": "x", "label": "reject", "categories": ["excuse"]},
            "categories",
        ),
    ],
)
def test_malformed_jsonl_case_fails_loudly(
    tmp_path: Path, model: type[gs.ApologyCase], record: dict[str, object], needle: str
) -> None:
    good = {"id": "apo-002", "text": "I'm sorry I was late.", "label": "accept", "categories": []}
    path = tmp_path / "cases.jsonl"
    # a good line first, so the error must name the second line
    lines = (
        [json.dumps(good), json.dumps(record)] if model is gs.ApologyCase else [json.dumps(record)]
    )
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(gs.CaseFileError) as err:
        gs.load_jsonl(path, model)
    assert needle in str(err.value)
    assert str(path) in str(err.value)
    if model is gs.ApologyCase:
        assert f"{path}:2:" in str(err.value)


def test_duplicate_ids_fail(tmp_path: Path) -> None:
    rec = {"id": "apo-001", "text": "I'm sorry.", "label": "accept", "categories": []}
    path = tmp_path / "dup.jsonl"
    path.write_text(json.dumps(rec) + "\n" + json.dumps(rec) + "\n", encoding="utf-8")
    with pytest.raises(gs.CaseFileError, match="duplicate ids"):
        gs.load_apology_cases(path)


@pytest.mark.parametrize(
    ("change", "needle"),
    [
        ({"keep_words": ["sister", "wedding"]}, "keep_words not in the text"),
        ({"keep_words": ["sister"]}, "keep_words"),
        ({"voice": "third_person"}, "voice"),
        ({"origin": "school"}, "origin"),
        ({"feelings": [[]]}, "feeling group"),
        ({"feelings": []}, "feelings"),
    ],
)
def test_malformed_reflection_fails_loudly(
    tmp_path: Path, change: dict[str, object], needle: str
) -> None:
    case: dict[str, object] = {
        "id": "ref-001",
        "text": "You promised you'd come to my sister's dinner.",
        "voice": "to_partner",
        "origin": "this_relationship",
        "feelings": [["let down", "disappointed"]],
        "keep_words": ["sister", "dinner"],
    }
    case.update(change)
    path = tmp_path / "r.yaml"
    path.write_text(json.dumps({"cases": [case]}), encoding="utf-8")  # JSON is valid YAML
    with pytest.raises(gs.CaseFileError, match=needle):
        gs.load_reflection_yaml(path)


# ------------------------------------------------------------------------------------------
# Scoring logic, with fake predictors
# ------------------------------------------------------------------------------------------


def test_crisis_scoring_counts_stuck_only_as_none() -> None:
    cases = [
        gs.CrisisCase(id="cri-001", text="a", level="urgent", categories=["abuse"]),
        gs.CrisisCase(id="cri-002", text="b", level="none", categories=[]),
        gs.CrisisCase(id="cri-003", text="c", level="none", categories=["stuck"]),
        gs.CrisisCase(id="cri-004", text="d", level="caution", categories=["self_harm"]),
    ]
    preds = {
        "a": gs.CrisisPrediction("urgent", frozenset({"abuse"})),
        "b": gs.CrisisPrediction("none", frozenset({"stuck"})),
        "c": gs.CrisisPrediction("caution", frozenset({"stuck"})),
        "d": gs.CrisisPrediction("urgent", frozenset({"self_harm", "abuse"})),
    }
    report = gs.score_crisis(cases, preds.__getitem__)
    assert report.urgent_recall == 1.0
    assert (report.hard_negative_false_alarms, report.hard_negative_total) == (1, 2)
    assert report.false_alarms == ["cri-003 (caution, [])"]
    assert (report.category_exact, report.dangerous_total) == (1, 2)
    assert report.level_confusion.get("caution", "urgent") == 1
    assert "| urgent | 0 | 0 | 1 | 1 |" in report.level_confusion.to_markdown()


def test_verdict_scoring() -> None:
    cases = [
        gs.ApologyCase(id="apo-001", text="a", label="accept", categories=[]),
        gs.ApologyCase(
            id="apo-002", text="b", label="reject", categories=["excuse", "blame_shift"]
        ),
    ]
    preds = {
        "a": gs.VerdictPrediction("reject", frozenset({"conditional"})),
        "b": gs.VerdictPrediction("reject", frozenset({"excuse"})),
    }
    report = gs.score_apology(cases, preds.__getitem__)
    assert report.accuracy == 0.5
    assert report.sincere_acceptance == 0.0
    assert report.category_recall["excuse"] == (1, 1)
    assert report.category_recall["blame_shift"] == (0, 1)
    assert report.findings_on_accepts["conditional"] == 1


# ------------------------------------------------------------------------------------------
# The guardrails measured (skip while a module is missing)
# ------------------------------------------------------------------------------------------


def test_crisis_screen_on_devset() -> None:
    _guardrail("guardrails.crisis")
    report = gs.score_crisis(gs.load_crisis_cases(), gs.crisis_predictor())
    print("\n" + report.to_markdown())
    t = THRESHOLDS.crisis
    assert report.urgent_recall >= t.urgent_recall_min, report.missed_urgent
    assert report.hard_negative_false_alarm_rate <= t.hard_negative_false_alarm_max, (
        report.false_alarms
    )
    assert report.category_accuracy >= t.category_accuracy_min, report.category_errors


def test_apology_guardrail_on_devset() -> None:
    _guardrail("guardrails.apology")
    report = gs.score_apology(gs.load_apology_cases(), gs.apology_predictor())
    print("\n" + report.to_markdown())
    t = THRESHOLDS.apology
    assert report.sincere_acceptance >= t.sincere_acceptance_min, report.wrongly_rejected
    assert report.accuracy >= t.accuracy_min, (report.wrongly_accepted, report.wrongly_rejected)


def test_agreement_guardrail_on_devset() -> None:
    _guardrail("guardrails.agreement")
    report = gs.score_agreement(gs.load_agreement_cases(), gs.agreement_predictor())
    print("\n" + report.to_markdown())
    t = THRESHOLDS.agreement
    assert report.sincere_acceptance >= t.sincere_acceptance_min, report.wrongly_rejected
    assert report.accuracy >= t.accuracy_min, (report.wrongly_accepted, report.wrongly_rejected)


def test_crisis_screen_on_cssrs_reddit() -> None:
    """Regression floors on real data (user-level labels); see thresholds.yaml."""
    _guardrail("guardrails.crisis")
    users = gs.load_cssrs()
    predict = functools.cache(gs.crisis_predictor())
    report = gs.score_cssrs(users, predict)
    print("\n" + report.to_markdown())
    # Users at odd positions: the sentence model never fit on any of their posts (it learns
    # support talk from the even-position Supportive users), so these are its held-out figures.
    print("\nOdd-position users only:\n" + gs.score_cssrs(users[1::2], predict).to_markdown())
    t = THRESHOLDS.cssrs
    assert report.user_recall >= t.user_recall_min
    assert report.supportive_user_false_alarm <= t.supportive_user_false_alarm_max
    assert report.risk_post_flag_rate >= t.risk_post_flag_rate_min
    assert report.supportive_post_flag_rate <= t.supportive_post_flag_rate_max
