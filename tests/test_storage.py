"""Local storage: migrations, persistence across restarts, the repository rules, export."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import func, inspect, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from assistant.config import Settings
from assistant.errors import HeardwellError, InputError
from assistant.storage import db, repo
from assistant.storage.export import export_json, export_markdown
from assistant.storage.models import (
    Agreement,
    AgreementCheck,
    Base,
    Checkin,
    PracticeAttempt,
)
from guardrails.crisis import CrisisLevel

HOMEWORK_TABLES = {
    "therapists",
    "therapist_sessions",
    "couples",
    "assignments",
    "share_codes",
    "submissions",
    "comments",
    "auth_attempts",
}
LOCAL_TABLES = {"practice_attempts", "agreements", "agreement_checks", "checkins"}
TABLES = LOCAL_TABLES | HOMEWORK_TABLES
MONDAY = date(2026, 3, 2)


def _url(folder: Path) -> str:
    return f"sqlite:///{folder / 'data' / 'heardwell.db'}"


def _restart(url: str) -> None:
    """What a new process would see: no cached engine, no open connections."""
    db.get_engine(url).dispose()
    db._engine.cache_clear()


@pytest.fixture
def url(tmp_path: Path) -> Iterator[str]:
    url = _url(tmp_path)
    db.migrate(url)
    yield url
    db.get_engine(url).dispose()


@pytest.fixture
def session(url: str) -> Iterator[Session]:
    """One transaction, never committed: tests that need a commit use ``db.session_scope``."""
    with Session(db.get_engine(url)) as session:
        yield session


def _count(session: Session, model: type[Base]) -> int:
    return session.scalar(select(func.count()).select_from(model)) or 0


def _attempt(session: Session, **overrides: Any) -> PracticeAttempt:
    fields: dict[str, Any] = {
        "description": "You promised to back my trip, then complained all week.",
        "draft": "I said I'd support your trip and then I complained. You felt let down.",
        "feedback": {"rubric": {"understanding": True}, "findings": []},
        "passed": True,
    }
    fields.update(overrides)
    return repo.add_attempt(session, **fields)


# --- migrations ----------------------------------------------------------------------------------


def test_migrate_creates_the_schema_from_nothing(tmp_path: Path) -> None:
    url = _url(tmp_path)
    assert not (tmp_path / "data").exists()
    db.migrate(url)
    assert (tmp_path / "data" / "heardwell.db").is_file()
    assert set(inspect(db.get_engine(url)).get_table_names()) == TABLES | {"alembic_version"}
    db.get_engine(url).dispose()


def test_migrate_again_keeps_data_and_runs_nothing(
    url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    with db.session_scope(url) as session:
        repo.add_checkin(session, 4)

    def no_upgrade(*args: object, **kwargs: object) -> None:
        raise AssertionError("upgrade ran on a database already at head")

    monkeypatch.setattr(command, "upgrade", no_upgrade)
    db.migrate(url)
    db.migrate(url)
    head = ScriptDirectory.from_config(db.alembic_config()).get_current_head()
    with db.session_scope(url) as session:
        assert session.scalar(text("SELECT version_num FROM alembic_version")) == head
        assert _count(session, Checkin) == 1


def test_head_revision_matches_the_models(url: str) -> None:
    assert set(Base.metadata.tables) == TABLES
    with db.get_engine(url).connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []


def test_homework_migration_goes_down_to_0001_and_back(url: str) -> None:
    with db.session_scope(url) as session:
        repo.add_checkin(session, 7)
    cfg = db.alembic_config()
    with db.get_engine(url).begin() as connection:
        cfg.attributes["connection"] = connection
        command.downgrade(cfg, "0001")
    assert set(inspect(db.get_engine(url)).get_table_names()) == LOCAL_TABLES | {"alembic_version"}
    db.migrate(url)
    assert set(inspect(db.get_engine(url)).get_table_names()) == TABLES | {"alembic_version"}
    with db.session_scope(url) as session:
        assert _count(session, Checkin) == 1


def test_downgrade_to_nothing_and_back(url: str) -> None:
    cfg = db.alembic_config()
    with db.get_engine(url).begin() as connection:
        cfg.attributes["connection"] = connection
        command.downgrade(cfg, "base")
    assert set(inspect(db.get_engine(url)).get_table_names()) == {"alembic_version"}
    db.migrate(url)
    assert set(inspect(db.get_engine(url)).get_table_names()) >= TABLES


def test_migrations_render_for_postgresql() -> None:
    cfg = db.alembic_config()
    cfg.output_buffer = io.StringIO()
    cfg.attributes["url"] = "postgresql://localhost/heardwell"
    command.upgrade(cfg, "head", sql=True)
    sql = cfg.output_buffer.getvalue()
    assert "created_at TIMESTAMP WITH TIME ZONE NOT NULL" in sql
    assert "REFERENCES agreements (id) ON DELETE CASCADE" in sql
    assert "CHECK (safety BETWEEN 1 AND 10)" in sql


# --- engine and settings -------------------------------------------------------------------------


def test_default_url_is_a_file_in_the_data_dir(tmp_path: Path) -> None:
    assert db.database_url(Settings(data_dir=tmp_path)) == f"sqlite:///{tmp_path}/heardwell.db"
    assert db.database_url(Settings(database_url="postgresql://h/db")) == "postgresql://h/db"


def test_environment_variable_chooses_the_database(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HEARDWELL_DATABASE_URL", "postgresql://db.example/heardwell")
    assert db.database_url(Settings()) == "postgresql://db.example/heardwell"


def test_wal_mode_and_foreign_keys_are_on(url: str) -> None:
    with db.get_engine(url).connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def test_records_survive_a_restart(url: str) -> None:
    with db.session_scope(url) as session:
        first = _attempt(session)
        agreement = repo.add_agreement(session, "I will call you on my lunch break on Tuesdays.")
        repo.mark_week(session, agreement.id, MONDAY, kept=True)
        repo.add_checkin(session, 5, "A bit calmer this week.")
    _restart(url)
    with db.session_scope(url) as session:
        (attempt,) = repo.list_attempts(session)
        assert attempt.draft == first.draft
        assert attempt.feedback == {"rubric": {"understanding": True}, "findings": []}
        assert attempt.created_at.tzinfo is not None
        assert attempt.created_at.utcoffset() == timedelta(0)
        assert [c.week_start for c in repo.list_agreements(session)[0].checks] == [MONDAY]
        assert [c.note for c in repo.list_checkins(session)] == ["A bit calmer this week."]


def test_session_scope_rolls_back_on_error(url: str) -> None:
    with pytest.raises(RuntimeError), db.session_scope(url) as session:
        repo.add_checkin(session, 6)
        raise RuntimeError("page crashed")
    with db.session_scope(url) as session:
        assert _count(session, Checkin) == 0


# --- practice attempts ---------------------------------------------------------------------------


def test_revisions_share_a_group_and_show_progress(session: Session) -> None:
    first = _attempt(session, passed=False, draft="Sorry if you felt bad.")
    _attempt(session, passed=True, attempt_group=first.attempt_group)
    _attempt(session, description="You forgot my birthday.", source="scenario", scenario_id="b1")
    assert len(repo.list_attempts(session)) == 3
    assert [a.passed for a in repo.list_attempts(session, first.attempt_group)] == [False, True]
    groups = {g.group: g for g in repo.attempt_groups(session)}
    assert len(groups) == 2
    progress = groups[first.attempt_group]
    assert (progress.attempts, progress.passed, progress.latest_passed) == (2, 1, True)
    assert progress.description.startswith("You promised")


def test_attempt_source_must_be_known(session: Session) -> None:
    with pytest.raises(ValueError):
        _attempt(session, source="homework")
    session.add(
        PracticeAttempt(source="homework", description="d", draft="r", feedback={}, passed=False)
    )
    with pytest.raises(IntegrityError):
        session.flush()


# --- agreements ----------------------------------------------------------------------------------


def test_mark_week_again_updates_the_same_week(session: Session) -> None:
    agreement = repo.add_agreement(session, "Two weekends a month are ours.")
    repo.mark_week(session, agreement.id, MONDAY, kept=True)
    again = repo.mark_week(
        session, agreement.id, MONDAY + timedelta(days=2), kept=False, note="Work trip."
    )
    assert again.week_start == MONDAY
    rows = session.scalars(select(AgreementCheck)).all()
    assert [(r.week_start, r.kept, r.note) for r in rows] == [(MONDAY, False, "Work trip.")]


def test_the_same_week_twice_is_refused_by_the_database(session: Session) -> None:
    agreement = repo.add_agreement(session, "Two weekends a month are ours.")
    session.add(AgreementCheck(agreement_id=agreement.id, week_start=MONDAY, kept=True))
    session.add(AgreementCheck(agreement_id=agreement.id, week_start=MONDAY, kept=False))
    with pytest.raises(IntegrityError):
        session.flush()


def test_follow_through_counts_kept_and_missed_per_week(session: Session) -> None:
    calls = repo.add_agreement(session, "I will call at lunch on Tuesdays.")
    dinner = repo.add_agreement(session, "Friday dinner without phones.")
    next_week = MONDAY + timedelta(weeks=1)
    repo.mark_week(session, calls.id, MONDAY, kept=True)
    repo.mark_week(session, dinner.id, MONDAY, kept=True)
    repo.mark_week(session, calls.id, next_week, kept=False)
    repo.mark_week(session, dinner.id, next_week, kept=True)
    repo.set_agreement_active(session, dinner.id, False)
    assert repo.follow_through(session) == [(MONDAY, 2, 0), (next_week, 1, 1)]
    assert repo.follow_through(session, calls.id) == [(MONDAY, 1, 0), (next_week, 0, 1)]
    assert repo.follow_through(session, dinner.id)[1].kept == 1


def test_retired_agreements_are_listed_only_when_asked(session: Session) -> None:
    kept = repo.add_agreement(session, "I will call at lunch on Tuesdays.")
    retired = repo.add_agreement(session, "Friday dinner without phones.")
    repo.set_agreement_active(session, retired.id, False)
    assert [a.id for a in repo.list_agreements(session)] == [kept.id]
    assert [a.id for a in repo.list_agreements(session, active_only=False)] == [kept.id, retired.id]


def test_unknown_agreement_says_so(session: Session) -> None:
    with pytest.raises(repo.RecordNotFound, match="no agreement 99"):
        repo.mark_week(session, 99, MONDAY, kept=True)
    with pytest.raises(repo.RecordNotFound):
        repo.set_agreement_active(session, 99, False)


def test_findings_are_stored_as_json(session: Session) -> None:
    finding = {"category": "overpromise", "span": {"start": 7, "end": 13, "text": "always"}}
    agreement = repo.add_agreement(session, "I will always text back.", [finding])
    session.expire_all()
    assert session.get_one(Agreement, agreement.id).checked_findings == [finding]


def test_deleting_an_agreement_deletes_its_weeks_in_the_database(url: str) -> None:
    with db.session_scope(url) as session:
        agreement = repo.add_agreement(session, "Two weekends a month are ours.")
        repo.mark_week(session, agreement.id, MONDAY, kept=True)
        repo.mark_week(session, agreement.id, MONDAY + timedelta(weeks=1), kept=False)
    with db.session_scope(url) as session:
        # Plain SQL, so the foreign key's ON DELETE CASCADE does the work, not the ORM.
        session.execute(text("DELETE FROM agreements WHERE id = :id"), {"id": agreement.id})
    with db.session_scope(url) as session:
        assert _count(session, AgreementCheck) == 0


# --- check-ins -----------------------------------------------------------------------------------


@pytest.mark.parametrize("safety", [0, 11])
def test_safety_outside_1_to_10_is_refused_by_the_database(session: Session, safety: int) -> None:
    session.add(Checkin(safety=safety))
    with pytest.raises(IntegrityError, match="safety_range"):
        session.flush()


@pytest.mark.parametrize("safety", [0, 11, -3, True])
def test_safety_outside_1_to_10_is_refused_with_a_message(session: Session, safety: int) -> None:
    with pytest.raises(InputError, match="1 to 10"):
        repo.add_checkin(session, safety)
    assert _count(session, Checkin) == 0


@pytest.mark.parametrize("safety", [1, 10])
def test_safety_limits_are_inclusive(session: Session, safety: int) -> None:
    assert repo.add_checkin(session, safety).safety == safety


@dataclass(frozen=True)
class Rated:
    created_at: datetime
    safety: int


NOW = datetime(2026, 3, 20, 12, tzinfo=UTC)


def _series(*points: tuple[float, int]) -> list[Rated]:
    """(days ago, safety) pairs."""
    return [Rated(NOW - timedelta(days=days), safety) for days, safety in points]


@pytest.mark.parametrize(
    ("points", "expected"),
    [
        # flat over three weeks
        (((20, 4), (13, 4), (6, 4), (1, 4)), True),
        # fell
        (((20, 6), (12, 5), (2, 4)), True),
        # rose, then fell back to where it was
        (((19, 4), (10, 7), (3, 4)), True),
        # noisy, but the newest week averages no higher than the oldest
        (((20, 3), (18, 5), (9, 6), (2, 5), (1, 3)), True),
        # rising slowly is trust building: not stalled
        (((20, 3), (13, 4), (6, 5)), False),
        (((20, 4), (13, 4), (1, 5)), False),
        # flat, but already safe enough
        (((20, 8), (13, 8), (6, 8)), False),
        # too few check-ins to say
        (((20, 4), (2, 4)), False),
        ((), False),
        # three check-ins, but all in the last two weeks: they do not span the time
        (((12, 4), (8, 4), (1, 4)), False),
        # nothing in the newest week
        (((20, 4), (15, 4), (10, 4)), False),
        # flat, but the oldest points are outside the window
        (((40, 4), (30, 4), (25, 4), (1, 4)), False),
    ],
)
def test_stalled(points: tuple[tuple[float, int], ...], expected: bool) -> None:
    assert repo.stalled(_series(*points), now=NOW) is expected


def test_stalled_reads_stored_checkins_and_longer_windows(session: Session) -> None:
    for days, safety in ((34, 5), (20, 5), (10, 5), (1, 5)):
        checkin = repo.add_checkin(session, safety)
        checkin.created_at = NOW - timedelta(days=days)
    session.flush()
    checkins = repo.list_checkins(session)
    assert repo.stalled(checkins, now=NOW)
    assert repo.stalled(checkins, weeks=5, now=NOW)
    assert not repo.stalled(checkins, weeks=3, now=NOW - timedelta(days=14))
    with pytest.raises(ValueError):
        repo.stalled(checkins, weeks=1, now=NOW)


# --- export --------------------------------------------------------------------------------------


def _fill(session: Session) -> None:
    first = _attempt(session, passed=False, draft="Sorry if you felt embarrassed.")
    _attempt(session, attempt_group=first.attempt_group)
    agreement = repo.add_agreement(session, "Two weekends a month are ours.")
    repo.mark_week(session, agreement.id, MONDAY, kept=True)
    repo.mark_week(session, agreement.id, MONDAY + timedelta(weeks=1), kept=False, note="a|b")
    repo.add_agreement(session, "Friday dinner without phones.")
    repo.add_checkin(session, 4, "Still raw.")
    repo.add_checkin(session, 6)


def test_json_export_has_everything_and_round_trips(session: Session) -> None:
    _fill(session)
    data = json.loads(export_json(session))
    assert (data["format"], data["version"]) == ("heardwell-export", 1)
    assert datetime.fromisoformat(data["exported_at"]).tzinfo is not None
    assert (len(data["attempts"]), len(data["agreements"]), len(data["checkins"])) == (2, 2, 2)
    assert data["attempts"][0]["draft"] == "Sorry if you felt embarrassed."
    assert data["attempts"][1]["feedback"] == {"rubric": {"understanding": True}, "findings": []}
    assert len({a["attempt_group"] for a in data["attempts"]}) == 1
    weeks = data["agreements"][0]["weeks"]
    assert weeks == [
        {"week_start": "2026-03-02", "kept": True, "note": None},
        {"week_start": "2026-03-09", "kept": False, "note": "a|b"},
    ]
    assert [c["safety"] for c in data["checkins"]] == [4, 6]


def test_markdown_export_is_readable(session: Session) -> None:
    _fill(session)
    markdown = export_markdown(session)
    for expected in (
        "## Practice",
        "> You promised to back my trip, then complained all week.",
        "> Sorry if you felt embarrassed.",
        "## Agreements",
        "### Two weekends a month are ours.",
        "| 2026-03-09 | no | a\\|b |",
        "### Friday dinner without phones.",
        "| 2026-03-02 | 1 | 0 |",
        "## Check-ins",
        "safety 4/10: Still raw.",
        "safety 6/10",
    ):
        assert expected in markdown


def test_empty_exports(session: Session) -> None:
    assert json.loads(export_json(session))["attempts"] == []
    assert "No practice attempts saved." in export_markdown(session)


# --- delete everything ---------------------------------------------------------------------------


def test_delete_everything_empties_the_couples_tables(url: str) -> None:
    with db.session_scope(url) as session:
        _fill(session)
    with db.session_scope(url) as session:
        deleted = repo.delete_everything(session)
    assert set(deleted) == LOCAL_TABLES
    assert deleted["practice_attempts"] == 2
    with db.session_scope(url) as session:
        for table in LOCAL_TABLES:
            assert session.scalar(text(f"SELECT count(*) FROM {table}")) == 0
        assert session.scalar(text("SELECT count(*) FROM alembic_version")) == 1


def test_delete_everything_leaves_a_therapists_records_alone(url: str) -> None:
    """On a shared server, one couple's "delete everything" must not reach therapists' data."""
    from assistant.homework.accounts import register_therapist

    with db.session_scope(url) as session:
        _fill(session)
        register_therapist(session, "t@example.org", "a long enough passphrase", "Dr T")
        repo.add_attempt(
            session,
            description="You forgot.",
            draft="I forgot. I'm sorry.",
            feedback={},
            passed=True,
            source="assignment",
            attempt_group="homework-1",
        )
    with db.session_scope(url) as session:
        repo.delete_everything(session)
    with db.session_scope(url) as session:
        assert session.scalar(text("SELECT count(*) FROM therapists")) == 1
        assert session.scalar(text("SELECT count(*) FROM practice_attempts")) == 1
        assert repo.list_attempts(session) == []  # the local history shows no homework
        assert len(repo.list_attempts(session, "homework-1")) == 1


# --- safety --------------------------------------------------------------------------------------

DANGER = "He has the car keys and says he will hurt me tonight."


@pytest.fixture
def urgent_screen(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The crisis screen, made to call DANGER urgent and everything else fine."""
    screened: list[str] = []

    def screen(text: str) -> SimpleNamespace:
        screened.append(text)
        return SimpleNamespace(level=CrisisLevel.URGENT if DANGER in text else CrisisLevel.NONE)

    monkeypatch.setattr(repo, "screen", screen)
    return screened


def _store_attempt_description(session: Session) -> None:
    _attempt(session, description=DANGER)


def _store_attempt_draft(session: Session) -> None:
    _attempt(session, draft=DANGER)


def _store_agreement(session: Session) -> None:
    repo.add_agreement(session, DANGER)


def _store_week_note(session: Session) -> None:
    agreement_id = session.scalars(select(Agreement.id)).one()
    repo.mark_week(session, agreement_id, MONDAY, kept=False, note=DANGER)


def _store_checkin_note(session: Session) -> None:
    repo.add_checkin(session, 2, DANGER)


@pytest.mark.parametrize(
    "store",
    [
        _store_attempt_description,
        _store_attempt_draft,
        _store_agreement,
        _store_week_note,
        _store_checkin_note,
    ],
)
def test_urgent_text_is_never_stored(url: str, urgent_screen: list[str], store: object) -> None:
    with db.session_scope(url) as session:
        repo.add_agreement(session, "Friday dinner without phones.")
    assert callable(store)
    with pytest.raises(repo.UrgentTextNotStored) as info, db.session_scope(url) as session:
        store(session)
    assert isinstance(info.value, HeardwellError)
    assert str(info.value) == (
        "This text was not saved because it may describe danger right now. "
        "The help card shows where to get help."
    )
    assert DANGER in urgent_screen
    _restart(url)
    with db.session_scope(url) as session:
        assert _count(session, PracticeAttempt) == 0
        assert _count(session, AgreementCheck) == 0
        assert _count(session, Checkin) == 0
        assert session.scalars(select(Agreement.text)).all() == ["Friday dinner without phones."]
    assert DANGER.encode() not in Path(url.removeprefix("sqlite:///")).read_bytes()


def test_every_typed_text_is_screened(session: Session, urgent_screen: list[str]) -> None:
    _attempt(session, description="You left me at the party.", draft="You felt alone.")
    agreement = repo.add_agreement(session, "I will stay with you at parties.")
    repo.mark_week(session, agreement.id, MONDAY, kept=True, note="We left together.")
    repo.add_checkin(session, 5, "Better.")
    assert urgent_screen == [
        "You left me at the party.",
        "You felt alone.",
        "I will stay with you at parties.",
        "We left together.",
        "Better.",
    ]


def test_a_failing_screen_stores_nothing(session: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(text: str) -> SimpleNamespace:
        raise TimeoutError("screen took too long")

    monkeypatch.setattr(repo, "screen", broken)
    with pytest.raises(repo.UrgentTextNotStored):
        repo.add_checkin(session, 5, "Better.")
    assert _count(session, Checkin) == 0
