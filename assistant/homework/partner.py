"""What a partner (no account) can do: open one assignment by link or code, practise, submit.

A :class:`PartnerAccess` reaches one assignment and nothing else, and every function here checks
again that its code is still active, so a revoked or expired code stops working at once.

A partner's attempts at an assignment share the ``attempt_group`` ``homework-<share_code_id>``:
``practice_attempts`` has no partner column, and this is how :func:`submit` knows an attempt is
this partner's own (not the other partner's, not someone else's).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from assistant.errors import InputError
from assistant.homework import ratelimit
from assistant.homework._common import is_urgent
from assistant.homework.assignments import short_code_hash
from assistant.homework.errors import NoAccess, NotAllowed
from assistant.homework.secret import token_hash
from assistant.practice import PracticeFeedback, practice_feedback
from assistant.storage import repo
from assistant.storage.models import (
    Assignment,
    AttemptSource,
    AuthKind,
    Comment,
    PracticeAttempt,
    ShareCode,
    Submission,
    utcnow,
)

_log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PartnerAccess:
    """One partner's view of one assignment. Keep it in the page's session state."""

    share_code_id: int
    assignment_id: int
    partner_label: str
    exercise: str
    scenario_text: str | None
    use_own_situation: bool
    instructions: str
    due_date: date | None

    @property
    def attempt_group(self) -> str:
        return f"homework-{self.share_code_id}"


@dataclass(frozen=True)
class Practised:
    """The feedback on a try, and the saved attempt (``None`` when the crisis screen fired)."""

    feedback: PracticeFeedback
    attempt: PracticeAttempt | None


def _limits(client_key: str, typed: bool) -> list[ratelimit.Limit]:
    if not client_key.strip():
        raise ValueError("client_key is required: pass the caller's IP or browser session id.")
    limits = [ratelimit.Limit(AuthKind.CODE, "client", client_key, ratelimit.CODE_PER_CLIENT)]
    if typed:
        limits.append(ratelimit.Limit(AuthKind.CODE, "all", "", ratelimit.CODES_EVERYWHERE))
    return limits


def _is_active(share: ShareCode) -> bool:
    return share.revoked_at is None and (share.expires_at is None or share.expires_at > utcnow())


def _open(
    session: Session, column_value: str | None, by_link: bool, limits: list[ratelimit.Limit]
) -> PartnerAccess:
    ratelimit.check(session, limits, "code")
    share = None
    if column_value is not None:
        column = ShareCode.link_token_hash if by_link else ShareCode.short_code_hash
        share = session.scalar(select(ShareCode).where(column == column_value))
    if share is None or not _is_active(share):
        ratelimit.record_failure(session, limits)
        _log.info("partner code refused")
        raise NoAccess()
    _log.info("share code %d opened", share.id)
    return _access(session, share)


def _access(session: Session, share: ShareCode) -> PartnerAccess:
    assignment = session.get_one(Assignment, share.assignment_id)
    return PartnerAccess(
        share_code_id=share.id,
        assignment_id=assignment.id,
        partner_label=share.partner_label,
        exercise=assignment.exercise,
        scenario_text=assignment.scenario_text,
        use_own_situation=assignment.use_own_situation,
        instructions=assignment.instructions,
        due_date=assignment.due_date,
    )


def open_by_link(session: Session, link_token: str, client_key: str) -> PartnerAccess:
    """Open the assignment a share link points to. ``client_key`` is the caller's IP or browser
    session id, for the rate limit. Raises ``NoAccess`` (wrong, revoked or expired: one message)
    or ``TooManyAttempts``; a failure is committed before it is raised."""
    value = token_hash(link_token.strip()) if link_token and link_token.strip() else None
    return _open(session, value, True, _limits(client_key, typed=False))


def open_by_code(session: Session, code: str, client_key: str) -> PartnerAccess:
    """Open the assignment a typed short code belongs to ("ABCD-EFGH", any case, dash optional).
    Same errors and rate limit as :func:`open_by_link`, plus a limit across all clients."""
    return _open(session, short_code_hash(code or ""), False, _limits(client_key, typed=True))


def refresh(session: Session, access: PartnerAccess) -> PartnerAccess:
    """Check that the code is still active (call it on every page); ``NoAccess`` if not."""
    share = session.get(ShareCode, access.share_code_id)
    if share is None or not _is_active(share) or share.assignment_id != access.assignment_id:
        raise NoAccess()
    return _access(session, share)


def practise(
    session: Session, access: PartnerAccess, draft: str, description: str | None = None
) -> Practised:
    """Feedback on a partner's response, saved as this partner's attempt at the assignment.

    ``description`` is the partner's own situation; for a scenario assignment it defaults to the
    scenario. When the crisis screen fires, nothing is saved and the feedback says so.
    """
    refresh(session, access)
    text = description if description is not None else access.scenario_text
    if not text:
        raise InputError("Describe the situation you are responding to, then try again.")
    feedback = practice_feedback(text, draft)
    if feedback.crisis_level == "urgent":
        return Practised(feedback, None)
    attempt = repo.add_attempt(
        session,
        description=text,
        draft=draft,
        feedback=feedback,
        passed=feedback.passed,
        source=AttemptSource.ASSIGNMENT,
        attempt_group=access.attempt_group,
        assignment_id=access.assignment_id,
    )
    return Practised(feedback, attempt)


def my_attempts(session: Session, access: PartnerAccess) -> list[PracticeAttempt]:
    """This partner's attempts at the assignment, oldest first."""
    refresh(session, access)
    return repo.list_attempts(session, access.attempt_group)


def submit(session: Session, access: PartnerAccess, attempt_id: int) -> Submission:
    """Send one of this partner's attempts to the therapist (a copy, as it is now).

    If the crisis screen calls its text urgent, the submission is stored as a marker with no
    text, and the attempt itself is deleted: urgent text is never stored. Raises ``NotAllowed``
    for an attempt that is not this partner's, ``InputError`` if it was already submitted.
    """
    refresh(session, access)
    attempt = session.scalar(
        select(PracticeAttempt).where(
            PracticeAttempt.id == attempt_id,
            PracticeAttempt.attempt_group == access.attempt_group,
            PracticeAttempt.assignment_id == access.assignment_id,
        )
    )
    if attempt is None:
        raise NotAllowed()
    already = session.scalar(
        select(Submission.id).where(
            Submission.share_code_id == access.share_code_id, Submission.attempt_id == attempt.id
        )
    )
    if already is not None:
        raise InputError("You have sent this attempt already; your therapist can see it.")
    if is_urgent(attempt.description, attempt.draft):
        submission = Submission(share_code_id=access.share_code_id, crisis_marker=True)
        session.delete(attempt)
        _log.warning("submission for share code %d stored as a crisis marker", access.share_code_id)
    else:
        submission = Submission(
            share_code_id=access.share_code_id,
            attempt_id=attempt.id,
            description=attempt.description,
            draft=attempt.draft,
            feedback=dict(attempt.feedback),
            passed=attempt.passed,
        )
    session.add(submission)
    session.flush()
    return submission


def my_submissions(session: Session, access: PartnerAccess) -> list[Submission]:
    """What this partner has sent, oldest first (``reviewed_at``: the therapist has read it)."""
    refresh(session, access)
    return list(
        session.scalars(
            select(Submission)
            .where(Submission.share_code_id == access.share_code_id)
            .order_by(Submission.submitted_at, Submission.id)
        )
    )


def comments_for(session: Session, access: PartnerAccess) -> list[Comment]:
    """The therapist's comments this partner may read: those on the assignment as a whole and
    those on this partner's own submissions (not on the other partner's), oldest first."""
    refresh(session, access)
    own = select(Submission.id).where(Submission.share_code_id == access.share_code_id)
    return list(
        session.scalars(
            select(Comment)
            .where(
                Comment.assignment_id == access.assignment_id,
                or_(Comment.submission_id.is_(None), Comment.submission_id.in_(own)),
            )
            .order_by(Comment.created_at, Comment.id)
        )
    )
