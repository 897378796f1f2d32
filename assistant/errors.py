"""A small exception tree. Each message says what happened and what to do next.

Crisis routes and rejected drafts are *results*, not exceptions: see guardrails/.
"""

from __future__ import annotations


class HeardwellError(Exception):
    """Base of every error Heardwell raises on purpose."""


class InputError(HeardwellError):
    """The text cannot be reflected as it is (empty, too long, binary...)."""


class PromptError(HeardwellError):
    """A prompt file is malformed or a template variable is missing."""


class ModelError(HeardwellError):
    """The model could not give a usable answer."""

    def __init__(self, message: str, *, model: str, attempts: int = 0) -> None:
        super().__init__(message)
        self.model = model
        self.attempts = attempts


class ModelNotInstalledError(ModelError):
    """litellm, or the local model's packages, are not installed."""


class ModelAuthError(ModelError):
    """No key, or a wrong key, for the chosen model."""


class ModelUnavailableError(ModelError):
    """Timeouts, rate limits, connection failures: tried with backoff, still failing."""


class ModelOutputError(ModelError):
    """The model answered, but never in the shape we asked for, even after re-asking."""

    def __init__(
        self, message: str, *, model: str, attempts: int = 0, last_reply: str = ""
    ) -> None:
        super().__init__(message, model=model, attempts=attempts)
        self.last_reply = last_reply


class ModelRequestError(ModelError):
    """The provider refused the request itself (bad request, content policy): not retried."""


class ModelNotFoundError(ModelRequestError):
    """litellm or the provider does not know the model name."""


class ModelReplayMissError(ModelError):
    """In tests: no recorded response matches the request. Fails at once, never retried."""
