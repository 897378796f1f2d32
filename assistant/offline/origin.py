"""Origin detection for the offline engine (step 1: where does the hurt come from?).

The cues live in ``data/origin_cues.yaml``; each points to one side with a weight:

* **before** the relationship: "before we met", an ex ("my ex", "my first husband"), childhood
  ("growing up", "when I was little"), school ("in high school", "bullied"), a parent's habits
  ("my dad used to").
* **this** relationship: the partner's act, addressed ("you promised", "you forgot", "you've been
  lying", "you keep ...") or named ("my husband", "he cancelled", "she's been hiding", "he keeps",
  "he checks", "she'd hidden"), when it happened ("last night", "our anniversary"), and the
  weaker "you always", "we", "your".
* **bridge**: an old hurt brought back now ("it all came back", "reminded me of", "triggered").

The rule, in order:

1. No cue on either side: ``unclear`` ("I feel so alone lately.").
2. "he/she/they did ..." counts for the partner only when no before-cue names an earlier person
   ("my dad ... he would yell" is about the dad).
3. A bridge together with a concrete act of the partner: ``this_relationship``. The old hurt is
   the background; the event described, the one to repair, is the partner's ("my dad always
   criticised my looks, and when you commented on my dress last night it all came back").
4. Otherwise the heavier side wins: ``before_relationship`` only when the description is mainly
   about the old hurt (its weight is greater); a tie goes to ``this_relationship``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Literal

from pydantic import BaseModel, ConfigDict

from assistant.offline.feelings import compile_pattern, prepare_text, read_data
from assistant.schemas import Origin

Side = Literal["before", "this", "bridge"]
_MAX_COUNT = 3  # one cue repeated many times should not outweigh everything else


class _Cue(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str
    side: Side
    weight: float
    patterns: tuple[str, ...]
    act: bool = False
    only_without_before: bool = False


class _CueFile(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    terms: dict[str, str]
    cues: tuple[_Cue, ...]


@dataclass(frozen=True)
class _Compiled:
    cue: _Cue
    patterns: tuple[re.Pattern[str], ...]


@cache
def _cues() -> tuple[_Compiled, ...]:
    data = _CueFile.model_validate(read_data("origin_cues.yaml"))
    names = [c.name for c in data.cues]
    if len(set(names)) != len(names):
        raise ValueError("origin cue names must be unique")
    return tuple(
        _Compiled(c, tuple(compile_pattern(p, data.terms) for p in c.patterns)) for c in data.cues
    )


def _matches(text: str) -> list[tuple[_Cue, int, int]]:
    """Every cue match, in text order; overlapping matches of one cue count once."""
    text = prepare_text(text)
    found: list[tuple[_Cue, int, int]] = []
    for compiled in _cues():
        spans = sorted((m.start(), m.end()) for p in compiled.patterns for m in p.finditer(text))
        last_end = -1
        for start, end in spans:
            if start >= last_end:
                found.append((compiled.cue, start, end))
                last_end = end
    found.sort(key=lambda f: (f[1], f[2]))
    return found


def origin_cues(text: str) -> list[tuple[str, int, int]]:
    """Which cue matched where, as ``("<side>:<cue name>", start, end)`` in text order."""
    return [(f"{cue.side}:{cue.name}", start, end) for cue, start, end in _matches(text)]


def detect_origin(text: str) -> Origin:
    """Whether the described hurt happened in this relationship, before it, or can't be told."""
    matches = _matches(text)
    counts: dict[str, int] = {}
    weights: dict[Side, float] = {"before": 0.0, "this": 0.0, "bridge": 0.0}
    partner_act = 0.0
    has_before = any(cue.side == "before" for cue, _, _ in matches)
    for cue, _, _ in matches:
        if cue.only_without_before and has_before:
            continue
        counts[cue.name] = counts.get(cue.name, 0) + 1
        if counts[cue.name] > _MAX_COUNT:
            continue
        weights[cue.side] += cue.weight
        if cue.act:
            partner_act += cue.weight
    has_bridge = any(cue.side == "bridge" for cue, _, _ in matches)
    if not has_before and weights["this"] == 0:
        return Origin.UNCLEAR
    if has_bridge and partner_act > 0:
        return Origin.THIS_RELATIONSHIP
    if weights["before"] > weights["this"]:
        return Origin.BEFORE_RELATIONSHIP
    return Origin.THIS_RELATIONSHIP
