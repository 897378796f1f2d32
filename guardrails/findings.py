"""Shapes shared by every guardrail: a span of the text and a finding about it."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict


class Span(BaseModel):
    """A stretch of the checked text: ``text[start:end] == span.text``."""

    model_config = ConfigDict(frozen=True)

    start: int
    end: int
    text: str


class Finding(BaseModel):
    """One thing wrong with a draft, and how to mend it."""

    model_config = ConfigDict(frozen=True)

    category: str
    span: Span
    reason: str
    hint: str


class Verdict(StrEnum):
    ACCEPT = "accept"
    REJECT = "reject"


class CheckResult(BaseModel):
    """What the apology and agreement checkers return."""

    model_config = ConfigDict(frozen=True)

    verdict: Verdict
    findings: list[Finding]

    @property
    def accepted(self) -> bool:
        return self.verdict is Verdict.ACCEPT
