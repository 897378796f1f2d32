"""The one place that decides what a therapist may open: each query joins up to the couple and
filters by the therapist, so another therapist's record and a missing one look the same."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from assistant.homework.errors import NotAllowed
from assistant.storage.models import (
    Assignment,
    Couple,
    ShareCode,
    Submission,
    Therapist,
)


def owned_couple(session: Session, therapist: Therapist, couple_id: int) -> Couple:
    """The therapist's couple ``couple_id``, else ``NotAllowed``."""
    couple = session.scalar(
        select(Couple).where(Couple.id == couple_id, Couple.therapist_id == therapist.id)
    )
    if couple is None:
        raise NotAllowed()
    return couple


def owned_assignment(session: Session, therapist: Therapist, assignment_id: int) -> Assignment:
    """The therapist's assignment ``assignment_id``, else ``NotAllowed``."""
    assignment = session.scalar(
        select(Assignment)
        .join(Couple, Couple.id == Assignment.couple_id)
        .where(Assignment.id == assignment_id, Couple.therapist_id == therapist.id)
    )
    if assignment is None:
        raise NotAllowed()
    return assignment


def owned_share_code(session: Session, therapist: Therapist, share_code_id: int) -> ShareCode:
    """A share code of one of the therapist's assignments, else ``NotAllowed``."""
    code = session.scalar(
        select(ShareCode)
        .join(Assignment, Assignment.id == ShareCode.assignment_id)
        .join(Couple, Couple.id == Assignment.couple_id)
        .where(ShareCode.id == share_code_id, Couple.therapist_id == therapist.id)
    )
    if code is None:
        raise NotAllowed()
    return code


def owned_submission(session: Session, therapist: Therapist, submission_id: int) -> Submission:
    """A submission to one of the therapist's assignments, else ``NotAllowed``."""
    submission = session.scalar(
        select(Submission)
        .join(ShareCode, ShareCode.id == Submission.share_code_id)
        .join(Assignment, Assignment.id == ShareCode.assignment_id)
        .join(Couple, Couple.id == Assignment.couple_id)
        .where(Submission.id == submission_id, Couple.therapist_id == therapist.id)
    )
    if submission is None:
        raise NotAllowed()
    return submission
