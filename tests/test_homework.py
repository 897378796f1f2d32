"""Therapist homework on SQLite: the whole loop, then one test per security rule that tries to
break it. The same loop and access rules run on PostgreSQL in test_homework_postgres.py."""

from __future__ import annotations

import logging
import os
import stat
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Literal

import pytest
from argon2 import PasswordHasher, Type
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from assistant.config import get_settings
from assistant.errors import InputError
from assistant.homework import (
    _common,
    accounts,
    assignments,
    export,
    partner,
    ratelimit,
    review,
    secret,
)
from assistant.homework.errors import (
    NO_ACCESS,
    NoAccess,
    NotSignedIn,
    SecretKeyError,
    TooManyAttempts,
    WeakPassword,
    WrongCredentials,
)
from assistant.storage import db, repo
from assistant.storage.models import (
    Assignment,
    AuthAttempt,
    PracticeAttempt,
    ShareCode,
    Submission,
    Therapist,
    TherapistSession,
    utcnow,
)
from guardrails.crisis import CrisisLevel
from tests.homework_helpers import (
    DESCRIPTION,
    GOOD_DRAFT,
    PASSWORD,
    access_rules,
    configure,
    core_loop,
    new_assignment,
    new_therapist,
    pdf_text,
    unique_email,
)

PRODUCTION_HASHER = accounts._hasher  # before any test swaps in the cheap one
URGENT = "I want to kill myself tonight, I have the pills ready."


@pytest.fixture(autouse=True)
def settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    configure(monkeypatch, tmp_path / "data")
    yield
    get_settings.cache_clear()
    secret._key_from_file.cache_clear()


@pytest.fixture
def url(tmp_path: Path) -> Iterator[str]:
    url = f"sqlite:///{tmp_path / 'data' / 'heardwell.db'}"
    db.migrate(url)
    yield url
    db.get_engine(url).dispose()
    db._engine.cache_clear()


def stored_bytes(url: str) -> bytes:
    """Everything SQLite has on disk for this database: the file, its WAL and shared memory."""
    db.get_engine(url).dispose()
    path = Path(url.removeprefix("sqlite:///"))
    parts = [path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")]
    return b"".join(p.read_bytes() for p in parts if p.exists())


def sign_in(url: str, email: str, password: str, client: str = "10.0.0.1") -> str:
    with db.session_scope(url) as session:
        return accounts.sign_in(session, email, password, client_key=client)


# --- the whole loop ------------------------------------------------------------------------------


def test_whole_loop(url: str) -> None:
    core_loop(url)


def test_access_rules(url: str) -> None:
    access_rules(url)


# --- therapist passwords, sign-in and sessions ---------------------------------------------------


def test_password_is_argon2_and_the_plaintext_is_nowhere(url: str) -> None:
    _, token = new_therapist(url)
    with db.session_scope(url) as session:
        stored = session.scalars(select(Therapist.password_hash)).one()
        sessions = session.scalars(select(TherapistSession.token_hash)).all()
    assert stored.startswith("$argon2id$")
    assert sessions == [secret.token_hash(token)]
    on_disk = stored_bytes(url)
    assert PASSWORD.encode() not in on_disk
    assert token.encode() not in on_disk


def test_production_hasher_is_argon2id_with_the_library_defaults() -> None:
    default = PasswordHasher()
    assert PRODUCTION_HASHER.type is Type.ID
    assert (PRODUCTION_HASHER.time_cost, PRODUCTION_HASHER.memory_cost) == (
        default.time_cost,
        default.memory_cost,
    )


@pytest.mark.parametrize(
    "password", ["short pass", "a" * 20, "x" * 257, "dr.k@clinic.example"], ids=str.__len__
)
def test_password_policy(url: str, password: str) -> None:
    with pytest.raises(WeakPassword), db.session_scope(url) as session:
        accounts.register_therapist(session, "Dr.K@clinic.example", password, "Dr K")


def test_emails_are_lower_cased_and_unique(url: str) -> None:
    new_therapist(url, email="Dr.Mixed@Clinic.Example")
    with pytest.raises(InputError, match="sign in instead"), db.session_scope(url) as session:
        accounts.register_therapist(session, " dr.mixed@clinic.example ", PASSWORD, "Again")
    sign_in(url, "DR.MIXED@clinic.example", PASSWORD)
    with pytest.raises(IntegrityError), db.session_scope(url) as session:
        session.add(Therapist(email="Upper@X.example", display_name="x", password_hash="x"))
        session.flush()


def test_wrong_password_and_unknown_email_look_the_same(
    url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    email, _ = new_therapist(url)
    verified: list[str] = []

    class CountingHasher(PasswordHasher):
        def verify(self, hash: str | bytes, password: str | bytes) -> Literal[True]:
            verified.append(str(hash))
            return super().verify(hash, password)

    monkeypatch.setattr(
        accounts, "_hasher", CountingHasher(time_cost=1, memory_cost=1024, parallelism=1)
    )
    accounts._dummy_hash.cache_clear()
    errors = []
    for address in (email, unique_email("nobody")):
        with pytest.raises(WrongCredentials) as info:
            sign_in(url, address, "not the password at all")
        errors.append(str(info.value))
    assert errors[0] == errors[1]
    assert len(verified) == 2  # the unknown email paid for an argon2 check too
    assert all(h.startswith("$argon2id$") for h in verified)


def test_sixth_sign_in_is_refused_even_with_the_right_password(url: str) -> None:
    email, _ = new_therapist(url)
    for attempt in range(ratelimit.SIGNIN_PER_EMAIL):
        with pytest.raises(WrongCredentials):
            # a new client each time: the per-email limit is what stops this
            sign_in(url, email.upper(), f"wrong password {attempt}", client=f"ip-{attempt}")
    with pytest.raises(TooManyAttempts, match="Wait 15 minutes"):
        sign_in(url, email, PASSWORD, client="a-fresh-client")
    with db.session_scope(url) as session:  # the failures were kept although each call raised
        assert len(session.scalars(select(AuthAttempt)).all()) == 2 * ratelimit.SIGNIN_PER_EMAIL
        assert email.encode() not in b"".join(
            k.encode() for k in session.scalars(select(AuthAttempt.key_hash))
        )
        session.execute(update(AuthAttempt).values(at=utcnow() - timedelta(minutes=16)))
    assert sign_in(url, email, PASSWORD)  # the window has passed


def test_one_client_trying_many_emails_is_stopped(url: str) -> None:
    for n in range(ratelimit.SIGNIN_PER_CLIENT):
        with pytest.raises(WrongCredentials):
            sign_in(url, f"guess{n}@clinic.example", "some password here", client="203.0.113.9")
    email, _ = new_therapist(url)
    with pytest.raises(TooManyAttempts):
        sign_in(url, email, PASSWORD, client="203.0.113.9")
    assert sign_in(url, email, PASSWORD, client="198.51.100.1")


def test_expired_session_is_refused(url: str) -> None:
    _, token = new_therapist(url)
    with db.session_scope(url) as session:
        session.execute(update(TherapistSession).values(expires_at=utcnow() - timedelta(seconds=1)))
    with pytest.raises(NotSignedIn, match="Sign in again"), db.session_scope(url) as session:
        accounts.current_therapist(session, token)


def test_sessions_last_session_hours(url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HEARDWELL_SESSION_HOURS", "2")
    get_settings.cache_clear()
    before = utcnow()
    new_therapist(url)
    with db.session_scope(url) as session:
        expires = session.scalars(select(TherapistSession.expires_at)).one()
    assert timedelta(hours=2) <= expires - before < timedelta(hours=2, minutes=1)


def test_signed_out_and_unknown_sessions_are_refused(url: str) -> None:
    email, token = new_therapist(url)
    other = sign_in(url, email, PASSWORD)
    with db.session_scope(url) as session:
        accounts.sign_out(session, token)
    with db.session_scope(url) as session:
        for bad in (token, "", None, token[:-1] + ("A" if token[-1] != "A" else "B")):
            with pytest.raises(NotSignedIn):
                accounts.current_therapist(session, bad)
        me = accounts.current_therapist(session, other)
        assert accounts.sign_out_everywhere(session, me) == 1
    with pytest.raises(NotSignedIn), db.session_scope(url) as session:
        accounts.current_therapist(session, other)


# --- share codes ---------------------------------------------------------------------------------


def test_links_and_codes_are_stored_only_as_hashes(url: str) -> None:
    _, token = new_therapist(url)
    new = new_assignment(url, token)
    with db.session_scope(url) as session:
        rows = session.scalars(select(ShareCode).order_by(ShareCode.id)).all()
    for code, row in zip(new.codes, rows, strict=True):
        assert len(code.link_token) == 32  # token_urlsafe(24): 192 bits
        assert row.link_token_hash == secret.token_hash(code.link_token)
        assert row.short_code_hash == assignments.short_code_hash(code.short_code)
    on_disk = stored_bytes(url)
    for code in new.codes:
        for plain in (code.link_token, code.short_code, code.short_code.replace("-", "")):
            assert plain.encode() not in on_disk


def test_short_code_hashes_are_keyed_with_the_server_secret(
    url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, token = new_therapist(url)
    code = new_assignment(url, token).codes[0].short_code
    monkeypatch.setenv("HEARDWELL_SECRET_KEY", "another-server-key-" + "k" * 32)
    get_settings.cache_clear()
    with pytest.raises(NoAccess), db.session_scope(url) as session:
        partner.open_by_code(session, code, "browser")


def test_revoked_code_is_refused_at_once(url: str) -> None:
    _, token = new_therapist(url)
    new = new_assignment(url, token)
    a, b = new.codes
    with db.session_scope(url) as session:
        open_a = partner.open_by_link(session, a.link_token, "browser-a")
        attempt = partner.practise(session, open_a, GOOD_DRAFT).attempt
        assert attempt is not None
        me = accounts.current_therapist(session, token)
        assignments.revoke_code(session, me, a.share_code_id)
    with db.session_scope(url) as session:
        for opener, secret_value in (
            (partner.open_by_link, a.link_token),
            (partner.open_by_code, a.short_code),
        ):
            with pytest.raises(NoAccess) as info:
                opener(session, secret_value, "browser-a")
            assert str(info.value) == NO_ACCESS
        # A partner already inside loses access on the next action, too.
        for action, args in (
            (partner.submit, (attempt.id,)),
            (partner.practise, (GOOD_DRAFT,)),
            (partner.comments_for, ()),
            (partner.my_attempts, ()),
        ):
            with pytest.raises(NoAccess):
                action(session, open_a, *args)
        assert partner.open_by_link(session, b.link_token, "browser-b").partner_label == "Partner B"


def test_expired_code_is_refused_and_a_reissued_one_works(url: str) -> None:
    _, token = new_therapist(url)
    a = new_assignment(url, token).codes[0]
    with db.session_scope(url) as session:
        me = accounts.current_therapist(session, token)
        assignments.set_code_expiry(session, me, a.share_code_id, utcnow() - timedelta(minutes=1))
    with pytest.raises(NoAccess), db.session_scope(url) as session:
        partner.open_by_code(session, a.short_code, "browser")
    with db.session_scope(url) as session:
        me = accounts.current_therapist(session, token)
        fresh = assignments.reissue_code(session, me, a.share_code_id)
    assert fresh.partner_label == "Partner A" and fresh.link_token != a.link_token
    with db.session_scope(url) as session:
        assert partner.open_by_code(session, fresh.short_code, "browser").partner_label
    with pytest.raises(NoAccess), db.session_scope(url) as session:
        partner.open_by_link(session, a.link_token, "browser")


def test_code_guessing_is_rate_limited(url: str) -> None:
    _, token = new_therapist(url)
    real = new_assignment(url, token).codes[0]
    guesses = [f"ABCD-EF{c}{d}" for c in "GH" for d in "JKLMN"]
    for guess in guesses[: ratelimit.CODE_PER_CLIENT]:
        with pytest.raises(NoAccess), db.session_scope(url) as session:
            partner.open_by_code(session, guess, "198.51.100.7")
    for opener, value in (
        (partner.open_by_code, real.short_code),
        (partner.open_by_link, real.link_token),
    ):
        with pytest.raises(TooManyAttempts), db.session_scope(url) as session:
            opener(session, value, "198.51.100.7")
    with db.session_scope(url) as session:
        assert partner.open_by_code(session, real.short_code, "192.0.2.1").partner_label


def test_typed_codes_have_a_limit_across_all_clients(
    url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ratelimit, "CODES_EVERYWHERE", 3)
    _, token = new_therapist(url)
    real = new_assignment(url, token).codes[0]
    for n in range(3):
        with pytest.raises(NoAccess), db.session_scope(url) as session:
            partner.open_by_code(session, "ZZZZ-ZZZZ", f"botnet-{n}")
    with pytest.raises(TooManyAttempts), db.session_scope(url) as session:
        partner.open_by_code(session, real.short_code, "an-honest-partner")
    with db.session_scope(url) as session:  # the 192-bit link still works
        assert partner.open_by_link(session, real.link_token, "an-honest-partner").partner_label


def test_share_link_carries_only_the_token() -> None:
    token = "tok_" + "x" * 28
    assert assignments.share_link("https://app.example/", token) == (
        f"https://app.example/?join={token}"
    )


# --- the secret key ------------------------------------------------------------------------------


def test_secret_key_file_is_made_once_with_mode_0600(tmp_path: Path) -> None:
    first = secret.server_key()
    path = tmp_path / "data" / secret.KEY_FILE
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    secret._key_from_file.cache_clear()
    assert secret.server_key() == first and len(first) >= secret.MIN_KEY_CHARS
    assert not [p for p in path.parent.iterdir() if p.name.startswith(".secret")]


def test_secret_key_from_the_environment_wins(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HEARDWELL_SECRET_KEY", "s" * 40)
    get_settings.cache_clear()
    assert secret.server_key() == b"s" * 40
    assert not (tmp_path / "data" / secret.KEY_FILE).exists()


def test_a_key_file_others_can_read_is_refused(tmp_path: Path) -> None:
    secret.server_key()
    os.chmod(tmp_path / "data" / secret.KEY_FILE, 0o644)
    secret._key_from_file.cache_clear()
    with pytest.raises(SecretKeyError, match="chmod 600"):
        secret.server_key()


# --- crisis text ---------------------------------------------------------------------------------


def _attempt_the_screen_missed(url: str, link_token: str, text: str) -> int:
    """An attempt saved while the screen did not yet catch ``text`` (an older pattern file)."""
    calm = SimpleNamespace(level=CrisisLevel.NONE)
    with pytest.MonkeyPatch.context() as m:
        m.setattr(repo, "screen", lambda _text: calm)
        m.setattr("assistant.practice.screen", lambda _text: calm)
        with db.session_scope(url) as session:
            access = partner.open_by_link(session, link_token, "browser")
            attempt = partner.practise(session, access, text, description=DESCRIPTION).attempt
            assert attempt is not None
            return attempt.id


def test_urgent_submission_is_a_marker_without_text(url: str) -> None:
    _, token = new_therapist(url)
    new = new_assignment(url, token)
    attempt_id = _attempt_the_screen_missed(url, new.codes[0].link_token, URGENT)
    with db.session_scope(url) as session:
        access = partner.open_by_link(session, new.codes[0].link_token, "browser")
        submission = partner.submit(session, access, attempt_id)
        assert submission.crisis_marker and submission.draft == submission.description == ""
    with db.session_scope(url) as session:
        assert session.get(PracticeAttempt, attempt_id) is None  # the attempt went too
        me = accounts.current_therapist(session, token)
        (view,) = review.list_submissions(session, me, new.assignment.id)
        assert view.marker == _common.CRISIS_MARKER and view.draft == ""
        md = export.export_assignment(session, me, new.assignment.id, "md").data.decode()
        table = export.export_assignment(session, me, new.assignment.id, "csv").data.decode()
    assert _common.CRISIS_MARKER in md and "kill myself" not in md + table
    assert b"kill myself" not in stored_bytes(url)


def test_a_failing_screen_at_submission_stores_a_marker(
    url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, token = new_therapist(url)
    new = new_assignment(url, token)
    with db.session_scope(url) as session:
        access = partner.open_by_link(session, new.codes[0].link_token, "browser")
        attempt = partner.practise(session, access, GOOD_DRAFT).attempt
        assert attempt is not None

    def broken(text: str) -> None:
        raise TimeoutError("screen took too long")

    monkeypatch.setattr(_common, "screen", broken)
    with db.session_scope(url) as session:
        assert partner.submit(session, access, attempt.id).crisis_marker


def test_urgent_practice_is_not_saved(url: str) -> None:
    _, token = new_therapist(url)
    new = new_assignment(url, token)
    with db.session_scope(url) as session:
        access = partner.open_by_link(session, new.codes[0].link_token, "browser")
        practised = partner.practise(session, access, URGENT)
    assert practised.attempt is None and practised.feedback.crisis_level == "urgent"
    assert b"kill myself" not in stored_bytes(url)


# --- logs, exports, inputs -----------------------------------------------------------------------


def test_no_secrets_or_personal_text_in_the_logs(
    url: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)  # every logger: ours, the guardrails', SQLAlchemy's, argon2's
    loop = core_loop(url)
    with pytest.raises(WrongCredentials):
        sign_in(url, loop.email, "a wrong password, logged?")
    with pytest.raises(NoAccess), db.session_scope(url) as session:
        partner.open_by_code(session, "WXYZ-WXYZ", "browser")
    logged = "\n".join(f"{r.name} {r.getMessage()}" for r in caplog.records)
    assert "signed in" in logged and "share code" in logged  # the logs do say what happened
    sensitive = [
        PASSWORD,
        "a wrong password",
        loop.email,
        loop.label,
        loop.token,
        "WXYZ",
        *loop.link_tokens,
        *loop.short_codes,
        *(text[:30] for text in loop.texts),
    ]
    for value in sensitive:
        assert value not in logged, value


def test_csv_cells_cannot_run_as_formulas(url: str) -> None:
    _, token = new_therapist(url)
    new = new_assignment(url, token)
    with db.session_scope(url) as session:
        access = partner.open_by_link(session, new.codes[0].link_token, "browser")
        draft = '=HYPERLINK("http://evil.example","x") ' + GOOD_DRAFT
        attempt = partner.practise(session, access, draft).attempt
        assert attempt is not None
        partner.submit(session, access, attempt.id)
    with db.session_scope(url) as session:
        me = accounts.current_therapist(session, token)
        table = export.export_assignment(session, me, new.assignment.id, "csv").data.decode()
    assert ",'=HYPERLINK(" in table.replace('"', "")


def test_pdf_keeps_text_it_cannot_encode_readable(url: str) -> None:
    assert export.latin1("“Naïve” — it’s … 😀 Łódź") == '"Naïve" - it\'s ... ? Lódz'
    _, token = new_therapist(url)
    new = new_assignment(url, token, label="Couple “Żaneta” 😀")
    with db.session_scope(url) as session:
        me = accounts.current_therapist(session, token)
        pdf = export.export_couple(session, me, new.assignment.couple_id, "pdf").data
    assert pdf.startswith(b"%PDF") and 'Couple "Zaneta" ?' in pdf_text(pdf)


def test_an_attempt_is_submitted_once(url: str) -> None:
    _, token = new_therapist(url)
    new = new_assignment(url, token)
    with db.session_scope(url) as session:
        access = partner.open_by_link(session, new.codes[0].link_token, "browser")
        attempt = partner.practise(session, access, GOOD_DRAFT).attempt
        assert attempt is not None
        partner.submit(session, access, attempt.id)
        with pytest.raises(InputError, match="already"):
            partner.submit(session, access, attempt.id)
        assert len(session.scalars(select(Submission)).all()) == 1


def test_assignment_inputs_are_checked(url: str) -> None:
    _, token = new_therapist(url)
    with db.session_scope(url) as session:
        me = accounts.current_therapist(session, token)
        couple = assignments.create_couple(session, me, "Couple Oak")
        with pytest.raises(InputError, match="already"):
            assignments.create_couple(session, me, " Couple Oak ")
        with pytest.raises(InputError, match="choose one of"):
            assignments.create_assignment(
                session, me, couple.id, "homework", use_own_situation=True
            )
        with pytest.raises(InputError, match="not both"):
            assignments.create_assignment(session, me, couple.id, "free")
        with pytest.raises(InputError, match="not both"):
            assignments.create_assignment(
                session, me, couple.id, "free", scenario_text="x", use_own_situation=True
            )
        with pytest.raises(InputError, match="crisis screen"):
            assignments.create_assignment(session, me, couple.id, "free", scenario_text=URGENT)
        own = assignments.create_assignment(
            session, me, couple.id, "understand", use_own_situation=True
        )
        assert own.assignment.scenario_text is None
    with db.session_scope(url) as session:
        access = partner.open_by_link(session, own.codes[1].link_token, "browser")
        with pytest.raises(InputError, match="Describe the situation"):
            partner.practise(session, access, GOOD_DRAFT)
        assert partner.practise(session, access, GOOD_DRAFT, description=DESCRIPTION).attempt
    with pytest.raises(IntegrityError), db.session_scope(url) as session:
        session.add(Assignment(couple_id=couple.id, exercise="homework", instructions=""))
        session.flush()
