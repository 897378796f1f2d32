"""Small helpers shared by the homework modules."""

from __future__ import annotations

import logging

from assistant.errors import InputError
from guardrails.crisis import CrisisLevel, screen

_log = logging.getLogger(__name__)

CRISIS_MARKER = (
    "A crisis screen fired on this submission, so its text was not stored. "
    "Please check in with this partner directly."
)


def clean(value: str | None, what: str, max_chars: int, *, required: bool = True) -> str:
    """``value`` stripped; ``InputError`` if it is empty (when required) or too long."""
    text = (value or "").strip()
    if required and not text:
        raise InputError(f"{what} is empty: write a few words.")
    if len(text) > max_chars:
        raise InputError(f"{what} is {len(text)} characters long: shorten it to {max_chars}.")
    return text


def is_urgent(*texts: str | None) -> bool:
    """Does the crisis screen call any of ``texts`` urgent? Fails closed: an error counts as yes."""
    for text in texts:
        if not text or not text.strip():
            continue
        try:
            if screen(text).level is CrisisLevel.URGENT:
                return True
        except Exception as exc:
            _log.error("crisis screen failed; treated as urgent (%s)", type(exc).__name__)
            return True
    return False
