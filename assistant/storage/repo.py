"""Reading and writing Heardwell's records. Every function takes the caller's ``Session``.

The caller owns the transaction (see ``db.session_scope``): these functions add, change and
flush, and never commit.

Defence in depth: text a person typed is screened for crisis language here too, even though the
pages screen it first. Urgent text is never stored (SAFETY.md), and if the screen itself fails,
nothing is stored either: the screen fails closed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, NamedTuple, Protocol, cast

from pydantic import BaseModel
from sqlalchemy import CursorResult, case, delete, func, select
from sqlalchemy.orm import Session

from assistant.errors import HeardwellError, InputError
from assistant.storage.models import (
    Agreement,
    AgreementCheck,
    AttemptSource,
    Checkin,
    PracticeAttempt,
    utcnow,
)
from guardrails.crisis import CrisisLevel, screen

SAFETY_MIN = 1
SAFETY_MAX = 10


class UrgentTextNotStored(HeardwellError):
    """Text that may describe danger right now is never written to the database."""

    def __init__(self) -> None:
        super().__init__(
            "This text was not saved because it may describe danger right now. "
            "The help card shows where to get help."
        )


class RecordNotFound(HeardwellError):
    """A record asked for by id is not there (deleted, or never saved)."""


def _refuse_urgent(*texts: str | None) -> None:
    """Raise ``UrgentTextNotStored`` if any text is urgent, or if the screen cannot decide."""
    for text in texts:
        if not text or not text.strip():
            continue
        try:
            urgent = screen(text).level is CrisisLevel.URGENT
        except Exception as exc:  # the screen fails closed: no decision means no storing
            raise UrgentTextNotStored() from exc
        if urgent:
            raise UrgentTextNotStored()


def _jsonable(value: BaseModel | Mapping[str, Any]) -> dict[str, Any]:
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    return dict(value)


def week_start_of(day: date) -> date:
    """The Monday of ``day``'s week."""
    return day - timedelta(days=day.weekday())


# --- practice attempts ---------------------------------------------------------------------------


def add_attempt(
    session: Session,
    *,
    description: str,
    draft: str,
    feedback: BaseModel | Mapping[str, Any],
    passed: bool,
    source: AttemptSource | str = AttemptSource.OWN,
    scenario_id: str | None = None,
    attempt_group: str | None = None,
    assignment_id: int | None = None,
) -> PracticeAttempt:
    """Save one practice attempt. Pass the ``attempt_group`` of an earlier try to link a revision;
    leave it out to start a new exercise. ``feedback`` is the practice module's result (a pydantic
    model or a JSON-ready mapping)."""
    source = AttemptSource(source)
    _refuse_urgent(description, draft)
    attempt = PracticeAttempt(
        description=description,
        draft=draft,
        feedback=_jsonable(feedback),
        passed=passed,
        source=source.value,
        scenario_id=scenario_id,
        assignment_id=assignment_id,
    )
    if attempt_group is not None:
        attempt.attempt_group = attempt_group
    session.add(attempt)
    session.flush()
    return attempt


def list_attempts(session: Session, group: str | None = None) -> list[PracticeAttempt]:
    """Attempts, oldest first; only one exercise's revisions when ``group`` is given.

    Without a group, only this couple's own practice: homework attempts made through a
    therapist's share code belong to that assignment, not to the local history.
    """
    query = select(PracticeAttempt).order_by(PracticeAttempt.created_at, PracticeAttempt.id)
    if group is not None:
        query = query.where(PracticeAttempt.attempt_group == group)
    else:
        query = query.where(PracticeAttempt.source != AttemptSource.ASSIGNMENT.value)
    return list(session.scalars(query))


@dataclass(frozen=True)
class AttemptGroup:
    """One exercise and how its revisions went."""

    group: str
    description: str  # what the first attempt responded to
    attempts: int
    passed: int
    latest_passed: bool
    first_at: datetime
    last_at: datetime


def attempt_groups(session: Session) -> list[AttemptGroup]:
    """Each exercise once, the most recently practised first."""
    by_group: dict[str, list[PracticeAttempt]] = {}
    for attempt in list_attempts(session):
        by_group.setdefault(attempt.attempt_group, []).append(attempt)
    groups = [
        AttemptGroup(
            group=group,
            description=tries[0].description,
            attempts=len(tries),
            passed=sum(t.passed for t in tries),
            latest_passed=tries[-1].passed,
            first_at=tries[0].created_at,
            last_at=tries[-1].created_at,
        )
        for group, tries in by_group.items()
    ]
    return sorted(groups, key=lambda g: g.last_at, reverse=True)


# --- agreements ----------------------------------------------------------------------------------


def add_agreement(
    session: Session, text: str, findings: Iterable[BaseModel | Mapping[str, Any]] = ()
) -> Agreement:
    """Save an agreement with the agreement checker's findings on it (possibly none)."""
    if not text.strip():
        raise InputError("An agreement needs a few words: write what you will do, and when.")
    _refuse_urgent(text)
    agreement = Agreement(text=text, checked_findings=[_jsonable(f) for f in findings])
    session.add(agreement)
    session.flush()
    return agreement


def list_agreements(session: Session, active_only: bool = True) -> list[Agreement]:
    """Agreements, oldest first."""
    query = select(Agreement).order_by(Agreement.created_at, Agreement.id)
    if active_only:
        query = query.where(Agreement.active.is_(True))
    return list(session.scalars(query))


def _agreement(session: Session, agreement_id: int) -> Agreement:
    agreement = session.get(Agreement, agreement_id)
    if agreement is None:
        raise RecordNotFound(
            f"There is no agreement {agreement_id}: it may have been deleted. Reload the page."
        )
    return agreement


def set_agreement_active(session: Session, agreement_id: int, active: bool) -> Agreement:
    """Retire an agreement (``active=False``) or bring it back. Its weekly history stays."""
    agreement = _agreement(session, agreement_id)
    agreement.active = active
    session.flush()
    return agreement


def mark_week(
    session: Session, agreement_id: int, week_start: date, kept: bool, note: str | None = None
) -> AgreementCheck:
    """Record whether an agreement was kept in a week; marking the same week again updates it.

    Any day of the week may be given: it is stored as that week's Monday.
    """
    _refuse_urgent(note)
    _agreement(session, agreement_id)
    monday = week_start_of(week_start)
    check = session.scalar(
        select(AgreementCheck).where(
            AgreementCheck.agreement_id == agreement_id, AgreementCheck.week_start == monday
        )
    )
    if check is None:
        check = AgreementCheck(agreement_id=agreement_id, week_start=monday)
        session.add(check)
    check.kept = kept
    check.note = note
    session.flush()
    return check


class WeekTally(NamedTuple):
    week_start: date
    kept: int
    missed: int


def follow_through(session: Session, agreement_id: int | None = None) -> list[WeekTally]:
    """Per week (oldest first): how many agreements were kept and how many missed.

    For one agreement, or across all of them (retired ones too: misses stay visible).
    """
    kept = func.sum(case((AgreementCheck.kept.is_(True), 1), else_=0))
    missed = func.sum(case((AgreementCheck.kept.is_(True), 0), else_=1))
    query = (
        select(AgreementCheck.week_start, kept, missed)
        .group_by(AgreementCheck.week_start)
        .order_by(AgreementCheck.week_start)
    )
    if agreement_id is not None:
        query = query.where(AgreementCheck.agreement_id == agreement_id)
    return [WeekTally(week, int(k), int(m)) for week, k, m in session.execute(query)]


# --- check-ins -----------------------------------------------------------------------------------


def add_checkin(session: Session, safety: int, note: str | None = None) -> Checkin:
    """Save how safe the hurt partner feels, from 1 (not at all) to 10 (completely)."""
    if isinstance(safety, bool) or not isinstance(safety, int):
        raise InputError(f"Safety is a whole number from {SAFETY_MIN} to {SAFETY_MAX}.")
    if not SAFETY_MIN <= safety <= SAFETY_MAX:
        raise InputError(
            f"Safety is a number from {SAFETY_MIN} to {SAFETY_MAX}; {safety} is outside it."
        )
    _refuse_urgent(note)
    checkin = Checkin(safety=safety, note=note)
    session.add(checkin)
    session.flush()
    return checkin


def list_checkins(session: Session) -> list[Checkin]:
    """Check-ins, oldest first."""
    return list(session.scalars(select(Checkin).order_by(Checkin.created_at, Checkin.id)))


class _Rated(Protocol):
    @property
    def created_at(self) -> datetime: ...

    @property
    def safety(self) -> int: ...


SAFE_ENOUGH = 8


def stalled(checkins: Sequence[_Rated], weeks: int = 3, *, now: datetime | None = None) -> bool:
    """Has the feeling of safety stopped growing? (Method step 6: then go back to steps 1-3.)

    The rule, over the last ``weeks`` weeks up to ``now`` (default: the current time):

    - The window is cut into ``weeks`` seven-day stretches counted back from ``now``.
    - Enough evidence: at least 3 check-ins in the window, at least one in the oldest stretch and
      one in the newest, so they span the whole time. Without that, the answer is ``False``.
    - Stalled: the average safety of the newest stretch is not above the oldest stretch's (flat
      or falling), unless the newest average is already ``SAFE_ENOUGH`` (8) or more.
    """
    if weeks < 2:
        raise ValueError("stalled() compares weeks with each other: give weeks >= 2.")
    now = now or utcnow()
    start = now - timedelta(weeks=weeks)
    in_window = [c for c in checkins if start <= c.created_at <= now]
    if len(in_window) < 3:
        return False
    stretch = timedelta(weeks=1)
    oldest = [c.safety for c in in_window if c.created_at < start + stretch]
    newest = [c.safety for c in in_window if c.created_at > now - stretch]
    if not oldest or not newest:
        return False
    newest_mean = sum(newest) / len(newest)
    oldest_mean = sum(oldest) / len(oldest)
    return newest_mean < SAFE_ENOUGH and newest_mean <= oldest_mean


# --- everything ----------------------------------------------------------------------------------


def delete_everything(session: Session) -> dict[str, int]:
    """Delete everything this couple keeps on the local pages: their own practice attempts,
    agreements (with their weeks) and check-ins. The schema stays, and so do a therapist's
    accounts and assignments when the same database serves homework. Returns rows per table."""
    statements = {
        AgreementCheck.__tablename__: delete(AgreementCheck),
        Agreement.__tablename__: delete(Agreement),
        Checkin.__tablename__: delete(Checkin),
        PracticeAttempt.__tablename__: delete(PracticeAttempt).where(
            PracticeAttempt.source != AttemptSource.ASSIGNMENT.value
        ),
    }
    deleted: dict[str, int] = {}
    for name, statement in statements.items():
        result = cast("CursorResult[Any]", session.execute(statement))
        deleted[name] = result.rowcount
    session.expire_all()
    return deleted
