"""Shared machinery for the apology and agreement checkers: load pattern families, match text.

Patterns live in YAML files under ``guardrails/data`` so that a therapist can read and extend them.
Three conventions keep those files readable:

* a space in a pattern matches any run of whitespace, and `` ?`` optional whitespace;
* an apostrophe is optional and also matches the typographic one (the text is normalised);
* ``%name%`` is replaced by the ``lexicon`` entry of that name (an alternation of words).

Every pattern is matched case-insensitively inside one sentence. A family's ``unless_*`` lists
say when a match is not a fault (a negation before it, an owning clause beside it, ...).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field

from guardrails.findings import Finding, Span

_FLAGS = re.IGNORECASE
_LEXICON_TOKEN = re.compile(r"%([a-z_]+)%")
# Same length on both sides, so spans found in the normalised text index the original text.
_NORMALISE = str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"'})
_SENTENCE = re.compile(r"[^.!?\n]+(?:[.!?]+[\"')\]]*|$)|[.!?]+")


class PatternError(ValueError):
    """A pattern file is malformed or one of its patterns does not compile."""


class FamilySpec(BaseModel):
    """One family of phrasings that share a category, a reason and a hint."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    category: str
    reason: str
    hint: str
    patterns: list[str] = Field(min_length=1)
    # Checked on the sentence text before the match (anchor with ``$`` for "right before").
    unless_before: list[str] = []
    # Checked on the sentence text after the match (anchor with ``^`` for "right after").
    unless_after: list[str] = []
    # Checked on the whole sentence the match is in.
    unless_sentence: list[str] = []
    # Checked on the previous, the same and the next sentence.
    unless_near: list[str] = []
    # Checked on the whole text.
    unless_anywhere: list[str] = []
    # A catch-all: dropped when a more specific finding overlaps it.
    generic: bool = False
    # Reported speech ("when I said you were overreacting") is the writer owning a past fault.
    reported_speech_ok: bool = True


class PatternFile(BaseModel):
    """The whole content of one ``*_patterns.yaml`` file."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    version: int
    lexicon: dict[str, str] = {}
    reported_speech: list[str] = []
    ownership: list[str] = []
    messages: dict[str, dict[str, str]] = {}
    families: list[FamilySpec] = Field(min_length=1)


@dataclass(frozen=True, slots=True)
class Family:
    """A compiled :class:`FamilySpec`."""

    spec: FamilySpec
    priority: int
    patterns: tuple[re.Pattern[str], ...]
    # All patterns in one alternation: most sentences match nothing, and one search says so.
    screen: re.Pattern[str]
    unless_before: tuple[re.Pattern[str], ...]
    unless_after: tuple[re.Pattern[str], ...]
    unless_sentence: tuple[re.Pattern[str], ...]
    unless_near: tuple[re.Pattern[str], ...]
    unless_anywhere: tuple[re.Pattern[str], ...]


@dataclass(frozen=True, slots=True)
class Rules:
    """A compiled pattern file."""

    families: tuple[Family, ...]
    reported_speech: tuple[re.Pattern[str], ...]
    ownership: tuple[re.Pattern[str], ...]
    messages: dict[str, dict[str, str]]


@dataclass(frozen=True, slots=True)
class Sentence:
    start: int
    end: int
    text: str


@dataclass(frozen=True, slots=True)
class Hit:
    family: Family
    start: int
    end: int


def _loosen(source: str) -> str:
    # Optional apostrophes ("didnt"), then optional and required whitespace runs.
    return source.replace("'", "'?").replace(" ?", r"\s*").replace(" ", r"\s+")


def compile_pattern(source: str, lexicon: dict[str, str]) -> re.Pattern[str]:
    """Expand the readability conventions of a pattern file and compile the result."""

    def expand(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in lexicon:
            raise PatternError(f"unknown lexicon entry %{name}% in pattern {source!r}")
        return f"(?:{lexicon[name]})"

    expanded = _loosen(_LEXICON_TOKEN.sub(expand, source))
    try:
        return re.compile(expanded, _FLAGS)
    except re.error as exc:
        raise PatternError(f"pattern {source!r} does not compile: {exc}") from exc


def _compile_all(sources: Iterable[str], lexicon: dict[str, str]) -> tuple[re.Pattern[str], ...]:
    return tuple(compile_pattern(source, lexicon) for source in sources)


@cache
def load_rules(filename: str) -> Rules:
    """Load and compile ``guardrails/data/<filename>`` once per process."""
    raw: Any = yaml.safe_load(
        resources.files("guardrails").joinpath("data", filename).read_text(encoding="utf-8")
    )
    spec = PatternFile.model_validate(raw)
    # Lexicon entries may use spaces and apostrophes too; expand them like patterns.
    lexicon = {name: _loosen(words) for name, words in spec.lexicon.items()}
    families = tuple(
        _compile_family(family, index, lexicon) for index, family in enumerate(spec.families)
    )
    return Rules(
        families=families,
        reported_speech=_compile_all(spec.reported_speech, lexicon),
        ownership=_compile_all(spec.ownership, lexicon),
        messages=spec.messages,
    )


def _screen(patterns: Sequence[re.Pattern[str]]) -> re.Pattern[str]:
    # Named groups may repeat across patterns, so the alternation drops their names.
    sources = [re.sub(r"\(\?P<\w+>", "(?:", p.pattern) for p in patterns]
    return re.compile("|".join(f"(?:{source})" for source in sources), _FLAGS)


def _compile_family(spec: FamilySpec, priority: int, lexicon: dict[str, str]) -> Family:
    patterns = _compile_all(spec.patterns, lexicon)
    return Family(
        spec=spec,
        priority=priority,
        patterns=patterns,
        screen=_screen(patterns),
        unless_before=_compile_all(spec.unless_before, lexicon),
        unless_after=_compile_all(spec.unless_after, lexicon),
        unless_sentence=_compile_all(spec.unless_sentence, lexicon),
        unless_near=_compile_all(spec.unless_near, lexicon),
        unless_anywhere=_compile_all(spec.unless_anywhere, lexicon),
    )


def normalise(text: str) -> str:
    """Map typographic quotes to ASCII ones without changing any offset."""
    return text.translate(_NORMALISE)


def split_sentences(text: str) -> list[Sentence]:
    """Split on ``.``, ``!``, ``?`` and newlines, keeping offsets into ``text``."""
    return [
        Sentence(m.start(), m.end(), m.group())
        for m in _SENTENCE.finditer(text)
        if m.group().strip()
    ]


def any_match(patterns: Sequence[re.Pattern[str]], text: str) -> bool:
    return any(p.search(text) for p in patterns)


def _span_of(match: re.Match[str]) -> tuple[int, int]:
    # A pattern may narrow its reported span with a group named ``span``.
    named = "span" in match.re.groupindex and match.group("span") is not None
    start, end = match.span("span") if named else match.span()
    # Patterns that run to the end of a clause would otherwise end on the space before a dash.
    return start, start + len(match.string[start:end].rstrip())


def _suppressed(
    family: Family,
    sentences: Sequence[Sentence],
    index: int,
    match_start: int,
    match_end: int,
    whole: str,
    reported_end: int | None,
) -> bool:
    sentence = sentences[index].text
    before, after = sentence[:match_start], sentence[match_end:]
    if any_match(family.unless_before, before) or any_match(family.unless_after, after):
        return True
    if any_match(family.unless_sentence, sentence):
        return True
    if family.spec.reported_speech_ok and reported_end is not None and reported_end <= match_start:
        return True
    if family.unless_near:
        near = " ".join(s.text for s in sentences[max(0, index - 1) : index + 2])
        if any_match(family.unless_near, near):
            return True
    return any_match(family.unless_anywhere, whole)


def _reported_speech_end(rules: Rules, sentence: str) -> int | None:
    """Where the earliest reporting clause ends ("when I said"), or None if there is none.

    Searched in the whole sentence so a pattern may look ahead ("I said X, and that was unfair");
    a match is excused only if it comes after the reporting verb.
    """
    ends = [m.end() for p in rules.reported_speech for m in p.finditer(sentence)]
    return min(ends) if ends else None


def _overlaps(a: Hit, b: Hit) -> bool:
    return a.start < b.end and b.start < a.end


def find_hits(rules: Rules, text: str) -> list[Hit]:
    """Every match no ``unless`` rule excuses, in text order.

    Where two findings cover the same words, the family listed first in the data file wins, so one
    phrase is reported once, under its most specific name.
    """
    whole = normalise(text)
    sentences = split_sentences(whole)
    raw: list[Hit] = []
    for index, sentence in enumerate(sentences):
        reported_end = _reported_speech_end(rules, sentence.text)
        for family in rules.families:
            if not family.screen.search(sentence.text):
                continue
            for pattern in family.patterns:
                for match in pattern.finditer(sentence.text):
                    local_start, local_end = _span_of(match)
                    if local_start == local_end:
                        continue
                    if _suppressed(
                        family,
                        sentences,
                        index,
                        match.start(),
                        match.end(),
                        whole,
                        reported_end,
                    ):
                        continue
                    raw.append(
                        Hit(family, sentence.start + local_start, sentence.start + local_end)
                    )
    specific = [hit for hit in raw if not hit.family.spec.generic]
    raw = [
        hit
        for hit in raw
        if not (hit.family.spec.generic and any(_overlaps(hit, s) for s in specific))
    ]
    raw.sort(key=lambda hit: (hit.family.priority, hit.start, -(hit.end - hit.start)))
    kept: list[Hit] = []
    for hit in raw:
        if not any(_overlaps(hit, other) for other in kept):
            kept.append(hit)
    kept.sort(key=lambda hit: (hit.start, hit.family.priority))
    return kept


def to_finding(hit: Hit, text: str) -> Finding:
    return Finding(
        category=hit.family.spec.category,
        span=Span(start=hit.start, end=hit.end, text=text[hit.start : hit.end]),
        reason=hit.family.spec.reason,
        hint=hit.family.spec.hint,
    )


def whole_text_span(text: str) -> Span:
    """The stripped text as a span, or ``0..0`` when there is nothing but whitespace."""
    stripped = text.strip()
    if not stripped:
        return Span(start=0, end=0, text="")
    start = text.index(stripped)
    return Span(start=start, end=start + len(stripped), text=stripped)
