"""Engines, sessions and migrations for Heardwell's database.

By default the app keeps one SQLite file, ``<data_dir>/heardwell.db``, made on first use.
``HEARDWELL_DATABASE_URL`` points it anywhere else SQLAlchemy can reach, PostgreSQL included:
the models use portable types only and the migrations run on both.

The app calls :func:`migrate` once at start; it returns at once when the schema is current.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from assistant.config import Settings, get_settings

DB_FILENAME = "heardwell.db"


def database_url(settings: Settings | None = None) -> str:
    """``settings.database_url`` if set, else the SQLite file in ``settings.data_dir``."""
    settings = settings or get_settings()
    if settings.database_url:
        return settings.database_url
    return f"sqlite:///{(settings.data_dir / DB_FILENAME).resolve()}"


def get_engine(url: str | None = None) -> Engine:
    """One engine per URL for the whole process. A SQLite file's folder is made if missing."""
    return _engine(url or database_url())


@cache
def _engine(url: str) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return create_engine(url, pool_pre_ping=True)
    if (
        parsed.database
        and parsed.database != ":memory:"
        and not parsed.database.startswith("file:")
    ):
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url)
    event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # WAL lets the app read while it writes; SQLite ignores foreign keys unless asked, per
    # connection; secure_delete overwrites deleted rows, so "delete everything" leaves no text
    # behind in free pages of the file.
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA secure_delete=ON")
    finally:
        cursor.close()


@contextmanager
def session_scope(url: str | None = None) -> Iterator[Session]:
    """A session that commits when the block ends and rolls back if it raises.

    Objects stay readable after the block (``expire_on_commit=False``), so a page can render what
    it just saved.
    """
    session = Session(get_engine(url), expire_on_commit=False)
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def alembic_config() -> Config:
    """Alembic's configuration, pointing at the migrations installed with this package.

    No ``alembic.ini`` is needed. To write a new migration, run for example::

        from alembic import command
        cfg = alembic_config()
        cfg.attributes["url"] = "sqlite:///scratch.db"
        command.revision(cfg, message="add assignments", autogenerate=True)
    """
    cfg = Config()
    cfg.set_main_option("script_location", str(files("assistant.storage") / "migrations"))
    return cfg


@cache
def _head_revisions() -> frozenset[str]:
    return frozenset(ScriptDirectory.from_config(alembic_config()).get_heads())


def migrate(url: str | None = None) -> None:
    """Bring the database to the newest schema (Alembic ``upgrade head``). Safe to call often."""
    engine = get_engine(url)
    with engine.connect() as connection:
        current = frozenset(MigrationContext.configure(connection).get_current_heads())
    if current == _head_revisions():
        return
    cfg = alembic_config()
    with engine.begin() as connection:
        cfg.attributes["connection"] = connection
        command.upgrade(cfg, "head")
