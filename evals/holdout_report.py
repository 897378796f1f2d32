"""Blind holdout report for the deterministic guardrails.

The three holdout sets in ``evals/cases/*_holdout.jsonl`` were written without looking at the
rules in ``guardrails/`` or at the development sets. This script runs the guardrails over them
once and prints a Markdown report. Do not tune the rules or edit the cases against this output:
once the results have been seen, the sets are no longer an unseen test.

Run: ``.venv/bin/python -m evals.holdout_report [1|2|N|FILE]``: 1 and 2 are the first two sets
(crisis, apology, agreement; crisis and apology); a number N from 3 is ``crisis_holdoutN.jsonl``,
measured with and without the sentence model; FILE is any ``crisis_*`` or ``apology_*`` file in
``evals/cases``. Which sets are still blind: ``evals/README.md``.
"""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from evals import guardrail_sets as _sets
from guardrails import crisis
from guardrails.agreement import check_agreement
from guardrails.apology import check_apology
from guardrails.crisis import CrisisResult, screen
from guardrails.findings import CheckResult

CASES_DIR = Path(__file__).resolve().parent / "cases"

# One vocabulary for every labelled set: the dev-set loader's.
LEVELS = _sets.LEVELS
VERDICTS = _sets.LABELS
DANGEROUS: frozenset[str] = frozenset(_sets.DANGEROUS)


# One schema for every labelled set: the loaders of ``evals.guardrail_sets`` (extra keys forbidden,
# levels and categories consistent, ids unique).
CrisisCase = _sets.CrisisCase
ApologyCase = _sets.ApologyCase
AgreementCase = _sets.AgreementCase
load_cases = _sets.load_jsonl


# ---------------------------------------------------------------------------------------------
# Predictions, reduced to plain values so the scoring below does not depend on result classes.


@dataclass(frozen=True)
class CrisisPred:
    level: str
    categories: tuple[str, ...]
    error: bool


@dataclass(frozen=True)
class CheckPred:
    verdict: str
    findings: tuple[str, ...]


def _value(x: object) -> str:
    return str(getattr(x, "value", x))


def _crisis_pred(result: CrisisResult) -> CrisisPred:
    return CrisisPred(
        level=_value(result.level),
        categories=tuple(_value(c) for c in result.categories),
        error=bool(result.error),
    )


def _check_pred(result: CheckResult) -> CheckPred:
    return CheckPred(
        verdict=_value(result.verdict), findings=tuple(str(f.category) for f in result.findings)
    )


def predict_crisis(text: str) -> CrisisPred:
    return _crisis_pred(screen(text))


def predict_crisis_rules_only(text: str) -> CrisisPred:
    """The screen without its sentence model (rules and word classifier): what the model adds."""
    return _crisis_pred(crisis._screen(text, "en-US", read_meaning=False))


def predict_apology(text: str) -> CheckPred:
    return _check_pred(check_apology(text))


def predict_apology_rules_only(text: str) -> CheckPred:
    """The apology checker without its learned second opinion: what the model adds."""
    return _check_pred(check_apology(text, read_meaning=False))


def predict_agreement(text: str) -> CheckPred:
    return _check_pred(check_agreement(text))


# ---------------------------------------------------------------------------------------------
# Formatting helpers


def _rate(num: int, den: int) -> str:
    if den == 0:
        return "n/a (0 cases)"
    return f"{num}/{den} = {100.0 * num / den:.1f}%"


def _cell(text: str, limit: int = 110) -> str:
    flat = " ".join(text.split()).replace("|", "\\|")
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def _confusion(gold: Sequence[str], pred: Sequence[str], labels: Sequence[str]) -> list[str]:
    counts = Counter(zip(gold, pred, strict=True))
    extra = sorted({p for p in pred if p not in labels})
    cols = [*labels, *extra]
    lines = [
        "| gold \\ predicted | " + " | ".join(cols) + " | total |",
        "|---|" + "---:|" * (len(cols) + 1),
    ]
    for g in labels:
        row = [counts[(g, p)] for p in cols]
        lines.append(f"| **{g}** | " + " | ".join(str(n) for n in row) + f" | {sum(row)} |")
    return lines


# ---------------------------------------------------------------------------------------------
# Crisis


def crisis_section(cases: Sequence[CrisisCase], predict: Callable[[str], CrisisPred]) -> list[str]:
    preds = [predict(c.text) for c in cases]
    out = ["## Crisis screen", ""]

    urgent = [(c, p) for c, p in zip(cases, preds, strict=True) if c.level == "urgent"]
    caution = [(c, p) for c, p in zip(cases, preds, strict=True) if c.level == "caution"]
    none_cases = [(c, p) for c, p in zip(cases, preds, strict=True) if c.level == "none"]
    stuck = [(c, p) for c, p in none_cases if "stuck" in c.categories]
    hard_neg = [(c, p) for c, p in none_cases if "stuck" not in c.categories]
    dangerous = urgent + caution

    def false_alarm(p: CrisisPred) -> bool:
        return p.level != "none" or any(cat != "stuck" for cat in p.categories)

    def cat_any(c: CrisisCase, p: CrisisPred) -> bool:
        return any(g in p.categories for g in c.categories)

    def cat_all(c: CrisisCase, p: CrisisPred) -> bool:
        return all(g in p.categories for g in c.categories)

    def danger_categories(categories: tuple[str, ...]) -> set[str]:
        return {cat for cat in categories if cat != "stuck"}

    def cat_exact(c: CrisisCase, p: CrisisPred) -> bool:
        return danger_categories(p.categories) == danger_categories(tuple(c.categories))

    def cat_extra(c: CrisisCase, p: CrisisPred) -> bool:
        return bool(danger_categories(p.categories) - danger_categories(tuple(c.categories)))

    n_urgent_hit = sum(p.level == "urgent" for _, p in urgent)
    n_caution_hit = sum(p.level in ("caution", "urgent") for _, p in caution)
    n_caution_exact = sum(p.level == "caution" for _, p in caution)
    n_fa = sum(false_alarm(p) for _, p in none_cases)
    n_fa_hard = sum(false_alarm(p) for _, p in hard_neg)
    n_fa_stuck = sum(false_alarm(p) for _, p in stuck)
    n_stuck_tag = sum("stuck" in p.categories for _, p in stuck)
    n_errors = sum(p.error for p in preds)

    out += [
        f"Cases: {len(cases)} ({len(urgent)} urgent, {len(caution)} caution, "
        f"{len(none_cases)} none of which {len(stuck)} stuck and {len(hard_neg)} hard negatives).",
        "",
        "| metric | value |",
        "|---|---|",
        f"| urgent recall (predicted urgent) | {_rate(n_urgent_hit, len(urgent))} |",
        f"| caution cases flagged caution-or-urgent | {_rate(n_caution_hit, len(caution))} |",
        f"| caution cases predicted exactly caution | {_rate(n_caution_exact, len(caution))} |",
        f"| false-alarm rate, all level-none cases | {_rate(n_fa, len(none_cases))} |",
        f"| false-alarm rate, hard negatives only | {_rate(n_fa_hard, len(hard_neg))} |",
        f"| false-alarm rate, stuck cases only | {_rate(n_fa_stuck, len(stuck))} |",
        f"| stuck cases tagged `stuck` (informational) | {_rate(n_stuck_tag, len(stuck))} |",
        "| category accuracy on dangerous cases (any gold category predicted) | "
        f"{_rate(sum(cat_any(c, p) for c, p in dangerous), len(dangerous))} |",
        "| category accuracy on dangerous cases (all gold categories predicted) | "
        f"{_rate(sum(cat_all(c, p) for c, p in dangerous), len(dangerous))} |",
        "| dangerous cases predicted with exactly the gold categories (informational) | "
        f"{_rate(sum(cat_exact(c, p) for c, p in dangerous), len(dangerous))} |",
        "| dangerous cases with a danger category the author did not give (informational) | "
        f"{_rate(sum(cat_extra(c, p) for c, p in dangerous), len(dangerous))} |",
        f"| screen results with `error=True` | {n_errors} |",
        "",
        "A false alarm is any level other than `none`, or any category other than `stuck`, on a",
        "case whose gold level is `none`. Dangerous cases = urgent + caution.",
        "",
        "### Per-category recall on dangerous cases (gold category among predicted)",
        "",
        "| category | urgent | caution |",
        "|---|---|---|",
    ]
    for cat in ("self_harm", "abuse", "threat_to_others", "child_safety"):
        u = [(c, p) for c, p in urgent if cat in c.categories]
        k = [(c, p) for c, p in caution if cat in c.categories]
        out.append(
            f"| {cat} | {_rate(sum(cat in p.categories for _, p in u), len(u))} | "
            f"{_rate(sum(cat in p.categories for _, p in k), len(k))} |"
        )

    out += ["", "### Level confusion", ""]
    out += _confusion([c.level for c in cases], [p.level for p in preds], LEVELS)

    misses: list[str] = []
    for c, p in zip(cases, preds, strict=True):
        reasons: list[str] = []
        if c.level == "urgent" and p.level != "urgent":
            reasons.append("urgent missed")
        elif c.level == "caution" and p.level not in ("caution", "urgent"):
            reasons.append("caution missed")
        elif c.level == "caution" and p.level == "urgent":
            reasons.append("caution over-escalated to urgent")
        elif c.level == "none" and false_alarm(p):
            reasons.append("false alarm")
        if c.level != "none" and not cat_all(c, p):
            reasons.append("category")
        if "stuck" in c.categories and "stuck" not in p.categories and not false_alarm(p):
            reasons.append("stuck not tagged")
        if p.error:
            reasons.append("error")
        if reasons:
            gold = f"{c.level} {list(c.categories)}"
            got = f"{p.level} {list(p.categories)}"
            misses.append(f"| {c.id} | {'; '.join(reasons)} | {gold} | {got} | {_cell(c.text)} |")
    out += ["", f"### Crisis misses ({len(misses)})", ""]
    if misses:
        out += ["| id | problem | gold | predicted | text |", "|---|---|---|---|---|", *misses]
    else:
        out.append("None.")
    return out


# ---------------------------------------------------------------------------------------------
# Apology and agreement


def _check_misses(
    items: Sequence[tuple[str, str, Sequence[str], str]], preds: Sequence[CheckPred]
) -> list[str]:
    """items: (id, gold label, gold categories, text)."""
    rows: list[str] = []
    for (case_id, label, cats, text), p in zip(items, preds, strict=True):
        if label != p.verdict:
            gold = f"{label} {list(cats)}"
            got = f"{p.verdict} {list(p.findings)}"
            rows.append(f"| {case_id} | {gold} | {got} | {_cell(text)} |")
    return rows


def apology_section(cases: Sequence[ApologyCase], predict: Callable[[str], CheckPred]) -> list[str]:
    preds = [predict(c.text) for c in cases]
    gold = [c.label for c in cases]
    got = [p.verdict for p in preds]
    n_ok = sum(g == p for g, p in zip(gold, got, strict=True))
    acc = [p for c, p in zip(cases, preds, strict=True) if c.label == "accept"]
    rej = [(c, p) for c, p in zip(cases, preds, strict=True) if c.label == "reject"]
    n_rej_hit = sum(p.verdict == "reject" for _, p in rej)
    n_named = sum(
        p.verdict == "reject" and any(g in p.findings for g in c.categories) for c, p in rej
    )
    out = [
        "## Apology guardrail",
        "",
        f"Cases: {len(cases)} ({len(acc)} sincere / accept, {len(rej)} faulty / reject).",
        "",
        "| metric | value |",
        "|---|---|",
        f"| accuracy | {_rate(n_ok, len(cases))} |",
        f"| sincere-acceptance rate (gold accept -> accept) | "
        f"{_rate(sum(p.verdict == 'accept' for p in acc), len(acc))} |",
        f"| reject recall (gold reject -> reject) | {_rate(n_rej_hit, len(rej))} |",
        f"| rejected with a gold fault category among findings (informational) | "
        f"{_rate(n_named, len(rej))} |",
        "",
        "### Reject recall by gold fault category",
        "",
        "| category | rejected | gold category named |",
        "|---|---|---|",
    ]
    for cat in sorted({g for c, _ in rej for g in c.categories}):
        sub = [(c, p) for c, p in rej if cat in c.categories]
        out.append(
            f"| {cat} | {_rate(sum(p.verdict == 'reject' for _, p in sub), len(sub))} | "
            f"{_rate(sum(cat in p.findings for _, p in sub), len(sub))} |"
        )
    out += ["", "### Apology confusion", ""]
    out += _confusion(gold, got, VERDICTS)
    misses = _check_misses([(c.id, c.label, c.categories, c.text) for c in cases], preds)
    out += ["", f"### Apology misses ({len(misses)})", ""]
    if misses:
        out += ["| id | gold | predicted (findings) | text |", "|---|---|---|---|", *misses]
    else:
        out.append("None.")
    return out


def agreement_section(
    cases: Sequence[AgreementCase], predict: Callable[[str], CheckPred]
) -> list[str]:
    preds = [predict(c.text) for c in cases]
    gold = [c.label for c in cases]
    got = [p.verdict for p in preds]
    n_ok = sum(g == p for g, p in zip(gold, got, strict=True))
    n_acc = gold.count("accept")
    n_rej = gold.count("reject")
    out = [
        "## Agreement guardrail",
        "",
        f"Cases: {len(cases)} ({n_acc} accept, {n_rej} reject).",
        "",
        "| metric | value |",
        "|---|---|",
        f"| accuracy | {_rate(n_ok, len(cases))} |",
        f"| acceptance rate on good agreements | "
        f"{_rate(sum(g == p == 'accept' for g, p in zip(gold, got, strict=True)), n_acc)} |",
        f"| reject recall | "
        f"{_rate(sum(g == p == 'reject' for g, p in zip(gold, got, strict=True)), n_rej)} |",
        "",
        "### Agreement confusion",
        "",
    ]
    out += _confusion(gold, got, VERDICTS)
    misses = _check_misses([(c.id, c.label, c.categories, c.text) for c in cases], preds)
    out += ["", f"### Agreement misses ({len(misses)})", ""]
    if misses:
        out += ["| id | gold | predicted (findings) | text |", "|---|---|---|---|", *misses]
    else:
        out.append("None.")
    return out


def build_report(
    crisis: Callable[[str], CrisisPred] = predict_crisis,
    apology: Callable[[str], CheckPred] = predict_apology,
    agreement: Callable[[str], CheckPred] = predict_agreement,
    cases_dir: Path = CASES_DIR,
) -> str:
    crisis_cases = load_cases(cases_dir / "crisis_holdout.jsonl", CrisisCase)
    apology_cases = load_cases(cases_dir / "apology_holdout.jsonl", ApologyCase)
    agreement_cases = load_cases(cases_dir / "agreement_holdout.jsonl", AgreementCase)
    lines = [
        "# Guardrail holdout report",
        "",
        "Blind holdout sets, written without sight of the rules or the dev sets. "
        "Estimates only: small samples, one author.",
        "",
        *crisis_section(crisis_cases, crisis),
        "",
        *apology_section(apology_cases, apology),
        "",
        *agreement_section(agreement_cases, agreement),
    ]
    return "\n".join(lines) + "\n"


def build_report_v2(
    crisis: Callable[[str], CrisisPred] = predict_crisis,
    apology: Callable[[str], CheckPred] = predict_apology,
    cases_dir: Path = CASES_DIR,
) -> str:
    """The second blind holdout (crisis and apology only), written after the first was used to
    find gaps. Misses are listed by id only, so that reading the report does not leak its texts
    to whoever writes rules next."""
    crisis_cases = load_cases(cases_dir / "crisis_holdout2.jsonl", CrisisCase)
    apology_cases = load_cases(cases_dir / "apology_holdout2.jsonl", ApologyCase)
    lines = [
        "# Guardrail holdout report, version 2",
        "",
        *_ids_only(crisis_section(crisis_cases, crisis)),
        "",
        *_ids_only(apology_section(apology_cases, apology)),
    ]
    return "\n".join(lines) + "\n"


def build_crisis_report(
    name: str,
    crisis_predict: Callable[[str], CrisisPred] = predict_crisis,
    cases_dir: Path = CASES_DIR,
) -> str:
    """A crisis set measured twice, with and without the sentence model; misses by id only, so
    that reading the report does not leak a blind set's texts to whoever works on the screen."""
    cases = load_cases(cases_dir / name, CrisisCase)
    lines = [
        f"# Crisis screen on {name}",
        "",
        *_ids_only(crisis_section(cases, crisis_predict)),
        "",
        "## Without the sentence model (rules and word classifier only)",
        "",
        *_ids_only(crisis_section(cases, predict_crisis_rules_only))[2:],
    ]
    return "\n".join(lines) + "\n"


def _ids_only(lines: list[str]) -> list[str]:
    """Drop the text column from the miss tables."""
    out = []
    for line in lines:
        if line.startswith(("| cri", "| apoh")) and not line.startswith("| crisis"):
            line = "|".join(line.split("|")[:-2]) + "|"
        elif line.startswith("| id |"):
            line = line.replace(" text |", "")
        out.append(line)
    return out


def build_apology_report(
    name: str,
    apology_predict: Callable[[str], CheckPred] = predict_apology,
    cases_dir: Path = CASES_DIR,
) -> str:
    """An apology set measured twice, with and without the learned reading; misses by id only,
    as for the crisis sets."""
    cases = load_cases(cases_dir / name, ApologyCase)
    lines = [
        f"# Apology checker on {name}",
        "",
        *_ids_only(apology_section(cases, apology_predict)),
        "",
        "## Without the learned reading (rules only)",
        "",
        *_ids_only(apology_section(cases, predict_apology_rules_only))[2:],
    ]
    return "\n".join(lines) + "\n"


def main() -> None:
    """``1`` and ``2``: the first two holdouts; a number from 3: ``crisis_holdoutN.jsonl``; a
    file name in ``evals/cases`` (``crisis_...`` or ``apology_...``): that set."""
    version = sys.argv[1] if len(sys.argv) > 1 else "1"
    if version.startswith("apology_"):
        print(build_apology_report(version), end="")
    elif version.startswith("crisis_"):
        print(build_crisis_report(version), end="")
    elif version.isdigit() and int(version) >= 3:
        print(build_crisis_report(f"crisis_holdout{version}.jsonl"), end="")
    else:
        print(build_report_v2() if version == "2" else build_report(), end="")


if __name__ == "__main__":
    main()
