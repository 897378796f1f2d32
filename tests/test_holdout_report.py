"""The blind-holdout report: one case schema with the other sets, and misses by id only."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from evals import guardrail_sets as gs
from evals import holdout_report as hr

SECRET = "the words of a blind case must not reach the report"


@pytest.mark.parametrize(
    "path", sorted(gs.CASES_DIR.glob("*_holdout*.jsonl")), ids=lambda p: p.name
)
def test_every_holdout_file_loads_with_the_shared_schema(path: Path) -> None:
    kind = path.name.split("_")[0]
    cases: list[gs.CrisisCase] | list[gs.ApologyCase] | list[gs.AgreementCase]
    if kind == "crisis":
        cases = gs.load_crisis_cases(path)
    elif kind == "apology":
        cases = gs.load_apology_cases(path)
    else:
        cases = gs.load_agreement_cases(path)
    assert len({c.id for c in cases}) == len(cases) > 0


def _write(tmp_path: Path, name: str, rows: list[dict[str, object]]) -> None:
    (tmp_path / name).write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")


def test_crisis_report_counts_and_lists_misses_without_their_text(tmp_path: Path) -> None:
    _write(
        tmp_path,
        "crisis_holdout9.jsonl",
        [
            {"id": "crih9-001", "text": SECRET, "level": "urgent", "categories": ["self_harm"]},
            {
                "id": "crih9-002",
                "text": "We argue about chores.",
                "level": "none",
                "categories": [],
            },
        ],
    )

    def never(text: str) -> hr.CrisisPred:
        return hr.CrisisPred(level="none", categories=(), error=False)

    report = hr.build_crisis_report("crisis_holdout9.jsonl", never, cases_dir=tmp_path)
    assert "0/1" in report and "crih9-001" in report
    assert SECRET not in report


def test_apology_report_lists_misses_without_their_text(tmp_path: Path) -> None:
    _write(
        tmp_path,
        "apology_holdout9.jsonl",
        [
            {"id": "apoh9-001", "text": SECRET, "label": "reject", "categories": ["excuse"]},
            {"id": "apoh9-002", "text": "I'm sorry I lied.", "label": "accept", "categories": []},
        ],
    )

    def accept_all(text: str) -> hr.CheckPred:
        return hr.CheckPred(verdict="accept", findings=())

    report = hr.build_apology_report("apology_holdout9.jsonl", accept_all, cases_dir=tmp_path)
    assert "1/2 = 50.0%" in report and "apoh9-001" in report
    assert SECRET not in report


def test_a_malformed_case_is_refused_naming_the_line(tmp_path: Path) -> None:
    _write(
        tmp_path,
        "crisis_holdout9.jsonl",
        [{"id": "crih9-001", "text": "x", "level": "urgent", "categories": [], "extra": 1}],
    )
    with pytest.raises(gs.CaseFileError, match=r"crisis_holdout9.jsonl:1"):
        hr.build_crisis_report("crisis_holdout9.jsonl", cases_dir=tmp_path)
