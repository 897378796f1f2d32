"""Practice feedback: the listener writes their own response to a hurt and sees a short rubric.

The Practise page shows a description of a hurt (a built-in scenario or the person's own); the
listener writes what they would say back, and :func:`practice_feedback` answers with one item per
thing the method asks (steps 1-3), plus findings to highlight in the draft:

1. ``restated``: said back what happened, from the listener's side;
2. ``named_feeling``: named a feeling, simply, as the partner's;
3. ``validated``: said the feeling makes sense;
4. ``owned_impact``: owned the impact (or, for a hurt from before the relationship, offered
   empathy);
5. ``no_excuses_or_blame``: the apology checker found nothing;
6. ``no_fixing``: no advice, reassurance or bright side yet.

The wording and the cue phrases live in ``assistant/data/rubric.yaml`` so that a therapist can
read and change them; this module only applies them. Like the guardrails, it is deterministic:
no model, no network.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, model_validator

from assistant.errors import InputError
from assistant.offline.feelings import detect_feelings, inventory
from assistant.offline.origin import detect_origin
from assistant.offline.sentences import Piece, sentences
from assistant.schemas import Origin
from guardrails.apology import ApologyCategory, check_apology
from guardrails.crisis import CrisisLevel, screen
from guardrails.findings import Finding, Span

RUBRIC_FILE = "rubric.yaml"
FIXING = "fixing"
ITEM_KEYS = (
    "restated",
    "named_feeling",
    "validated",
    "owned_impact",
    "no_excuses_or_blame",
    "no_fixing",
)


class RubricItem(BaseModel):
    """One thing the method asks of the response, and whether this draft does it."""

    model_config = ConfigDict(frozen=True)

    key: str
    step: int
    label: str
    passed: bool
    message: str = Field(description="What was good, or what to try next.")


class PracticeFeedback(BaseModel):
    """The rubric for one draft, the phrases to highlight in it, and one line of summary."""

    model_config = ConfigDict(frozen=True)

    items: list[RubricItem]
    findings: list[Finding]
    passed: bool = Field(description="Every item passed and nothing is highlighted.")
    crisis_level: str = Field(description="'none', 'caution' or 'urgent'.")
    summary: str


# --- the data file ------------------------------------------------------------------------------


class _Data(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class _ItemText(_Data):
    step: int
    label: str
    good: str
    try_: str = Field(alias="try")
    next: str
    # Variants some items use.
    try_voice: str = ""
    try_thought: str = ""
    suggest: str = ""
    good_before: str = ""
    try_before: str = ""
    try_empathy_only: str = ""
    next_before: str = ""


class _SummaryText(_Data):
    urgent: str
    ready: str
    first: str
    some: str
    almost: str


class _ErrorText(_Data):
    empty_draft: str
    empty_description: str


class _Restating(_Data):
    min_shared_words: int = Field(ge=1)
    frames: tuple[str, ...]
    unless_before: str
    past_irregular: str
    not_acts: str
    parrot_run: int = Field(ge=2)
    stop_words: str
    lemmas: dict[str, str]


class _Naming(_Data):
    feel_frames: tuple[str, ...]
    be_frames: tuple[str, ...]
    degree: str
    unless_before: str
    thought_frames: tuple[str, ...]


class _CueGroup(_Data):
    cues: tuple[str, ...]
    unless_before: str = ""


class _FixingFamily(_Data):
    name: str
    hint: str
    patterns: tuple[str, ...] = Field(min_length=1)
    unless_before: tuple[str, ...] = ()


class _Fixing(_Data):
    reason: str
    families: tuple[_FixingFamily, ...] = Field(min_length=1)


class _RubricFile(_Data):
    version: int
    items: dict[str, _ItemText]
    summary: _SummaryText
    errors: _ErrorText
    restating: _Restating
    naming: _Naming
    validating: _CueGroup
    owning: _CueGroup
    empathizing: _CueGroup
    fixing: _Fixing
    denials: str

    @model_validator(mode="after")
    def _every_item(self) -> _RubricFile:
        if tuple(self.items) != ITEM_KEYS:
            raise ValueError(f"rubric items must be exactly {', '.join(ITEM_KEYS)}, in that order")
        return self


# --- compiled cues ------------------------------------------------------------------------------

_TOKEN = re.compile(r"%([a-z_]+)%")
# Same length on both sides, so offsets found in the normalised text index the original.
_STRAIGHTEN = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'"})
_WORD = re.compile(r"[a-z]+(?:'[a-z]+)*")
_FIRST_PERSON = frozenset({"i", "me", "my", "mine", "myself", "i'm", "i've", "i'd", "i'll"})
# The listener says a speaker's own-voice feeling phrase back in the second person.
_TO_SECOND = {"my": "your", "myself": "yourself", "me": "you", "i": "you", "mine": "yours"}


def _expand(source: str, lexicon: dict[str, str] | None = None) -> str:
    """Apply the data file's conventions: %name% entries, optional apostrophes, any whitespace."""

    def entry(match: re.Match[str]) -> str:
        name = match.group(1)
        if lexicon is None or name not in lexicon:
            raise ValueError(f"unknown entry %{name}% in rubric cue {source!r}")
        return f"(?:{lexicon[name]})"

    # Apostrophes and spaces first, so the (already regular) lexicon entries are left as they are.
    converted = source.replace("'", "'?").replace(" ", r"\s+")
    return _TOKEN.sub(entry, converted)


def _compile(source: str, lexicon: dict[str, str] | None = None) -> re.Pattern[str]:
    try:
        return re.compile(_expand(source, lexicon), re.IGNORECASE)
    except re.error as exc:
        raise ValueError(f"rubric cue {source!r} does not compile: {exc}") from exc


def _alternation(words: str) -> str:
    """``"a|b c|d"`` as written over several lines of a data file -> a regex alternation."""
    parts = [w.strip() for w in words.split("|") if w.strip()]
    return "|".join(_expand(p) for p in sorted(parts, key=len, reverse=True))


def _phrases(phrases: Iterable[str]) -> str:
    """Whole feeling phrases, longest first, said to the partner ("on my own" -> "on your own")."""
    said: set[str] = set()
    for phrase in phrases:
        words = re.split(r"[\s-]+", phrase.strip().lower())
        said.add(" ".join(_TO_SECOND.get(w, w) for w in words))
    ordered = sorted(said, key=len, reverse=True)
    parts = [r"[\s-]+".join(re.escape(w).replace("'", "'?") for w in p.split()) for p in ordered]
    return "(?:" + "|".join(parts) + r")(?![\w'-])"


@dataclass(frozen=True)
class _CompiledGroup:
    cues: tuple[re.Pattern[str], ...]
    unless_before: re.Pattern[str] | None


@dataclass(frozen=True)
class _CompiledFamily:
    spec: _FixingFamily
    patterns: tuple[re.Pattern[str], ...]
    unless_before: tuple[re.Pattern[str], ...]


@dataclass(frozen=True)
class _Rules:
    text: _RubricFile
    restating_frames: tuple[re.Pattern[str], ...]
    restating_unless: re.Pattern[str]
    stop_words: frozenset[str]
    naming: tuple[re.Pattern[str], ...]
    naming_unless: re.Pattern[str]
    thought: tuple[re.Pattern[str], ...]
    validating: _CompiledGroup
    owning: _CompiledGroup
    empathizing: _CompiledGroup
    fixing: tuple[_CompiledFamily, ...]
    denial: re.Pattern[str]


def _group(spec: _CueGroup) -> _CompiledGroup:
    return _CompiledGroup(
        cues=tuple(_compile(c) for c in spec.cues),
        unless_before=_compile(spec.unless_before) if spec.unless_before else None,
    )


@cache
def _rules() -> _Rules:
    raw: Any = yaml.safe_load(
        resources.files("assistant.data").joinpath(RUBRIC_FILE).read_text("utf-8")
    )
    spec = _RubricFile.model_validate(raw)
    restating = spec.restating
    past = (
        rf"(?!(?:{_alternation(restating.not_acts)})\b)"
        rf"(?:\w+ed|{_alternation(restating.past_irregular)})"
    )
    entries = inventory()
    feel_forms = _phrases(f for e in entries for f in (*e.forms, *e.feel_only))
    be_forms = _phrases(f for e in entries for f in e.forms)
    degree = rf"(?:\s+(?:{_alternation(spec.naming.degree)}))*\s+"
    naming = tuple(
        re.compile(rf"(?:{_expand(frame)}){degree}(?P<feeling>{forms})", re.IGNORECASE)
        for frames, forms in (
            (spec.naming.feel_frames, feel_forms),
            (spec.naming.be_frames, be_forms),
        )
        for frame in frames
    )
    return _Rules(
        text=spec,
        restating_frames=tuple(_compile(f, {"past": past}) for f in restating.frames),
        restating_unless=_compile(restating.unless_before),
        stop_words=frozenset(w.replace("'", "") for w in restating.stop_words.split()),
        naming=naming,
        naming_unless=_compile(spec.naming.unless_before),
        thought=tuple(_compile(f) for f in spec.naming.thought_frames),
        validating=_group(spec.validating),
        owning=_group(spec.owning),
        empathizing=_group(spec.empathizing),
        fixing=tuple(
            _CompiledFamily(
                spec=family,
                patterns=tuple(_compile(p) for p in family.patterns),
                unless_before=tuple(_compile(u) for u in family.unless_before),
            )
            for family in spec.fixing.families
        ),
        denial=_compile(spec.denials),
    )


# --- matching helpers ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _Match:
    start: int  # offsets into the whole draft
    end: int
    group: str = ""  # a named part of the match ("feeling"), when the caller needs it


def _straight(text: str) -> str:
    return text.translate(_STRAIGHTEN)


def _finditer(
    patterns: Sequence[re.Pattern[str]],
    pieces: Sequence[Piece],
    *,
    unless_before: Sequence[re.Pattern[str]] = (),
    denial: re.Pattern[str] | None = None,
) -> Iterator[_Match]:
    """Every match in every sentence, skipping those right after a denial or an ``unless``."""
    for piece in pieces:
        text = _straight(piece.text)
        for pattern in patterns:
            for m in pattern.finditer(text):
                before = text[: m.start()]
                if denial is not None and denial.search(before):
                    continue
                if any(u.search(before) for u in unless_before):
                    continue
                start, end = m.span("span") if "span" in pattern.groupindex else m.span()
                group = m.group("feeling") if "feeling" in pattern.groupindex else ""
                yield _Match(piece.start + start, piece.start + end, group)


def _found(group: _CompiledGroup, pieces: Sequence[Piece], denial: re.Pattern[str]) -> bool:
    unless = (group.unless_before,) if group.unless_before else ()
    return (
        next(_finditer(group.cues, pieces, unless_before=unless, denial=denial), None) is not None
    )


# --- step 1: restating --------------------------------------------------------------------------


def _lemma(word: str, lemmas: dict[str, str]) -> str:
    """Light stemming, the same on both sides: plural -s, -ed, -ing, final e, doubled consonant."""
    word = word.replace("'", "")
    if word in lemmas:
        return lemmas[word]
    for suffix, replacement in (("ies", "y"), ("ing", ""), ("ed", ""), ("es", ""), ("s", "")):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            word = word[: -len(suffix)] + replacement
            break
    if word.endswith("e") and len(word) > 3:
        word = word[:-1]
    if len(word) > 3 and word[-1] == word[-2] and word[-1] not in "aeiou":
        word = word[:-1]
    return word


def _content(text: str, rules: _Rules, skip: Sequence[tuple[int, int]] = ()) -> dict[str, str]:
    """Content words of ``text`` by lemma (lemma -> first surface form), outside ``skip`` spans."""
    words: dict[str, str] = {}
    lemmas = rules.text.restating.lemmas
    for m in _WORD.finditer(_straight(text).lower()):
        if any(s <= m.start() < e for s, e in skip):
            continue
        word = m.group()
        if word.replace("'", "") in rules.stop_words:
            continue
        lemma = _lemma(word, lemmas)
        if len(lemma) >= 3 and lemma not in rules.stop_words:
            words.setdefault(lemma, word)
    return words


def _parroted(description: str, pieces: Sequence[Piece], run: int) -> set[int]:
    """Indexes of draft sentences that copy the speaker's own-voice words ("you forgot my ...")."""
    said = _WORD.findall(_straight(description).lower())
    copies = {
        tuple(said[i : i + run])
        for i in range(len(said) - run + 1)
        if _FIRST_PERSON.intersection(said[i : i + run])
    }
    parroted: set[int] = set()
    for index, piece in enumerate(pieces):
        words = _WORD.findall(_straight(piece.text).lower())
        if any(tuple(words[i : i + run]) in copies for i in range(len(words) - run + 1)):
            parroted.add(index)
    return parroted


def _restated(
    description: str,
    draft: str,
    pieces: Sequence[Piece],
    feeling_spans: Sequence[tuple[int, int]],
    rules: _Rules,
) -> tuple[bool, str]:
    spec = rules.text.restating
    words = rules.text.items["restated"]
    parroted = _parroted(description, pieces, spec.parrot_run)
    own = [p for i, p in enumerate(pieces) if i not in parroted]
    told = _content(description, rules)
    needed = min(spec.min_shared_words, max(1, len(told)))
    shared = {
        lemma
        for piece in own
        for lemma in _content(
            piece.text, rules, [(s - piece.start, e - piece.start) for s, e in feeling_spans]
        )
        if lemma in told
    }
    framed = next(
        _finditer(rules.restating_frames, own, unless_before=(rules.restating_unless,)), None
    )
    if len(shared) >= needed or framed is not None:
        return True, words.good
    if parroted:
        return False, words.try_voice
    return False, words.try_


# --- step 2: feelings and validation ------------------------------------------------------------


def _named_feeling(
    description: str, pieces: Sequence[Piece], rules: _Rules
) -> tuple[bool, str, list[tuple[int, int]]]:
    words = rules.text.items["named_feeling"]
    named = list(
        _finditer(rules.naming, pieces, unless_before=(rules.naming_unless,), denial=rules.denial)
    )
    if named:
        first = min(named, key=lambda m: m.start)
        spans = [(m.end - len(m.group), m.end) for m in named]
        return True, words.good.format(feeling=first.group.lower()), spans
    if next(_finditer(rules.thought, pieces), None) is not None:
        message = words.try_thought
    else:
        message = words.try_
    found = detect_feelings(description, limit=1)
    if found and words.suggest:
        message = f"{message} {words.suggest.format(sentence=found[0].sentence)}"
    return False, message, []


# --- step 3: owning, excuses, fixing ------------------------------------------------------------


def _owned_impact(origin: Origin, pieces: Sequence[Piece], rules: _Rules) -> tuple[bool, str]:
    words = rules.text.items["owned_impact"]
    owned = _found(rules.owning, pieces, rules.denial)
    empathy = _found(rules.empathizing, pieces, rules.denial)
    if origin is Origin.BEFORE_RELATIONSHIP:
        # There is nothing to apologise for: empathy is what counts here.
        return (True, words.good_before) if empathy else (False, words.try_before)
    if owned:
        return True, words.good
    if origin is Origin.UNCLEAR and empathy:
        return True, words.good_before
    if empathy:
        return False, words.try_empathy_only
    return False, words.try_


def _fixing(draft: str, pieces: Sequence[Piece], rules: _Rules) -> list[Finding]:
    reason = rules.text.fixing.reason
    findings: list[Finding] = []
    taken: list[tuple[int, int]] = []
    for family in rules.fixing:
        for m in _finditer(family.patterns, pieces, unless_before=family.unless_before):
            if any(m.start < e and s < m.end for s, e in taken):
                continue
            taken.append((m.start, m.end))
            findings.append(
                Finding(
                    category=FIXING,
                    span=Span(start=m.start, end=m.end, text=draft[m.start : m.end]),
                    reason=reason,
                    hint=family.spec.hint,
                )
            )
    return findings


def _overlaps(a: Span, b: Span) -> bool:
    return a.start < b.end and b.start < a.end


# --- the whole rubric ---------------------------------------------------------------------------


def _level_name(level: CrisisLevel) -> str:
    return level.value


def practice_feedback(description: str, draft: str) -> PracticeFeedback:
    """Rubric feedback on a listener's own response (``draft``) to a hurt (``description``).

    Both texts are screened for crisis language first: if either is urgent, practice stops and
    the feedback has no items, ``crisis_level="urgent"`` and a summary telling the page to show the
    help card. Raises ``InputError`` for an empty draft or description. Findings (from the apology
    checker, and advice given too early) carry spans into ``draft`` for highlighting.
    """
    rules = _rules()
    if not draft.strip():
        raise InputError(rules.text.errors.empty_draft)
    if not description.strip():
        raise InputError(rules.text.errors.empty_description)

    levels = (screen(draft).level, screen(description).level)
    if CrisisLevel.URGENT in levels:
        return PracticeFeedback(
            items=[],
            findings=[],
            passed=False,
            crisis_level=_level_name(CrisisLevel.URGENT),
            summary=rules.text.summary.urgent,
        )
    crisis = CrisisLevel.CAUTION if CrisisLevel.CAUTION in levels else CrisisLevel.NONE

    pieces = sentences(draft)
    origin = detect_origin(description)

    feeling_ok, feeling_message, feeling_spans = _named_feeling(description, pieces, rules)
    restated_ok, restated_message = _restated(description, draft, pieces, feeling_spans, rules)
    validated_ok = _found(rules.validating, pieces, rules.denial)
    owned_ok, owned_message = _owned_impact(origin, pieces, rules)

    checked = check_apology(draft).findings
    fixing = _fixing(draft, pieces, rules)
    if fixing:
        # The checker's learned reading names the sentence it scores worst in general terms
        # ("sounds like it moves the blame"); where this page's rules found advice in it,
        # theirs is the more precise finding, and the learned one is dropped.
        by_rules = check_apology(draft, read_meaning=False).findings
        checked = [
            f
            for f in checked
            if f in by_rules or not any(_overlaps(f.span, g.span) for g in fixing)
        ]
    no_ownership = ApologyCategory.NO_OWNERSHIP.value
    # The checker's "no ownership" says what `owned_impact` says: keep it only when that failed.
    weakening = [f for f in checked if f.category != no_ownership]
    findings = weakening + [f for f in checked if f.category == no_ownership and not owned_ok]
    # A phrase the checker already highlights ("calm down") is not highlighted twice.
    findings += [f for f in fixing if not any(_overlaps(f.span, g.span) for g in weakening)]
    findings.sort(key=lambda f: (f.span.start, f.span.end))

    items_text = rules.text.items
    results = {
        "restated": (restated_ok, restated_message),
        "named_feeling": (feeling_ok, feeling_message),
        "validated": (
            validated_ok,
            items_text["validated"].good if validated_ok else items_text["validated"].try_,
        ),
        "owned_impact": (owned_ok, owned_message),
        "no_excuses_or_blame": (
            not weakening,
            items_text["no_excuses_or_blame"].try_
            if weakening
            else items_text["no_excuses_or_blame"].good,
        ),
        "no_fixing": (
            not fixing,
            items_text["no_fixing"].try_ if fixing else items_text["no_fixing"].good,
        ),
    }
    items = [
        RubricItem(
            key=key,
            step=items_text[key].step,
            label=items_text[key].label,
            passed=results[key][0],
            message=results[key][1],
        )
        for key in ITEM_KEYS
    ]
    passed = all(item.passed for item in items) and not findings
    return PracticeFeedback(
        items=items,
        findings=findings,
        passed=passed,
        crisis_level=_level_name(crisis),
        summary=_summary(items, passed, origin, rules),
    )


def _summary(items: Sequence[RubricItem], passed: bool, origin: Origin, rules: _Rules) -> str:
    """One encouraging sentence: ready, or the first thing (in the method's order) to work on."""
    text = rules.text.summary
    if passed:
        return text.ready
    failing = next((item for item in items if not item.passed), None)
    if failing is None:  # every item passed, yet something is highlighted
        failing = next(item for item in items if item.key == "no_excuses_or_blame")
    item_text = rules.text.items[failing.key]
    next_step = item_text.next
    if failing.key == "owned_impact" and origin is Origin.BEFORE_RELATIONSHIP:
        next_step = item_text.next_before or next_step
    count = sum(item.passed for item in items)
    template = text.first if count == 0 else text.almost if count == len(items) - 1 else text.some
    return template.format(count=count, total=len(items), next=next_step)
