"""The perspective flip: say a description back from the other side of the conversation.

Two directions matter:

* ``to_listener``: the speaker's words, said back by the partner who listens.
  Speaker first person becomes second person ("I felt" -> "you felt") and the partner's
  second person becomes first person ("you promised" -> "I promised", "told you" -> "told me").
* ``partner_to_first``: for descriptions *about* a partner ("he promised"), the partner's
  third person becomes first person so that an apology can be suggested in their voice
  ("he forgot" -> "I forgot"), and the speaker becomes "you".

English pronouns are ambiguous in two places the flip has to decide: "you" is a subject
("you promised" -> "I promised") or an object ("told you" -> "told me"), and "her" is an
object ("I saw her") or a possessive ("her phone"). Both are decided from the neighbouring
words; the verb after a flipped subject is made to agree ("I was" -> "you were").
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

TOKEN = re.compile(r"[A-Za-z]+(?:['’][A-Za-z]+)*|\d+|\s+|[^\sA-Za-z\d]")

# Words after which "you" begins a clause, so it is a subject.
_CLAUSE_OPENERS = frozenset(
    """and but or so because cause when whenever while if that after before until till since then
    although though as where why how what once unless even just also still never always really
    actually only ever already""".split()
)
# Words after which a pronoun is an object.
_PREPOSITIONS = frozenset(
    """to with at for about from without of on in into onto by near behind around toward towards
    against between among beside over under through past than""".split()
)
# Words that, right after a pronoun, show it is the subject of a clause.
_VERBISH = frozenset(
    """am are is was were be been being do does did don't doesn't didn't have has had haven't hasn't
    hadn't will would won't wouldn't can could can't couldn't shall should shouldn't may might must
    mustn't 'd 'll 're 've never always just also still even really actually only ever already
    said told made left went came took gave got knew saw let put kept spent sent brought bought
    thought ran sat stood began forgot forgave hid lied broke chose drove ate fell felt found heard
    held hurt lost meant met paid read rode rang rose shut slept spoke stole swore threw understood
    woke wore won wrote say tell make leave go come take give get know see keep spend send bring
    think promise promised forget ignore ignored laugh laughed yell yelled""".split()
)

_CONTRACTION_SPLIT = re.compile(r"^([A-Za-z]+)(['’][A-Za-z]+)$")


class Direction(StrEnum):
    TO_LISTENER = "to_listener"
    PARTNER_TO_FIRST = "partner_to_first"


@dataclass(frozen=True)
class _Swap:
    subject: str
    obj: str
    possessive: str
    pronoun: str  # "mine"
    reflexive: str
    be_past: str
    be_present: str


_I = _Swap("I", "me", "my", "mine", "myself", "was", "am")
_YOU = _Swap("you", "you", "your", "yours", "yourself", "were", "are")
_HE = _Swap("he", "him", "his", "his", "himself", "was", "is")
_SHE = _Swap("she", "her", "her", "hers", "herself", "was", "is")
_THEY = _Swap("they", "them", "their", "theirs", "themselves", "were", "are")

# Present-tense agreement for a few verbs after the flip (third person -> first person).
_THIRD_TO_FIRST_VERB = {
    "is": "am",
    "isn't": "am not",
    "was": "was",
    "has": "have",
    "hasn't": "haven't",
    "does": "do",
    "doesn't": "don't",
    "says": "say",
    "goes": "go",
}


def _word(tok: str) -> bool:
    return bool(tok) and (tok[0].isalpha() or tok[0].isdigit())


def _lower(tok: str) -> str:
    return tok.lower().replace("’", "'")


@dataclass
class _Ctx:
    tokens: list[str]
    index: int

    def prev_word(self) -> str | None:
        for j in range(self.index - 1, -1, -1):
            tok = self.tokens[j]
            if tok.isspace():
                continue
            return _lower(tok) if _word(tok) else None  # punctuation opens a new clause
        return None

    def next_word(self) -> str | None:
        for j in range(self.index + 1, len(self.tokens)):
            tok = self.tokens[j]
            if tok.isspace():
                continue
            return _lower(tok) if _word(tok) else None
        return None

    def next_index(self) -> int | None:
        for j in range(self.index + 1, len(self.tokens)):
            if not self.tokens[j].isspace():
                return j
        return None


def _is_subject(ctx: _Ctx) -> bool:
    """Decide whether an ambiguous pronoun ("you") is the subject of its clause."""
    nxt = ctx.next_word()
    prev = ctx.prev_word()
    if prev in _PREPOSITIONS:
        return bool(nxt and _looks_finite(nxt))
    if nxt is not None and _looks_finite(nxt):
        return True
    return prev is None or prev in _CLAUSE_OPENERS


def _looks_finite(word: str) -> bool:
    if word in _VERBISH:
        return True
    if word.endswith("n't"):
        return True
    return len(word) > 3 and word.endswith("ed")


def _case_like(template: str, replacement: str) -> str:
    """Keep "I" capital; otherwise lower-case, leaving sentence starts to a later pass.

    The source "I" is capital everywhere, so its case says nothing about sentence position.
    """
    if replacement == "I" or replacement.startswith("I'"):
        return replacement
    if template[:1].isupper() and template[1:2].islower():
        return replacement[:1].upper() + replacement[1:]
    return replacement


def _contraction(base: str, suffix: str, subject_now: str) -> str:
    """Rebuild a contraction such as "I'm" for a new subject ("you're")."""
    suffix = suffix.replace("’", "'").lower()
    if suffix in ("'m", "'re"):
        suffix = "'m" if subject_now == "I" else ("'s" if subject_now in ("he", "she") else "'re")
    if suffix == "'s" and subject_now in ("I", "you"):
        suffix = "'m" if subject_now == "I" else "'re"
    return subject_now + suffix


class _Flipper:
    def __init__(self, swaps: Mapping[str, tuple[_Swap, _Swap]]) -> None:
        # key: lower-case subject form of the source person -> (source forms, target forms)
        self.swaps = swaps
        self.by_form: dict[str, tuple[str, _Swap, _Swap]] = {}
        for src, dst in swaps.values():
            for role in ("subject", "obj", "possessive", "pronoun", "reflexive"):
                form = getattr(src, role).lower()
                # "her" is both object and possessive; "his" possessive and pronoun; keep first.
                self.by_form.setdefault(form, (role, src, dst))

    def flip(self, text: str) -> str:
        tokens = TOKEN.findall(text)
        out = list(tokens)
        pending_verb_fix: dict[int, tuple[_Swap, _Swap]] = {}
        for i, tok in enumerate(tokens):
            if not _word(tok):
                continue
            low = _lower(tok)
            m = _CONTRACTION_SPLIT.match(tok.replace("’", "'"))
            if m and m.group(1).lower() in self.swaps_subjects():
                base = m.group(1).lower()
                src, dst = self._pair(base)
                if _is_contraction_subject(m.group(2)):
                    out[i] = _case_like(tok, _contraction(base, m.group(2), dst.subject))
                    continue
            if low not in self.by_form:
                if i in pending_verb_fix:
                    out[i] = _case_like(tok, self._agree(low, *pending_verb_fix[i]))
                continue
            role, src, dst = self.by_form[low]
            ctx = _Ctx(tokens, i)
            if low == "you":
                role = "subject" if _is_subject(ctx) else "obj"
            elif low == "her":
                nxt = ctx.next_word()
                role = (
                    "possessive"
                    if nxt
                    and nxt not in _CLAUSE_OPENERS
                    and not _looks_finite(nxt)
                    and nxt not in _PREPOSITIONS
                    and nxt not in ("a", "an", "the")
                    else "obj"
                )
            out[i] = _case_like(tok, getattr(dst, role))
            if role == "subject":
                j = ctx.next_index()
                if j is not None:
                    pending_verb_fix[j] = (src, dst)
        result = "".join(out)
        return _capitalize_sentences(result)

    def swaps_subjects(self) -> set[str]:
        return {src.subject.lower() for src, _ in self.swaps.values()}

    def _pair(self, subject: str) -> tuple[_Swap, _Swap]:
        for src, dst in self.swaps.values():
            if src.subject.lower() == subject:
                return src, dst
        raise KeyError(subject)

    @staticmethod
    def _agree(verb: str, src: _Swap, dst: _Swap) -> str:
        forms = {
            "was": dst.be_past,
            "were": dst.be_past,
            "wasn't": dst.be_past + "n't",
            "weren't": dst.be_past + "n't",
            "am": dst.be_present,
            "are": dst.be_present,
            "is": dst.be_present,
            "aren't": "am not" if dst.be_present == "am" else dst.be_present + "n't",
            "isn't": "am not" if dst.be_present == "am" else dst.be_present + "n't",
        }
        if verb in forms:
            return forms[verb]
        if src.subject in ("he", "she") and dst.subject in ("I", "you"):
            return _THIRD_TO_FIRST_VERB.get(verb, _third_singular_to_base(verb))
        return verb


def _is_contraction_subject(suffix: str) -> bool:
    return suffix.replace("’", "'").lower() in ("'m", "'re", "'ve", "'d", "'ll", "'s")


def _third_singular_to_base(verb: str) -> str:
    """'texts' -> 'text', 'cries' -> 'cry'; leaves everything else alone."""
    if len(verb) < 4 or not verb.endswith("s") or verb.endswith("ss"):
        return verb
    if verb.endswith("ies"):
        return verb[:-3] + "y"
    if verb.endswith(("ches", "shes", "xes", "zes")):
        return verb[:-2]
    return verb[:-1]


_SENTENCE_START = re.compile(r"(^|[.!?]\s+)([a-z])")


def _capitalize_sentences(text: str) -> str:
    return _SENTENCE_START.sub(lambda m: m.group(1) + m.group(2).upper(), text)


_TO_LISTENER = _Flipper({"i": (_I, _YOU), "you": (_YOU, _I)})


_THIRD_PERSON = {"he": _HE, "she": _SHE, "they": _THEY}
_PARTNER_FLIPPERS = {
    name: _Flipper({"i": (_I, _YOU), name: (third, _I)}) for name, third in _THIRD_PERSON.items()
}


def to_listener(text: str) -> str:
    """Say the speaker's words back from the listening partner's side.

    >>> to_listener("You promised you'd come to my sister's dinner. I felt stupid.")
    "I promised I'd come to your sister's dinner. You felt stupid."
    """
    return _TO_LISTENER.flip(text)


def partner_to_first(text: str, partner: str) -> str:
    """Put a description about a partner ("he forgot") into the partner's own voice."""
    flipper = _PARTNER_FLIPPERS.get(partner.lower())
    return flipper.flip(text) if flipper else _TO_LISTENER.flip(text)


def flip(text: str, direction: Direction, partner: str = "he") -> str:
    if direction is Direction.TO_LISTENER:
        return to_listener(text)
    return partner_to_first(text, partner)


_SPEAKER_ONLY = _Flipper({"i": (_I, _YOU)})


def speaker_to_you(text: str) -> str:
    """Speak to the speaker about their own words, keeping everyone else as they were.

    >>> speaker_to_you("He forgot my birthday and I felt invisible.")
    'He forgot your birthday and you felt invisible.'
    """
    return _SPEAKER_ONLY.flip(text)
