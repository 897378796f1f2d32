"""Therapist accounts: register, sign in, sign out, and who is signed in.

Passwords are hashed with argon2id (argon2-cffi's ``PasswordHasher`` and its defaults). A sign-in
gives a random session token once; the database keeps only its SHA-256 and an expiry
(``HEARDWELL_SESSION_HOURS``, 12 by default). Sign-in is rate-limited (see ``ratelimit``), and an
unknown email costs the same argon2 work as a wrong password, so timing does not tell them apart.
"""

from __future__ import annotations

import logging
import secrets
from datetime import timedelta
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from assistant.config import get_settings
from assistant.errors import InputError
from assistant.homework import ratelimit
from assistant.homework._common import clean
from assistant.homework.errors import NotSignedIn, WeakPassword, WrongCredentials
from assistant.homework.secret import token_hash
from assistant.storage.models import AuthKind, Therapist, TherapistSession, utcnow

_log = logging.getLogger(__name__)

MIN_PASSWORD = 12
MAX_PASSWORD = 256  # argon2 hashes anything, but a megabyte "password" is a denial of service
_hasher = PasswordHasher()


@cache
def _dummy_hash() -> str:
    return _hasher.hash(secrets.token_urlsafe(16))


def normalise_email(email: str) -> str:
    """Emails are compared lower-cased and without surrounding spaces."""
    return email.strip().lower()


def check_password_policy(password: str, email: str = "") -> None:
    """Raise ``WeakPassword`` unless the password is 12 to 256 characters and not the email."""
    if len(password) < MIN_PASSWORD:
        raise WeakPassword(
            f"Choose a password of at least {MIN_PASSWORD} characters; a few unrelated words "
            "make a long one easy to remember."
        )
    if len(password) > MAX_PASSWORD:
        raise WeakPassword(f"Choose a password of at most {MAX_PASSWORD} characters.")
    if len(set(password)) < 4 or normalise_email(password) == normalise_email(email):
        raise WeakPassword("That password is too easy to guess: choose a different one.")


def register_therapist(session: Session, email: str, password: str, display_name: str) -> Therapist:
    """Create a therapist account. Raises ``WeakPassword`` or ``InputError`` (email in use)."""
    address = normalise_email(email)
    if "@" not in address or len(address) > 254 or " " in address:
        raise InputError("Enter an email address such as name@example.org.")
    check_password_policy(password, address)
    name = clean(display_name, "Your name", 120)
    if session.scalar(select(Therapist.id).where(Therapist.email == address)) is not None:
        raise InputError("An account with this email exists already: sign in instead.")
    therapist = Therapist(email=address, display_name=name, password_hash=_hasher.hash(password))
    session.add(therapist)
    session.flush()
    _log.info("therapist %d registered", therapist.id)
    return therapist


def sign_in(session: Session, email: str, password: str, client_key: str) -> str:
    """Check the password and return a new session token (shown once; keep it server-side, in
    the page's session state, never in a URL).

    ``client_key`` identifies the caller for the per-client limit (an IP address or a browser
    session id). Raises ``TooManyAttempts`` when a limit is reached, even for the right
    password, and ``WrongCredentials`` otherwise; a failure is committed before it is raised.
    """
    if not client_key.strip():
        raise ValueError("client_key is required: pass the caller's IP or browser session id.")
    address = normalise_email(email)
    limits = [
        ratelimit.Limit(AuthKind.SIGNIN, "email", address, ratelimit.SIGNIN_PER_EMAIL),
        ratelimit.Limit(AuthKind.SIGNIN, "client", client_key, ratelimit.SIGNIN_PER_CLIENT),
    ]
    ratelimit.check(session, limits, "sign-in")
    therapist = session.scalar(select(Therapist).where(Therapist.email == address))
    if not _password_matches(therapist, password):
        ratelimit.record_failure(session, limits)
        _log.info("sign-in refused")
        raise WrongCredentials()
    assert therapist is not None  # _password_matches is False without one
    if _hasher.check_needs_rehash(therapist.password_hash):
        therapist.password_hash = _hasher.hash(password)
    token = secrets.token_urlsafe(32)
    hours = get_settings().session_hours
    session.add(
        TherapistSession(
            token_hash=token_hash(token),
            therapist_id=therapist.id,
            expires_at=utcnow() + timedelta(hours=hours),
        )
    )
    session.flush()
    _log.info("therapist %d signed in", therapist.id)
    return token


def _password_matches(therapist: Therapist | None, password: str) -> bool:
    stored = therapist.password_hash if therapist is not None else _dummy_hash()
    try:
        _hasher.verify(stored, password[: MAX_PASSWORD + 1])
    except (VerificationError, InvalidHashError):
        return False
    return therapist is not None


def current_therapist(session: Session, token: str | None) -> Therapist:
    """The therapist a session token belongs to. Raises ``NotSignedIn`` when the token is
    missing, unknown, signed out or expired. Call it on every page a therapist opens."""
    if not token:
        raise NotSignedIn()
    row = session.execute(
        select(Therapist, TherapistSession)
        .join(TherapistSession, TherapistSession.therapist_id == Therapist.id)
        .where(TherapistSession.token_hash == token_hash(token))
    ).one_or_none()
    if row is None:
        raise NotSignedIn()
    therapist, signed_in = row
    if signed_in.revoked or signed_in.expires_at <= utcnow():
        raise NotSignedIn()
    return therapist


def sign_out(session: Session, token: str | None) -> None:
    """End this session. Signing out twice, or with an unknown token, does nothing."""
    if token:
        session.execute(
            update(TherapistSession)
            .where(TherapistSession.token_hash == token_hash(token))
            .values(revoked=True)
        )
        session.flush()


def sign_out_everywhere(session: Session, therapist: Therapist) -> int:
    """End all of a therapist's sessions (e.g. after a lost laptop). Returns how many."""
    result = session.execute(
        update(TherapistSession)
        .where(TherapistSession.therapist_id == therapist.id, TherapistSession.revoked.is_(False))
        .values(revoked=True)
    )
    session.flush()
    return int(getattr(result, "rowcount", 0) or 0)
