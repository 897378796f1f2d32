"""Patterns read back from the rules cache compile on first use (guardrails/_lazy_re.py)."""

from __future__ import annotations

import pickle
import re

import pytest

from guardrails import crisis
from guardrails._lazy_re import LazyPattern
from guardrails._patterns import PatternError, compile_pattern

SOURCE = r"\b(?:hit|hurt)s?\s+me\b"
TEXTS = ["He hits me.", "she HURT ME again", "a hitman", "hurts meat", ""]


def test_it_matches_exactly_as_re_does() -> None:
    lazy, plain = LazyPattern(SOURCE, re.I), re.compile(SOURCE, re.I)
    for text in TEXTS:
        assert [m.span() for m in lazy.finditer(text)] == [m.span() for m in plain.finditer(text)]
        for method in ("search", "match", "fullmatch"):
            ours, theirs = getattr(lazy, method)(text), getattr(plain, method)(text)
            assert (ours and ours.span()) == (theirs and theirs.span())
        assert lazy.findall(text) == plain.findall(text)
        assert lazy.sub("#", text) == plain.sub("#", text)
    ours, theirs = lazy.search("xx He hits me", 3), plain.search("xx He hits me", 3)
    assert ours is not None and theirs is not None and ours.span() == theirs.span()


def test_built_here_it_is_compiled_read_back_it_is_not_until_used() -> None:
    built = LazyPattern(SOURCE, re.I)
    assert built._compiled is not None
    read_back = pickle.loads(pickle.dumps(built))
    assert read_back == built
    assert read_back._compiled is None
    assert read_back.search("He hits me.") is not None
    assert read_back._compiled is not None


def test_a_bad_pattern_still_fails_when_the_rules_are_built() -> None:
    with pytest.raises(re.error):
        LazyPattern("(unclosed")
    with pytest.raises(PatternError, match="does not compile"):
        compile_pattern("(unclosed", {})


def test_the_screen_reads_the_same_from_the_cache_as_freshly_built() -> None:
    fresh = crisis._build_rules()
    cached = pickle.loads(pickle.dumps(fresh, protocol=pickle.HIGHEST_PROTOCOL))
    texts = [
        "He said he'd kill me if I told anyone, and he has a gun.",
        "This silence is killing me.",
        "My ex used to hit me, years ago. I'm safe now.",
        "I want to die. I've written the letters.",
    ]
    for text in texts:
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(crisis, "_rules", lambda: fresh)
            expected = crisis._screen(text, "en-US", read_meaning=False)
            patch.setattr(crisis, "_rules", lambda: cached)
            assert crisis._screen(text, "en-US", read_meaning=False) == expected
