"""A compiled regular expression that, read back from the rules cache, compiles on first use.

Python pickles a compiled pattern as its source and recompiles it when unpickled, so loading the
guardrail rules from the disk cache (``_cache.py``) still compiled every pattern: about 0.4 s
of a new process. Most of those patterns are guarded by words a text must contain, and a short
run (``heardwell check``, ``heardwell reflect``) meets few of them. A :class:`LazyPattern` built
in this process holds its compiled pattern (building still compiles each one, so a bad pattern
fails at once); one read back from the cache holds only its source and compiles when it is
first used. It matches exactly as ``re.compile(pattern, flags)`` does.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Iterator
from typing import Any

__all__ = ["LazyPattern", "Regex"]


class LazyPattern:
    """``re.compile(pattern, flags)``, compiled when first used after unpickling."""

    __slots__ = ("_compiled", "flags", "pattern")

    def __init__(self, pattern: str, flags: int = 0, *, compile_now: bool = True) -> None:
        self.pattern = pattern
        self.flags = flags
        self._compiled: re.Pattern[str] | None = re.compile(pattern, flags) if compile_now else None

    def __reduce__(self) -> tuple[Callable[..., LazyPattern], tuple[str, int]]:
        return (_unpickle, (self.pattern, self.flags))

    def __repr__(self) -> str:
        return f"LazyPattern({self.pattern!r}, {self.flags})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, LazyPattern):
            return NotImplemented
        return (self.pattern, self.flags) == (other.pattern, other.flags)

    def __hash__(self) -> int:
        return hash((self.pattern, self.flags))

    @property
    def compiled(self) -> re.Pattern[str]:
        compiled = self._compiled
        if compiled is None:  # two threads may both compile: the same result either way
            compiled = self._compiled = re.compile(self.pattern, self.flags)
        return compiled

    def search(self, string: str, pos: int = 0, endpos: int = sys.maxsize) -> re.Match[str] | None:
        return self.compiled.search(string, pos, endpos)

    def match(self, string: str, pos: int = 0, endpos: int = sys.maxsize) -> re.Match[str] | None:
        return self.compiled.match(string, pos, endpos)

    def fullmatch(
        self, string: str, pos: int = 0, endpos: int = sys.maxsize
    ) -> re.Match[str] | None:
        return self.compiled.fullmatch(string, pos, endpos)

    def finditer(
        self, string: str, pos: int = 0, endpos: int = sys.maxsize
    ) -> Iterator[re.Match[str]]:
        return self.compiled.finditer(string, pos, endpos)

    def findall(self, string: str, pos: int = 0, endpos: int = sys.maxsize) -> list[Any]:
        return self.compiled.findall(string, pos, endpos)

    def sub(self, repl: str | Callable[[re.Match[str]], str], string: str, count: int = 0) -> str:
        return self.compiled.sub(repl, string, count)


def _unpickle(pattern: str, flags: int) -> LazyPattern:
    return LazyPattern(pattern, flags, compile_now=False)


# What the rules hold: a lazily compiled pattern, or a plain one built in code.
Regex = re.Pattern[str] | LazyPattern
