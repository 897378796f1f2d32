"""The server's secret key, and the hashes made with it.

``HEARDWELL_SECRET_KEY`` (at least 32 characters) is used when set. Otherwise a key is made once
and kept in ``<data_dir>/secret.key`` with mode 0600; the app refuses to start with a key file
that other users can read. Several app instances sharing one database must share one key, so set
``HEARDWELL_SECRET_KEY`` for them. Changing the key makes every short code stop working (links
and passwords are unaffected) and resets the rate limits.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import os
import secrets
from functools import cache
from pathlib import Path

from assistant.config import Settings, get_settings
from assistant.homework.errors import SecretKeyError

KEY_FILE = "secret.key"
MIN_KEY_CHARS = 32


def server_key(settings: Settings | None = None) -> bytes:
    """The secret key: from the settings, else from (or newly into) ``<data_dir>/secret.key``."""
    settings = settings or get_settings()
    if settings.secret_key:
        return settings.secret_key.encode()
    return _key_from_file(settings.data_dir.resolve())


@cache
def _key_from_file(data_dir: Path) -> bytes:
    path = data_dir / KEY_FILE
    if not path.exists():
        _create_key_file(path)
    if path.stat().st_mode & 0o077:
        raise SecretKeyError(
            f"{path} can be read by other users. Run: chmod 600 {path} (or set "
            "HEARDWELL_SECRET_KEY instead)."
        )
    key = path.read_text("ascii").strip()
    if len(key) < MIN_KEY_CHARS:
        raise SecretKeyError(
            f"{path} holds no usable key. Delete it to make a new one (short codes already "
            "given out stop working), or set HEARDWELL_SECRET_KEY."
        )
    return key.encode()


def _create_key_file(path: Path) -> None:
    # Written whole to a private temporary file, then linked into place: another process never
    # reads half a key, and if two start at once, the first link wins and both use its key.
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{KEY_FILE}.{secrets.token_hex(8)}")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="ascii") as file:
            file.write(secrets.token_urlsafe(48) + "\n")
        with contextlib.suppress(FileExistsError):  # another process made it first
            os.link(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)


def token_hash(token: str) -> str:
    """SHA-256 of a high-entropy token (session tokens, link tokens): what the database keeps."""
    return hashlib.sha256(token.encode()).hexdigest()


def keyed_hash(purpose: str, value: str) -> str:
    """HMAC-SHA256 with the server key, for values too short or too personal to hash plainly
    (short codes, emails and client keys in the rate limits)."""
    message = f"{purpose}\x00{value}".encode()
    return hmac.new(server_key(), message, hashlib.sha256).hexdigest()
