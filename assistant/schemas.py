"""The shapes a reflection takes: what every engine must produce and every page can show."""

from __future__ import annotations

from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class Origin(StrEnum):
    """Where the hurt comes from (step 1 of the method)."""

    THIS_RELATIONSHIP = "this_relationship"
    BEFORE_RELATIONSHIP = "before_relationship"
    UNCLEAR = "unclear"


class Voice(StrEnum):
    """Who the description speaks to."""

    TO_PARTNER = "to_partner"  # "You promised you'd come..."
    ABOUT_PARTNER = "about_partner"  # "He promised he'd come..."


class RepairKind(StrEnum):
    APOLOGY = "apology"  # the hurt happened in this relationship
    EMPATHY = "empathy"  # the hurt came before it: nothing to apologize for
    NONE = "none"  # origin unclear: no suggestion rather than a wrong one


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Summary(_Frozen):
    """Step 1: the description restated from the listener's side."""

    restatement: str = Field(description="What happened, said back from the listener's side.")
    meaning: str = Field(description="What it meant to the speaker.")
    origin: Origin


class FeelingAcknowledgment(_Frozen):
    """Step 2: one feeling, named simply."""

    feeling: str = Field(description="The feeling word, e.g. 'let down'.")
    sentence: str = Field(description="A short sentence, e.g. 'You felt let down.'")


class Feelings(_Frozen):
    acknowledgments: list[FeelingAcknowledgment]
    validation: str = Field(description="One line saying the feelings make sense.")


class Repair(_Frozen):
    """Step 3: an apology, an empathy statement, or nothing."""

    kind: RepairKind
    text: str | None = None


EngineName = Literal["offline", "model"]


class Reflection(_Frozen):
    """Everything Heardwell says back about one description."""

    summary: Summary
    feelings: Feelings
    repair: Repair
    engine: EngineName
    model: str = Field(description="'offline', or the litellm model string that answered.")
    voice: Voice = Voice.TO_PARTNER
    notices: list[str] = Field(default_factory=list)
