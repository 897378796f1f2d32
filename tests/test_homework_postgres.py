"""Therapist homework on a real PostgreSQL server: migrations, the whole loop, access rules,
rate limits and the crisis marker, exactly as test_homework.py runs them on SQLite.

The session fixture starts a throwaway server from the PostgreSQL binaries (``apt-get install -y
postgresql`` on Debian/Ubuntu puts them in /usr/lib/postgresql/<version>/bin):

    initdb -D <tmp>/data -U postgres --auth=trust -E UTF8 --no-sync
    pg_ctl -D <tmp>/data -l <tmp>/server.log -w \
        -o "-k <tmp>/sock -p <free port> -h 127.0.0.1 -F" start
    (CREATE DATABASE heardwell_test, over psycopg)
    pg_ctl -D <tmp>/data -m fast -w stop

As root, initdb refuses to run, so these run as the ``postgres`` user (``runuser -u postgres``).
The tests skip, with the reason, only when no binaries are found or the server cannot start;
set ``HEARDWELL_REQUIRE_POSTGRES=1`` (in CI) to make that a failure instead. To use a server of
your own, set ``HEARDWELL_TEST_POSTGRES_URL`` to an empty database's URL.
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

import psycopg
import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import delete, inspect, select, update

from assistant.config import get_settings
from assistant.homework import accounts, partner, ratelimit, review, secret
from assistant.homework.errors import NoAccess, TooManyAttempts, WrongCredentials
from assistant.storage import db, repo
from assistant.storage.models import AuthAttempt, Base, Submission, utcnow
from guardrails.crisis import CrisisLevel
from tests.homework_helpers import (
    DESCRIPTION,
    PASSWORD,
    access_rules,
    configure,
    core_loop,
    new_assignment,
    new_therapist,
)

DATABASE = "heardwell_test"


def _binaries() -> Path | None:
    found = shutil.which("pg_ctl")
    if found:
        return Path(found).parent
    versions = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"),
        key=lambda p: [int(x) for x in p.parent.parent.name.split(".") if x.isdigit()],
    )
    return versions[-1].parent if versions else None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _unavailable(reason: str) -> None:
    if os.environ.get("HEARDWELL_REQUIRE_POSTGRES") == "1":
        pytest.fail(f"PostgreSQL is required here (HEARDWELL_REQUIRE_POSTGRES=1): {reason}")
    pytest.skip(f"PostgreSQL tests skipped: {reason}")


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    """A throwaway PostgreSQL server for this test session; yields the URL of an empty database."""
    own = os.environ.get("HEARDWELL_TEST_POSTGRES_URL")
    if own:
        yield own
        return
    bindir = _binaries()
    if bindir is None:
        _unavailable(
            "no PostgreSQL server binaries (pg_ctl, initdb) found; install them with "
            "`apt-get install -y postgresql`"
        )
    assert bindir is not None
    run_as: list[str] = []
    base = Path(tempfile.mkdtemp(prefix="heardwell-pg-"))
    if os.geteuid() == 0:  # initdb refuses to run as root
        try:
            user = pwd.getpwnam("postgres")
        except KeyError:
            shutil.rmtree(base)
            _unavailable("running as root and there is no `postgres` user to run the server as")
        os.chown(base, user.pw_uid, user.pw_gid)
        run_as = ["runuser", "-u", "postgres", "--"]
    data, sock, log = base / "data", base / "sock", base / "server.log"
    port = _free_port()

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([*run_as, *args], capture_output=True, text=True, timeout=120)

    started = False
    try:
        subprocess.run([*run_as, "mkdir", "-p", str(sock)], check=True)
        init = run(
            str(bindir / "initdb"),
            "-D",
            str(data),
            "-U",
            "postgres",
            "--auth=trust",
            "-E",
            "UTF8",
            "--no-sync",
        )
        if init.returncode != 0:
            _unavailable(f"initdb failed: {init.stderr.strip()[-500:]}")
        options = f"-k {sock} -p {port} -h 127.0.0.1 -F"
        start = run(
            str(bindir / "pg_ctl"),
            "-D",
            str(data),
            "-l",
            str(log),
            "-w",
            "-t",
            "60",
            "-o",
            options,
            "start",
        )
        if start.returncode != 0:
            tail = log.read_text(errors="replace")[-800:] if log.exists() else ""
            _unavailable(f"the server did not start: {start.stderr.strip()[-300:]} {tail}")
        started = True
        with psycopg.connect(
            host="127.0.0.1", port=port, user="postgres", dbname="postgres", autocommit=True
        ) as connection:
            connection.execute(f"CREATE DATABASE {DATABASE}")
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/{DATABASE}"
    finally:
        if started:
            run(str(bindir / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop")
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture(scope="session")
def pg_url(postgres_server: str) -> Iterator[str]:
    """The test database, migrated to head the way the app does on start."""
    db.migrate(postgres_server)
    yield postgres_server
    db.get_engine(postgres_server).dispose()


@pytest.fixture(autouse=True)
def settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    configure(monkeypatch, tmp_path / "data")
    # One key for the whole session: rows from earlier tests stay in the shared database.
    monkeypatch.setenv("HEARDWELL_SECRET_KEY", "postgres-test-key-" + "p" * 32)
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()
    secret._key_from_file.cache_clear()


@pytest.fixture(autouse=True)
def fresh_rate_limits(pg_url: str) -> None:
    """The database is shared by the session's tests; each starts with no recorded failures."""
    with db.session_scope(pg_url) as session:
        session.execute(delete(AuthAttempt))


def test_migrations_reach_head_and_match_the_models(pg_url: str) -> None:
    engine = db.get_engine(pg_url)
    assert engine.dialect.name == "postgresql"
    assert set(Base.metadata.tables) <= set(inspect(engine).get_table_names())
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []
    db.migrate(pg_url)  # again: nothing to do


def test_whole_loop(pg_url: str) -> None:
    core_loop(pg_url)


def test_access_rules(pg_url: str) -> None:
    access_rules(pg_url)


def test_sign_in_and_code_limits(pg_url: str) -> None:
    email, _ = new_therapist(pg_url)
    for n in range(ratelimit.SIGNIN_PER_EMAIL):
        with pytest.raises(WrongCredentials), db.session_scope(pg_url) as session:
            accounts.sign_in(session, email, f"wrong password {n}", client_key=f"ip-{n}")
    with pytest.raises(TooManyAttempts), db.session_scope(pg_url) as session:
        accounts.sign_in(session, email, PASSWORD, client_key="fresh")

    _, token = new_therapist(pg_url)
    real = new_assignment(pg_url, token).codes[0]
    for _ in range(ratelimit.CODE_PER_CLIENT):
        with pytest.raises(NoAccess), db.session_scope(pg_url) as session:
            partner.open_by_code(session, "ZZZZ-ZZZZ", "pg-client")
    with pytest.raises(TooManyAttempts), db.session_scope(pg_url) as session:
        partner.open_by_code(session, real.short_code, "pg-client")
    with db.session_scope(pg_url) as session:
        session.execute(update(AuthAttempt).values(at=utcnow() - timedelta(minutes=16)))
    with db.session_scope(pg_url) as session:
        assert partner.open_by_code(session, real.short_code, "pg-client").partner_label


def test_urgent_submission_is_a_marker_without_text(pg_url: str) -> None:
    _, token = new_therapist(pg_url)
    new = new_assignment(pg_url, token)
    urgent = "I want to kill myself tonight, I have the pills ready."
    calm = SimpleNamespace(level=CrisisLevel.NONE)
    with pytest.MonkeyPatch.context() as m:  # saved while the screen did not catch it
        m.setattr(repo, "screen", lambda _text: calm)
        m.setattr("assistant.practice.screen", lambda _text: calm)
        with db.session_scope(pg_url) as session:
            access = partner.open_by_link(session, new.codes[0].link_token, "browser")
            attempt = partner.practise(session, access, urgent, description=DESCRIPTION).attempt
            assert attempt is not None
    with db.session_scope(pg_url) as session:
        submission = partner.submit(session, access, attempt.id)
    with db.session_scope(pg_url) as session:
        me = accounts.current_therapist(session, token)
        (view,) = review.list_submissions(session, me, new.assignment.id)
        assert view.marker and view.draft == view.description == ""
        row = session.get_one(Submission, submission.id)
        assert row.crisis_marker and row.attempt_id is None
        texts = session.scalars(select(Submission.draft).where(Submission.draft != "")).all()
        assert not [t for t in texts if "kill myself" in t]
