"""The crisis screen: rules, then two learned opinions, find danger in text and pick the help.

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

Tier 2 (``tier2`` in the YAML, ``_second_tier`` here) is for phrasings no rule was written for:
per sentence, a harm word from a category's lexicon with a frame (who does it to whom) in that
sentence or the next, and for weaker words a second cue. It runs for a category only when tier 1
found nothing urgent for it (it may raise a tier-1 caution, never lower anything), is gated by the
same word index as the rules (or one compiled search when the index is off), and its matches go
through the same negation, exclusion, frame and time checks, plus its own idioms (dropped) and
past-and-over frames (caution). A threat aimed at the partner also counts as abuse.

When the rules find no danger, two opinions read the text in turn, and each can only raise
"none" (or stuck) to a danger, never change what the rules found: a word classifier
(``classifier.py``, naive Bayes per sentence) and then a sentence model (``sentence_model.py``,
all-MiniLM-L6-v2 run locally, which reads what a text is about when its words are new). Where
the rules read danger words in the model's piece and set every one aside (negated, figurative,
support talk, fiction), the model is not heard. Either opinion's finding is urgent unless the
rules' time words say it is over (caution). One more case for the sentence model: when the
rules found only a caution that nothing in the text says is over ("she's gonna regret it", "he
checks my phone every night") and the model read a few words beyond the rules' phrases, the model
decides whether it is danger now, and if so the rules' findings become urgent in their own
categories (``_third_opinion``). Last, an abuse finding whose harm is aimed at someone outside
the couple (``third_party`` in the YAML: "threatened our neighbour", "the guy next door... he's
going to sort him out") also counts as a threat to others (``_aimed_elsewhere``); the abuse
stays. Then every layer's urgent finding told in the past becomes caution when one of the next
two sentences tells the danger as over ("My dad beat us as kids. He's been dead fifteen years.":
``told_over`` in the YAML, ``_told_as_over_after``), unless the danger is told in the present,
or something after it says it is recent or back ("again", "two days ago", "he still has her").
The rules are deterministic; the opinions are
fixed data files trained by ``evals/train_crisis_*.py`` and run on this machine, so the screen
still calls no outside model and sends nothing anywhere.
"""

from __future__ import annotations

import bisect
import importlib
import logging
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field

from guardrails import classifier, sentence_model
from guardrails._cache import cached_build
from guardrails._lazy_re import Regex
from guardrails._patterns import (
    PatternError,
    _bits,
    compile_pattern,
    normalise,
    split_sentences,
    strip_span,
)
from guardrails._regex_needs import Shape as _Shape
from guardrails._regex_needs import as_words as _as_words
from guardrails._regex_needs import score as _score
from guardrails._regex_needs import shape_of_node, shape_of_sequence
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


class _StillSpec(BaseModel):
    """Two readings of "still" after a finding (see ``still`` under ``time`` in the YAML)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    of_someone: str
    beside_danger: str


class _TimeSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    past: list[str] = Field(min_length=1)
    present: list[str] = Field(min_length=1)
    carries_back: str
    former_partner: str
    told_over: list[str] = Field(min_length=1)
    told_over_hedges: str
    told_over_doubts: str
    recent: list[str] = Field(min_length=1)
    still: _StillSpec
    told_in_past: str
    told_in_present: str


class _ThirdPartySpec(BaseModel):
    """Someone outside the couple, and the writer as an object (see ``third_party`` in the YAML)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    who: str
    family_object: str
    violent_harm: str
    writer_object: str


class _FamilySpec(BaseModel):
    """A tier-2 family: a harm word plus a frame (and perhaps a cue) near it (see the YAML)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    category: CrisisCategory
    harm: str
    frame: str | None = None
    cue: str | None = None
    window: int = Field(default=1, ge=0, le=2)
    also: list[CrisisCategory] = []
    # ``also`` is added only when this matches the harm match itself (none: always).
    also_if: str | None = None
    # Add abuse when the harm match names the partner as the target ("hurt her").
    partner_also: bool = False
    comment: str


class _Tier2Spec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    lexicon: dict[str, str] = {}
    idioms: list[str]
    over: list[str]
    families: list[_FamilySpec] = Field(min_length=1)


class _Tier3Group(BaseModel):
    """A tier-3 danger group: broad danger stems of one category and who they must be about."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    category: CrisisCategory
    danger: str
    # Who the danger must be about (the writer, a person, a child), in the match's sentence or
    # the ``window`` sentences after it; none: the danger words name their own target.
    anchor: str | None = None
    window: int = Field(default=0, ge=0, le=1)
    # When set, the last person named before the match in its sentence (``persons`` in the
    # tier3 section) must be the writer: "my friend told me she's been suicidal" is not.
    writer_subject: bool = False
    comment: str


class _Tier3Spec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    lexicon: dict[str, str] = {}
    idioms: list[str]
    persons: str
    writer: str
    groups: list[_Tier3Group] = Field(min_length=1)


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
    third_party: _ThirdPartySpec | None = None
    tier2: _Tier2Spec | None = None
    tier3: _Tier3Spec | None = None


@dataclass(frozen=True, slots=True)
class _Family:
    spec: _FamilySpec
    # What ``_Text.level`` reads: the family as an urgent rule of its category.
    rule: _RuleSpec
    harm: Regex
    frame: Regex | None
    cue: Regex | None
    also_if: Regex | None


@dataclass(frozen=True, slots=True)
class _Tier2:
    families: tuple[_Family, ...]
    # The guard (see ``_Rule``) of each family's harm words, in order.
    guards: tuple[_Guard, ...]
    # One search for the bits of words every harm match holds (read off the patterns, so it
    # cannot skip a text a family would match): a text without any skips tier 2.
    prefilter: Regex
    idioms: Regex
    over: Regex
    partner_target: Regex
    third_party: Regex


@dataclass(frozen=True, slots=True)
class _Group:
    spec: _Tier3Group
    # What ``_Text.level`` reads: the group as an urgent rule of its category.
    rule: _RuleSpec
    danger: Regex
    anchor: Regex | None


@dataclass(frozen=True, slots=True)
class _Tier3:
    groups: tuple[_Group, ...]
    # The guard (see ``_Rule``) of each group's danger words: the word-index gate.
    guards: tuple[_Guard, ...]
    prefilter: Regex
    # Tier 3's own everyday figures of speech, beside tier 2's idioms.
    idioms: Regex
    persons: Regex
    writer: Regex


@dataclass(frozen=True, slots=True)
class _Rule:
    spec: _RuleSpec
    regex: Regex
    context: Regex | None
    near: tuple[Regex, ...] = ()
    # The prefilter (see ``_Words``): ``words`` is the mask of the one-word ``needs``,
    # ``phrases`` the ``needs`` with a space, each with the mask of its words (all of them are
    # in a text that holds the phrase); ``guard`` and ``context_guard`` are the masks read
    # off the pattern and the context (each must be met for them to be able to match).
    words: int = 0
    phrases: tuple[tuple[int, str], ...] = ()
    plain: bool = False
    guard: _Guard = None
    context_guard: _Guard = None


@dataclass(frozen=True, slots=True)
class _Aim:
    """Where a harm is aimed (``third_party`` in the YAML): someone outside the couple, family or
    an ex as the direct object of the harms in ``violent_harm``, and the writer as an object."""

    who: Regex
    family_object: Regex
    violent_harm: Regex
    writer_object: Regex


@dataclass(frozen=True, slots=True)
class _Rules:
    rules: tuple[_Rule, ...]
    exclusions: tuple[tuple[Regex, frozenset[CrisisCategory], Regex | None], ...]
    frames: Regex
    negation: Regex
    negation_exceptions: Regex
    window_words: int
    clause_breaks: Regex
    past: Regex
    present: Regex
    carries_back: Regex
    former_partner: Regex
    # Danger told as over in a later sentence, and what keeps it as it is (``time`` in the YAML).
    told_over: Regex
    told_over_hedges: Regex
    told_over_doubts: Regex
    recent: Regex
    still_of_someone: Regex
    still_beside_danger: Regex
    told_in_past: Regex
    told_in_present: Regex
    # Someone outside the couple, and the writer as an object (``third_party`` in the YAML).
    aim: _Aim | None = None
    words: _Words = field(default_factory=lambda: _Words())
    tier2: _Tier2 | None = None
    tier3: _Tier3 | None = None
    # Guards (see ``_Rule``) of the exclusions, in order, and of the frame and time patterns.
    exclusion_guards: tuple[_Guard, ...] = ()
    frames_guard: _Guard = None
    past_guard: _Guard = None
    present_guard: _Guard = None
    carries_back_guard: _Guard = None


# ---------------------------------------------------------------------------------- prefilter
#
# Most rules cannot match most sentences, and running a regex costs far more than looking a word
# up. So a screen first notes which "needles" (short lower-case strings) each sentence holds, in
# one pass over its words, and runs a pattern only where its needles are. The needles are the
# rules' ``needs`` and the words that every match of a pattern must contain, read off its parsed
# form (as ``_patterns.py`` does for the apology checker). This is a pure shortcut: a pattern is
# skipped only where it could not have matched, so results are those of running it everywhere.

# Runs of the characters needles are made of. Every needle (``needs`` are lower-case letters,
# apostrophes and spaces; needles read off patterns are letters and digits) without a space lies
# inside one such run, and never across a sentence edge: ``split_sentences`` cuts only after
# ``.!?`` (and closing quotes) or before a newline.
_TOKEN = re.compile(r"[a-z0-9']+")
_NOT_WORD = re.compile(r"[^a-z0-9]+")
# With ``re.IGNORECASE`` these match an ASCII letter that their ``lower()`` is not ("ſ" matches
# "s"; "İ".lower() is even two characters): texts holding one take the plain, slower way.
_ODD_CASE = ("\u0130", "\u0131", "\u017f")
# A needle set may hold this many strings before a pattern part stops counting as exact text.
_MAX_EXACT = 64
# Needle sets kept per alternative (each must be met), alternatives kept per pattern (beyond
# that the pattern counts as one; tier 2's harm words and tier 3's danger words are long
# alternations run on most texts, so they keep more), and the shortest needle worth keeping.
_MAX_GROUPS = 4
_MAX_ALTERNATIVES = 8
_MAX_TIER_ALTERNATIVES = 32
_MIN_NEEDLE = 2
# Words remembered per process before the memo is cleared.
_MEMO_LIMIT = 50_000
# A one-word ``needs`` entry the words of a sentence can answer for: any other makes its rule
# look for its ``needs`` in the text itself, as a plain substring search.
_WORD_NEED = re.compile(r"[a-z0-9][a-z0-9']*")

try:  # the parser behind ``re``; without it patterns are guarded by their ``needs`` alone
    _sre_parser: Any = importlib.import_module("re._parser")
except ImportError:  # pragma: no cover
    _sre_parser = None


class _Words:
    """The needles, one bit each, and which of them each word (a run of ``_TOKEN``) holds.

    Each word also wakes rules (one bit per rule, in order): those whose guard's first mask
    holds one of its needles, and those whose one-word ``needs`` it answers for. A rule that no
    text's words wake in both ways is skipped without a look (``_find`` would skip it at its
    first or second test); rules with no guard, or ``needs`` the words cannot answer for, are
    awake in that way for every text.
    """

    __slots__ = ("always", "bits", "longest", "memo", "shortest", "wakes")

    def __init__(self) -> None:
        self.bits: dict[str, int] = {}
        self.shortest = 1_000
        self.longest = 0
        self.memo: dict[str, tuple[int, int, int]] = {}
        self.wakes: dict[int, tuple[int, int]] = {}
        self.always: tuple[int, int] = (0, 0)

    def mask(self, needles: Iterable[str]) -> int:
        mask = 0
        for needle in needles:
            bit = self.bits.get(needle)
            if bit is None:
                bit = self.bits[needle] = 1 << len(self.bits)
                self.shortest = min(self.shortest, len(needle))
                self.longest = max(self.longest, len(needle))
            mask |= bit
        return mask

    def index(self, rules: Sequence[_Rule]) -> None:
        """Note which rules each needle wakes (see the class notes)."""
        by_guard: dict[int, int] = {}
        by_needs: dict[int, int] = {}
        guard_always = needs_always = 0
        for position, rule in enumerate(rules):
            bit = 1 << position
            if rule.guard is None:
                guard_always |= bit
            else:
                for needle in _bits(rule.guard[0]):
                    by_guard[needle] = by_guard.get(needle, 0) | bit
            # Each phrase needs every needle of its words: one of them (the longest) will do.
            chosen = [self._longest(phrase) for _, phrase in rule.phrases]
            if not rule.plain or not rule.spec.needs or not all(chosen):
                needs_always |= bit
            else:
                for needle in (*_bits(rule.words), *chosen):
                    by_needs[needle] = by_needs.get(needle, 0) | bit
        self.wakes = {
            needle: (by_guard.get(needle, 0), by_needs.get(needle, 0))
            for needle in by_guard.keys() | by_needs.keys()
        }
        self.always = (guard_always, needs_always)
        self.memo.clear()

    def _longest(self, phrase: str) -> int:
        """The bit of the longest needle among ``phrase``'s words (0: it has none)."""
        needles = _phrase_needles(phrase)
        return self.bits[max(needles, key=len)] if needles else 0

    def held(self, word: str) -> tuple[int, int, int]:
        """The needles ``word`` holds and the rules it wakes by guard and by ``needs``
        (worked out once per word, then remembered)."""
        bits = self.bits
        mask = 0
        size = len(word)
        for start in range(size - self.shortest + 1):
            for end in range(start + self.shortest, min(size, start + self.longest) + 1):
                bit = bits.get(word[start:end])
                if bit is not None:
                    mask |= bit
        by_guard = by_needs = 0
        wakes = self.wakes
        for needle in _bits(mask):
            woken = wakes.get(needle)
            if woken is not None:
                by_guard |= woken[0]
                by_needs |= woken[1]
        if len(self.memo) >= _MEMO_LIMIT:
            self.memo.clear()
        known = self.memo[word] = (mask, by_guard, by_needs)
        return known


# What a pattern needs, read off its parsed form: ``(quick, alternatives)``, one entry of
# ``alternatives`` per way the pattern can match, each a tuple of masks that must all be met (the
# match holds a needle of each); ``quick`` joins the first masks, a cheap first test. A pattern
# can match only where one of its alternatives is met. ``None``: nothing is known, always met.
_Guard = tuple[int, tuple[tuple[int, ...], ...]] | None


def _phrase_needles(phrase: str) -> list[str]:
    """The words of a ``needs`` phrase that can serve as needles (see ``_Words``)."""
    return [w for w in phrase.split() if len(w) >= _MIN_NEEDLE and _WORD_NEED.fullmatch(w)]


def _make_guard(alternatives: Iterable[tuple[int, ...]]) -> _Guard:
    kept = tuple(dict.fromkeys(alternatives))
    quick = 0
    for alternative in kept:
        quick |= alternative[0]
    return quick, kept


def _meets(guard: _Guard, present: int) -> bool:
    if guard is None:
        return True
    quick, alternatives = guard
    if not quick & present:
        return False
    for alternative in alternatives:
        for need in alternative:
            if not need & present:
                break
        else:
            return True
    return False


def _alive(guard: _Guard, present: int) -> _Guard:
    """``guard`` without the alternatives ``present`` does not meet (none left: never met)."""
    if guard is None:
        return None
    if not guard[0] & present:
        return 0, ()
    quick = 0
    kept = []
    for alternative in guard[1]:
        for need in alternative:
            if not need & present:
                break
        else:
            kept.append(alternative)
            quick |= alternative[0]
    return quick, tuple(kept)


# A parsed pattern part is described by ``exact``, the set of (lower-case) strings it can match
# when that set is small and known, and by ``needs``, sets of strings such that every match of the
# part contains one string of each set. Zero-width parts (``\b``, ``^``, lookarounds) match "".
# Lookbehinds give nothing: a pattern run on one sentence may look behind into the one before.


def _shape_of_sequence(items: Any) -> _Shape:
    return shape_of_sequence(items, lookbehind=False)


def _alternatives(items: Any, budget: int = _MAX_ALTERNATIVES) -> list[list[Any]]:
    """Ways a parsed pattern can match, as plain sequences: ``x(?:a|b)`` is ``xa`` or ``xb``.

    Groups are opened up and alternations outside repeats spelled out, as long as there are no
    more than ``budget`` ways; an alternation of plain words is left whole (it is one needle set).
    """
    items = list(items)
    for i, (op, arg) in enumerate(items):
        name = str(op)
        if name == "SUBPATTERN":
            return _alternatives([*items[:i], *arg[-1], *items[i + 1 :]], budget)
        if (
            name == "BRANCH"
            and len(arg[1]) <= budget
            and shape_of_node(op, arg, lookbehind=False).exact is None
        ):
            share = budget // len(arg[1])
            return [
                alternative
                for branch in arg[1]
                for alternative in _alternatives([*items[:i], *branch, *items[i + 1 :]], share)
            ]
    return [items]


def _guard(pattern: Regex, words: _Words, budget: int = _MAX_ALTERNATIVES) -> _Guard:
    """What any match of ``pattern`` holds (see ``_Guard``); empty when nothing is known."""
    if _sre_parser is None:  # pragma: no cover
        return None
    try:
        parsed = _sre_parser.parse(pattern.pattern, pattern.flags)
        guard = []
        alternatives = _alternatives(parsed, budget)
        for items in alternatives:
            shape = _shape_of_sequence(items)
            candidates = list(shape.needs)
            if shape.exact is not None and "" not in shape.exact:
                candidates.append(shape.exact)
            sets = [w for w in (_as_words(c) for c in candidates) if w is not None]
            if not sets:
                return None
            sets = sorted(dict.fromkeys(sets), key=_score, reverse=True)[:_MAX_GROUPS]
            guard.append(tuple(words.mask(needles) for needles in sets))
    except Exception:  # pragma: no cover - an unexpected parse tree only costs speed
        return None
    return _make_guard(guard)


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


def _any_of(sources: Iterable[str], lexicon: dict[str, str]) -> Regex:
    return compile_pattern("|".join(f"(?:{source})" for source in sources), lexicon)


@cache
def _rules() -> _Rules:
    """Load and compile ``data/crisis_patterns.yaml`` once per process (from the disk cache
    when an earlier process built the same rules)."""
    here = Path(__file__).resolve().parent
    sources = (
        here / "data" / "crisis_patterns.yaml",
        Path(__file__).resolve(),
        here / "_patterns.py",
        here / "_lazy_re.py",
    )
    return cached_build("crisis", sources, _build_rules)


def _build_rules() -> _Rules:
    raw: Any = yaml.safe_load(
        resources.files("guardrails")
        .joinpath("data", "crisis_patterns.yaml")
        .read_text(encoding="utf-8")
    )
    spec = _PatternFile.model_validate(raw)
    lexicon = _resolve_lexicon(
        {
            **spec.lexicon,
            **(spec.tier2.lexicon if spec.tier2 is not None else {}),
            **(spec.tier3.lexicon if spec.tier3 is not None else {}),
        }
    )
    words = _Words()
    rules = []
    for rule in spec.rules:
        if (rule.category is CrisisCategory.STUCK) != (rule.level is CrisisLevel.NONE):
            raise PatternError(f"rule {rule.id}: level none is for stuck, and stuck only")
        if rule.category is CrisisCategory.STUCK and rule.also:
            raise PatternError(f"rule {rule.id}: stuck cannot add dangerous categories")
        regex = compile_pattern(rule.pattern, lexicon)
        context = compile_pattern(rule.context, lexicon) if rule.context else None
        near = tuple(compile_pattern(cue, lexicon) for cue in rule.near)
        rules.append(
            _Rule(
                rule,
                regex,
                context,
                near,
                words=words.mask(need for need in rule.needs if " " not in need),
                phrases=tuple(
                    (words.mask(_phrase_needles(need)), need) for need in rule.needs if " " in need
                ),
                plain=all(" " in need or _WORD_NEED.fullmatch(need) for need in rule.needs),
                guard=_guard(regex, words),
                context_guard=_guard(context, words) if context is not None else None,
            )
        )
    exclusions = tuple(
        (
            compile_pattern(item.pattern, lexicon),
            frozenset(item.categories),
            compile_pattern(item.context, lexicon) if item.context else None,
        )
        for item in (*spec.figurative, *spec.support)
    )
    frames = _any_of(spec.frames, lexicon)
    past = _any_of(spec.time.past, lexicon)
    present = _any_of(spec.time.present, lexicon)
    carries_back = compile_pattern(spec.time.carries_back, lexicon)
    words.index(rules)
    return _Rules(
        rules=tuple(rules),
        exclusions=exclusions,
        frames=frames,
        negation=compile_pattern(spec.negation.cues, lexicon),
        negation_exceptions=compile_pattern(spec.negation.exceptions, lexicon),
        window_words=spec.negation.window_words,
        clause_breaks=compile_pattern(spec.negation.clause_breaks, lexicon),
        past=past,
        present=present,
        carries_back=carries_back,
        former_partner=compile_pattern(spec.time.former_partner, lexicon),
        told_over=_any_of(spec.time.told_over, lexicon),
        told_over_hedges=compile_pattern(spec.time.told_over_hedges, lexicon),
        told_over_doubts=compile_pattern(spec.time.told_over_doubts, lexicon),
        recent=_any_of(spec.time.recent, lexicon),
        still_of_someone=compile_pattern(spec.time.still.of_someone, lexicon),
        still_beside_danger=compile_pattern(spec.time.still.beside_danger, lexicon),
        told_in_past=compile_pattern(spec.time.told_in_past, lexicon),
        told_in_present=compile_pattern(spec.time.told_in_present, lexicon),
        aim=(
            _Aim(
                who=compile_pattern(spec.third_party.who, lexicon),
                family_object=compile_pattern(spec.third_party.family_object, lexicon),
                violent_harm=compile_pattern(spec.third_party.violent_harm, lexicon),
                writer_object=compile_pattern(spec.third_party.writer_object, lexicon),
            )
            if spec.third_party is not None
            else None
        ),
        words=words,
        exclusion_guards=tuple(_guard(regex, words) for regex, _, _ in exclusions),
        frames_guard=_guard(frames, words),
        past_guard=_guard(past, words),
        present_guard=_guard(present, words),
        carries_back_guard=_guard(carries_back, words),
        tier2=_tier2(spec.tier2, lexicon, words) if spec.tier2 is not None else None,
        tier3=_tier3(spec.tier3, lexicon, words) if spec.tier3 is not None else None,
    )


def _needles(pattern: Regex) -> frozenset[str] | None:
    """Bits of words one of which every match of ``pattern`` holds (``None``: unknown).

    Read off the parsed pattern as for the guards (see the prefilter notes above): for each way
    the pattern can match, the best set of needles it must contain one of; their union.
    """
    if _sre_parser is None:  # pragma: no cover
        return None
    try:
        needles: set[str] = set()
        for items in _alternatives(_sre_parser.parse(pattern.pattern, pattern.flags)):
            shape = _shape_of_sequence(items)
            candidates = list(shape.needs)
            if shape.exact is not None and "" not in shape.exact:
                candidates.append(shape.exact)
            sets: list[frozenset[str]] = [
                w for w in (_as_words(c) for c in candidates) if w is not None
            ]
            if not sets:
                return None
            best: frozenset[str] = max(sets, key=_score)
            needles |= best
    except Exception:  # pragma: no cover - an unexpected parse tree only costs speed
        return None
    return frozenset(needles)


def _tier2(spec: _Tier2Spec, lexicon: dict[str, str], words: _Words) -> _Tier2:
    families = []
    for family in spec.families:
        if family.category is CrisisCategory.STUCK:
            raise PatternError(f"tier-2 family {family.id}: stuck is not a danger")
        families.append(
            _Family(
                family,
                _RuleSpec(
                    id=family.id,
                    category=family.category,
                    level=CrisisLevel.URGENT,
                    pattern=family.harm,
                    comment=family.comment,
                ),
                compile_pattern(family.harm, lexicon),
                compile_pattern(family.frame, lexicon) if family.frame else None,
                compile_pattern(family.cue, lexicon) if family.cue else None,
                compile_pattern(family.also_if, lexicon) if family.also_if else None,
            )
        )
    guards = tuple(_guard(family.harm, words, _MAX_TIER_ALTERNATIVES) for family in families)
    harms = [family.harm for family in families]
    # The gate: a text holds the needles of some family's harm words (the word index), or, when
    # the index is off, the one compiled search below finds one of their needles.
    needles: set[str] = set()
    for harm in harms:
        found = _needles(harm)
        if found is None:  # nothing known: the prefilter is the harm words themselves
            needles.clear()
            break
        needles |= found
    prefilter = (
        re.compile("|".join(sorted(map(re.escape, needles), key=len, reverse=True)), re.I)
        if needles
        else _any_of((family.harm for family in spec.families), lexicon)
    )
    return _Tier2(
        families=tuple(families),
        guards=guards,
        prefilter=prefilter,
        idioms=_any_of(spec.idioms, lexicon),
        over=_any_of(spec.over, lexicon),
        partner_target=compile_pattern(
            r"\b(?:her|him|she|my (?:%partner_noun_strict%|ex)"
            r"|his (?:face|neck|throat|head|arm|wrist|hair))\b",
            lexicon,
        ),
        third_party=compile_pattern("%tier_third%", lexicon),
    )


def _tier3(spec: _Tier3Spec, lexicon: dict[str, str], words: _Words) -> _Tier3:
    groups = []
    for group in spec.groups:
        if group.category is CrisisCategory.STUCK:
            raise PatternError(f"tier-3 group {group.id}: stuck is not a danger")
        groups.append(
            _Group(
                group,
                _RuleSpec(
                    id=group.id,
                    category=group.category,
                    level=CrisisLevel.URGENT,
                    pattern=group.danger,
                    comment=group.comment,
                ),
                compile_pattern(group.danger, lexicon),
                compile_pattern(group.anchor, lexicon) if group.anchor else None,
            )
        )
    needles: set[str] = set()
    for built in groups:
        found = _needles(built.danger)
        if found is None:
            needles.clear()
            break
        needles |= found
    prefilter = (
        re.compile("|".join(sorted(map(re.escape, needles), key=len, reverse=True)), re.I)
        if needles
        else _any_of((group.danger for group in spec.groups), lexicon)
    )
    return _Tier3(
        groups=tuple(groups),
        guards=tuple(_guard(group.danger, words, _MAX_TIER_ALTERNATIVES) for group in groups),
        prefilter=prefilter,
        idioms=_any_of(spec.idioms, lexicon),
        persons=compile_pattern(spec.persons, lexicon),
        writer=compile_pattern(spec.writer, lexicon),
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
    """The normalised text, with what every kept match needs worked out once and lazily.

    ``masks[i]`` holds the needles of sentence ``i`` and ``present`` those of the whole text
    (all bits set when the prefilter is off), to skip patterns that could not match.
    """

    text: str
    rules: _Rules
    _sentences: list[tuple[int, int]]
    _starts: list[int]
    masks: list[int]
    present: int
    # The spans each exclusion matches, by its index, worked out when a match first needs them.
    _exclusions: dict[int, list[tuple[int, int]]] = field(default_factory=dict)
    _markers: dict[int, tuple[list[tuple[int, int]], list[tuple[int, int]]]] = field(
        default_factory=dict
    )
    # The spans of tier 3's and tier 2's everyday figures of speech, worked out when first needed.
    _figures: list[tuple[int, int]] | None = None
    # The guards of the frame and time patterns, cut to the alternatives the text meets when
    # first needed (most texts need none of them).
    _cut: dict[str, _Guard] = field(default_factory=dict)

    def _guard(self, name: str) -> _Guard:
        """``rules.<name>_guard`` cut to the alternatives the text meets (a sentence's words are
        the text's, so it meets no alternative the text does not)."""
        if name not in self._cut:
            self._cut[name] = _alive(getattr(self.rules, name + "_guard"), self.present)
        return self._cut[name]

    def sentence_index(self, position: int) -> int:
        return max(0, bisect.bisect_right(self._starts, position) - 1)

    def excluded(self, category: CrisisCategory, start: int, end: int) -> bool:
        for number, (_, categories, _) in enumerate(self.rules.exclusions):
            if category not in categories:
                continue
            spans = self._exclusions.get(number)
            if spans is None:
                spans = self._exclusions[number] = self._exclusion_spans(number)
            for s, e in spans:
                if s < end and start < e:
                    return True
        return False

    def _exclusion_spans(self, number: int) -> list[tuple[int, int]]:
        regex, _, context = self.rules.exclusions[number]
        if not _meets(self.rules.exclusion_guards[number], self.present):
            return []
        if context is not None and context.search(self.text) is None:
            return []
        return [m.span() for m in regex.finditer(self.text)]

    def figures(self) -> list[tuple[int, int]]:
        """Where tier 3's and tier 2's idioms match ("dying to know", "hit the gym")."""
        if self._figures is None:
            tiers = (self.rules.tier3, self.rules.tier2)
            self._figures = [
                m.span()
                for tier in tiers
                if tier is not None
                for m in tier.idioms.finditer(self.text)
            ]
        return self._figures

    def negated(self, start: int) -> bool:
        sentence_start = self._sentences[self.sentence_index(start)][0]
        clause_start = max(sentence_start, start - 160)
        # Breaks are read in the whole text: whether "or" ends the clause depends on the word
        # after it, which may be the match itself ("never hurt me or threatened me").
        for brk in self.rules.clause_breaks.finditer(self.text, clause_start):
            if brk.end() > start:
                break
            clause_start = brk.end()
        words = self.text[clause_start:start].split()[-self.rules.window_words :]
        window = self.rules.negation_exceptions.sub(" ", " ".join(words))
        return self.rules.negation.search(window) is not None

    def framed(self, start: int) -> bool:
        index = self.sentence_index(start)
        if not _meets(self._guard("frames"), self.masks[index]):
            return False
        sentence_start = self._sentences[index][0]
        return self.rules.frames.search(self.text, sentence_start, start) is not None

    def _time_markers(self, index: int) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
        if index not in self._markers:
            rules = self.rules
            start, end = self._sentences[index]
            mask = self.masks[index]
            following = index + 1
            if following < len(self._sentences):
                next_start, next_end = self._sentences[following]
                if _meets(self._guard("carries_back"), self.masks[following]) and (
                    rules.carries_back.search(self.text[next_start:next_end])
                ):
                    end = next_end
                    mask |= self.masks[following]
            past = (
                [m.span() for m in rules.past.finditer(self.text, start, end)]
                if _meets(self._guard("past"), mask)
                else []
            )
            present = (
                [m.span() for m in rules.present.finditer(self.text, start, end)]
                if _meets(self._guard("present"), mask)
                else []
            )
            # A present word inside a past marker is part of it: "I'm well now", "not in our
            # lives any more" say the danger is over, not that it is now.
            present = [(s, e) for s, e in present if not any(a <= s and e <= b for a, b in past)]
            self._markers[index] = (past, present)
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


def _opinion_view(normalised: str) -> _Text:
    """The rules' view of a normalised text for the opinions after them: sentences, and every
    prefilter bit set (the opinions run on few texts, so no word index is worth building)."""
    spans = [(s.start, s.end) for s in split_sentences(normalised)] or [(0, len(normalised))]
    return _Text(normalised, _rules(), spans, [s for s, _ in spans], [-1] * len(spans), -1)


class _LazyView:
    """One text normalised, and the rules' view of it (``_opinion_view``), each made on first
    use and then shared by every step after the rules: most texts need the view in none of
    them, a text with a finding in several."""

    __slots__ = ("_normalised", "_text", "_view")

    def __init__(self, text: str) -> None:
        self._text = text
        self._normalised: str | None = None
        self._view: _Text | None = None

    @property
    def normalised(self) -> str:
        if self._normalised is None:
            self._normalised = normalise(self._text)
        return self._normalised

    def __call__(self) -> _Text:
        if self._view is None:
            self._view = _opinion_view(self.normalised)
        return self._view


def _lowered_in_place(text: str) -> str | None:
    """``text`` lower-cased, when lower-casing kept every character's offset (the danger words
    are read in lower case at the rules' offsets); else None ("İ" becomes two characters)."""
    lowered = text.lower()
    return lowered if len(lowered) == len(text) else None


def _opinion_level(view: _Text, category: CrisisCategory, start: int, end: int) -> CrisisLevel:
    """The level of a classifier's or the sentence model's finding over ``view.text[start:end]``,
    by the rules' time words: a present marker in any of its sentences keeps it urgent; else a
    past-and-over marker, or abuse by a former partner, makes it caution ("my first husband
    used to read my emails"); else urgent. Neither opinion reads time on its own."""
    over = False
    for index in range(view.sentence_index(start), view.sentence_index(max(start, end - 1)) + 1):
        past, present = view._time_markers(index)
        if present:
            return CrisisLevel.URGENT
        over = over or bool(past)
    former = category is CrisisCategory.ABUSE and view.rules.former_partner.search(
        view.text, start, end
    )
    return CrisisLevel.CAUTION if over or former else CrisisLevel.URGENT


def _nearest(spans: list[tuple[int, int]], start: int, end: int) -> int | None:
    """Characters between the match and the closest marker (0 when they touch or overlap)."""
    distances = [max(0, s - end, start - e) for s, e in spans]
    return min(distances, default=None)


def _find(
    text: str, set_aside: list[tuple[int, int]] | None = None, normalised: str | None = None
) -> list[_Found]:
    """What the rules find in ``text`` (``normalised``: ``normalise(text)``, when the caller has
    it). Rule matches dropped as negated, figurative, support talk or fiction are added to
    ``set_aside`` (when given): the rules read them and decided."""
    rules = _rules()
    if normalised is None:
        normalised = normalise(text)
    lowered = normalised.lower()
    gate = " ".join(lowered.split())
    spans = [(s.start, s.end) for s in split_sentences(normalised)] or [(0, len(normalised))]
    starts = [start for start, _ in spans]
    count = len(spans)
    # The words of a sentence answer for its needles only when lower-casing kept every offset
    # and no character matches a letter it does not lower-case to; otherwise all bits are set.
    fast = len(lowered) == len(normalised) and not any(c in normalised for c in _ODD_CASE)
    if fast:
        memo, held = rules.words.memo, rules.words.held
        masks = []
        present = by_guard = by_needs = 0
        for start, end in spans:
            mask = 0
            for word in _TOKEN.findall(lowered, start, end):
                known = memo.get(word) or held(word)
                mask |= known[0]
                by_guard |= known[1]
                by_needs |= known[2]
            masks.append(mask)
            present |= mask
        guard_always, needs_always = rules.words.always
        awake = (by_guard | guard_always) & (by_needs | needs_always)
        # The rules the words woke, in order (``_bits`` gives the lowest first).
        order: Iterable[_Rule] = [rules.rules[bit.bit_length() - 1] for bit in _bits(awake)]
    else:
        masks = [-1] * count
        present = -1
        order = rules.rules
    candidates: list[tuple[_Rule, int, int]] = []
    for rule in order:
        guard = rule.guard
        if guard is not None and not guard[0] & present:
            continue
        needs = rule.spec.needs
        by_words = fast and rule.plain
        if by_words:
            if (
                needs
                and not rule.words & present
                and not any(m & present == m and p in gate for m, p in rule.phrases)
            ):
                continue
        elif needs and not any(word in gate for word in needs):
            continue
        guard = _alive(guard, present)
        if guard is not None and not guard[1]:
            continue
        if rule.context is not None and (
            not _meets(rule.context_guard, present) or rule.context.search(normalised) is None
        ):
            continue
        # Run the rule only on the sentences that hold a word it needs.
        indexes: Iterable[int]
        if not by_words:
            indexes = _holding(needs, lowered, starts, count)
        elif not needs or rule.phrases or count == 1:
            indexes = range(count)
        else:
            words = rule.words
            indexes = [i for i, mask in enumerate(masks) if mask & words]
        for index in indexes:
            if not _meets(guard, masks[index]):
                continue
            start, end = spans[index]
            for match in rule.regex.finditer(normalised, start, end):
                if match.end() > match.start() and _near(rule, normalised, spans, index):
                    candidates.append((rule, match.start(), match.end()))
    tier2 = rules.tier2
    second = tier2 is not None and (
        any(_meets(guard, present) for guard in tier2.guards)
        if fast
        else tier2.prefilter.search(normalised) is not None
    )
    tier3 = rules.tier3
    third = tier3 is not None and (
        any(_meets(guard, present) for guard in tier3.guards)
        if fast
        else tier3.prefilter.search(normalised) is not None
    )
    if not candidates and not second and not third:
        return []
    view = _Text(normalised, rules, spans, starts, masks, present)
    found = []
    for rule, start, end in candidates:
        spec = rule.spec
        if view.excluded(spec.category, start, end) or view.negated(start) or view.framed(start):
            if set_aside is not None:
                set_aside.append((start, end))
            continue
        level = view.level(spec, start, end)
        found.append(_Found(spec.category, level, start, end))
        found.extend(_Found(extra, level, start, end) for extra in spec.also)
    if second and tier2 is not None:
        found.extend(_second_tier(tier2, view, spans, found))
    if third and tier3 is not None:
        found.extend(_third_tier(tier3, tier2, view, spans, found))
    return _one_per_stretch(found)


def _third_tier(
    tier3: _Tier3,
    tier2: _Tier2 | None,
    view: _Text,
    spans: list[tuple[int, int]],
    found: list[_Found],
) -> list[_Found]:
    """Tier 3 (see ``tier3`` in the YAML), the safety net for wording no rule was written for:
    a broad danger word about the right person, in a sentence where tiers 1 and 2 found
    nothing of its category. Its matches pass the same negation, exclusion, frame and time
    checks as the other tiers', and tier 2's and its own idioms; past-and-over means caution."""
    text = view.text
    done = {(f.category, view.sentence_index(f.start)) for f in found}
    extra: list[_Found] = []
    for group, guard in zip(tier3.groups, tier3.guards, strict=True):
        spec = group.spec
        guard = _alive(guard, view.present)
        if guard is not None and not guard[1]:
            continue
        for index, match in _per_sentence(group.danger, text, spans, view.masks, guard):
            start, end = match.span()
            if end <= start or (spec.category, index) in done:
                continue
            window_end = spans[min(len(spans) - 1, index + spec.window)][1]
            if group.anchor is not None and not group.anchor.search(
                text, spans[index][0], window_end
            ):
                continue
            if spec.writer_subject and not _by_writer(tier3, text, spans[index][0], start, end):
                continue
            if any(s < end and start < e for s, e in view.figures()):
                continue
            if (
                view.excluded(spec.category, start, end)
                or view.negated(start)
                or view.framed(start)
            ):
                continue
            level = view.level(group.rule, start, end)
            if (
                level is CrisisLevel.URGENT
                and tier2 is not None
                and _over(tier2, view, spans, index, start, end)
            ):
                level = CrisisLevel.CAUTION
            extra.append(_Found(spec.category, level, start, end))
    return extra


def _second_tier(
    tier2: _Tier2, view: _Text, spans: list[tuple[int, int]], found: list[_Found]
) -> list[_Found]:
    """Tier 2 (see ``tier2`` in the YAML): a harm word with a frame near it, for each category
    tier 1 found nothing urgent for. Its matches pass the same negation, exclusion, frame and
    time checks as tier 1's; idioms drop them, and a past-and-over frame makes them caution."""
    urgent = {f.category for f in found if f.level is CrisisLevel.URGENT}
    text = view.text
    idioms: list[tuple[int, int]] | None = None
    extra: list[_Found] = []
    for family, guard in zip(tier2.families, tier2.guards, strict=True):
        spec = family.spec
        guard = _alive(guard, view.present)
        if guard is not None and not guard[1]:
            continue
        # A threat whose target is the partner also counts as abuse, even when tier 1 already
        # found the threat: then only the abuse is added.
        abuse_only = spec.category in urgent
        if abuse_only and not (spec.partner_also and CrisisCategory.ABUSE not in urgent):
            continue
        for index, match in _per_sentence(family.harm, text, spans, view.masks, guard):
            start, end = match.span()
            if end <= start:
                continue
            window_start = spans[index][0]
            window_end = spans[min(len(spans) - 1, index + spec.window)][1]
            if family.frame is not None and not family.frame.search(text, window_start, window_end):
                continue
            # The second cue may also be in the sentence before ("He'll pay. I know his routine.").
            cue_start = spans[max(0, index - 1)][0]
            if family.cue is not None and not family.cue.search(text, cue_start, window_end):
                continue
            if idioms is None:
                idioms = [m.span() for m in tier2.idioms.finditer(text)]
            if any(s < end and start < e for s, e in idioms):
                continue
            if (
                view.excluded(spec.category, start, end)
                or view.negated(start)
                or view.framed(start)
            ):
                continue
            level = view.level(family.rule, start, end)
            if level is CrisisLevel.URGENT and _over(tier2, view, spans, index, start, end):
                level = CrisisLevel.CAUTION
            if not abuse_only:
                extra.append(_Found(spec.category, level, start, end))
                if spec.also and (family.also_if is None or family.also_if.search(match.group())):
                    extra.extend(_Found(c, level, start, end) for c in spec.also)
            if (
                spec.partner_also
                and tier2.partner_target.search(text, *spans[index])
                and not tier2.third_party.search(text)
            ):
                extra.append(_Found(CrisisCategory.ABUSE, level, start, end))
    return extra


def _by_writer(tier3: _Tier3, text: str, sentence_start: int, start: int, end: int) -> bool:
    """Whether the match names the writer, or the last person named before it is the writer."""
    if tier3.writer.search(text, start, end):
        return True
    last = None
    for person in tier3.persons.finditer(text, max(sentence_start, start - 120), start):
        last = person
    return last is not None and tier3.writer.fullmatch(last.group()) is not None


def _per_sentence(
    regex: Regex,
    text: str,
    spans: list[tuple[int, int]],
    masks: list[int],
    guard: _Guard,
) -> Iterable[tuple[int, re.Match[str]]]:
    """Matches of ``regex`` sentence by sentence, skipping sentences that miss its guard."""
    for index, (start, end) in enumerate(spans):
        if _meets(guard, masks[index]):
            for match in regex.finditer(text, start, end):
                yield index, match


def _over(
    tier2: _Tier2, view: _Text, spans: list[tuple[int, int]], index: int, start: int, end: int
) -> bool:
    """A past-and-over frame in the match's sentence or the next two, and no present marker
    in its own sentence closer to it than a past one (``_Text.level`` already said urgent)."""
    last = spans[min(len(spans) - 1, index + 2)][1]
    if tier2.over.search(view.text, spans[index][0], last) is None:
        return False
    _, present = view._time_markers(index)
    return not present


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


# ---------------------------------------------------------------------------------- second opinion
#
# After the rules: when they found nothing dangerous, a naive Bayes classifier (see
# ``classifier.py``) reads each sentence and the whole text. A category whose score passes its
# threshold in a unit that no figure of speech, support talk or fiction frame of that category
# covers becomes a finding (urgent, or caution by the time words: ``_opinion_level``), with a span
# over that unit. It only ever raises: a result the rules set to caution or urgent is never
# looked at, and nothing is removed. The sentence model (``_third_opinion``) comes after it, on
# the same terms.


def _classifier_units(normalised: str) -> list[tuple[int, int]]:
    """The sentences of the text (stripped of surrounding space), then the whole text when it
    has more than one."""
    units = [strip_span(normalised, s.start, s.end) for s in split_sentences(normalised)]
    units = [(s, e) for s, e in units if e > s]
    if len(units) > 1:
        units.append((units[0][0], units[-1][1]))
    return units


def _unit_excluded(normalised: str, start: int, end: int) -> frozenset[CrisisCategory]:
    """The categories a figurative, support or fiction exclusion of the rules covers in the
    unit: a fiction frame covers them all."""
    rules = _rules()
    if rules.frames.search(normalised, start, end) is not None:
        return frozenset(CrisisCategory)
    covered: set[CrisisCategory] = set()
    for regex, categories, context in rules.exclusions:
        if categories <= covered:
            continue
        if context is not None and context.search(normalised) is None:
            continue
        if regex.search(normalised, start, end) is not None:
            covered |= categories
    return frozenset(covered)


def _unit_scores(
    model: classifier.Model, normalised: str, units: list[tuple[int, int]]
) -> list[tuple[float, float, float, float]]:
    """The classifier's log-odds per category for each unit of ``_classifier_units``."""
    sentences = units[:-1] if len(units) > 1 else units  # the whole text: from its sentences
    lowered = _lowered_in_place(normalised)
    if lowered is None:  # lower-casing moved offsets: slice first
        words = [classifier.tokens(normalised[s:e]) for s, e in sentences]
    else:
        words = [classifier.lowered_tokens(lowered[s:e]) for s, e in sentences]
    return model.score_sentences(words)


def _second_opinion(found: list[_Found], lazy_view: _LazyView) -> list[_Found]:
    """Urgent findings from the classifier, when the rules found no danger (else none)."""
    if any(f.category is not CrisisCategory.STUCK for f in found):
        return []
    model = classifier.model()
    normalised = lazy_view.normalised
    units = _classifier_units(normalised)
    if not units:
        return []
    scores = _unit_scores(model, normalised, units)
    extra: list[_Found] = []
    excluded: dict[int, frozenset[CrisisCategory]] = {}
    for column, (name, threshold) in enumerate(
        zip(model.categories, model.thresholds, strict=True)
    ):
        # Sentences first, best score first; the whole text last.
        passing = [i for i, row in enumerate(scores) if row[column] > threshold]
        passing.sort(key=lambda i: (i == len(units) - 1 and len(units) > 1, -scores[i][column]))
        category = CrisisCategory(name)
        for index in passing:
            if index not in excluded:
                excluded[index] = _unit_excluded(normalised, *units[index])
            if category not in excluded[index]:
                start, end = units[index]
                level = _opinion_level(lazy_view(), category, start, end)
                extra.append(_Found(category, level, start, end))
                break
    return extra


def _more_categories(found: list[_Found], lazy_view: _LazyView) -> list[_Found]:
    """The word classifier's categories the rules did not name, when the rules found danger: a
    text with abuse in one sentence and the writer's own wish to die in another ("she keeps
    hitting me ... lately I think it'd be easier to just not wake up") gets both. Each is found
    as ``_second_opinion`` finds it, and is never more urgent than what the rules found, so the
    text's level stays the rules'."""
    danger = [f for f in found if f.category is not CrisisCategory.STUCK]
    if not danger:
        return []
    top = max((f.level for f in danger), key=_RANK.__getitem__)
    named = {f.category for f in danger}
    model = classifier.model()
    normalised = lazy_view.normalised
    units = _classifier_units(normalised)
    if not units:
        return []
    scores = _unit_scores(model, normalised, units)
    sentences = range(len(units) - 1 if len(units) > 1 else 1)
    extra: list[_Found] = []
    excluded: dict[int, frozenset[CrisisCategory]] = {}
    for column, (name, threshold) in enumerate(
        zip(model.categories, model.thresholds, strict=True)
    ):
        category = CrisisCategory(name)
        if category in named:
            continue
        # Sentences only: the whole text's score mixes in the danger the rules already named.
        passing = [i for i in sentences if scores[i][column] > threshold]
        passing.sort(key=lambda i: -scores[i][column])
        for index in passing:
            if index not in excluded:
                excluded[index] = _unit_excluded(normalised, *units[index])
            if category not in excluded[index]:
                start, end = units[index]
                level = _opinion_level(lazy_view(), category, start, end)
                if _RANK[level] > _RANK[top]:
                    level = top
                extra.append(_Found(category, level, start, end))
                break
    return extra


# The sentence model reads what a piece is about; a piece of one or two words ("Better week.")
# has no topic it reads reliably, so it is not heard there (no labelled text that short has its
# verdict decided by the model; the rules and the word classifier still read it).
_MIN_WORDS_FOR_MEANING = 3
# How far over its threshold (log-odds) the sentence model must be before a figure of speech or
# a support, fiction or everyday exclusion in its piece no longer silences it: the exclusion
# covers a phrase, the model reads the whole piece ("I'd rather be dead than go through another
# divorce. Not an expression. I've been working out how"). Chosen on out-of-fold scores over the
# 83 training sets (each author's texts scored by the model fit on the others), where the rules
# and the word classifier found nothing: over the threshold the figure and exclusion checks
# silenced 15 urgent texts and 35 harmless ones; 5 over it, 10 urgent and 4 harmless (4 over: 11
# and 7; 6 over: 9 and 3). A rules' match set aside inside the piece, and danger words all
# negated ("I have no plans to hurt myself": the model reads negation poorly), still silence it
# at any score; so 5 over, the model is now heard on 9 more urgent texts and 4 more harmless.
_SURE_MARGIN = 5.0
# Words of any script and case, read on the text as typed (``_TOKEN`` reads lower-cased ASCII
# only, and would count a Hindi or an all-capitals piece as no words at all).
_WORD = re.compile(r"[^\W_]+(?:'[^\W_]+)?")


def _third_opinion(
    text: str, found: list[_Found], set_aside: list[tuple[int, int]], lazy_view: _LazyView
) -> list[_Found]:
    """A finding from the sentence model, when nothing before it found danger, or when the
    rules found only a caution that nothing in the text says is over.

    Its span is the piece of text the model found most worrying (the whole text, for most
    texts). The model reads topics well and negation and figures of speech poorly, so where the
    rules read a danger phrase in that piece and set it aside ("I have no plans to hurt
    myself", "this is killing me", a film's plot), their decision stands; and a piece that a
    fiction frame or figure of speech covers for the model's category is left alone, as for the
    word classifier, unless the model is very sure (``_SURE_MARGIN``): then only negated danger
    words silence it.

    A caution from the rules is either danger that is over (a past marker: "years ago", "my
    ex used to") or a phrase the rules cannot place in time ("she's gonna regret it", "I can't
    do this anymore", "he checks my phone every night"). In the second case the model decides:
    when it reads the text as danger now, the rules' findings become urgent, in their own
    categories (the rules read which danger; the model reads time no better than they do, so
    a past marker anywhere in the text, or abuse by a former partner, keeps the caution), if
    the model read at least a few words beyond the rules' phrases."""
    danger = [f for f in found if f.category is not CrisisCategory.STUCK]
    if danger:
        if any(f.level is not CrisisLevel.CAUTION for f in danger):
            return []
        if _told_as_over(lazy_view(), danger):
            return []
    words = classifier.model().scores(text)
    opinion = sentence_model.opinion(text, [words[c] for c in sentence_model.CATEGORIES])
    threshold = sentence_model.head().threshold
    if opinion is None or not opinion.raises(threshold):
        return []
    start, end = opinion.start, opinion.end
    if len(_WORD.findall(text, start, end)) < _MIN_WORDS_FOR_MEANING:
        return []
    if any(start <= s and e <= end for s, e in set_aside):
        return []
    view = lazy_view()
    sure = opinion.raises(threshold + _SURE_MARGIN)
    if _danger_words_all_set_aside(view, start, end, negation_only=sure):
        return []
    category = CrisisCategory(opinion.category)
    if not sure and category in _unit_excluded(view.text, start, end):
        return []
    if danger:
        if _words_beside(text, start, end, danger) < _MIN_WORDS_FOR_MEANING:
            return []
        return [_Found(f.category, CrisisLevel.URGENT, f.start, f.end) for f in danger]
    return [_Found(category, _opinion_level(view, category, start, end), start, end)]


def _words_beside(text: str, start: int, end: int, found: list[_Found]) -> int:
    """Words of ``text[start:end]`` outside every finding: what the model read that the rules
    did not. On the bare caution phrase ("I can't do this anymore", "he'll regret this") the
    model has nothing more to go on than the rules, which left it at caution."""
    return sum(
        1
        for m in _WORD.finditer(text, start, end)
        if not any(f.start < m.end() and m.start() < f.end for f in found)
    )


_OBJECT = re.compile(r"\b(?:him|her|them)\b", re.IGNORECASE)
# Characters after an abuse finding within which its target is looked for, and the longest
# finding that names its own harm (longer ones are the learned layers', read from a whole text).
_AIM_REACH = 40
# What may stand between the harm and its object: "threatened | my ex's lawyer", "went after |
# the guy", "sent threats to | his girlfriend", "threats against | my ex-husband". Not "by" (who
# did it, not to whom) or a verb.
_AIM_GAP = re.compile(
    r"(?:\s+(?:out|up|off|over|at|to|on|with|round|around|in|down|after|against|towards|toward))*\s*"
)
# A person named as what someone is ("I'm a bloke", "he was a violent man"), not a target.
_PREDICATE = re.compile(r"\b(?:am|'m|is|'s|are|'re|was|were|as|like|be|been)\s+$", re.IGNORECASE)


def _aimed_elsewhere(found: list[_Found], lazy_view: _LazyView) -> list[_Found]:
    """Threats to others beside abuse findings whose harm is aimed outside the couple: the harm's
    object, right after it, is someone outside it ("I threatened my ex's lawyer"), or the harm
    says "him" or "her" after such a person was named in its sentence or the one before ("the
    guy next door... he's going to sort him out"), or a threat or violence has family or an ex
    as its object right after it ("threatened his stepdad with a knife"); and those sentences do
    not have the writer as an object ("he hit me in front of the neighbour" stays abuse alone).
    A finding read from a whole text (the learned layers') does not say where the harm is
    aimed."""
    aim = _rules().aim
    if aim is None:
        return []
    abuse = [
        f for f in found if f.category is CrisisCategory.ABUSE and f.end - f.start <= _AIM_REACH
    ]
    if not abuse or any(f.category is CrisisCategory.THREAT_TO_OTHERS for f in found):
        return []
    view = lazy_view()
    normalised = view.text
    extra: list[_Found] = []
    for f in abuse:
        first = view.sentence_index(f.start)
        own_start = view._sentences[first][0]
        own_end = view._sentences[view.sentence_index(max(f.start, f.end - 1))][1]
        if aim.writer_object.search(normalised, own_start, own_end):
            continue
        reach = min(own_end, f.end + _AIM_REACH)
        targets = [aim.who.search(normalised, f.end, reach)]
        if aim.violent_harm.search(normalised, f.start, f.end):
            targets.append(aim.family_object.search(normalised, f.end, reach))
        aimed = any(
            target is not None and _AIM_GAP.fullmatch(normalised, f.end, target.start()) is not None
            for target in targets
        ) or (
            _OBJECT.search(normalised, f.start, f.end) is not None
            and any(
                not _PREDICATE.search(normalised, max(0, m.start() - 12), m.start())
                for m in aim.who.finditer(
                    normalised, view._sentences[max(0, first - 1)][0], f.start
                )
            )
        )
        if aimed:
            extra.append(_Found(CrisisCategory.THREAT_TO_OTHERS, f.level, f.start, f.end))
    return extra


# Children in the abuse: a child named in a sentence beside the danger, with what puts them in
# it (there, watching, woken, held, hurt too); or the writer a child when it happened.
_CHILD = re.compile(
    r"\b(?:kids?|children|child|bab(?:y|ies)|toddlers?|twins|little ones?|newborn|infant"
    r"|(?:our|my|his|her|the|both|two|three) (?:\w+ )?(?:sons?|daughters?|boys|girls)"
    r"|sons?|daughters?|stepson|stepdaughter)\b",
    re.IGNORECASE,
)
_CHILD_IN_IT = re.compile(
    r"\b(?:in front of|watch(?:ed|ing|es)?|saw|seen|heard|woke|woken|wakes? up"
    r"|(?:is|are|was|were|'s|'re) crying|screaming|in here|with me|in my arms|holding|feeding"
    r"|between us|in the (?:room|car|next room|back seat)|got in the way|tried to stop)\b",
    re.IGNORECASE,
)


def _children_in_it(found: list[_Found], lazy_view: _LazyView) -> list[_Found]:
    """Child safety beside abuse findings that put children in it: in the finding's sentence, the
    one before or the two after, a child is named with what puts them in the danger ("the kids
    are in here with me", "he grabbed me by the throat in front of his daughter", "I was
    holding the baby"). Children named elsewhere ("the kids are at my mum's"), and abuse the
    writer suffered as a child, which the authors of the labelled sets call abuse alone, are
    left as they are. Only adds a category: the level stays the one the layers found."""
    if any(f.category is CrisisCategory.CHILD_SAFETY for f in found):
        return []
    abuse = [f for f in found if f.category is CrisisCategory.ABUSE]
    if not abuse:
        return []
    view = lazy_view()
    text = view.text
    sentences = view._sentences
    last = len(sentences) - 1
    for f in abuse:
        first = max(0, view.sentence_index(f.start) - 1)
        end = min(last, view.sentence_index(max(f.start, f.end - 1)) + 2)
        if any(
            _CHILD.search(text, s, e) is not None and _CHILD_IN_IT.search(text, s, e) is not None
            for s, e in sentences[first : end + 1]
        ):
            return [_Found(CrisisCategory.CHILD_SAFETY, f.level, f.start, f.end)]
    return []


# Someone harming themselves, said of another person: "he'll kill himself if I leave", "she
# says she'll swallow the whole bottle", "he holds the knife to his own wrist".
_THEIR_OWN_HARM = re.compile(
    r"\b(?:kill(?:s|ed|ing)?|hang(?:s|ed|ing)?|hurt(?:s|ing)?|cut(?:s|ting)?|harm(?:s|ed|ing)?"
    r"|drown(?:s|ed|ing)?|shoot(?:s|ing)?|burn(?:s|ed|ing)?|starve(?:s|d)?|starving)"
    r" (?:himself|herself|themselves|themself)\b"
    r"|\b(?:end|ending|take|taking) (?:his|her|their) (?:own )?life\b"
    r"|\b(?:swallow|take|drink|down|overdose on) (?:the whole|all (?:the|his|her|their)|a whole"
    r"|the) (?:bottle|packet|box|lot|pills|tablets)\b"
    r"|\b(?:knife|blade|razor|gun) (?:to|at|against) (?:his|her|their) own\b"
    r"|\bthrow (?:himself|herself|themselves) (?:off|from|in front of|under)\b"
    r"|\bdo (?:himself|herself|themselves|themself) in\b",
    re.IGNORECASE,
)


def _their_own_harm(found: list[_Found], lazy_view: _LazyView) -> list[_Found]:
    """Self-harm beside an abuse finding whose sentence (or piece, for the learned layers) has
    the other person threatening to harm themselves ("he said if I leave he'll kill himself and
    it'll be on me"): the threat is control, and it is also a danger to them, which the
    self-harm card (crisis lines) is for."""
    if any(f.category is CrisisCategory.SELF_HARM for f in found):
        return []
    abuse = [f for f in found if f.category is CrisisCategory.ABUSE]
    if not abuse:
        return []
    view = lazy_view()
    for f in abuse:
        # A rules' finding: its sentence. The learned layers' (a whole text or a sentence they
        # found worrying): the piece they read.
        start, end = f.start, f.end
        if end - start <= _AIM_REACH:
            start, end = view._sentences[view.sentence_index(f.start)]
        if _THEIR_OWN_HARM.search(view.text, start, end) is not None:
            return [_Found(CrisisCategory.SELF_HARM, f.level, f.start, f.end)]
    return []


# Someone's age given as under eighteen: "Lachie (14)", "our 13 year old", "she's 15".
_TEEN_AGE = r"(?:1[0-7]|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen)"
_MINOR_AGE = re.compile(
    r"\(\s*1[0-7]\s*\)"
    rf"|\b(?:my|our|his|her|their|your|a|an|the|he's|she's|he is|she is) {_TEEN_AGE}"
    r"[- ]?(?:yo|y/o|years?[- ]old|yrs?[- ]old)\b"
    rf"|\b(?:is|he's|she's|they're|turned|just turned|aged) {_TEEN_AGE}\b"
    r"(?! (?:years|months|weeks|days|hours|mins?|minutes|miles|km|times|am|pm|o'clock|quid"
    r"|pounds|dollars|bucks|euros|stone|kilos?)\b)",
    re.IGNORECASE,
)


def _minor_at_risk(found: list[_Found], lazy_view: _LazyView) -> list[_Found]:
    """Child safety beside self-harm in a text that gives someone's age as under eighteen
    ("Lachie (14) posted 'won't be a problem for much longer'"): a child at risk of harming
    themselves is a child at risk, which is how the authors of the labelled sets name it (39
    of the 43 self-harm cases in the non-blind sets that give such an age). Only adds a
    category: the level stays the one the layers found."""
    if any(f.category is CrisisCategory.CHILD_SAFETY for f in found):
        return []
    harm = [f for f in found if f.category is CrisisCategory.SELF_HARM]
    if not harm or _MINOR_AGE.search(lazy_view().text) is None:
        return []
    f = max(harm, key=lambda item: _RANK[item.level])
    return [_Found(CrisisCategory.CHILD_SAFETY, f.level, f.start, f.end)]


def _told_as_over(view: _Text, found: list[_Found]) -> bool:
    """True when a finding's sentence or the one after it has a past marker ("I went through
    a phase of cutting. I'm well now."), or an abuse finding names a former partner: the rules'
    caution then says the danger is over. A past marker further away tells of something else
    ("he'll tell my father what I did before we married. My father has said he would kill me")."""
    last = len(view._sentences) - 1
    near: set[int] = set()
    for f in found:
        index = view.sentence_index(f.start)
        near.update((index, min(last, index + 1)))
    if any(view._time_markers(i)[0] for i in near):
        return True
    former = view.rules.former_partner
    return any(
        f.category is CrisisCategory.ABUSE and former.search(view.text, f.start, f.end)
        for f in found
    )


def _told_as_over_after(found: list[_Found], lazy_view: _LazyView) -> list[_Found]:
    """``found`` with its urgent findings made caution where one of the two sentences after the
    one a finding starts in tells the danger as over ("My dad beat us as kids. He's been dead
    fifteen years."; ``told_over`` in the YAML), as every layer's time words reach only their
    own sentence. A finding whose sentence has a present marker stays urgent, and so does every
    finding when the text from its sentence on has a ``recent`` marker ("again", "last night",
    "two days ago") or "still" said of someone or beside a danger word ("he still hits me")."""
    if not any(f.level is CrisisLevel.URGENT for f in found):
        return found
    view = lazy_view()
    rules = view.rules
    sentences = view._sentences
    lowered = _lowered_in_place(view.text)

    def over(f: _Found) -> bool:
        index = view.sentence_index(f.start)
        if view._time_markers(index)[1]:
            return False
        start, end = sentences[index]
        if rules.told_in_past.search(view.text, start, end) is None or rules.told_in_present.search(
            view.text, start, end
        ):
            return False
        told = False
        for start, end in sentences[index + 1 : index + 3]:
            for match in rules.told_over.finditer(view.text, start, end):
                clause = view.text[max(start, match.start() - 40) : match.start()]
                after = view.text[match.end() : match.end() + 30]
                if rules.told_over_hedges.search(clause) is None and (
                    rules.told_over_doubts.match(after) is None
                ):
                    told = True
        if not told:
            return False
        since = sentences[index][0]
        if rules.recent.search(view.text, since):
            return False
        return not any(
            rules.still_of_someone.search(view.text, start, end)
            or (
                rules.still_beside_danger.search(view.text, start, end)
                and (lowered is None or _danger_words().search(lowered, start, end))
            )
            for start, end in sentences[index:]
        )

    return [
        _Found(f.category, CrisisLevel.CAUTION, f.start, f.end)
        if f.level is CrisisLevel.URGENT and over(f)
        else f
        for f in found
    ]


_ENDINGS = r"(?:s|es|d|ed|ing)?(?![a-z0-9])"


@cache
def _danger_words() -> Regex:
    path = resources.files("guardrails") / "data" / "crisis_danger_words.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    entries = {" ".join(e.split()) for group in data["stems"].values() for e in group.split(",")}
    # "suicid*" is the start of a word; "die" is a word, with its endings ("dies", "died")
    # but not "diet" or "dieting".
    alternatives = [
        re.escape(e[:-1]) if e.endswith("*") else re.escape(e) + _ENDINGS
        for e in sorted(entries - {""}, key=len, reverse=True)
    ]
    return re.compile(r"(?<![a-z0-9])(?:" + "|".join(alternatives) + ")")


def _danger_words_all_set_aside(
    view: _Text, start: int, end: int, negation_only: bool = False
) -> bool:
    """True when ``view.text[start:end]`` has danger words and the rules set every one aside
    (``negation_only``: every one negated: "I have no plans to hurt myself")."""
    lowered = _lowered_in_place(view.text)
    if lowered is None:  # lower-casing moved offsets: let the model speak
        return False
    matches = [m.span() for m in _danger_words().finditer(lowered, start, end)]
    if not matches:
        return False
    if negation_only:
        return all(view.negated(s) for s, _ in matches)
    for s, e in matches:
        if view.negated(s) or view.framed(s):
            continue
        if any(a < e and s < b for a, b in view.figures()):
            continue
        if any(view.excluded(category, s, e) for category in _PRIORITY):
            continue
        return False
    return True


def _screen(text: str, locale: str, read_meaning: bool = True) -> CrisisResult:
    """``read_meaning=False`` leaves out the sentence model: for measuring what it adds."""
    set_aside: list[tuple[int, int]] = []
    lazy_view = _LazyView(text)
    found = _find(text, set_aside, lazy_view.normalised)
    found = found + _second_opinion(found, lazy_view)
    if read_meaning:
        found = found + _third_opinion(text, found, set_aside, lazy_view)
    found = found + _aimed_elsewhere(found, lazy_view)
    found = found + _children_in_it(found, lazy_view)
    found = found + _their_own_harm(found, lazy_view)
    found = _told_as_over_after(found, lazy_view)
    found = found + _minor_at_risk(found, lazy_view)
    found = found + _more_categories(found, lazy_view)
    levels: dict[CrisisCategory, CrisisLevel] = {}
    for item in found:
        if _RANK[item.level] >= _RANK[levels.get(item.category, CrisisLevel.NONE)]:
            levels[item.category] = item.level
    categories = sorted(levels, key=lambda c: (-_RANK[levels[c]], _PRIORITY.index(c)))
    level = levels[categories[0]] if categories else CrisisLevel.NONE
    return CrisisResult(
        level=level,
        categories=categories,
        # One span per stretch and category: a caution the sentence model made urgent comes
        # back from ``_third_opinion`` with the rules' own span.
        spans=[
            CrisisSpan(start=start, end=end, text=text[start:end], category=category)
            for start, end, category in dict.fromkeys((f.start, f.end, f.category) for f in found)
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
