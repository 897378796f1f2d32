"""Couples, assignments, and the share link and short code each partner gets.

A link token is ``secrets.token_urlsafe(24)`` (192 bits); a short code is 8 characters from an
alphabet without 0/O or 1/I (40 bits, so typed codes are rate-limited). Both are returned once,
by :func:`create_assignment` or :func:`reissue_code`; the database keeps only their hashes.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from urllib.parse import urlencode

from sqlalchemy import select
from sqlalchemy.orm import Session

from assistant.errors import InputError
from assistant.homework._common import clean, is_urgent
from assistant.homework.ownership import owned_assignment, owned_couple, owned_share_code
from assistant.homework.secret import keyed_hash, token_hash
from assistant.storage.models import Assignment, Couple, Exercise, ShareCode, Therapist, utcnow

_log = logging.getLogger(__name__)

CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
CODE_LENGTH = 8
LINK_PARAMETER = "join"
PARTNERS = ("Partner A", "Partner B")


@dataclass(frozen=True)
class NewShareCode:
    """What to give one partner. The plaintext exists only here: show it, then forget it."""

    share_code_id: int
    partner_label: str
    link_token: str
    short_code: str  # shown as "ABCD-EFGH"; typed with or without the dash, any case


@dataclass(frozen=True)
class NewAssignment:
    assignment: Assignment
    codes: tuple[NewShareCode, ...]


def short_code_hash(code: str) -> str | None:
    """The stored form of a typed short code, or ``None`` if it cannot be one."""
    normal = "".join(ch for ch in code.upper() if ch.isalnum())
    if len(normal) != CODE_LENGTH or any(ch not in CODE_ALPHABET for ch in normal):
        return None
    return keyed_hash("short-code", normal)


def share_link(base_url: str, link_token: str) -> str:
    """The partner's link: the app's address with only the token in it, nothing else."""
    return f"{base_url.rstrip('/')}/?{urlencode({LINK_PARAMETER: link_token})}"


def create_couple(session: Session, therapist: Therapist, label: str) -> Couple:
    """A couple under a label or pseudonym of the therapist's choosing (no real names needed)."""
    text = clean(label, "The couple's label", 120)
    taken = session.scalar(
        select(Couple.id).where(Couple.therapist_id == therapist.id, Couple.label == text)
    )
    if taken is not None:
        raise InputError(f"You already have a couple labelled {text!r}: choose another label.")
    couple = Couple(therapist_id=therapist.id, label=text)
    session.add(couple)
    session.flush()
    return couple


def list_couples(session: Session, therapist: Therapist) -> list[Couple]:
    """The therapist's own couples, by label."""
    return list(
        session.scalars(
            select(Couple).where(Couple.therapist_id == therapist.id).order_by(Couple.label)
        )
    )


def create_assignment(
    session: Session,
    therapist: Therapist,
    couple_id: int,
    exercise: Exercise | str,
    *,
    instructions: str = "",
    scenario_text: str | None = None,
    use_own_situation: bool = False,
    due_date: date | None = None,
    codes_expire_at: datetime | None = None,
    partner_labels: Sequence[str] = PARTNERS,
) -> NewAssignment:
    """Assign an exercise to one of the therapist's couples, with a link and a code per partner.

    Give either ``scenario_text`` or ``use_own_situation=True``. The returned codes hold the
    only copy of the link tokens and short codes.
    """
    couple = owned_couple(session, therapist, couple_id)
    try:
        kind = Exercise(exercise)
    except ValueError:
        choices = ", ".join(e.value for e in Exercise)
        raise InputError(f"Unknown exercise {exercise!r}: choose one of {choices}.") from None
    scenario = clean(scenario_text, "The scenario", 5000, required=False) or None
    if (scenario is None) == (not use_own_situation):
        raise InputError("Write a scenario, or choose 'use your own situation' (not both).")
    if is_urgent(scenario):
        raise InputError(
            "The crisis screen fired on this scenario, so it was not saved: choose a scenario "
            "without current danger for practice."
        )
    assignment = Assignment(
        couple_id=couple.id,
        exercise=kind.value,
        scenario_text=scenario,
        use_own_situation=use_own_situation,
        instructions=clean(instructions, "The instructions", 5000, required=False),
        due_date=due_date,
    )
    session.add(assignment)
    session.flush()
    codes = tuple(
        _new_code(session, assignment.id, label, codes_expire_at) for label in partner_labels
    )
    _log.info("assignment %d created with %d share codes", assignment.id, len(codes))
    return NewAssignment(assignment, codes)


def _new_code(
    session: Session, assignment_id: int, partner_label: str, expires_at: datetime | None
) -> NewShareCode:
    label = clean(partner_label, "The partner's label", 40)
    link_token = secrets.token_urlsafe(24)
    while True:  # 40 bits: a collision is rare, but the column is unique
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        code_hash = keyed_hash("short-code", code)
        if session.scalar(select(ShareCode.id).where(ShareCode.short_code_hash == code_hash)):
            continue
        break
    share = ShareCode(
        assignment_id=assignment_id,
        partner_label=label,
        link_token_hash=token_hash(link_token),
        short_code_hash=code_hash,
        expires_at=expires_at,
    )
    session.add(share)
    session.flush()
    return NewShareCode(share.id, label, link_token, f"{code[:4]}-{code[4:]}")


def list_assignments(
    session: Session, therapist: Therapist, couple_id: int | None = None
) -> list[Assignment]:
    """The therapist's own assignments (of one couple, if given), newest first."""
    query = (
        select(Assignment)
        .join(Couple, Couple.id == Assignment.couple_id)
        .where(Couple.therapist_id == therapist.id)
        .order_by(Assignment.created_at.desc(), Assignment.id.desc())
    )
    if couple_id is not None:
        owned_couple(session, therapist, couple_id)
        query = query.where(Assignment.couple_id == couple_id)
    return list(session.scalars(query))


def get_assignment(session: Session, therapist: Therapist, assignment_id: int) -> Assignment:
    """One of the therapist's assignments; ``NotAllowed`` for anyone else's or a missing one."""
    return owned_assignment(session, therapist, assignment_id)


def list_share_codes(session: Session, therapist: Therapist, assignment_id: int) -> list[ShareCode]:
    """The share codes of an assignment (their state, never their secrets)."""
    owned_assignment(session, therapist, assignment_id)
    return list(
        session.scalars(
            select(ShareCode).where(ShareCode.assignment_id == assignment_id).order_by(ShareCode.id)
        )
    )


def revoke_code(session: Session, therapist: Therapist, share_code_id: int) -> ShareCode:
    """Withdraw a partner's link and code at once. Revoking twice keeps the first time."""
    share = owned_share_code(session, therapist, share_code_id)
    if share.revoked_at is None:
        share.revoked_at = utcnow()
        session.flush()
        _log.info("share code %d revoked", share.id)
    return share


def set_code_expiry(
    session: Session, therapist: Therapist, share_code_id: int, expires_at: datetime | None
) -> ShareCode:
    """Make a partner's link and code stop working at ``expires_at`` (``None``: never)."""
    share = owned_share_code(session, therapist, share_code_id)
    share.expires_at = expires_at
    session.flush()
    return share


def reissue_code(session: Session, therapist: Therapist, share_code_id: int) -> NewShareCode:
    """Revoke a partner's link and code and give them new ones (e.g. after one leaked).

    Attempts made with the old code stay with it; submissions already sent stay visible.
    """
    old = revoke_code(session, therapist, share_code_id)
    expires = old.expires_at if old.expires_at and old.expires_at > utcnow() else None
    return _new_code(session, old.assignment_id, old.partner_label, expires)
