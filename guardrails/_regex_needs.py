"""Which words any match of a regular expression must contain, read off its parsed form.

Both rule engines (``_patterns`` for the apology and agreement checkers, ``crisis`` for the
crisis screen) use this to skip a pattern on a sentence that lacks those words: a skipped
pattern could not have matched, so results never change, only speed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

NOT_WORD = re.compile(r"[^a-z0-9]+")
# A needle set may hold this many strings before a pattern part stops counting as exact text.
MAX_EXACT = 64
# The shortest needle worth keeping.
MIN_NEEDLE = 2
EMPTY: frozenset[str] = frozenset({""})


@dataclass(frozen=True)
class Shape:
    """What a part of a pattern matches: its exact strings when few, and needle sets it needs."""

    exact: frozenset[str] | None
    needs: tuple[frozenset[str], ...]


UNKNOWN = Shape(None, ())


def score(needles: frozenset[str]) -> tuple[int, int]:
    # Longer needles are rarer; fewer alternatives are rarer still.
    return min(5, min(map(len, needles))), -len(needles)


def best(shape: Shape) -> frozenset[str] | None:
    candidates = list(shape.needs)
    if shape.exact is not None and "" not in shape.exact:
        candidates.append(shape.exact)
    return max(candidates, key=score) if candidates else None


def shape_of_sequence(items: Any, *, lookbehind: bool = True) -> Shape:
    """The shape of a parsed sequence. With ``lookbehind=False`` what a lookbehind looks for
    is not required (the crisis screen lets lookbehinds see the previous sentence)."""
    needs: list[frozenset[str]] = []
    run = EMPTY  # the exact strings of the parts since the last unknown one
    exact = True
    for op, arg in items:
        shape = shape_of_node(op, arg, lookbehind=lookbehind)
        needs.extend(shape.needs)
        if shape.exact is not None and len(run) * len(shape.exact) <= MAX_EXACT:
            run = frozenset(a + b for a in run for b in shape.exact)
            continue
        exact = False
        needs.append(run)
        run = shape.exact if shape.exact is not None else EMPTY
    needs.append(run)
    return Shape(run if exact else None, tuple(n for n in needs if "" not in n))


def shape_of_node(op: Any, arg: Any, *, lookbehind: bool = True) -> Shape:
    """The shape of one parsed part (see ``shape_of_sequence``)."""
    name = str(op)
    if name == "LITERAL":
        char = chr(arg)
        return Shape(frozenset({char.lower()}), ()) if char.isascii() else UNKNOWN
    if name == "IN":
        if len(arg) <= 4 and all(str(o) == "LITERAL" and chr(a).isascii() for o, a in arg):
            return Shape(frozenset(chr(a).lower() for _, a in arg), ())
        return UNKNOWN
    if name in ("AT", "ASSERT_NOT"):
        return Shape(EMPTY, ())
    if name == "ASSERT":  # a lookaround: zero width, but what it looks for is in the text
        direction, items = arg
        if direction < 0 and not lookbehind:
            return Shape(EMPTY, ())
        found = best(shape_of_sequence(items, lookbehind=lookbehind))
        return Shape(EMPTY, (found,) if found is not None else ())
    if name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
        low, high, items = arg
        inner = shape_of_sequence(items, lookbehind=lookbehind)
        if low == 0 and high == 1 and inner.exact is not None:
            return Shape(inner.exact | EMPTY, ())
        found = best(inner) if low >= 1 else None
        return Shape(None, (found,) if found is not None else ())
    if name == "SUBPATTERN":
        return shape_of_sequence(arg[-1], lookbehind=lookbehind)
    if name == "ATOMIC_GROUP":
        return shape_of_sequence(arg, lookbehind=lookbehind)
    if name == "BRANCH":
        shapes = [shape_of_sequence(items, lookbehind=lookbehind) for items in arg[1]]
        exact: frozenset[str] | None = None
        if all(s.exact is not None for s in shapes):
            union = frozenset().union(*(s.exact for s in shapes if s.exact is not None))
            exact = union if len(union) <= MAX_EXACT else None
        bests = [best(s) for s in shapes]
        if any(b is None for b in bests):
            return Shape(exact, ())
        return Shape(exact, (frozenset().union(*(b for b in bests if b is not None)),))
    return UNKNOWN


def as_words(needles: frozenset[str]) -> frozenset[str] | None:
    """Each needle cut to its longest run of letters and digits, the only text the check sees."""
    words = set()
    for needle in needles:
        longest = max(NOT_WORD.split(needle), key=len)
        if len(longest) < MIN_NEEDLE:
            return None
        words.add(longest)
    # A needle that contains another needle of the set adds nothing.
    return frozenset(w for w in words if not any(o != w and o in w for o in words))
