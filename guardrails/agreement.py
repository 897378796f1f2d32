"""The agreement guardrail: check a couple's commitments for overpromising and vagueness.

Step 4 of the method asks partners to make their "contract" explicit and to promise only what
they will keep. A specific, keepable commitment passes ("I'll call you on my lunch break on
Tuesdays and Thursdays"); an absolute one ("I'll always answer right away") or one nobody could
check ("I'll be more present", "I'll call you more") is rejected with a hint to mend it.

The phrasings live in ``guardrails/data/agreement_patterns.yaml``; this module only applies them.
"""

from __future__ import annotations

from enum import StrEnum

from guardrails._patterns import (
    check_result,
    find_hits,
    finding_data,
    load_rules,
    whole_text_span,
)
from guardrails.findings import CheckResult, Finding

PATTERN_FILE = "agreement_patterns.yaml"


class AgreementCategory(StrEnum):
    OVERPROMISING = "overpromising"
    VAGUE = "vague"


def check_agreement(text: str) -> CheckResult:
    """Check one written commitment (one or a few sentences).

    Returns ``reject`` with one finding per fault (category, span into ``text``, reason, hint), or
    ``accept``. A one-off concrete action needs no schedule ("I'll stop reading your messages"), so
    only vague wording is rejected, not a missing date. Empty or whitespace-only text gets one
    ``vague`` finding at ``0..0``.
    """
    rules = load_rules(PATTERN_FILE)
    if not text.strip():
        return check_result([_whole_text_finding(text, rules.messages["empty"])])
    return check_result([finding_data(hit, text) for hit in find_hits(rules, text)])


def _whole_text_finding(text: str, message: dict[str, str]) -> Finding:
    return Finding(
        category=AgreementCategory.VAGUE.value,
        span=whole_text_span(text),
        reason=message["reason"],
        hint=message["hint"],
    )
