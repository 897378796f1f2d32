"""The apology guardrail: name what weakens an apology, and how to mend it.

It checks every repair suggestion (model or template) and every draft a person writes. A draft may
be a whole response (restatement, feelings, validation, then the apology), so sentences that restate
the partner's feelings ("You felt embarrassed when I left early.") are not treated as blame.

The phrasings live in ``guardrails/data/apology_patterns.yaml``; this module applies them, and
when none matched asks a learned second opinion (``apology_model``) that reads the apology as a
whole and can only turn an accept into a reject.
"""

from __future__ import annotations

import logging
from enum import StrEnum
from typing import Any

from guardrails._patterns import (
    Rules,
    check_result,
    finding_data,
    load_rules,
    scan,
    whole_text_span,
)
from guardrails.findings import CheckResult, Finding, Span

log = logging.getLogger(__name__)

PATTERN_FILE = "apology_patterns.yaml"


class ApologyCategory(StrEnum):
    EXCUSE = "excuse"
    BLAME_SHIFT = "blame_shift"
    CONDITIONAL = "conditional"
    NON_APOLOGY = "non_apology"
    MINIMIZING = "minimizing"
    INTENT_OVER_IMPACT = "intent_over_impact"
    DEMANDING_FORGIVENESS = "demanding_forgiveness"
    SARCASM_SELF_PITY = "sarcasm_self_pity"
    OVERPROMISING = "overpromising"
    WEAPONIZING_DISCLOSURE = "weaponizing_disclosure"
    NO_OWNERSHIP = "no_ownership"


def check_apology(text: str, read_meaning: bool = True) -> CheckResult:
    """Check an apology or empathy statement.

    Returns ``reject`` with one finding per fault (category, span into ``text``, reason, hint), or
    ``accept`` with no findings. Text that owns nothing at all (no apology, no owned action, no
    owned impact, no empathy, no commitment) also gets a ``no_ownership`` finding over the whole
    text; empty or whitespace-only text gets only that one, at ``0..0``. When the rules find
    nothing, the learned second opinion may add one finding (``read_meaning=False`` leaves it
    out: for measuring what it adds).
    """
    rules = load_rules(PATTERN_FILE)
    if not text.strip():
        message = rules.messages["empty"]
        return check_result(
            [
                Finding(
                    category=ApologyCategory.NO_OWNERSHIP.value,
                    span=whole_text_span(text),
                    reason=message["reason"],
                    hint=message["hint"],
                )
            ]
        )
    result = scan(rules, text)
    findings: list[Finding | dict[str, Any]] = [finding_data(hit, text) for hit in result.hits]
    # Reported even beside other faults: "You're too sensitive." both blames and owns nothing, and
    # the second hint (name what you did) is the one that mends it.
    if not result.owned:
        message = rules.messages["no_ownership"]
        findings.append(
            Finding(
                category=ApologyCategory.NO_OWNERSHIP.value,
                span=whole_text_span(text),
                reason=message["reason"],
                hint=message["hint"],
            )
        )
    # The learned reading is heard only where the rules found no fault and set none aside: a
    # phrasing they read as sincere ("I didn't mean to, and I did") keeps their verdict.
    if not findings and not result.set_aside and read_meaning:
        findings.extend(_second_opinion(rules, text))
    return check_result(findings)


def _second_opinion(rules: Rules, text: str) -> list[Finding]:
    """The learned reading's finding, if it turns the apology down. A model that cannot load
    leaves the rules' verdict standing: the rules alone are the checker this one improves on."""
    from guardrails import apology_model  # it reads ApologyCategory from this module

    try:
        found = apology_model.opinion(text)
    except Exception:
        log.warning("the apology model could not run; the rules' verdict stands", exc_info=True)
        return []
    if found is None:
        return []
    message = rules.messages[f"learned_{found.category}"]
    return [
        Finding(
            category=found.category,
            span=Span(start=found.start, end=found.end, text=text[found.start : found.end]),
            reason=message["reason"],
            hint=message["hint"],
        )
    ]
