"""Checks on what a person typed, before anything else looks at it.

Every rejection is an ``InputError`` whose message says what to do next. The caller keeps the
person's text where it was; nothing here stores or logs it.
"""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass, field

from assistant.errors import InputError

_CONTROL_OK = {"\n", "\r", "\t"}
_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>")
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")
_INJECTION = re.compile(
    r"\b(?:ignore|disregard|forget|override)\s+(?:all\s+|any\s+|the\s+|your\s+)?"
    r"(?:previous|prior|above|earlier|preceding|system|original)?\s*"
    r"(?:instructions?|prompts?|rules?|directions?)\b"
    r"|\b(?:reveal|print|show|repeat|output)\s+(?:me\s+)?(?:your|the)\s+(?:system\s+)?prompt\b"
    r"|\byou\s+are\s+now\s+(?:a|an|in)\b"
    r"|\bnew\s+instructions?\s*:"
    r"|\b(?:developer|jailbreak|dan)\s+mode\b"
    r"|<\|(?:im_start|im_end|system|endoftext)\|>",
    re.IGNORECASE,
)
# The commonest English words. Real English prose is around 40-60% these; other languages
# written in the Latin alphabet are far below.
_ENGLISH = frozenset(
    """the a an and or but so if then than that this these those it its it's is am are was were be
    been being have has had do does did don't didn't not no never i i'm i've i'd i'll me my mine
    myself you you're you've you'd you'll your yours yourself he him his she her hers they them
    their we us our to of in on at for with about from by as into out up down over after before
    when while because what who why how where which all just very really still even again too
    said told felt feel feels like make made know knew think thought want wanted can could will
    would should there here now only also always ever one some any more most much many other
    again time day night week went got get go come came home friends friend partner husband wife
    boyfriend girlfriend sorry hurt again last every off back can't won't wasn't weren't""".split()
)


@dataclass
class CleanText:
    """Text ready for the engines, and what the person should be told about it."""

    text: str
    notices: list[str] = field(default_factory=list)


def check_text(raw: object, *, max_chars: int) -> CleanText:
    """Validate and normalise a description or a draft.

    Raises ``InputError`` for: non-text or binary input, empty text, text over ``max_chars``,
    control characters, text that is mostly markup, instructions aimed at the assistant,
    and text that is not English (the offline engine and the guardrails read English only).
    """
    if isinstance(raw, bytes):
        try:
            raw = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise InputError(
                "This looks like a binary file, not text. Paste or type the words instead."
            ) from None
    if not isinstance(raw, str):
        raise InputError("Heardwell needs text. Type or paste what happened in your own words.")
    text = unicodedata.normalize("NFC", raw).replace("\r\n", "\n")
    if any(_is_bad_control(c) for c in text):
        raise InputError(
            "The text contains invisible control characters (it may be from a binary file). "
            "Retype it, or paste it as plain text."
        )
    if not text.strip():
        raise InputError("There is nothing to reflect yet. Describe what happened in a few words.")
    if len(text) > max_chars:
        raise InputError(
            f"That is {len(text):,} characters; the limit is {max_chars:,}. "
            "Shorten it to the one moment that hurt most, and try again."
        )
    notices: list[str] = []
    if _TAG.search(text):
        stripped = html.unescape(_TAG.sub(" ", text))
        if len(_WORD.findall(stripped)) < 3:
            raise InputError(
                "This looks like web page code, not a description. Type what happened in your "
                "own words."
            )
        text = re.sub(r"[ \t]{2,}", " ", stripped).strip()
        notices.append("HTML tags were ignored; only the words were read.")
    if _INJECTION.search(text):
        raise InputError(
            "This reads like instructions for an AI rather than a description of a hurt. "
            "Heardwell only reflects what happened between you: describe that, in your own words."
        )
    if not looks_english(text):
        raise InputError(
            "Heardwell understands English only for now, and its safety checks do too. "
            "Please write the description in English."
        )
    return CleanText(text=text.strip(), notices=notices)


def looks_english(text: str) -> bool:
    """A cheap, dependency-free guess: mostly Latin letters, and enough common English words."""
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return False
    latin = sum(1 for c in letters if c.isascii())
    if latin / len(letters) < 0.8:
        return False
    words = [w.lower().replace("’", "'") for w in _WORD.findall(text)]
    if not words:
        return False
    common = sum(1 for w in words if w in _ENGLISH)
    if len(words) <= 3:
        return common >= 1
    return common / len(words) >= 0.2


def _is_bad_control(c: str) -> bool:
    return unicodedata.category(c) in ("Cc", "Cf") and c not in _CONTROL_OK and c != "\u200d"
