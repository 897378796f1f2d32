"""Feeling detection for the offline engine (step 2 of the method: name the feelings, simply).

Two sources, in this order:

* **explicit**: the speaker names the feeling. A feeling counts when the speaker is the one who
  has it: "I felt stupid", "I'm so hurt", "it made me feel small", "that left me feeling alone",
  "it was humiliating", "(I) came home and felt stupid", or an idiom such as "it's like I'm not
  even there" (invisible). Degree words ("so", "really", "a bit") and lists ("stupid and alone",
  "hurt, angry and betrayed") are read through. Denials drop the feeling ("I wasn't angry, just
  sad" -> sad), except where the denied word names one ("I don't feel loved" -> unloved).
  Thoughts dressed as feelings ("I felt that you were wrong", "I feel like you never listen",
  "I feel we should...", "I feel like nothing is solid") name no feeling word and so give nothing,
  and other people's feelings ("my mom was furious", "you were angry") are not the speaker's.
* **situation**: what happened implies a feeling the speaker did not name ("you cancelled again"
  -> let down, "she's been hiding the bills" -> betrayed). These come after the explicit ones and
  never bring back a feeling the speaker denied. An event the speaker did ("I lied", "as if I'm
  going to cheat") or did with the partner ("we spent our savings") implies nothing, except in
  rules for the speaker's own reaction ("I freeze" -> scared).

The inventory (``data/feelings.yaml``) and the situation rules (``data/situations.yaml``) are data
files a therapist can read; they are loaded and compiled once.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, model_validator

Family = Literal[
    "hurt", "anger", "fear", "shame", "sadness", "loneliness", "confusion", "exhaustion"
]
GoEmotion = Literal[
    "admiration", "amusement", "anger", "annoyance", "approval", "caring", "confusion",
    "curiosity", "desire", "disappointment", "disapproval", "disgust", "embarrassment",
    "excitement", "fear", "gratitude", "grief", "joy", "love", "nervousness", "optimism", "pride",
    "realization", "relief", "remorse", "sadness", "surprise",
]  # fmt: skip


class _Data(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class FeelingEntry(_Data):
    """One feeling in the inventory, with every way a speaker may name it."""

    name: str
    forms: tuple[str, ...] = ()
    feel_only: tuple[str, ...] = ()
    family: Family
    say: Literal["felt", "were"]
    goemotions: tuple[GoEmotion, ...]
    evoked: tuple[str, ...] = ()
    negations: tuple[str, ...] = ()

    @property
    def sentence(self) -> str:
        """The short acknowledgment a listener says: "You felt let down." / "You were betrayed." """
        return f"You {self.say} {self.name}."


class _Idiom(_Data):
    feeling: str
    patterns: tuple[str, ...]


class _Inventory(_Data):
    feelings: tuple[FeelingEntry, ...]
    idioms: tuple[_Idiom, ...]

    @model_validator(mode="after")
    def _consistent(self) -> _Inventory:
        names = [e.name for e in self.feelings]
        if len(set(names)) != len(names):
            raise ValueError("feeling names must be unique")
        seen: dict[str, str] = {}
        for entry in self.feelings:
            if not entry.forms and not entry.feel_only:
                raise ValueError(f"{entry.name!r} has no forms")
            for form in (*entry.forms, *entry.feel_only):
                key = normalize(form)
                if seen.setdefault(key, entry.name) != entry.name:
                    raise ValueError(f"form {form!r} is in both {seen[key]!r} and {entry.name!r}")
        for idiom in self.idioms:
            if idiom.feeling not in names:
                raise ValueError(f"idiom names an unknown feeling {idiom.feeling!r}")
        return self


class _SituationRule(_Data):
    name: str
    feelings: tuple[str, ...]
    patterns: tuple[str, ...]
    self_report: bool = False  # the pattern is the speaker's own reaction ("I freeze")


class _Situations(_Data):
    terms: dict[str, str]
    rules: tuple[_SituationRule, ...]


@dataclass(frozen=True)
class DetectedFeeling:
    """A feeling found in a description, and the stretch of text that named or implied it."""

    feeling: str
    sentence: str
    source: Literal["explicit", "situation"]
    start: int
    end: int


# --- shared helpers for the offline data files ------------------------------------------------

_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'"})
_TERM = re.compile(r"<(\w+)>")
_ESCAPE_OR_UPPER = re.compile(r"\\.|[A-Z]")
# Texting drops apostrophes ("didnt", "im", "youve", "hes"): a contraction in a pattern matches
# either way. Not 're/'d/'ll, whose bare forms are other words ("were", "wed", "well").
_TEXTING = re.compile(r"([in])'(?=[mt]\b)|(?<=[a-z])'(?=(?:ve|s)\b)")


def read_data(filename: str) -> Any:
    """Parse one YAML file from ``assistant/offline/data``."""
    text = resources.files("assistant.offline.data").joinpath(filename).read_text("utf-8")
    # libyaml's safe loader when PyYAML has it (the same result, ten times faster: this runs
    # at every start of a new process); else the pure-Python one.
    return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


def compile_pattern(pattern: str, terms: Mapping[str, str]) -> re.Pattern[str]:
    """Compile a data-file pattern for text from `prepare_text`, replacing each ``<term>``.

    Letters outside escapes are lowered ("what I told" -> "what i told", ``\\W`` stays): on
    lowered text this matches as a case-insensitive pattern would, at half the cost.
    """

    def term(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in terms:
            raise ValueError(f"unknown term <{name}> in pattern {pattern!r}")
        return terms[name]

    expanded = _TERM.sub(term, pattern)
    lowered = _ESCAPE_OR_UPPER.sub(lambda m: m.group().lower(), expanded)
    return re.compile(_TEXTING.sub(r"\1'?", lowered))


def prepare_text(text: str) -> str:
    """Lower case with straight apostrophes; offsets into the result are offsets into ``text``."""
    lowered = text.translate(_APOSTROPHES).lower()
    if len(lowered) != len(text):  # a letter that lowers to two ("İ"): keep it as it is
        lowered = "".join(c if len(c.lower()) != 1 else c.lower() for c in text)
        lowered = lowered.translate(_APOSTROPHES)
    return lowered


def normalize(phrase: str) -> str:
    """The lookup key of a phrase: lower case, straight apostrophes, one space for spaces and -."""
    return re.sub(r"[\s-]+", " ", phrase.translate(_APOSTROPHES).strip().lower())


# --- the compiled lexicon ---------------------------------------------------------------------


def _phrase_regex(phrases: Iterable[str]) -> re.Pattern[str]:
    """One alternation of whole phrases, longest first so "let down" wins over "down"."""
    unique = sorted({normalize(p) for p in phrases}, key=len, reverse=True)
    parts = [r"[\s-]+".join(re.escape(w) for w in p.split(" ")) for p in unique]
    return re.compile(r"(?:" + "|".join(parts) + r")(?![\w'-])")


_BOUNDARY = re.compile(r"\b")


def _has_top_level_bar(pattern: str) -> bool:
    """Whether ``pattern`` is an alternation at its top level ("\\ba|b": the \\b is a's alone)."""
    depth, i, in_class = 0, 0, False
    while i < len(pattern):
        c = pattern[i]
        if c == "\\":
            i += 2
            continue
        if in_class:
            in_class = c != "]"
        elif c == "[":
            in_class = True
            if pattern[i + 1 : i + 2] == "]":  # "[]...]": a literal ] first
                i += 1
        elif c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
        elif c == "|" and depth == 0:
            return True
        i += 1
    return False


@dataclass(frozen=True)
class _WordPattern:
    """A compiled pattern whose leading ``\\b`` is checked by hand.

    A pattern that opens with a word boundary cannot use the regex engine's first-letter
    prefilter; without it, the many situation patterns scan a text over twice as fast. The
    matches are exactly those of the pattern with its ``\\b``.
    """

    regex: re.Pattern[str]
    boundary: bool

    @classmethod
    def compile(cls, pattern: str, terms: Mapping[str, str]) -> _WordPattern:
        compiled = compile_pattern(pattern, terms)
        if compiled.pattern.startswith("\\b") and not _has_top_level_bar(compiled.pattern):
            return cls(re.compile(compiled.pattern[2:]), True)
        return cls(compiled, False)

    def finditer(self, text: str) -> Iterator[re.Match[str]]:
        if not self.boundary:
            yield from self.regex.finditer(text)
            return
        pos = 0
        while (m := self.regex.search(text, pos)) is not None:
            if _BOUNDARY.match(text, m.start()) is None:
                pos = m.start() + 1
                continue
            yield m
            pos = m.end() if m.end() > m.start() else m.end() + 1


@dataclass(frozen=True)
class _Lexicon:
    entries: tuple[FeelingEntry, ...]
    by_phrase: Mapping[str, FeelingEntry]  # forms and feel_only forms
    by_evoked: Mapping[str, FeelingEntry]
    by_negation: Mapping[str, FeelingEntry]
    any_form: re.Pattern[str]  # after "feel"
    be_form: re.Pattern[str]  # after "I was", "I'm", "made me"
    evoked: re.Pattern[str]  # "it was humiliating"
    evoked_not_form: re.Pattern[str]  # "you were dismissive" (but not "you were lonely")
    negation: re.Pattern[str]
    idioms: tuple[tuple[re.Pattern[str], FeelingEntry], ...]
    situations: tuple[tuple[_WordPattern, tuple[FeelingEntry, ...], bool], ...]


@cache
def _lexicon() -> _Lexicon:
    inv = _Inventory.model_validate(read_data("feelings.yaml"))
    sit = _Situations.model_validate(read_data("situations.yaml"))
    by_name = {e.name: e for e in inv.feelings}

    by_phrase = {normalize(f): e for e in inv.feelings for f in (*e.forms, *e.feel_only)}
    by_evoked = {normalize(f): e for e in inv.feelings for f in e.evoked}
    by_negation = {normalize(f): e for e in inv.feelings for f in e.negations}
    idioms = tuple(
        (compile_pattern(p, {}), by_name[idiom.feeling])
        for idiom in inv.idioms
        for p in idiom.patterns
    )
    situations = []
    for rule in sit.rules:
        unknown = [f for f in rule.feelings if f not in by_name]
        if unknown:
            raise ValueError(f"situation {rule.name!r} names unknown feelings {unknown}")
        feelings = tuple(by_name[f] for f in rule.feelings)
        situations += [
            (_WordPattern.compile(p, sit.terms), feelings, rule.self_report) for p in rule.patterns
        ]

    return _Lexicon(
        entries=inv.feelings,
        by_phrase=by_phrase,
        by_evoked=by_evoked,
        by_negation=by_negation,
        any_form=_phrase_regex(by_phrase),
        be_form=_phrase_regex(f for e in inv.feelings for f in e.forms),
        evoked=_phrase_regex(by_evoked),
        evoked_not_form=_phrase_regex(f for f in by_evoked if f not in by_phrase),
        negation=_phrase_regex(by_negation),
        idioms=idioms,
        situations=tuple(situations),
    )


def inventory() -> list[FeelingEntry]:
    """Every feeling Heardwell can name, in the inventory's order."""
    return list(_lexicon().entries)


def feeling_entry(word: str) -> FeelingEntry | None:
    """The inventory entry a word names ("mortified" -> humiliated), or None if it names none."""
    lex = _lexicon()
    key = normalize(word)
    for entry in lex.entries:
        if entry.name == key:
            return entry
    return lex.by_phrase.get(key) or lex.by_evoked.get(key)


# --- who feels it -----------------------------------------------------------------------------

# A verb that can introduce the speaker's feeling. "n't" right after it denies the feeling.
_VERB = re.compile(
    r"\b(?:(?P<feel>feel|feels|felt|feeling)"
    r"|(?P<be>am|was|were|is|are|be|been|being|get|gets|got|gotten|getting|became|become|becomes"
    r"|becoming|grew|stayed|remained|seemed|seem|ended\s+up|end\s+up)"
    r"|(?P<make>make|makes|made|making))(?P<neg>n'?t)?\b"
    r"|(?<=\bi)(?P<im>'m)\b|\b(?P<im2>im)\b|(?<=\w)(?P<is>'s|'re)\b"
)
_SENTENCE_END = re.compile(r"[.!?;:\n]")
_TOKEN = re.compile(r"[a-z]+(?:'[a-z]+)?|,")
_CONTRACTION = {"m": "am", "ve": "have", "d": "would", "ll": "will", "s": "is", "re": "are"}
_NEGATIONS = frozenset({"not", "never", "no", "longer", "hardly", "barely"})
# Words that may stand between a subject and its feeling verb: auxiliaries, adverbs, "to", and
# verbs that take "to feel" / "feeling" ("I hate feeling", "I started to feel").
_BETWEEN = frozenset(
    {
        "do", "does", "did", "have", "has", "had", "having", "am", "is", "are", "was", "were",
        "be", "been", "being", "will", "would", "can", "could", "shall", "should", "may",
        "might", "must", "to", "of", "just", "still", "really", "always", "often", "sometimes",
        "honestly", "actually", "also", "even", "already", "then", "truly", "totally",
        "immediately", "suddenly", "instantly", "genuinely", "now", "finally", "usually",
        "constantly", "basically", "literally", "definitely", "certainly", "probably", "so",
        "only", "mostly", "simply", "kind", "sort", "kinda", "pretty", "all", "both", "somehow",
        "again", "ever", "once", "instead", "used", "tend", "tended", "start", "started",
        "starting", "begin", "began", "beginning", "keep", "kept", "keeps", "stop", "stopped",
        "end", "ended", "up", "come", "came", "hate", "hated", "want", "wanted", "wants",
        "tired", "sick", "rather", "quite", "slightly", "least", "at", "first", "get", "got",
        "getting", "gotten"
    }
)  # fmt: skip
_ELIDED = frozenset({",", "and", "then", "but", "so", "or", "yet", "also", "just"})
_PERSONS = frozenset({"i", "you", "he", "she", "they", "we"})
_THINGS = frozenset({"it", "this", "that", "which", "what", "everything", "all", "whole"})
_CAUSATIVE = frozenset(
    {
        "make", "makes", "made", "making", "left", "leave", "leaves", "leaving", "got", "get",
        "gets", "getting", "have", "has", "had", "having", "let", "lets", "keep", "keeps",
        "kept"
    }
)  # fmt: skip
_REPORTING = frozenset(
    {
        "said", "says", "say", "told", "tells", "tell", "think", "thinks", "thought", "called",
        "calls", "claimed", "claims", "insisted", "implied", "acted", "acts", "treated",
        "treats", "pretended", "assumed", "decided", "meant"
    }
)  # fmt: skip

_BARE_NEGATIONS = {
    f"{head}nt": head
    for head in (
        "do", "does", "did", "is", "are", "was", "were", "have", "has", "had", "would", "could",
        "should"
    )
} | {"cant": "can", "wont": "will"}  # fmt: skip

Subject = Literal["speaker", "thing", "other"]


def _tokens(prefix: str) -> list[str]:
    words: list[str] = []
    for token in _TOKEN.findall(prefix.lower()):
        if token in _BARE_NEGATIONS:  # texting: "dont", "didnt"
            words += [_BARE_NEGATIONS[token], "not"]
        elif token.endswith("n't"):
            head = token[:-3]
            words += [{"ca": "can", "wo": "will", "sha": "shall"}.get(head, head), "not"]
        elif "'" in token:
            head, tail = token.split("'", 1)
            words += [head, _CONTRACTION.get(tail, tail)] if tail in _CONTRACTION else [head]
        else:
            words.append(token)
    return words


def _walk_back(words: list[str], i: int) -> tuple[int, bool]:
    """Skip auxiliaries and adverbs leftwards from ``i``; return the next index and any denial."""
    negated = False
    while i >= 0 and (words[i] in _BETWEEN or words[i] in _NEGATIONS):
        negated = negated or words[i] in _NEGATIONS
        i -= 1
    return i, negated


def _subject(text: str, start: int) -> tuple[Subject, bool]:
    """Who has the feeling introduced by the verb at ``start``, and whether it is denied.

    Reads the sentence leftwards: "I", or "me" after a causative ("made me feel"), is the
    speaker; a missing subject ("Felt stupid.", "came home and felt stupid") falls back to the
    nearest person named earlier in the sentence, the speaker if none; "it/that/this" is a thing.
    """
    window = text[max(0, start - 160) : start]
    ends = list(_SENTENCE_END.finditer(window))
    words = _tokens(window[ends[-1].end() :] if ends else window)
    i, negated = _walk_back(words, len(words) - 1)
    if i < 0:
        return "speaker", negated
    word = words[i]
    if word == "i":
        j = i - 1
        if j >= 0 and words[j] == "that":
            j -= 1
        if j >= 0 and words[j] == "me":
            j -= 1
        if j >= 0 and words[j] in _REPORTING and _walk_back(words, j - 1)[0] >= 0:
            reporter = words[_walk_back(words, j - 1)[0]]
            if reporter != "i":  # "you said I was stupid": their judgment, not my feeling
                return "other", negated
        return "speaker", negated
    if word == "me":
        if i > 0 and words[i - 1] in _CAUSATIVE:
            return "speaker", negated or _walk_back(words, i - 2)[1]
        return "other", negated
    if word in _THINGS:
        return "thing", negated
    if word in _ELIDED:
        earlier = [w for w in words[:i] if w in _PERSONS]
        return ("speaker" if not earlier or earlier[-1] == "i" else "other"), negated
    return "other", negated


# --- reading what follows the verb ------------------------------------------------------------

# Words between the verb and the feeling: degree ("so", "a bit"), and fillers ("being", "left").
_DEGREE_WORDS = """
    so|really|very|incredibly|extremely|totally|completely|utterly|pretty|quite|a bit|a little|
    a little bit|a tiny bit|kind of|kinda|sort of|somewhat|super|deeply|truly|absolutely|just|too|
    even|more|most|rather|fairly|increasingly|terribly|horribly|awfully|genuinely|honestly|
    actually|also|still|all|almost|slightly|such|a lot of|so much|much|a lot|a sense of|
    a wave of|more and more|immediately|instantly|suddenly|already|always|often|sometimes|
    constantly|mostly|mainly|only|entirely|fully|painfully|profoundly|seriously|ridiculously|
    insanely|hella|damn|fucking|freaking|bloody|being|feeling|left|made|become|getting|beyond|
    extra|that|this|pure|utter|real|quietly|secretly|literally|basically|starting to feel|
    a little more|less than
"""
_DEGREE = re.compile(
    r"\s*(?:(?:"
    + "|".join(
        r"\s+".join(w.split())
        for w in sorted(_DEGREE_WORDS.replace("\n", "").split("|"), key=len, reverse=True)
    )
    + r")\s+)*"
)
_DENIAL = re.compile(r"(?:not|never|no\s+longer|hardly|barely)\s+")
# Between two feelings of one list: a comma and/or a conjunction. A contrast ("but", "just")
# ends a denial: "I wasn't angry, just sad".
_CONNECTOR = re.compile(
    r"\s*(?P<comma>,)?\s*(?P<conj>(?:and|or|nor|but|yet|as\s+well\s+as|/|&)(?![\w'])\s*)?"
    r"(?:(?:just|only|mostly|more|rather|instead|actually|also|even|then)\s+)*"
)
_CONTRAST = re.compile(r"\b(?:but|yet|just|only|mostly|more|rather|instead|actually)\b")
_ME = re.compile(r"\s+me\b")
_DENIED_BEFORE = re.compile(
    r"(?:\b(?:not|never|no|nobody|none|didnt|dont|doesnt|wasnt|werent|wont|wouldnt|couldnt|cant"
    r"|isnt|arent|hasnt|havent|hadnt)|n't)\s+(?:(?:even|really|ever|once|actually|just|always)\s+)?$"
)
# The speaker is the one who acts: "I lied", "I'd never cheat", "as if I'm going to cheat".
# "We spent our savings" is a joint act; "he accused me of cheating" is not the speaker's act, but
# it is not the partner's either.
_SPEAKER_DOES = re.compile(
    r"(?:\b(?:i|we)(?:'ve|'d|'ll|'m|'re|m|ve)?\s+(?:(?:also|just|even|then|really|accidentally|had|have|"
    r"once|finally|was|am|were|are|never|always|sometimes|going\s+to|gonna|about\s+to|would|"
    r"will|might|could|should|tried\s+to|wanted\s+to)\s+)*"
    r"|\b(?:accus\w*|suspect\w*)\s+me\s+of\s+)$"
)
# "I feel like nothing is solid": a figure ("like nothing") that opens a clause is a thought.
_CLAUSE_VERB = re.compile(
    r"\s+(?:is|was|are|were|will|would|can|could|has|had|'s|matters|mattered|seems|seemed|"
    r"works|worked|goes|went|makes|made|changes|changed)\b"
)


@dataclass(frozen=True)
class _Hit:
    entry: FeelingEntry
    start: int
    end: int
    denied: bool


def _skip_degree(text: str, pos: int) -> int:
    degree = _DEGREE.match(text, pos)
    return pos if degree is None else degree.end()


def _read_feelings(
    text: str,
    pos: int,
    forms: re.Pattern[str],
    table: Mapping[str, FeelingEntry],
    denied: bool,
    lex: _Lexicon,
) -> Iterator[_Hit]:
    """Read "so stupid and alone" / "angry, just sad" / "loved" (denied) from ``pos``."""
    while True:
        pos = _skip_degree(text, pos)
        here = denied
        found = forms.match(text, pos)
        if found is None and (denial := _DENIAL.match(text, pos)):
            here = True
            pos = _skip_degree(text, denial.end())
            found = forms.match(text, pos)
        if here and (opposite := lex.negation.match(text, pos)):
            entry = lex.by_negation[normalize(opposite.group())]
            yield _Hit(entry, opposite.start(), opposite.end(), False)
            pos = opposite.end()
        elif found is not None:
            if found.group().startswith("like ") and _CLAUSE_VERB.match(text, found.end()):
                return
            yield _Hit(table[normalize(found.group())], found.start(), found.end(), here)
            pos = found.end()
        else:
            return
        joint = _CONNECTOR.match(text, pos)
        if joint is None or not (joint.group("comma") or joint.group("conj")):
            return
        if _CONTRAST.search(joint.group()):
            denied = False
        pos = joint.end()


def _explicit(text: str, lex: _Lexicon) -> Iterator[_Hit]:
    for verb in _VERB.finditer(text):
        kind = verb.lastgroup
        denied = verb.group("neg") is not None
        if kind in ("im", "im2"):
            yield from _read_feelings(text, verb.end(), lex.be_form, lex.by_phrase, denied, lex)
            continue
        who, denial = _subject(text, verb.start())
        denied = denied or denial
        be = (verb.group("be") or "").lower()
        if verb.group("make"):
            me = _ME.match(text, verb.end())
            if me is not None:
                yield from _read_feelings(text, me.end(), lex.be_form, lex.by_phrase, denied, lex)
        elif who == "speaker" and verb.group("feel"):
            yield from _read_feelings(text, verb.end(), lex.any_form, lex.by_phrase, denied, lex)
        elif who == "speaker" and be and be not in ("is", "are"):
            yield from _read_feelings(text, verb.end(), lex.be_form, lex.by_phrase, denied, lex)
        elif who != "speaker":
            # "it was humiliating", "you were so dismissive": the cause, described
            evoked = lex.evoked if who == "thing" else lex.evoked_not_form
            yield from _read_feelings(text, verb.end(), evoked, lex.by_evoked, denied, lex)
    for pattern, entry in lex.idioms:
        for m in pattern.finditer(text):
            denied = _DENIED_BEFORE.search(text, max(0, m.start() - 30), m.start()) is not None
            yield _Hit(entry, m.start(), m.end(), denied)


def _situational(text: str, lex: _Lexicon) -> Iterator[_Hit]:
    for pattern, entries, self_report in lex.situations:
        for m in pattern.finditer(text):
            before = text[max(0, m.start() - 40) : m.start()]
            if _DENIED_BEFORE.search(before) or (not self_report and _SPEAKER_DOES.search(before)):
                continue
            for entry in entries:
                yield _Hit(entry, m.start(), m.end(), False)


def detect_feelings(text: str, limit: int = 4) -> list[DetectedFeeling]:
    """The speaker's feelings: explicit ones in text order, then ones the situation implies.

    Each inventory entry appears once (synonyms collapse), at most ``limit`` in all. A feeling
    the speaker denies ("I wasn't angry") is never added back by a situation.
    """
    lex = _lexicon()
    text = prepare_text(text)
    found: list[DetectedFeeling] = []
    taken: set[str] = set()
    explicit = sorted(_explicit(text, lex), key=lambda h: (h.start, -h.end))
    denied = {h.entry.name for h in explicit if h.denied}
    sources: tuple[tuple[Literal["explicit", "situation"], list[_Hit]], ...] = (
        ("explicit", [h for h in explicit if not h.denied]),
        ("situation", sorted(_situational(text, lex), key=lambda h: h.start)),
    )
    for source, hits in sources:
        for hit in hits:
            name = hit.entry.name
            if name in taken or (source == "situation" and name in denied):
                continue
            taken.add(name)
            found.append(DetectedFeeling(name, hit.entry.sentence, source, hit.start, hit.end))
    return found[:limit]
