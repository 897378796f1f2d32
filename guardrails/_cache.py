"""A per-user disk cache for compiled guardrail rules, so a new process starts quickly.

Building the rules (reading the YAML, compiling a few hundred patterns and working out which
words each one needs) takes most of a second; unpickling the result takes a fifth of that. The
cache key covers the data file, the code that builds from it and the Python version, so any
change rebuilds. Anything wrong with the cache (missing, unreadable, stale, corrupt, a read-only
disk) falls back to building in memory: the cache can make the screen faster, never different.

The folder is ``$HEARDWELL_CACHE_DIR``, else ``$XDG_CACHE_HOME/heardwell``, else
``~/.cache/heardwell``; it is created private to the user (0700), and only files it wrote are read.
"""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
import sys
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")
log = logging.getLogger(__name__)
_FORMAT = b"heardwell-rules-cache-1"
# How many cache files of one name are kept: the one in use and the one before it (two installed
# versions side by side do not rebuild each other's away).
KEEP = 2


def cache_dir() -> Path:
    explicit = os.environ.get("HEARDWELL_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "heardwell"


def cache_key(sources: Iterable[Path]) -> str:
    digest = hashlib.sha256(_FORMAT)
    digest.update(sys.version.encode())
    for source in sources:
        digest.update(str(source.name).encode())
        digest.update(source.read_bytes())
    return digest.hexdigest()[:32]


def cached_build(name: str, sources: Iterable[Path], build: Callable[[], T]) -> T:
    """``build()``, or its result from an earlier process with the same sources."""
    try:
        path = cache_dir() / f"{name}-{cache_key(sources)}.pickle"
    except OSError:
        return build()
    try:
        with path.open("rb") as handle:
            loaded: T = pickle.load(handle)
        return loaded
    except FileNotFoundError:
        pass
    except Exception:  # a corrupt or foreign file: rebuild and replace it
        log.info("rebuilding the %s rules cache", name)
    result = build()
    _write(path, result)
    _prune(name, keep=path)
    return result


def _prune(name: str, keep: Path, newest: int = KEEP) -> None:
    """Remove all but the ``newest`` cache files of ``name`` (each rules change leaves one)."""
    try:
        olders = sorted(
            (p for p in keep.parent.glob(f"{name}-*.pickle") if p != keep),
            key=lambda p: p.stat().st_mtime,
            reverse=True,
        )
        for old in olders[newest - 1 :]:
            old.unlink(missing_ok=True)
    except OSError:
        pass


def _write(path: Path, value: object) -> None:
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
        with os.fdopen(fd, "wb") as handle:
            pickle.dump(value, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temp, path)
    except Exception:  # the cache is an optimisation: never fail the screen for it
        log.info("could not write the rules cache at %s", path.parent)
