"""Sentence and clause splitting, small and predictable, for English descriptions."""

from __future__ import annotations

import re
from dataclasses import dataclass

# A sentence ends at . ! ? or an ellipsis followed by space, or at a line break.
_SENTENCE_END = re.compile(r"(?<=[.!?…])[\"”')\]]*\s+|\n+")
_ABBREVIATIONS = re.compile(r"\b(?:Mr|Mrs|Ms|Dr|St|vs|etc|e\.g|i\.e)\.$", re.IGNORECASE)
# Where a new clause starts inside a sentence: punctuation, or a conjunction that joins clauses.
_SUBJECT_START = r"(?:I|you|he|she|we|they|it|my|your|his|her|our|their|then)\b"
_CLAUSE_BREAK = re.compile(
    r"\s*[;:—–]\s*|\s+-\s+"
    rf"|\s*,\s*(?=(?:(?:and|but|so|then|and then)\s+)?{_SUBJECT_START})"
    r"|\s+(?=(?:and then|and|but|so|because|when|while|after|before|until|since|although|"
    rf"though|even though|then|yet|whereas)\s+{_SUBJECT_START})",
    re.IGNORECASE,
)
_LEADING_JOINER = re.compile(
    r"^(?:and then|and|but|so|because|then|yet|also|plus|even though|although|though|"
    r"and also|which|that)(?:\s+|$)",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Piece:
    text: str
    start: int
    end: int


def sentences(text: str) -> list[Piece]:
    """Split text into sentences, keeping their positions."""
    pieces: list[Piece] = []
    start = 0
    for m in _SENTENCE_END.finditer(text):
        candidate = text[start : m.start()]
        if _ABBREVIATIONS.search(candidate):
            continue
        _append(pieces, text, start, m.start())
        start = m.end()
    _append(pieces, text, start, len(text))
    return pieces


def clauses(sentence: str) -> list[str]:
    """Split one sentence into clauses, dropping the joining words at their starts."""
    parts = [p.strip() for p in _CLAUSE_BREAK.split(sentence)]
    out = []
    for part in parts:
        while True:
            stripped = _LEADING_JOINER.sub("", part)
            if stripped == part:
                break
            part = stripped
        part = part.strip(" .!?…\"'")
        if part:
            out.append(part)
    return out


def _append(pieces: list[Piece], text: str, start: int, end: int) -> None:
    chunk = text[start:end]
    stripped = chunk.strip()
    if not stripped:
        return
    offset = start + chunk.index(stripped)
    pieces.append(Piece(stripped, offset, offset + len(stripped)))
