"""The apology guardrail: name what weakens an apology, and how to mend it.

It checks every repair suggestion (model or template) and every draft a person writes. A draft may
be a whole response (restatement, feelings, validation, then the apology), so sentences that restate
the partner's feelings ("You felt embarrassed when I left early.") are not treated as blame.

The phrasings live in ``guardrails/data/apology_patterns.yaml``; this module only applies them.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from guardrails._patterns import check_result, finding_data, load_rules, scan, whole_text_span
from guardrails.findings import CheckResult, Finding

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


def check_apology(text: str) -> CheckResult:
    """Check an apology or empathy statement.

    Returns ``reject`` with one finding per fault (category, span into ``text``, reason, hint), or
    ``accept`` with no findings. Text that owns nothing at all (no apology, no owned action, no
    owned impact, no empathy, no commitment) also gets a ``no_ownership`` finding over the whole
    text; empty or whitespace-only text gets only that one, at ``0..0``.
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
    return check_result(findings)
