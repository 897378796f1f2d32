"""The crisis screen: deterministic rules that find danger in text and pick the help to show.

It runs on everything a person types, before any model sees it, and on everything a model writes,
before a person sees it (see SAFETY.md). It is code plus two kinds of data file, both meant to be
read and edited by a therapist:

* ``data/crisis_patterns.yaml``: what counts as danger (category, level, pattern, comment), the
  figures of speech and support talk that do not, and the negation and time words;
* ``data/routes/<locale>.yaml``: the help cards, written by people.

A match is kept unless a negation comes shortly before it in the same clause ("I'm not
suicidal"), it overlaps a figure of speech ("this argument is killing me") or support talk, or its
sentence is about a film or a story. Its level comes from the rule, lowered to caution when the
nearest time marker says it is over ("my ex hit me years ago"). The screen fails closed: any
error gives ``urgent`` with a general help card, never an exception.
"""

from __future__ import annotations

import bisect
import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cache
from importlib import resources
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field

from guardrails._patterns import PatternError, compile_pattern, normalise, split_sentences
from guardrails.routes import (
    INTERNATIONAL,
    Route,
    RouteBook,
    RouteLine,
    load_book,
    locale_files,
    resolve_locale,
)

__all__ = [
    "CrisisCategory",
    "CrisisLevel",
    "CrisisResult",
    "CrisisSpan",
    "Route",
    "RouteLine",
    "available_locales",
    "help_card",
    "screen",
]

_log = logging.getLogger(__name__)


class CrisisLevel(StrEnum):
    NONE = "none"  # nothing dangerous (perhaps stuck)
    CAUTION = "caution"  # danger that is over, or unclear: help beside the exercise
    URGENT = "urgent"  # danger now: the exercise stops, help comes first


class CrisisCategory(StrEnum):
    SELF_HARM = "self_harm"
    ABUSE = "abuse"
    THREAT_TO_OTHERS = "threat_to_others"
    CHILD_SAFETY = "child_safety"
    STUCK = "stuck"  # hard but not dangerous: a couples therapist can help


_RANK = {CrisisLevel.NONE: 0, CrisisLevel.CAUTION: 1, CrisisLevel.URGENT: 2}
# Order of the lines on a joined card, most urgent first.
_PRIORITY = (
    CrisisCategory.SELF_HARM,
    CrisisCategory.THREAT_TO_OTHERS,
    CrisisCategory.CHILD_SAFETY,
    CrisisCategory.ABUSE,
    CrisisCategory.STUCK,
)
# Violence between partners is not a relationship problem: no couples therapy on the card.
_NO_COUPLES_THERAPY = (CrisisCategory.ABUSE, CrisisCategory.THREAT_TO_OTHERS)
# The help page: crisis lines, abuse, threats, child safety, outside the US, couples therapy.
_HELP_PAGE = (
    CrisisCategory.SELF_HARM,
    CrisisCategory.ABUSE,
    CrisisCategory.THREAT_TO_OTHERS,
    CrisisCategory.CHILD_SAFETY,
)

# Shown only if even the locale's fail-closed card cannot be read.
_LAST_RESORT = Route(
    title="Help is here if you need it",
    intro="We could not check this text, so the exercise is paused to be safe. "
    "If you or someone else may be in danger, please reach out now.",
    lines=[
        RouteLine(
            name="Emergency services",
            contact="Call your local emergency number (911 in the US)",
            detail="If you or someone else is in immediate danger.",
        ),
        RouteLine(
            name="988 Suicide & Crisis Lifeline (US)",
            contact="Call or text 988, or chat at 988lifeline.org",
        ),
        RouteLine(name="Find A Helpline (worldwide)", contact="findahelpline.com"),
    ],
)


class CrisisSpan(BaseModel):
    """Where in the text a danger (or stuck) phrase was found: ``text[start:end] == span.text``."""

    model_config = ConfigDict(frozen=True)

    start: int
    end: int
    text: str
    category: CrisisCategory


class CrisisResult(BaseModel):
    """What the screen found and the help card to show (``None`` when nothing was found)."""

    model_config = ConfigDict(frozen=True)

    level: CrisisLevel
    categories: list[CrisisCategory]
    spans: list[CrisisSpan]
    route: Route | None
    error: bool = False

    @property
    def stops_exercise(self) -> bool:
        return self.level is CrisisLevel.URGENT


# ---------------------------------------------------------------------------------- public API


def screen(text: str, locale: str = "en-US") -> CrisisResult:
    """Screen ``text`` for crisis language. Never raises: on any error it fails closed."""
    try:
        if not isinstance(text, str):
            raise TypeError(f"screen() needs a str, not {type(text).__name__}")
        return _screen(text, locale)
    except Exception as exc:
        # The text itself is never logged: it may be someone's crisis.
        _log.error("crisis screen failed closed (%s)", type(exc).__name__)
        return CrisisResult(
            level=CrisisLevel.URGENT,
            categories=[],
            spans=[],
            route=_fail_closed_route(locale),
            error=True,
        )


def help_card(locale: str = "en-US") -> list[Route]:
    """Every card, for the always-available "Get help" page, in the order a reader needs them."""
    try:
        book = _book(locale)
        cards = [book.cards[category.value].as_route() for category in _HELP_PAGE]
        if book.locale != INTERNATIONAL:
            outside = load_book(INTERNATIONAL).outside
            if outside is not None:
                cards.append(outside)
        cards.append(book.cards[CrisisCategory.STUCK.value].as_route())
        return cards
    except Exception as exc:
        _log.error("help cards could not be read (%s)", type(exc).__name__)
        return [_LAST_RESORT]


def available_locales() -> list[str]:
    """Locales with their own help cards; any other locale gets the international ones."""
    return list(locale_files())


# ---------------------------------------------------------------------------------- the rules


class _RuleSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    category: CrisisCategory
    level: CrisisLevel
    current_level: CrisisLevel | None = None
    pattern: str
    context: str | None = None
    # Second cues: each must also match in the match's sentence (or the ``window`` sentences
    # after it), so a rule can ask for words near each other rather than one fixed phrase.
    near: list[str] = []
    window: int = Field(default=0, ge=0, le=2)
    # Further categories the same match belongs to ("I want to hit my wife": a threat and abuse).
    also: list[CrisisCategory] = []
    # Lower-case bits of words, one of which every match contains: a fast first check.
    needs: list[str] = []
    comment: str


class _ExclusionSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    pattern: str
    categories: list[CrisisCategory] = Field(default_factory=lambda: list(CrisisCategory))
    # The exclusion only counts when this also appears somewhere in the text (a game, a recipe).
    context: str | None = None
    comment: str


class _NegationSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    cues: str
    exceptions: str = Field(alias="except")
    window_words: int = Field(ge=1)
    clause_breaks: str


class _TimeSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    past: list[str] = Field(min_length=1)
    present: list[str] = Field(min_length=1)
    carries_back: str
    former_partner: str


class _PatternFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    version: int
    lexicon: dict[str, str]
    rules: list[_RuleSpec] = Field(min_length=1)
    figurative: list[_ExclusionSpec]
    support: list[_ExclusionSpec]
    frames: list[str]
    negation: _NegationSpec
    time: _TimeSpec


@dataclass(frozen=True, slots=True)
class _Rule:
    spec: _RuleSpec
    regex: re.Pattern[str]
    context: re.Pattern[str] | None
    near: tuple[re.Pattern[str], ...] = ()


@dataclass(frozen=True, slots=True)
class _Rules:
    rules: tuple[_Rule, ...]
    exclusions: tuple[
        tuple[re.Pattern[str], frozenset[CrisisCategory], re.Pattern[str] | None], ...
    ]
    frames: re.Pattern[str]
    negation: re.Pattern[str]
    negation_exceptions: re.Pattern[str]
    window_words: int
    clause_breaks: re.Pattern[str]
    past: re.Pattern[str]
    present: re.Pattern[str]
    carries_back: re.Pattern[str]
    former_partner: re.Pattern[str]


_LEXICON_TOKEN = re.compile(r"%([a-z_]+)%")


def _resolve_lexicon(raw: dict[str, str]) -> dict[str, str]:
    """Expand entries that use other entries, so each value is a plain regex fragment."""
    resolved: dict[str, str] = {}

    def resolve(name: str, seen: frozenset[str]) -> str:
        if name in resolved:
            return resolved[name]
        if name in seen:
            raise PatternError(f"lexicon entry %{name}% refers to itself")
        if name not in raw:
            raise PatternError(f"unknown lexicon entry %{name}%")
        value = _LEXICON_TOKEN.sub(lambda m: f"(?:{resolve(m.group(1), seen | {name})})", raw[name])
        resolved[name] = value
        return value

    for name in raw:
        resolve(name, frozenset())
    return resolved


def _any_of(sources: Iterable[str], lexicon: dict[str, str]) -> re.Pattern[str]:
    return compile_pattern("|".join(f"(?:{source})" for source in sources), lexicon)


@cache
def _rules() -> _Rules:
    """Load and compile ``data/crisis_patterns.yaml`` once per process."""
    raw: Any = yaml.safe_load(
        resources.files("guardrails")
        .joinpath("data", "crisis_patterns.yaml")
        .read_text(encoding="utf-8")
    )
    spec = _PatternFile.model_validate(raw)
    lexicon = _resolve_lexicon(spec.lexicon)
    rules = []
    for rule in spec.rules:
        if (rule.category is CrisisCategory.STUCK) != (rule.level is CrisisLevel.NONE):
            raise PatternError(f"rule {rule.id}: level none is for stuck, and stuck only")
        if rule.category is CrisisCategory.STUCK and rule.also:
            raise PatternError(f"rule {rule.id}: stuck cannot add dangerous categories")
        context = compile_pattern(rule.context, lexicon) if rule.context else None
        near = tuple(compile_pattern(cue, lexicon) for cue in rule.near)
        rules.append(_Rule(rule, compile_pattern(rule.pattern, lexicon), context, near))
    exclusions = tuple(
        (
            compile_pattern(item.pattern, lexicon),
            frozenset(item.categories),
            compile_pattern(item.context, lexicon) if item.context else None,
        )
        for item in (*spec.figurative, *spec.support)
    )
    return _Rules(
        rules=tuple(rules),
        exclusions=exclusions,
        frames=_any_of(spec.frames, lexicon),
        negation=compile_pattern(spec.negation.cues, lexicon),
        negation_exceptions=compile_pattern(spec.negation.exceptions, lexicon),
        window_words=spec.negation.window_words,
        clause_breaks=compile_pattern(spec.negation.clause_breaks, lexicon),
        past=_any_of(spec.time.past, lexicon),
        present=_any_of(spec.time.present, lexicon),
        carries_back=compile_pattern(spec.time.carries_back, lexicon),
        former_partner=compile_pattern(spec.time.former_partner, lexicon),
    )


# ---------------------------------------------------------------------------------- screening


@dataclass(frozen=True, slots=True)
class _Found:
    category: CrisisCategory
    level: CrisisLevel
    start: int
    end: int


@dataclass(slots=True)
class _Text:
    """The normalised text, with what every kept match needs worked out once and lazily."""

    text: str
    rules: _Rules
    _sentences: list[tuple[int, int]] = field(default_factory=list)
    _starts: list[int] = field(default_factory=list)
    _exclusions: list[tuple[int, int, frozenset[CrisisCategory]]] | None = None
    _markers: dict[int, tuple[list[tuple[int, int]], list[tuple[int, int]]]] = field(
        default_factory=dict
    )

    def __post_init__(self) -> None:
        self._sentences = [(s.start, s.end) for s in split_sentences(self.text)] or [
            (0, len(self.text))
        ]
        self._starts = [start for start, _ in self._sentences]

    def sentence_index(self, position: int) -> int:
        return max(0, bisect.bisect_right(self._starts, position) - 1)

    def excluded(self, category: CrisisCategory, start: int, end: int) -> bool:
        if self._exclusions is None:
            self._exclusions = [
                (m.start(), m.end(), categories)
                for regex, categories, context in self.rules.exclusions
                for m in regex.finditer(self.text)
                if context is None or context.search(self.text) is not None
            ]
        return any(
            category in categories and s < end and start < e
            for s, e, categories in self._exclusions
        )

    def negated(self, start: int) -> bool:
        sentence_start = self._sentences[self.sentence_index(start)][0]
        before = self.text[max(sentence_start, start - 160) : start]
        clause_start = 0
        for brk in self.rules.clause_breaks.finditer(before):
            clause_start = brk.end()
        words = before[clause_start:].split()[-self.rules.window_words :]
        window = self.rules.negation_exceptions.sub(" ", " ".join(words))
        return self.rules.negation.search(window) is not None

    def framed(self, start: int) -> bool:
        sentence_start = self._sentences[self.sentence_index(start)][0]
        return self.rules.frames.search(self.text, sentence_start, start) is not None

    def _time_markers(self, index: int) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
        if index not in self._markers:
            start, end = self._sentences[index]
            following = index + 1
            if following < len(self._sentences):
                next_start, next_end = self._sentences[following]
                if self.rules.carries_back.search(self.text[next_start:next_end]):
                    end = next_end
            self._markers[index] = (
                [m.span() for m in self.rules.past.finditer(self.text, start, end)],
                [m.span() for m in self.rules.present.finditer(self.text, start, end)],
            )
        return self._markers[index]

    def level(self, rule: _RuleSpec, start: int, end: int) -> CrisisLevel:
        if rule.level is CrisisLevel.NONE:
            return CrisisLevel.NONE
        past, present = self._time_markers(self.sentence_index(start))
        past_distance = _nearest(past, start, end)
        present_distance = _nearest(present, start, end)
        current = rule.current_level or rule.level
        if present_distance is not None and (
            past_distance is None or present_distance <= past_distance
        ):
            return current
        by_former_partner = (
            rule.category is CrisisCategory.ABUSE
            and self.rules.former_partner.search(self.text, start, end) is not None
        )
        if past_distance is not None or by_former_partner:
            return CrisisLevel.CAUTION
        return rule.level


def _nearest(spans: list[tuple[int, int]], start: int, end: int) -> int | None:
    """Characters between the match and the closest marker (0 when they touch or overlap)."""
    distances = [max(0, s - end, start - e) for s, e in spans]
    return min(distances, default=None)


def _find(text: str) -> list[_Found]:
    rules = _rules()
    normalised = normalise(text)
    lowered = normalised.lower()
    gate = " ".join(lowered.split())
    spans: list[tuple[int, int]] | None = None
    starts: list[int] = []
    candidates: list[tuple[_Rule, int, int]] = []
    for rule in rules.rules:
        needs = rule.spec.needs
        if needs and not any(word in gate for word in needs):
            continue
        if rule.context is not None and rule.context.search(normalised) is None:
            continue
        if spans is None:
            spans = [(s.start, s.end) for s in split_sentences(normalised)] or [
                (0, len(normalised))
            ]
            starts = [start for start, _ in spans]
        # Run the rule only on the sentences that hold a word it needs.
        for index in _holding(needs, lowered, starts, len(spans)):
            start, end = spans[index]
            for match in rule.regex.finditer(normalised, start, end):
                if match.end() > match.start() and _near(rule, normalised, spans, index):
                    candidates.append((rule, match.start(), match.end()))
    if not candidates:
        return []
    view = _Text(normalised, rules)
    found = []
    for rule, start, end in candidates:
        spec = rule.spec
        if view.excluded(spec.category, start, end) or view.negated(start) or view.framed(start):
            continue
        level = view.level(spec, start, end)
        found.append(_Found(spec.category, level, start, end))
        found.extend(_Found(extra, level, start, end) for extra in spec.also)
    return _one_per_stretch(found)


def _holding(needs: list[str], lowered: str, starts: list[int], count: int) -> Iterable[int]:
    """Indexes of the sentences that contain one of ``needs`` (all of them when unsure)."""
    if not needs or count == 1 or any(" " in word for word in needs):
        return range(count)
    found: set[int] = set()
    for word in needs:
        position = lowered.find(word)
        while position != -1:
            found.add(bisect.bisect_right(starts, position) - 1)
            position = lowered.find(word, position + 1)
    return sorted(found)


def _near(rule: _Rule, text: str, sentences: list[tuple[int, int]], index: int) -> bool:
    """Whether every second cue of the rule is in the match's sentence or the ones after it."""
    if not rule.near:
        return True
    start = sentences[index][0]
    end = sentences[min(len(sentences) - 1, index + rule.spec.window)][1]
    return all(cue.search(text, start, end) is not None for cue in rule.near)


def _one_per_stretch(found: list[_Found]) -> list[_Found]:
    """Within a category, overlapping matches become one: the most severe, then the longest."""
    found.sort(key=lambda f: (-_RANK[f.level], -(f.end - f.start), f.start))
    kept: list[_Found] = []
    for item in found:
        if not any(
            k.category is item.category and k.start < item.end and item.start < k.end for k in kept
        ):
            kept.append(item)
    kept.sort(key=lambda f: (f.start, f.end))
    return kept


def _screen(text: str, locale: str) -> CrisisResult:
    found = _find(text)
    levels: dict[CrisisCategory, CrisisLevel] = {}
    for item in found:
        if _RANK[item.level] >= _RANK[levels.get(item.category, CrisisLevel.NONE)]:
            levels[item.category] = item.level
    categories = sorted(levels, key=lambda c: (-_RANK[levels[c]], _PRIORITY.index(c)))
    level = levels[categories[0]] if categories else CrisisLevel.NONE
    return CrisisResult(
        level=level,
        categories=categories,
        spans=[
            CrisisSpan(start=f.start, end=f.end, text=text[f.start : f.end], category=f.category)
            for f in found
        ],
        route=_route(_book(locale), categories, levels) if categories else None,
    )


# ---------------------------------------------------------------------------------- help cards


def _book(locale: str) -> RouteBook:
    return load_book(resolve_locale(locale))


def _route(
    book: RouteBook,
    categories: list[CrisisCategory],
    levels: dict[CrisisCategory, CrisisLevel],
) -> Route:
    """One card for everything found (``categories`` most urgent first), lines in that order."""
    ordered = categories
    if any(c in categories for c in _NO_COUPLES_THERAPY):
        ordered = [c for c in categories if c is not CrisisCategory.STUCK]
    lead = book.cards[ordered[0].value]
    lines: list[RouteLine] = []
    for category in ordered:
        for line in book.cards[category.value].lines:
            if all((line.name, line.contact) != (kept.name, kept.contact) for kept in lines):
                lines.append(line)
    footer = lead.footer
    for category in _NO_COUPLES_THERAPY:
        if category in categories:
            footer = book.cards[category.value].footer
            break
    caution = levels[ordered[0]] is CrisisLevel.CAUTION
    return lead.as_route(caution=caution).model_copy(update={"lines": lines, "footer": footer})


def _fail_closed_route(locale: object) -> Route:
    try:
        if not isinstance(locale, str):
            locale = INTERNATIONAL
        return _book(locale).fail_closed
    except Exception:
        return _LAST_RESORT
