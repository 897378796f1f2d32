"""Shared by tests/test_homework.py (SQLite) and tests/test_homework_postgres.py: the settings a
homework test runs with, and the whole therapist-partner loop and access rules as functions that
take a database URL, so both databases run exactly the same checks."""

from __future__ import annotations

import csv
import io
import re
import zlib
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from uuid import uuid4

import pytest
from argon2 import PasswordHasher

from assistant.config import get_settings
from assistant.homework import accounts, assignments, export, partner, review, secret
from assistant.homework.assignments import NewAssignment
from assistant.homework.errors import NOT_ALLOWED, NoAccess, NotAllowed
from assistant.practice import ITEM_KEYS
from assistant.storage.db import session_scope

PASSWORD = "lantern orchard pebble 42"
DESCRIPTION = (
    "You promised to come to my sister's dinner and you cancelled an hour before. "
    "I sat there alone."
)
WEAK_DRAFT = "I'm sorry you felt that way, but I was exhausted from work."
GOOD_DRAFT = (
    "I cancelled on your sister's dinner an hour before, and you sat there alone. "
    "You felt abandoned and embarrassed, and that makes sense. I let you down."
)
COMMENT_ON_A = "Lovely second try: notice how naming the feeling changed it."
COMMENT_FOR_BOTH = "Bring these to Thursday's session."


def configure(monkeypatch: pytest.MonkeyPatch, data_dir: Path) -> None:
    """Settings for one test: its own data dir (so its own secret.key), and a cheap argon2.

    The production hasher (argon2id, library defaults) takes ~0.4 s per hash on a small CI
    machine; the tests use the same algorithm with small costs. test_homework checks the
    production parameters separately.
    """
    monkeypatch.setenv("HEARDWELL_DATA_DIR", str(data_dir))
    monkeypatch.delenv("HEARDWELL_SECRET_KEY", raising=False)
    monkeypatch.delenv("HEARDWELL_DATABASE_URL", raising=False)
    get_settings.cache_clear()
    secret._key_from_file.cache_clear()
    monkeypatch.setattr(
        accounts, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    )
    accounts._dummy_hash.cache_clear()


def unique_email(name: str = "therapist") -> str:
    return f"{name}.{uuid4().hex[:8]}@clinic.example"


def new_therapist(url: str, email: str | None = None, name: str = "Dr Rowan") -> tuple[str, str]:
    """Register and sign in; returns (email, session token)."""
    email = email or unique_email()
    with session_scope(url) as session:
        accounts.register_therapist(session, email, PASSWORD, name)
    with session_scope(url) as session:
        token = accounts.sign_in(session, email, PASSWORD, client_key=f"ip-{uuid4().hex}")
    return email, token


def new_assignment(url: str, token: str, label: str | None = None) -> NewAssignment:
    """A couple and an 'apologize' assignment on the dinner scenario, for a signed-in therapist."""
    with session_scope(url) as session:
        me = accounts.current_therapist(session, token)
        couple = assignments.create_couple(session, me, label or f"Couple {uuid4().hex[:6]}")
        return assignments.create_assignment(
            session,
            me,
            couple.id,
            "apologize",
            scenario_text=DESCRIPTION,
            instructions="Try it twice; send the attempt you like best.",
            due_date=date(2026, 12, 5),
        )


def pdf_text(data: bytes) -> str:
    """The text drawn in a PDF made by fpdf2 with a core font: its streams, inflated."""
    chunks = []
    # The end-of-line before "endstream" is left on the stream: compressed bytes may themselves
    # end in "\r", and decompressobj ignores whatever follows the end of the compressed data.
    for stream in re.findall(rb"stream\r?\n(.*?)endstream", data, re.DOTALL):
        try:
            chunks.append(zlib.decompressobj().decompress(stream).decode("latin-1"))
        except zlib.error:
            chunks.append(stream.decode("latin-1"))
    return "".join(chunks)


@dataclass
class Loop:
    """What the whole loop made, for tests that look further (the logs, the database file)."""

    email: str
    token: str
    label: str
    assignment_id: int
    couple_id: int
    link_tokens: tuple[str, str]
    short_codes: tuple[str, str]
    texts: tuple[str, ...]


def core_loop(url: str) -> Loop:
    """Register, sign in, assign, both partners open it, practise, submit, review, comment,
    mark reviewed, the partner reads the comment, export all three formats."""
    label = f"Couple Birch {uuid4().hex[:6]}"
    email, token = new_therapist(url)
    new = new_assignment(url, token, label)
    code_a, code_b = new.codes
    assert (code_a.partner_label, code_b.partner_label) == ("Partner A", "Partner B")
    assert len(code_a.link_token) == 32 and re.fullmatch(
        r"[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}", code_a.short_code
    )

    with session_scope(url) as session:
        a = partner.open_by_link(session, code_a.link_token, "browser-a")
        b = partner.open_by_code(session, code_b.short_code.lower().replace("-", " "), "browser-b")
    assert a.assignment_id == b.assignment_id == new.assignment.id
    assert (a.partner_label, b.partner_label, a.scenario_text) == (
        "Partner A",
        "Partner B",
        DESCRIPTION,
    )

    with session_scope(url) as session:
        first = partner.practise(session, a, WEAK_DRAFT)
        second = partner.practise(session, a, GOOD_DRAFT)
        partner.practise(session, b, GOOD_DRAFT)  # B practises but submits nothing
    assert first.attempt is not None and second.attempt is not None
    assert not first.feedback.passed and second.feedback.passed
    with session_scope(url) as session:
        assert [t.id for t in partner.my_attempts(session, a)] == [
            first.attempt.id,
            second.attempt.id,
        ]
        partner.submit(session, a, first.attempt.id)
        partner.submit(session, a, second.attempt.id)

    with session_scope(url) as session:
        me = accounts.current_therapist(session, token)
        views = review.list_submissions(session, me, new.assignment.id)
        assert [v.partner_label for v in views] == ["Partner A", "Partner A"]
        weak, good = views
        assert [r.key for r in weak.rubric] == list(ITEM_KEYS)
        assert not weak.passed and good.passed
        assert {"excuse", "non_apology"} <= set(weak.finding_categories)
        assert good.finding_categories == [] and good.draft == GOOD_DRAFT
        assert weak.submitted_at.tzinfo is not None and weak.marker is None
        review.add_comment(session, me, new.assignment.id, COMMENT_ON_A, submission_id=good.id)
        review.add_comment(session, me, new.assignment.id, COMMENT_FOR_BOTH)
        review.mark_reviewed(session, me, good.id)

    with session_scope(url) as session:
        assert [c.body for c in partner.comments_for(session, a)] == [
            COMMENT_ON_A,
            COMMENT_FOR_BOTH,
        ]
        assert [c.body for c in partner.comments_for(session, b)] == [COMMENT_FOR_BOTH]
        mine = partner.my_submissions(session, a)
        assert [s.reviewed_at is not None for s in mine] == [False, True]
        assert partner.my_submissions(session, b) == []

    with session_scope(url) as session:
        me = accounts.current_therapist(session, token)
        md = export.export_assignment(session, me, new.assignment.id, "md")
        table = export.export_assignment(session, me, new.assignment.id, "csv")
        pdf = export.export_couple(session, me, new.assignment.couple_id, "pdf")
    markdown = md.data.decode()
    assert f"# Heardwell homework: {label}" in markdown
    assert "> " + GOOD_DRAFT in markdown and COMMENT_ON_A in markdown
    assert md.filename == f"heardwell-assignment-{new.assignment.id}.md"
    rows = list(csv.DictReader(io.StringIO(table.data.decode())))
    assert [(r["partner"], r["passed"], r["restated"]) for r in rows] == [
        ("Partner A", "False", "False"),
        ("Partner A", "True", "True"),
    ]
    assert rows[0]["findings"] == "excuse;non_apology" and rows[1]["draft"] == GOOD_DRAFT
    assert rows[1]["reviewed_at"] and not rows[0]["reviewed_at"]
    assert pdf.data.startswith(b"%PDF") and pdf.mime == "application/pdf"
    assert label in pdf_text(pdf.data)
    return Loop(
        email=email,
        token=token,
        label=label,
        assignment_id=new.assignment.id,
        couple_id=new.assignment.couple_id,
        link_tokens=(code_a.link_token, code_b.link_token),
        short_codes=(code_a.short_code, code_b.short_code),
        texts=(DESCRIPTION, WEAK_DRAFT, GOOD_DRAFT, COMMENT_ON_A, COMMENT_FOR_BOTH),
    )


def _refused(call: object, *args: object, **kwargs: object) -> None:
    assert callable(call)
    with pytest.raises(NotAllowed) as info:
        call(*args, **kwargs)
    assert str(info.value) == NOT_ALLOWED


def access_rules(url: str) -> None:
    """Therapist B and partners of assignment 1 try to reach what is not theirs; a missing
    record is refused with the very same message as someone else's."""
    _, token_a = new_therapist(url, name="Dr A")
    _, token_b = new_therapist(url, name="Dr B")
    first = new_assignment(url, token_a)
    second = new_assignment(url, token_a)
    with session_scope(url) as session:
        p1 = partner.open_by_link(session, first.codes[0].link_token, "browser-1")
        p2 = partner.open_by_link(session, second.codes[0].link_token, "browser-2")
        p2_other = partner.open_by_link(session, second.codes[1].link_token, "browser-3")
        mine = partner.practise(session, p2, GOOD_DRAFT).attempt
        theirs = partner.practise(session, p2_other, GOOD_DRAFT).attempt
        assert mine is not None and theirs is not None
        submitted = partner.submit(session, p2, mine.id)
        assert p1.assignment_id == first.assignment.id != p2.assignment_id
    with session_scope(url) as session:
        # A partner with assignment 1's code reaches nothing of assignment 2, nor the other
        # partner's attempts in their own assignment.
        _refused(partner.submit, session, p1, mine.id)
        _refused(partner.submit, session, p2, theirs.id)
        forged = partner.PartnerAccess(**{**vars(p1), "assignment_id": second.assignment.id})
        with pytest.raises(NoAccess):
            partner.comments_for(session, forged)
        with pytest.raises(NoAccess):
            partner.my_submissions(session, forged)
        assert partner.my_submissions(session, p1) == []

        dr_a = accounts.current_therapist(session, token_a)
        dr_b = accounts.current_therapist(session, token_b)
        assert assignments.list_assignments(session, dr_b) == []
        assert assignments.list_couples(session, dr_b) == []
        assert {x.id for x in assignments.list_assignments(session, dr_a)} >= {
            first.assignment.id,
            second.assignment.id,
        }
        aid, cid, sid = second.assignment.id, second.assignment.couple_id, submitted.id
        code_id = second.codes[0].share_code_id
        missing = 10**9
        for target in (aid, missing):
            _refused(assignments.get_assignment, session, dr_b, target)
            _refused(review.list_submissions, session, dr_b, target)
            _refused(review.list_comments, session, dr_b, target)
            _refused(review.add_comment, session, dr_b, target, "Mine now.")
            _refused(assignments.list_share_codes, session, dr_b, target)
            for fmt in ("md", "csv", "pdf"):
                _refused(export.export_assignment, session, dr_b, target, fmt)
        for target in (cid, missing):
            _refused(
                assignments.create_assignment, session, dr_b, target, "free", use_own_situation=True
            )
            _refused(assignments.list_assignments, session, dr_b, target)
            _refused(export.export_couple, session, dr_b, target, "md")
        for target in (sid, missing):
            _refused(review.mark_reviewed, session, dr_b, target)
        for target in (code_id, missing):
            _refused(assignments.revoke_code, session, dr_b, target)
            _refused(assignments.reissue_code, session, dr_b, target)
            _refused(assignments.set_code_expiry, session, dr_b, target, None)
        # Dr A may not hang a comment for assignment 1 on assignment 2's submission.
        _refused(review.add_comment, session, dr_a, first.assignment.id, "x", sid)
    with session_scope(url) as session:
        dr_a = accounts.current_therapist(session, token_a)
        assert review.list_comments(session, dr_a, aid) == []
        assert review.list_submissions(session, dr_a, aid)[0].reviewed_at is None
        assert all(c.revoked_at is None for c in assignments.list_share_codes(session, dr_a, aid))
