"""Shared machinery for the apology and agreement checkers: load pattern families, match text.

Patterns live in YAML files under ``guardrails/data`` so that a therapist can read and extend them.
Three conventions keep those files readable:

* a space in a pattern matches any run of whitespace, and `` ?`` optional whitespace;
* an apostrophe is optional and also matches the typographic one (the text is normalised);
* ``%name%`` is replaced by the ``lexicon`` entry of that name (an alternation of words).

Every pattern is matched case-insensitively inside one sentence. A family's ``unless_*`` lists
say when a match is not a fault (a negation before it, an owning clause beside it, ...); its
``only_after`` list, when given, says what must come first (an apology in the previous sentence
or earlier in the same one) for a match to count at all.

Speed: a check runs a few hundred patterns, and most of them cannot match most sentences. When a
file is loaded, each pattern gets the words any match of it must contain ("sorry", "because",
...), read off its parsed form; a check first notes which of those words each sentence holds
(one pass over its words) and runs a pattern only on the sentences that hold its words. This is
a pure shortcut: a pattern skipped could not have matched, so results are the same as running
every pattern on every sentence.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field

from guardrails._cache import cached_build
from guardrails._lazy_re import LazyPattern, Regex
from guardrails._regex_needs import Shape as _Shape
from guardrails._regex_needs import as_words as _as_words
from guardrails._regex_needs import score as _score
from guardrails._regex_needs import shape_of_sequence
from guardrails.findings import CheckResult, Finding, Span, Verdict

_FLAGS = re.IGNORECASE
_LEXICON_TOKEN = re.compile(r"%([a-z_]+)%")
# Same length on both sides, so spans found in the normalised text index the original text.
_NORMALISE = str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"'})
_SENTENCE = re.compile(r"[^.!?\n]+(?:[.!?]+[\"')\]]*|(?=\n)|$)|[.!?]+")

# The prefilter compares lower-case ASCII words. ``re.IGNORECASE`` also lets these four letters
# match an ASCII one ("ſorry" matches "sorry"); every other character that matches an ASCII letter
# or digit is one whose ``lower()`` is that letter or digit (checked over all of Unicode for
# Python 3.11). Folding them first keeps every offset, since "İ".lower() alone is two characters.
_FOLD = str.maketrans({"\u0130": "i", "\u0131": "i", "\u017f": "s", "\u212a": "k"})
_WORD = re.compile(r"[a-z0-9]+")
_NOT_WORD = re.compile(r"[^a-z0-9]+")
# A needle set may hold this many strings before a pattern part stops counting as exact text.
_MAX_EXACT = 64
# Groups of needles kept per pattern (each must be met), and the shortest needle worth keeping.
_MAX_GROUPS = 3
_MIN_NEEDLE = 2
# Longer words are checked against every needle instead of through their substrings.
_LONG_WORD = 40
# Word memo per pattern file: cleared when it grows past this many words.
_MEMO_LIMIT = 50_000

try:  # the parser behind ``re``; without it every pattern simply runs on every sentence
    _sre_parser: Any = importlib.import_module("re._parser")
except ImportError:  # pragma: no cover
    _sre_parser = None


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
    # A precondition, not an excuse: the match counts only if one of these matches the previous
    # sentence or the same sentence before the match ("after an apology": "Sorry. Anyway, ...").
    only_after: list[str] = []
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
class Guarded:
    """A compiled pattern and the needles any match of it contains.

    ``needs`` holds bit masks over the pattern file's needles: every match contains, for each
    mask, at least one of its needles. No masks means the pattern always has to run.
    """

    pattern: Regex
    needs: tuple[int, ...]
    # ``needs[1:]`` padded with -1 (met by any non-empty mask) to two masks, for the hot loop; the
    # first mask is met when a word of the sentence wakes the pattern (see ``_Needles``).
    rest: tuple[int, int] = (-1, -1)


@dataclass(frozen=True, slots=True)
class Family:
    """A compiled :class:`FamilySpec`."""

    spec: FamilySpec
    priority: int
    patterns: tuple[Regex, ...]
    guarded: tuple[Guarded, ...]
    unless_before: tuple[Guarded, ...]
    unless_after: tuple[Guarded, ...]
    unless_sentence: tuple[Guarded, ...]
    unless_near: tuple[Guarded, ...]
    unless_anywhere: tuple[Guarded, ...]
    only_after: tuple[Guarded, ...] = ()


class _Needles:
    """The needles of one pattern file, one bit each, and which of them each word holds.

    Each family pattern with needles is woken by the words that hold a needle of its first (most
    telling) set; the others must then be in the same sentence. Patterns without needles always
    run. What a word holds and wakes is worked out once per word and remembered.
    """

    __slots__ = ("always", "bits", "entries", "longest", "memo", "shortest", "wakes")

    def __init__(self) -> None:
        self.bits: dict[str, int] = {}
        self.shortest = 1_000
        self.longest = 0
        self.entries: list[tuple[Family, Guarded]] = []
        self.wakes: dict[int, list[int]] = {}
        self.always: list[int] = []
        self.memo: dict[str, tuple[int, frozenset[int]]] = {}

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

    def index(self, families: Iterable[Family]) -> None:
        for family in families:
            for guarded in family.guarded:
                entry = len(self.entries)
                self.entries.append((family, guarded))
                if not guarded.needs:
                    self.always.append(entry)
                    continue
                for bit in _bits(guarded.needs[0]):
                    self.wakes.setdefault(bit, []).append(entry)

    def in_word(self, word: str) -> tuple[int, frozenset[int]]:
        """The needles ``word`` (lower-case ASCII letters and digits) holds, and whom it wakes."""
        known = self.memo.get(word)
        if known is not None:
            return known
        mask = 0
        size = len(word)
        if size <= _LONG_WORD:
            bits = self.bits
            for start in range(size - self.shortest + 1):
                for end in range(start + self.shortest, min(size, start + self.longest) + 1):
                    bit = bits.get(word[start:end])
                    if bit is not None:
                        mask |= bit
        else:
            for needle, bit in self.bits.items():
                if needle in word:
                    mask |= bit
        woken = frozenset(e for bit in _bits(mask) for e in self.wakes.get(bit, ()))
        if len(self.memo) >= _MEMO_LIMIT:
            self.memo.clear()
        known = self.memo[word] = (mask, woken)
        return known


def _bits(mask: int) -> Iterator[int]:
    while mask:
        low = mask & -mask
        yield low
        mask ^= low


@dataclass(frozen=True, slots=True)
class Rules:
    """A compiled pattern file."""

    families: tuple[Family, ...]
    reported_speech: tuple[Regex, ...]
    ownership: tuple[Regex, ...]
    messages: dict[str, dict[str, str]]
    guarded_reported_speech: tuple[Guarded, ...] = ()
    guarded_ownership: tuple[Guarded, ...] = ()
    needles: _Needles = field(default_factory=lambda: _Needles())


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


@dataclass(frozen=True, slots=True)
class Scan:
    """What one pass over a text found."""

    hits: list[Hit]
    # Whether any ``ownership`` pattern matches somewhere in the text.
    owned: bool
    # Matches an ``unless`` rule or reported speech excused: phrasings the rules read as sincere
    # here ("I didn't mean to, and I did"). Offsets into the text.
    set_aside: tuple[tuple[int, int], ...] = ()


def _loosen(source: str) -> str:
    # Optional apostrophes ("didnt"), then optional and required whitespace runs.
    return source.replace("'", "'?").replace(" ?", r"\s*").replace(" ", r"\s+")


def compile_pattern(source: str, lexicon: dict[str, str]) -> LazyPattern:
    """Expand the readability conventions of a pattern file and compile the result."""

    def expand(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in lexicon:
            raise PatternError(f"unknown lexicon entry %{name}% in pattern {source!r}")
        return f"(?:{lexicon[name]})"

    expanded = _loosen(_LEXICON_TOKEN.sub(expand, source))
    try:
        return LazyPattern(expanded, _FLAGS)
    except re.error as exc:
        raise PatternError(f"pattern {source!r} does not compile: {exc}") from exc


def _compile_all(sources: Iterable[str], lexicon: dict[str, str]) -> tuple[Regex, ...]:
    return tuple(compile_pattern(source, lexicon) for source in sources)


# ---- needles: text every match of a pattern must contain -------------------------------------
#
# A parsed pattern part is described by ``exact``, the set of (folded) strings it can match when
# that set is small and known, and by ``needs``, sets of strings such that every match of the
# part contains one string of each set. Zero-width parts (``\b``, ``^``, lookarounds) match "".


def _shape_of_sequence(items: Any) -> _Shape:
    return shape_of_sequence(items, lookbehind=True)


def _needle_sets(pattern: Regex) -> list[frozenset[str]]:
    if _sre_parser is None:  # pragma: no cover
        return []
    try:
        shape = _shape_of_sequence(_sre_parser.parse(pattern.pattern, pattern.flags))
    except Exception:  # pragma: no cover - an unexpected parse tree only costs speed
        return []
    candidates = list(shape.needs)
    if shape.exact is not None and "" not in shape.exact:
        candidates.append(shape.exact)
    sets = [w for w in (_as_words(c) for c in candidates) if w is not None]
    sets = sorted(dict.fromkeys(sets), key=_score, reverse=True)
    return sets[:_MAX_GROUPS]


def _guard(pattern: Regex, needles: _Needles) -> Guarded:
    needs = tuple(needles.mask(s) for s in _needle_sets(pattern))
    b, c = (*needs[1:], -1, -1)[:2]
    return Guarded(pattern, needs, (b, c))


def _guard_all(patterns: Iterable[Regex], needles: _Needles) -> tuple[Guarded, ...]:
    return tuple(_guard(p, needles) for p in patterns)


# ---- loading ---------------------------------------------------------------------------------


@cache
def load_rules(filename: str) -> Rules:
    """Load and compile ``guardrails/data/<filename>`` once per process (from the disk cache
    when an earlier process built the same rules)."""
    here = Path(__file__).resolve().parent
    sources = (here / "data" / filename, Path(__file__).resolve(), here / "_lazy_re.py")
    return cached_build(filename.removesuffix(".yaml"), sources, lambda: _build_rules(filename))


def _build_rules(filename: str) -> Rules:
    raw: Any = yaml.safe_load(
        resources.files("guardrails").joinpath("data", filename).read_text(encoding="utf-8")
    )
    spec = PatternFile.model_validate(raw)
    # Lexicon entries may use spaces and apostrophes too; expand them like patterns.
    lexicon = {name: _loosen(words) for name, words in spec.lexicon.items()}
    needles = _Needles()
    families = tuple(
        _compile_family(family, index, lexicon, needles)
        for index, family in enumerate(spec.families)
    )
    needles.index(families)
    reported_speech = _compile_all(spec.reported_speech, lexicon)
    ownership = _compile_all(spec.ownership, lexicon)
    return Rules(
        families=families,
        reported_speech=reported_speech,
        ownership=ownership,
        messages=spec.messages,
        guarded_reported_speech=_guard_all(reported_speech, needles),
        guarded_ownership=_guard_all(ownership, needles),
        needles=needles,
    )


def _compile_family(
    spec: FamilySpec, priority: int, lexicon: dict[str, str], needles: _Needles
) -> Family:
    def guarded(sources: Iterable[str]) -> tuple[Guarded, ...]:
        return _guard_all(_compile_all(sources, lexicon), needles)

    patterns = _compile_all(spec.patterns, lexicon)
    return Family(
        spec=spec,
        priority=priority,
        patterns=patterns,
        guarded=_guard_all(patterns, needles),
        unless_before=guarded(spec.unless_before),
        unless_after=guarded(spec.unless_after),
        unless_sentence=guarded(spec.unless_sentence),
        unless_near=guarded(spec.unless_near),
        unless_anywhere=guarded(spec.unless_anywhere),
        only_after=guarded(spec.only_after),
    )


# ---- matching --------------------------------------------------------------------------------


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


def any_match(patterns: Sequence[Regex], text: str) -> bool:
    return any(p.search(text) for p in patterns)


def _meets(needs: tuple[int, ...], present: int) -> bool:
    for need in needs:  # noqa: SIM110 - a plain loop: ``all`` and a generator cost more here
        if not need & present:
            return False
    return True


def _any_guarded(patterns: Sequence[Guarded], text: str, present: int) -> bool:
    """``any_match`` on ``text``, skipping patterns whose needles are not in ``present``."""
    for guarded in patterns:
        if _meets(guarded.needs, present) and guarded.pattern.search(text):
            return True
    return False


def _span_of(match: re.Match[str]) -> tuple[int, int]:
    # A pattern may narrow its reported span with a group named ``span``.
    named = "span" in match.re.groupindex and match.group("span") is not None
    start, end = match.span("span") if named else match.span()
    # Patterns that run to the end of a clause would otherwise end on the space before a dash.
    return start, start + len(match.string[start:end].rstrip())


# Marks a sentence whose reporting clause is not looked for yet (a real end is never negative).
_NOT_YET = -1


class _Text:
    """A text prepared for matching: normalised, split, and the needles of each sentence."""

    __slots__ = (
        "anywhere",
        "masks",
        "near",
        "present",
        "reported",
        "rules",
        "sentences",
        "set_aside",
        "whole",
        "woken",
    )

    def __init__(self, rules: Rules, text: str) -> None:
        self.rules = rules
        self.whole = whole = normalise(text)
        self.sentences = split_sentences(whole)
        folded = whole.lower() if whole.isascii() else whole.translate(_FOLD).lower()
        count = len(self.sentences)
        needles = rules.needles
        # ``present``: the needles of the whole text (a line may belong to no sentence);
        # ``masks[i]``: those of sentence i; ``woken[i]``: the patterns its words wake.
        self.masks: list[int] = []
        self.woken: list[Iterable[int]] = []
        if len(folded) != len(whole):  # pragma: no cover - no such character today
            self.present = -1
            self.masks = [-1] * count
            everyone = [e for e in range(len(needles.entries)) if e not in needles.always]
            self.woken = [everyone] * count
        else:
            memo, in_word = needles.memo, needles.in_word
            present = 0
            gap_start = 0
            for sentence in self.sentences:
                mask = 0
                woken: set[int] = set()
                for word in _WORD.findall(folded, sentence.start, sentence.end):
                    held, wakes = memo.get(word) or in_word(word)
                    mask |= held
                    woken |= wakes
                self.masks.append(mask)
                self.woken.append(woken)
                present |= mask
                # Text between sentences (a line without end punctuation belongs to none). A
                # sentence starts and ends next to a non-word character, so no word is cut.
                for word in _WORD.findall(folded, gap_start, sentence.start):
                    present |= in_word(word)[0]
                gap_start = sentence.end
            for word in _WORD.findall(folded, gap_start):
                present |= in_word(word)[0]
            self.present = present
        self.reported: list[int | None] = [_NOT_YET] * count
        # Answers of ``unless_near`` (by family and sentence) and ``unless_anywhere`` (by family).
        self.near: dict[tuple[int, int], bool] = {}
        self.anywhere: dict[int, bool] = {}
        self.set_aside: list[tuple[int, int]] = []

    def reported_speech_end(self, index: int) -> int | None:
        """Where the earliest reporting clause ends ("when I said"), or None if there is none.

        Searched in the whole sentence so a pattern may look ahead ("I said X, and that was
        unfair"); a match is excused only if it comes after the reporting verb.
        """
        end = self.reported[index]
        if end == _NOT_YET:
            sentence, present = self.sentences[index].text, self.masks[index]
            # A pattern's first match ends before its later ones: no need to look further.
            ends = [
                m.end()
                for g in self.rules.guarded_reported_speech
                if _meets(g.needs, present) and (m := g.pattern.search(sentence)) is not None
            ]
            end = self.reported[index] = min(ends) if ends else None
        return end

    def suppressed(self, family: Family, index: int, match_start: int, match_end: int) -> bool:
        """Whether an ``unless`` rule or reported speech excuses this match (``only_after`` is
        checked by the caller: a match before any apology is not applicable, not excused)."""
        sentence, present = self.sentences[index].text, self.masks[index]
        if _any_guarded(family.unless_before, sentence[:match_start], present):
            return True
        if _any_guarded(family.unless_after, sentence[match_end:], present):
            return True
        if _any_guarded(family.unless_sentence, sentence, present):
            return True
        if family.spec.reported_speech_ok:
            reported_end = self.reported_speech_end(index)
            if reported_end is not None and reported_end <= match_start:
                return True
        if family.unless_near:
            key = (family.priority, index)
            near = self.near.get(key)
            if near is None:
                low, high = max(0, index - 1), index + 2
                near_present = 0
                for mask in self.masks[low:high]:
                    near_present |= mask
                near_text = " ".join(s.text for s in self.sentences[low:high])
                near = self.near[key] = _any_guarded(family.unless_near, near_text, near_present)
            if near:
                return True
        if not family.unless_anywhere:
            return False
        anywhere = self.anywhere.get(family.priority)
        if anywhere is None:
            anywhere = _any_guarded(family.unless_anywhere, self.whole, self.present)
            self.anywhere[family.priority] = anywhere
        return anywhere

    def follows(self, family: Family, index: int, match_start: int) -> bool:
        """Whether an ``only_after`` pattern matches the previous sentence or this one's start.

        The sentence's needles stand in for those of its beginning: a pattern whose needles are
        not in the whole sentence cannot match a part of it.
        """
        sentence, present = self.sentences[index].text, self.masks[index]
        if _any_guarded(family.only_after, sentence[:match_start], present):
            return True
        if index == 0:
            return False
        previous = self.sentences[index - 1].text
        return _any_guarded(family.only_after, previous, self.masks[index - 1])

    def collect(self, family: Family, pattern: Regex, index: int, into: list[Hit]) -> None:
        """Add the matches of ``pattern`` in sentence ``index`` that no ``unless`` rule excuses."""
        sentence = self.sentences[index]
        for match in pattern.finditer(sentence.text):
            local_start, local_end = _span_of(match)
            if local_start == local_end:
                continue
            if family.only_after and not self.follows(family, index, match.start()):
                continue  # not applicable here, rather than read as sincere
            if self.suppressed(family, index, match.start(), match.end()):
                self.set_aside.append((sentence.start + local_start, sentence.start + local_end))
                continue
            into.append(Hit(family, sentence.start + local_start, sentence.start + local_end))


def _raw_hits(text: _Text) -> list[Hit]:
    # Hits are collected sentence by sentence; their order does not matter, ``_resolve`` sorts.
    needles = text.rules.needles
    entries, always = needles.entries, needles.always
    raw: list[Hit] = []
    for index, mask in enumerate(text.masks):
        for entry in text.woken[index]:
            family, guarded = entries[entry]
            b, c = guarded.rest
            if b & mask and c & mask:
                text.collect(family, guarded.pattern, index, raw)
        for entry in always:
            family, guarded = entries[entry]
            text.collect(family, guarded.pattern, index, raw)
    return raw


def _priority_order(hit: Hit) -> tuple[int, int, int]:
    return hit.family.priority, hit.start, hit.start - hit.end


def _text_order(hit: Hit) -> tuple[int, int]:
    return hit.start, hit.family.priority


def _resolve(raw: list[Hit]) -> list[Hit]:
    """Where two findings cover the same words, the family listed first in the data file wins."""
    specific = [(hit.start, hit.end) for hit in raw if not hit.family.spec.generic]
    if len(specific) < len(raw):
        raw = [
            hit
            for hit in raw
            if not hit.family.spec.generic
            or not any(hit.start < end and start < hit.end for start, end in specific)
        ]
    raw.sort(key=_priority_order)
    kept: list[Hit] = []
    spans: list[tuple[int, int]] = []
    for hit in raw:
        start, end = hit.start, hit.end
        for kept_start, kept_end in spans:
            if start < kept_end and kept_start < end:
                break
        else:
            kept.append(hit)
            spans.append((start, end))
    kept.sort(key=_text_order)
    return kept


def scan(rules: Rules, text: str) -> Scan:
    """The findings of :func:`find_hits`, and whether any ``ownership`` pattern matches."""
    prepared = _Text(rules, text)
    owned = _any_guarded(rules.guarded_ownership, prepared.whole, prepared.present)
    hits = _resolve(_raw_hits(prepared))
    return Scan(hits=hits, owned=owned, set_aside=tuple(prepared.set_aside))


def find_hits(rules: Rules, text: str) -> list[Hit]:
    """Every match no ``unless`` rule excuses, in text order.

    Where two findings cover the same words, the family listed first in the data file wins, so one
    phrase is reported once, under its most specific name.
    """
    return _resolve(_raw_hits(_Text(rules, text)))


def finding_data(hit: Hit, text: str) -> dict[str, Any]:
    """What :func:`to_finding` builds, as plain data: validating a whole result once is faster."""
    spec = hit.family.spec
    return {
        "category": spec.category,
        "span": {"start": hit.start, "end": hit.end, "text": text[hit.start : hit.end]},
        "reason": spec.reason,
        "hint": spec.hint,
    }


def to_finding(hit: Hit, text: str) -> Finding:
    return Finding(
        category=hit.family.spec.category,
        span=Span(start=hit.start, end=hit.end, text=text[hit.start : hit.end]),
        reason=hit.family.spec.reason,
        hint=hit.family.spec.hint,
    )


def check_result(findings: Sequence[Finding | dict[str, Any]]) -> CheckResult:
    """``reject`` with ``findings``, or ``accept`` when there are none, validated in one call."""
    verdict = Verdict.REJECT if findings else Verdict.ACCEPT
    return CheckResult.model_validate({"verdict": verdict, "findings": findings})


def strip_span(text: str, start: int, end: int) -> tuple[int, int]:
    """``start..end`` narrowed past whitespace at either edge."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def whole_text_span(text: str) -> Span:
    """The stripped text as a span, or ``0..0`` when there is nothing but whitespace."""
    stripped = text.strip()
    if not stripped:
        return Span(start=0, end=0, text="")
    start = text.index(stripped)
    return Span(start=start, end=start + len(stripped), text=stripped)
