"""Rate limits on failed sign-ins and failed partner codes, kept in the database.

Only failures are recorded (``auth_attempts``), one row per limited key, so every app instance
that shares the database shares the limits. A limit is checked *before* the credential: once it
is reached, even the right password or code is refused until old failures leave the window.

The limits, each over a sliding 15-minute window:

- sign-in: 5 failures per email address; 20 failures per client (an IP or browser session id);
- partner links and codes: 10 failures per client; and 500 failures of *typed short codes* across
  all clients, a backstop against guessing from many addresses (links, 192 bits, stay open).

Checking and recording are separate statements, so instances racing each other may let a few
extra attempts through; the limits are meant to stop guessing, not to count exactly.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from assistant.homework.errors import TooManyAttempts
from assistant.homework.secret import keyed_hash
from assistant.storage.models import AuthAttempt, AuthKind, utcnow

WINDOW = timedelta(minutes=15)
SIGNIN_PER_EMAIL = 5
SIGNIN_PER_CLIENT = 20
CODE_PER_CLIENT = 10
CODES_EVERYWHERE = 500


@dataclass(frozen=True)
class Limit:
    """At most ``max_failures`` failures of ``kind`` for one key within ``WINDOW``."""

    kind: AuthKind
    scope: str  # what the key is: "email", "client", "all"
    value: str
    max_failures: int

    @property
    def key_hash(self) -> str:
        # Keyed, so the table holds no emails or addresses, and normalised so "A@x" == "a@x".
        return keyed_hash(f"rate:{self.kind}:{self.scope}", self.value.strip().lower())


def check(session: Session, limits: list[Limit], what: str) -> None:
    """Raise ``TooManyAttempts`` if any limit is reached."""
    since = utcnow() - WINDOW
    for limit in limits:
        failures = session.scalar(
            select(func.count())
            .select_from(AuthAttempt)
            .where(AuthAttempt.key_hash == limit.key_hash, AuthAttempt.at >= since)
        )
        if (failures or 0) >= limit.max_failures:
            raise TooManyAttempts(what, int(WINDOW.total_seconds() // 60))


def record_failure(session: Session, limits: list[Limit]) -> None:
    """Count one failure against every limit and commit it at once (see the package docstring),
    dropping failures too old to matter."""
    now = utcnow()
    session.execute(delete(AuthAttempt).where(AuthAttempt.at < now - WINDOW))
    for limit in limits:
        session.add(AuthAttempt(key_hash=limit.key_hash, kind=limit.kind.value, at=now))
    session.commit()
