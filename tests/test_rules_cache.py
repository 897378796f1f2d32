"""The disk cache of compiled rules makes start-up faster and never changes a result."""

from __future__ import annotations

import functools
import pickle
from pathlib import Path

import pytest

from guardrails import _cache, crisis
from guardrails._cache import cache_key, cached_build


@pytest.fixture
def cache_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("HEARDWELL_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "cache"


def test_builds_once_then_loads(cache_home: Path, tmp_path: Path) -> None:
    source = tmp_path / "rules.yaml"
    source.write_text("a: 1")
    builds: list[int] = []

    def build() -> dict[str, int]:
        builds.append(1)
        return {"a": 1}

    assert cached_build("demo", [source], build) == {"a": 1}
    assert cached_build("demo", [source], build) == {"a": 1}
    assert len(builds) == 1
    assert cache_home.stat().st_mode & 0o777 == 0o700


def test_a_changed_source_rebuilds(cache_home: Path, tmp_path: Path) -> None:
    source = tmp_path / "rules.yaml"
    source.write_text("a: 1")
    first = cache_key([source])
    source.write_text("a: 2")
    assert cache_key([source]) != first
    assert cached_build("demo", [source], lambda: "new") == "new"


def test_old_cache_files_are_pruned_to_the_newest(cache_home: Path, tmp_path: Path) -> None:
    source = tmp_path / "rules.yaml"
    keys = []
    for version in range(4):
        source.write_text(f"a: {version}")
        keys.append(cache_key([source]))
        assert cached_build("demo", [source], functools.partial(int, version)) == version
    kept = {p.name for p in cache_home.glob("demo-*.pickle")}
    assert len(kept) == _cache.KEEP
    assert f"demo-{keys[-1]}.pickle" in kept
    assert f"demo-{keys[0]}.pickle" not in kept
    assert cached_build("other", [source], lambda: "x") == "x"
    assert len(list(cache_home.glob("demo-*.pickle"))) == _cache.KEEP


def test_a_corrupt_cache_is_rebuilt_and_replaced(cache_home: Path, tmp_path: Path) -> None:
    source = tmp_path / "rules.yaml"
    source.write_text("a: 1")
    cache_home.mkdir()
    path = cache_home / f"demo-{cache_key([source])}.pickle"
    path.write_bytes(b"not a pickle")
    assert cached_build("demo", [source], lambda: "built") == "built"
    assert pickle.loads(path.read_bytes()) == "built"


def test_an_unwritable_cache_still_builds(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    monkeypatch.setenv("HEARDWELL_CACHE_DIR", str(blocker / "cache"))  # a file, not a folder
    source = tmp_path / "rules.yaml"
    source.write_text("a: 1")
    assert cached_build("demo", [source], lambda: 42) == 42


TEXTS = [
    "I want to kill myself tonight, I have the pills.",
    "This argument is killing me.",
    "He choked me last night and I'm scared to go home.",
    "We keep going round in circles about money.",
    "My ex hit me years ago; I'm safe now.",
]


def test_cached_crisis_rules_screen_exactly_like_fresh_ones(cache_home: Path) -> None:
    fresh = crisis._build_rules()
    loaded = _cache.cached_build("crisis-test", [Path(crisis.__file__)], crisis._build_rules)
    again = _cache.cached_build("crisis-test", [Path(crisis.__file__)], lambda: fresh)
    assert again is not fresh  # the second call really came from disk
    original = crisis._rules
    try:
        results = {}
        for name, rules in (("fresh", fresh), ("loaded", loaded), ("again", again)):
            crisis._rules = lambda rules=rules: rules  # type: ignore[assignment]
            results[name] = [crisis.screen(t).model_dump() for t in TEXTS]
    finally:
        crisis._rules = original
    assert results["fresh"] == results["loaded"] == results["again"]
