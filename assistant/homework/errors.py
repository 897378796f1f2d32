"""Errors of the homework feature. Messages say what to do next and never reveal whether a record
that the caller may not see exists."""

from __future__ import annotations

from assistant.errors import HeardwellError, InputError

NOT_ALLOWED = (
    "There is nothing here that you can open. It may have been deleted, or the address is wrong: "
    "go back to your list of assignments."
)
NO_ACCESS = (
    "This link or code does not open an assignment. Check it, or ask your therapist for a new "
    "one: links and codes can be withdrawn or expire."
)


class NotSignedIn(HeardwellError):
    """No session, or one that expired or was ended."""

    def __init__(self) -> None:
        super().__init__("Your sign-in has ended. Sign in again to continue.")


class WrongCredentials(HeardwellError):
    """Email or password did not match (which of the two is never said)."""

    def __init__(self) -> None:
        super().__init__(
            "That email and password do not match an account. Check both and try again; "
            "after 5 tries, sign-in pauses for 15 minutes."
        )


class TooManyAttempts(HeardwellError):
    """A rate limit is reached: nothing is checked until the window has passed."""

    def __init__(self, what: str, minutes: int) -> None:
        super().__init__(f"Too many {what} attempts. Wait {minutes} minutes, then try again.")


class NotAllowed(HeardwellError):
    """The record is someone else's, or does not exist: the message is the same for both."""

    def __init__(self) -> None:
        super().__init__(NOT_ALLOWED)


class NoAccess(HeardwellError):
    """A partner's link or code is wrong, withdrawn or expired: the message is the same for all."""

    def __init__(self) -> None:
        super().__init__(NO_ACCESS)


class WeakPassword(InputError):
    """The password does not meet the policy."""


class SecretKeyError(HeardwellError):
    """The server's secret key is missing, too short, or readable by other users."""
