"""The therapist's side of a submission: read it with its rubric and findings, comment on it,
mark it reviewed. Every function checks that the assignment is the therapist's own."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from assistant.homework._common import CRISIS_MARKER, clean
from assistant.homework.errors import NotAllowed
from assistant.homework.ownership import owned_assignment, owned_submission
from assistant.storage.models import Comment, ShareCode, Submission, Therapist, utcnow

_log = logging.getLogger(__name__)

MAX_COMMENT = 5000


@dataclass(frozen=True)
class RubricLine:
    key: str
    label: str
    passed: bool
    message: str


@dataclass(frozen=True)
class FindingLine:
    category: str
    text: str  # the highlighted words of the draft
    reason: str


@dataclass(frozen=True)
class SubmissionView:
    """A submission as the therapist reads it. For a crisis marker, ``description`` and
    ``draft`` are empty and ``marker`` says what happened."""

    id: int
    assignment_id: int
    partner_label: str
    submitted_at: datetime
    passed: bool
    description: str
    draft: str
    rubric: tuple[RubricLine, ...]
    findings: tuple[FindingLine, ...]
    summary: str
    marker: str | None
    reviewed_at: datetime | None

    @property
    def finding_categories(self) -> list[str]:
        return sorted({f.category for f in self.findings})


def _view(submission: Submission, share: ShareCode) -> SubmissionView:
    feedback: dict[str, Any] = submission.feedback or {}
    rubric = tuple(
        RubricLine(
            str(item.get("key", "")),
            str(item.get("label", "")),
            bool(item.get("passed")),
            str(item.get("message", "")),
        )
        for item in feedback.get("items", [])
    )
    findings = tuple(
        FindingLine(
            str(f.get("category", "")),
            str((f.get("span") or {}).get("text", "")),
            str(f.get("reason", "")),
        )
        for f in feedback.get("findings", [])
    )
    return SubmissionView(
        id=submission.id,
        assignment_id=share.assignment_id,
        partner_label=share.partner_label,
        submitted_at=submission.submitted_at,
        passed=submission.passed,
        description=submission.description,
        draft=submission.draft,
        rubric=rubric,
        findings=findings,
        summary=str(feedback.get("summary", "")),
        marker=CRISIS_MARKER if submission.crisis_marker else None,
        reviewed_at=submission.reviewed_at,
    )


def list_submissions(
    session: Session, therapist: Therapist, assignment_id: int
) -> list[SubmissionView]:
    """What the partners sent for one of the therapist's assignments, oldest first."""
    owned_assignment(session, therapist, assignment_id)
    rows = session.execute(
        select(Submission, ShareCode)
        .join(ShareCode, ShareCode.id == Submission.share_code_id)
        .where(ShareCode.assignment_id == assignment_id)
        .order_by(Submission.submitted_at, Submission.id)
    )
    return [_view(submission, share) for submission, share in rows]


def add_comment(
    session: Session,
    therapist: Therapist,
    assignment_id: int,
    body: str,
    submission_id: int | None = None,
) -> Comment:
    """Comment on an assignment (both partners read it) or on one submission (its partner does).

    Therapists' words are not crisis-screened: a clinician writing about risk is part of the
    record, not a person in danger.
    """
    owned_assignment(session, therapist, assignment_id)
    if submission_id is not None:
        submission = owned_submission(session, therapist, submission_id)
        share = session.get_one(ShareCode, submission.share_code_id)
        if share.assignment_id != assignment_id:
            raise NotAllowed()
    comment = Comment(
        assignment_id=assignment_id,
        submission_id=submission_id,
        therapist_id=therapist.id,
        body=clean(body, "The comment", MAX_COMMENT),
    )
    session.add(comment)
    session.flush()
    _log.info("comment %d added to assignment %d", comment.id, assignment_id)
    return comment


def list_comments(session: Session, therapist: Therapist, assignment_id: int) -> list[Comment]:
    """All comments on one of the therapist's assignments, oldest first."""
    owned_assignment(session, therapist, assignment_id)
    return list(
        session.scalars(
            select(Comment)
            .where(Comment.assignment_id == assignment_id)
            .order_by(Comment.created_at, Comment.id)
        )
    )


def mark_reviewed(
    session: Session, therapist: Therapist, submission_id: int, reviewed: bool = True
) -> Submission:
    """Mark a submission reviewed (or not, with ``reviewed=False``)."""
    submission = owned_submission(session, therapist, submission_id)
    submission.reviewed_at = utcnow() if reviewed else None
    session.flush()
    return submission
