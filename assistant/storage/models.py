"""The tables Heardwell keeps on this device (SQLite) or on a server (PostgreSQL).

Only portable column types are used, so the same models and migrations run on both. Times are
stored as UTC and always come back timezone-aware, even from SQLite, which keeps no zone.

Later issues (therapist accounts, assignments, share codes, submissions) add tables and columns in
new migrations; ``practice_attempts.assignment_id`` is already here, nullable and without a foreign
key, so homework attempts can be linked once the ``assignments`` table exists.

The homework tables (migration 0002) are at the end of this module. ``practice_attempts`` is left
as it was: ``assignment_id`` stays a plain integer, and a partner's homework attempts are told
apart by their ``attempt_group`` (see ``assistant.homework.partner``).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Any, ClassVar
from uuid import uuid4

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Dialect,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

# Named constraints, so later migrations can alter or drop them by name on PostgreSQL and in
# SQLite's batch mode alike.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(UTC)


def new_group_id() -> str:
    """A fresh ``attempt_group``: the first attempt at an exercise starts one."""
    return uuid4().hex


class UTCDateTime(TypeDecorator[datetime]):
    """``DateTime(timezone=True)`` that stores UTC and reads back aware datetimes.

    PostgreSQL keeps the zone itself; SQLite returns naive values, which are UTC because this type
    converted them on the way in.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"Naive datetime {value!r}: give a timezone-aware time (UTC).")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        datetime: UTCDateTime(),
        dict[str, Any]: JSON(),
        list[dict[str, Any]]: JSON(),
    }


class AttemptSource(StrEnum):
    """Where the text a listener responded to came from."""

    OWN = "own"  # the couple's own description
    SCENARIO = "scenario"  # a built-in practice scenario
    ASSIGNMENT = "assignment"  # homework from a therapist (a later issue)


class PracticeAttempt(Base):
    """One try at responding to a description, with the practice module's feedback on it."""

    __tablename__ = "practice_attempts"
    __table_args__ = (
        CheckConstraint("source IN ('own', 'scenario', 'assignment')", name="source"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    scenario_id: Mapped[str | None] = mapped_column(String(64))
    source: Mapped[str] = mapped_column(String(16))
    description: Mapped[str] = mapped_column(Text)
    draft: Mapped[str] = mapped_column(Text)
    feedback: Mapped[dict[str, Any]] = mapped_column(default=dict)
    passed: Mapped[bool] = mapped_column(Boolean)
    # Revisions of the same exercise share a group, so progress across attempts is visible.
    attempt_group: Mapped[str] = mapped_column(String(36), default=new_group_id, index=True)
    # For the homework issue: becomes a foreign key when the assignments table exists.
    assignment_id: Mapped[int | None] = mapped_column(Integer, index=True)


class Agreement(Base):
    """A commitment the couple wrote together (method step 4), checked before it was saved."""

    __tablename__ = "agreements"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    text: Mapped[str] = mapped_column(Text)
    # The agreement checker's findings when it was saved (may be empty).
    checked_findings: Mapped[list[dict[str, Any]]] = mapped_column(default=list)
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    checks: Mapped[list[AgreementCheck]] = relationship(
        back_populates="agreement",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="AgreementCheck.week_start",
    )


class AgreementCheck(Base):
    """Whether an agreement was kept in one week. One row per agreement and week."""

    __tablename__ = "agreement_checks"
    __table_args__ = (UniqueConstraint("agreement_id", "week_start"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    agreement_id: Mapped[int] = mapped_column(
        ForeignKey("agreements.id", ondelete="CASCADE"), index=True
    )
    week_start: Mapped[date] = mapped_column(Date)  # the Monday of the week
    kept: Mapped[bool] = mapped_column(Boolean)
    note: Mapped[str | None] = mapped_column(Text)

    agreement: Mapped[Agreement] = relationship(back_populates="checks")


class Checkin(Base):
    """How safe the hurt partner feels right now, 1 (not at all) to 10 (completely)."""

    __tablename__ = "checkins"
    __table_args__ = (CheckConstraint("safety BETWEEN 1 AND 10", name="safety_range"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    safety: Mapped[int] = mapped_column(Integer)
    note: Mapped[str | None] = mapped_column(Text)


# --- therapist homework --------------------------------------------------------------------------
# A therapist signs in, gives a couple an exercise, and each partner opens it with a share code.
# Secrets (passwords, session tokens, link tokens, short codes) are stored only as hashes.


class Exercise(StrEnum):
    """The exercises a therapist can assign (the method's steps, or free practice)."""

    UNDERSTAND = "understand"
    ACKNOWLEDGE = "acknowledge"  # acknowledge feelings
    APOLOGIZE = "apologize"
    AGREEMENT = "agreement"
    FREE = "free"  # free practice


class AuthKind(StrEnum):
    """What an entry in ``auth_attempts`` counts against."""

    SIGNIN = "signin"  # a failed therapist sign-in
    CODE = "code"  # a failed partner link or short code


class Therapist(Base):
    """A therapist's account. The email is kept lower-cased; the password as an argon2 hash."""

    __tablename__ = "therapists"
    __table_args__ = (CheckConstraint("email = lower(email)", name="email_lower"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    display_name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class TherapistSession(Base):
    """A signed-in browser: the token's SHA-256, never the token itself."""

    __tablename__ = "therapist_sessions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    therapist_id: Mapped[int] = mapped_column(
        ForeignKey("therapists.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column()
    revoked: Mapped[bool] = mapped_column(Boolean, default=False)


class Couple(Base):
    """A couple a therapist works with, under a label or pseudonym (no real names needed)."""

    __tablename__ = "couples"
    __table_args__ = (UniqueConstraint("therapist_id", "label"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    therapist_id: Mapped[int] = mapped_column(ForeignKey("therapists.id"), index=True)
    label: Mapped[str] = mapped_column(String(120))


class Assignment(Base):
    """One exercise given to a couple: a scenario or their own situation, and instructions."""

    __tablename__ = "assignments"
    __table_args__ = (
        CheckConstraint(
            "exercise IN ('understand', 'acknowledge', 'apologize', 'agreement', 'free')",
            name="exercise",
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    couple_id: Mapped[int] = mapped_column(ForeignKey("couples.id", ondelete="CASCADE"), index=True)
    exercise: Mapped[str] = mapped_column(String(16))
    scenario_text: Mapped[str | None] = mapped_column(Text)
    use_own_situation: Mapped[bool] = mapped_column(Boolean, default=False)
    instructions: Mapped[str] = mapped_column(Text, default="")
    due_date: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ShareCode(Base):
    """How one partner opens an assignment: a link token and a short typed code, both hashed.

    ``link_token_hash`` is the SHA-256 of a 192-bit random token; ``short_code_hash`` is an
    HMAC-SHA256 of the 8-character code, keyed with the server's secret (the code alone is only
    40 bits, so a plain hash of it could be reversed by trying them all).
    """

    __tablename__ = "share_codes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    assignment_id: Mapped[int] = mapped_column(
        ForeignKey("assignments.id", ondelete="CASCADE"), index=True
    )
    partner_label: Mapped[str] = mapped_column(String(40))
    link_token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    short_code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime | None] = mapped_column()
    revoked_at: Mapped[datetime | None] = mapped_column()


class Submission(Base):
    """A practice attempt a partner chose to send to the therapist, copied at that moment.

    When the crisis screen found urgent text in it, ``crisis_marker`` is true and the text fields
    are empty: the therapist learns that a crisis screen fired, never what was written.
    """

    __tablename__ = "submissions"
    __table_args__ = (UniqueConstraint("share_code_id", "attempt_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    share_code_id: Mapped[int] = mapped_column(
        ForeignKey("share_codes.id", ondelete="CASCADE"), index=True
    )
    attempt_id: Mapped[int | None] = mapped_column(
        ForeignKey("practice_attempts.id", ondelete="SET NULL"), index=True
    )
    submitted_at: Mapped[datetime] = mapped_column(default=utcnow)
    description: Mapped[str] = mapped_column(Text, default="")
    draft: Mapped[str] = mapped_column(Text, default="")
    feedback: Mapped[dict[str, Any]] = mapped_column(default=dict)
    passed: Mapped[bool] = mapped_column(Boolean, default=False)
    crisis_marker: Mapped[bool] = mapped_column(Boolean, default=False)
    reviewed_at: Mapped[datetime | None] = mapped_column()


class Comment(Base):
    """A therapist's comment on an assignment, or on one submission in it."""

    __tablename__ = "comments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    assignment_id: Mapped[int] = mapped_column(
        ForeignKey("assignments.id", ondelete="CASCADE"), index=True
    )
    submission_id: Mapped[int | None] = mapped_column(
        ForeignKey("submissions.id", ondelete="CASCADE"), index=True
    )
    therapist_id: Mapped[int] = mapped_column(ForeignKey("therapists.id", ondelete="CASCADE"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class AuthAttempt(Base):
    """A failed sign-in or code entry, for rate limits shared by every app instance.

    ``key_hash`` is an HMAC of what was limited (an email, a client key), so the table holds no
    email addresses or IPs in the clear.
    """

    __tablename__ = "auth_attempts"
    __table_args__ = (CheckConstraint("kind IN ('signin', 'code')", name="kind"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key_hash: Mapped[str] = mapped_column(String(64), index=True)
    kind: Mapped[str] = mapped_column(String(8))
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
