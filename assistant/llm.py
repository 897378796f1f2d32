"""The one door to a model: the only module that imports litellm, and only inside functions.

Importing litellm takes seconds, so the offline path never pays for it. Every call made here
follows one transport retry policy (tenacity: exponential backoff with jitter on rate limits,
timeouts, connection and server errors); litellm's and the OpenAI SDK's own retries are off so
attempts do not multiply. Everything else fails at once and is mapped to ``assistant.errors``.
Neither the person's text nor any key is ever put into a message or a log line.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, TypeVar

from tenacity import (
    RetryCallState,
    Retrying,
    retry_if_exception,
    stop_after_attempt,
    wait_exponential_jitter,
)

from assistant.config import LOCAL, OFFLINE, Settings
from assistant.errors import (
    ModelAuthError,
    ModelError,
    ModelNotFoundError,
    ModelNotInstalledError,
    ModelReplayMissError,
    ModelRequestError,
    ModelUnavailableError,
)
from assistant.prompts import Message

logger = logging.getLogger(__name__)

T = TypeVar("T")


@dataclass(frozen=True)
class Backoff:
    """Waits between transport retries: exponential from ``initial_s`` up to ``max_s``, plus
    up to ``jitter_s`` of random jitter so that many clients do not retry in step."""

    initial_s: float = 1.0
    max_s: float = 8.0
    jitter_s: float = 1.0


DEFAULT_BACKOFF = Backoff()


def _import_litellm(model: str) -> Any:
    """litellm, imported on first use and set up never to phone home or log the text."""
    # Without this, importing litellm downloads a price list from GitHub.
    os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
    try:
        import litellm
    except ImportError as exc:
        raise ModelNotInstalledError(
            f"The model {model} needs litellm, which is not installed: "
            "pip install litellm, or choose 'offline'.",
            model=model,
        ) from exc
    # Older litellm versions send usage telemetry unless this flag is False; newer ones have a
    # proxy-only `telemetry` subpackage in its place (off by default) that must not be shadowed.
    if isinstance(getattr(litellm, "telemetry", None), bool):
        litellm.telemetry = False
    litellm.turn_off_message_logging = True  # logging callbacks never receive the messages
    litellm.suppress_debug_info = True
    return litellm


def resolve_model(settings: Settings) -> tuple[str, dict[str, Any]]:
    """The litellm model string for ``settings.model`` and the extra kwargs it needs."""
    name = settings.model.strip()
    if name.lower() == OFFLINE:
        raise ValueError("'offline' is not a model: use the offline engine instead.")
    if name.lower() == LOCAL:
        return _resolve_local(settings)
    return name, ({"api_base": settings.api_base} if settings.api_base else {})


LOCAL_TIMEOUT_S = 120.0
LOCAL_MAX_TOKENS = 512


def _resolve_local(settings: Settings) -> tuple[str, dict[str, Any]]:
    """The bundled small model, served in-process behind an OpenAI-compatible endpoint (see
    ``assistant/local_model.py``): one more litellm model string (``openai/<name>``) with that
    endpoint as ``api_base``, so nothing above this function changes. ``HEARDWELL_API_BASE``
    points it at an already running server instead. Raises ModelNotInstalledError, with the
    pip hint, without the ``local`` extra."""
    from assistant import local_model  # imports neither xllamacpp nor the model until used

    model, api_base = local_model.local_endpoint(settings.api_base)
    return model, {
        "api_base": api_base,
        "api_key": local_model.local_api_key(settings.api_base),
        # A 135M model on two cores writes ~20 tokens a second: give it time, and cut the
        # loops small models fall into well before the server's own cap.
        "timeout": max(settings.timeout_s, LOCAL_TIMEOUT_S),
        "max_tokens": LOCAL_MAX_TOKENS,
    }


def _is_replay_miss(exc: BaseException) -> bool:
    """True when a test's recorded responses have no match for a request (vcrpy)."""
    seen: BaseException | None = exc
    while seen is not None:
        if "CannotOverwriteExistingCassetteException" in f"{type(seen).__name__} {seen}":
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def _transient(litellm: Any) -> tuple[type[Exception], ...]:
    return (
        litellm.Timeout,
        litellm.RateLimitError,
        litellm.APIConnectionError,
        litellm.ServiceUnavailableError,
        litellm.InternalServerError,
    )


def _missing_keys(litellm: Any, model: str, api_base: str | None) -> list[str]:
    """The key variables litellm says ``model`` needs and the environment lacks."""
    try:
        report = litellm.validate_environment(model=model, api_base=api_base)
    except Exception:  # only a courtesy check before the call: the call reports the rest
        return []
    # Settings such as OLLAMA_API_BASE have defaults; only missing secrets stop a call.
    return [
        str(name) for name in report.get("missing_keys", []) if "KEY" in name or "TOKEN" in name
    ]


def _no_key(model: str, missing: list[str], attempts: int = 0) -> ModelAuthError:
    variables = " and ".join(missing) if missing else "OPENAI_API_KEY"
    return ModelAuthError(
        f"No key found for model {model}: set {variables} (or the provider's key variable), "
        "or choose 'offline'.",
        model=model,
        attempts=attempts,
    )


def _is_missing_key(exc: BaseException) -> bool:
    # litellm reports the OpenAI SDK's "Missing credentials" as an InternalServerError, which
    # would otherwise be retried as if the server were at fault.
    return "Missing credentials" in str(exc)


def _mapped(litellm: Any, exc: Exception, *, model: str, attempts: int) -> ModelError | None:
    """The Heardwell error for a litellm exception, or None for anything that is not one."""
    if _is_replay_miss(exc):
        return ModelReplayMissError(
            f"No recorded response matches this request to {model}: re-record the cassette "
            "on purpose and review the diff.",
            model=model,
            attempts=attempts,
        )
    if _is_missing_key(exc):
        return _no_key(model, [], attempts)
    if isinstance(exc, litellm.AuthenticationError | litellm.PermissionDeniedError):
        return ModelAuthError(
            f"The provider refused the key for model {model}: check OPENAI_API_KEY (or the "
            "provider's key variable), or choose 'offline'.",
            model=model,
            attempts=attempts,
        )
    if isinstance(exc, litellm.NotFoundError) or (
        isinstance(exc, litellm.BadRequestError) and "LLM Provider NOT provided" in str(exc)
    ):
        return ModelNotFoundError(
            f"The model {model} was not found: check its name, written as litellm expects "
            "(e.g. 'gpt-4o-mini', 'anthropic/claude-3-5-haiku-latest', 'ollama/llama3.2'), "
            "or choose 'offline'.",
            model=model,
            attempts=attempts,
        )
    if isinstance(exc, litellm.ContextWindowExceededError):
        return ModelRequestError(
            f"The text is too long for the model {model}: shorten it, or choose a model "
            "with a longer context.",
            model=model,
            attempts=attempts,
        )
    if isinstance(exc, litellm.ContentPolicyViolationError):
        return ModelRequestError(
            f"The provider's content filter stopped the model {model}: use the offline engine "
            "for this text.",
            model=model,
            attempts=attempts,
        )
    if isinstance(exc, litellm.BadRequestError | litellm.UnprocessableEntityError):
        return ModelRequestError(
            f"The model {model} refused the request: check the model name and "
            "HEARDWELL_API_BASE, or choose 'offline'.",
            model=model,
            attempts=attempts,
        )
    if isinstance(exc, _transient(litellm)):
        if isinstance(exc, litellm.RateLimitError):
            reason = "rate limit"
        elif isinstance(exc, litellm.Timeout):
            reason = "timeout"
        else:
            reason = "connection or server error"
        tries = "try" if attempts == 1 else "tries"
        return ModelUnavailableError(
            f"The model {model} did not answer after {attempts} {tries} ({reason}): "
            "wait a minute and try again, or use the offline engine.",
            model=model,
            attempts=attempts,
        )
    import openai  # litellm's own dependency, already imported with it

    if isinstance(exc, openai.APIError):
        return ModelError(
            f"The model {model} failed ({type(exc).__name__}): try again, choose another "
            "model, or use the offline engine.",
            model=model,
            attempts=attempts,
        )
    return None


def _log_retry(model: str, total: int) -> Callable[[RetryCallState], None]:
    def log(state: RetryCallState) -> None:
        error = state.outcome.exception() if state.outcome else None
        logger.warning(
            "model %s: %s on attempt %d of %d, retrying",
            model,
            type(error).__name__,
            state.attempt_number,
            total,
        )

    return log


def _with_transport_retries(
    litellm: Any, call: Callable[[], T], *, model: str, settings: Settings, backoff: Backoff
) -> tuple[T, int]:
    """``call()`` under the transport retry policy; its result and the attempts it took."""
    transient = _transient(litellm)
    attempts = 0

    def attempt() -> T:
        nonlocal attempts
        attempts += 1
        return call()

    retrying = Retrying(
        retry=retry_if_exception(
            lambda e: isinstance(e, transient) and not (_is_replay_miss(e) or _is_missing_key(e))
        ),
        stop=stop_after_attempt(settings.transport_attempts),
        wait=wait_exponential_jitter(
            multiplier=backoff.initial_s, max=backoff.max_s, jitter=backoff.jitter_s
        ),
        before_sleep=_log_retry(model, settings.transport_attempts),
        reraise=True,
    )
    try:
        return retrying(attempt), attempts
    except Exception as exc:
        error = _mapped(litellm, exc, model=model, attempts=attempts)
        if error is None:
            raise
        raise error from exc


def _json_mode(litellm: Any, model: str) -> dict[str, Any]:
    """``response_format`` for JSON, only where litellm says the model accepts it."""
    try:
        supported = litellm.get_supported_openai_params(model=model) or []
    except Exception:  # an unknown model is reported by the call itself, not here
        return {}
    return {"response_format": {"type": "json_object"}} if "response_format" in supported else {}


class LiteLLMCompletion:
    """A ``Completion`` backed by ``litellm.completion``, asking for JSON where supported.

    ``calls`` counts every request sent to litellm over this object's life, retries included.
    """

    def __init__(
        self, settings: Settings, *, backoff: Backoff = DEFAULT_BACKOFF, **litellm_kwargs: Any
    ) -> None:
        self.model, model_kwargs = resolve_model(settings)
        self.settings = settings
        self.backoff = backoff
        self.litellm_kwargs = {**model_kwargs, **litellm_kwargs}
        self.calls = 0

    def _request(self, messages: list[Message], **extra: Any) -> dict[str, Any]:
        return {
            "model": self.model,
            "messages": messages,
            "timeout": self.settings.timeout_s,
            "temperature": self.settings.temperature,
            # Ours is the only retry loop: litellm's wrapper and the OpenAI SDK retry too
            # unless told not to, and their attempts would multiply with ours.
            "num_retries": 0,
            "max_retries": 0,
            # "Any model litellm supports": drop what a provider does not accept (e.g. a
            # temperature for reasoning models) instead of failing the call.
            "drop_params": True,
            **extra,
            **self.litellm_kwargs,
        }

    def _litellm(self) -> Any:
        """litellm, once the model's key is known to be set (a missing key fails at once)."""
        litellm = _import_litellm(self.model)
        if not self.litellm_kwargs.get("api_key"):
            missing = _missing_keys(litellm, self.model, self.litellm_kwargs.get("api_base"))
            if missing:
                raise _no_key(self.model, missing)
        return litellm

    def _send(self, litellm: Any, request: dict[str, Any]) -> Any:
        self.calls += 1
        return litellm.completion(**request)

    def __call__(self, messages: list[Message]) -> str:
        """The text of the model's answer to ``messages``."""
        litellm = self._litellm()
        request = self._request(messages, **_json_mode(litellm, self.model))
        response, _ = _with_transport_retries(
            litellm,
            lambda: self._send(litellm, request),
            model=self.model,
            settings=self.settings,
            backoff=self.backoff,
        )
        choices = getattr(response, "choices", None) or []
        content = choices[0].message.content if choices else None
        return content if isinstance(content, str) else ""

    def stream(self, messages: list[Message]) -> Iterator[str]:
        """The answer's text in chunks as they arrive. Opening the stream is retried; a
        failure after text has been shown is mapped but not retried."""
        litellm = self._litellm()
        request = self._request(messages, stream=True)
        chunks, attempts = _with_transport_retries(
            litellm,
            lambda: self._send(litellm, request),
            model=self.model,
            settings=self.settings,
            backoff=self.backoff,
        )
        try:
            for chunk in chunks:
                choices = getattr(chunk, "choices", None) or []
                text = choices[0].delta.content if choices else None
                if text:
                    yield text
        except Exception as exc:
            error = _mapped(litellm, exc, model=self.model, attempts=attempts)
            if error is None:
                raise
            raise error from exc


def litellm_completion(
    settings: Settings, *, backoff: Backoff = DEFAULT_BACKOFF, **litellm_kwargs: Any
) -> LiteLLMCompletion:
    """A ``Completion`` for ``settings.model``; ``litellm_kwargs`` go to every call (tests pass
    ``mock_response=...``). Raises ValueError for 'offline', ModelNotInstalledError for 'local'."""
    return LiteLLMCompletion(settings, backoff=backoff, **litellm_kwargs)


def stream_text(
    settings: Settings,
    messages: list[Message],
    *,
    backoff: Backoff = DEFAULT_BACKOFF,
    **litellm_kwargs: Any,
) -> Iterator[str]:
    """Yield the answer's text in chunks (``stream=True``), with the same errors as a call."""
    yield from LiteLLMCompletion(settings, backoff=backoff, **litellm_kwargs).stream(messages)


class StreamingCompletion:
    """A ``Completion`` that streams, telling ``on_text`` the answer so far as it arrives.

    The app uses it to show a model's progress; the pipeline still gets the whole text."""

    def __init__(self, inner: LiteLLMCompletion, on_text: Callable[[str], None]) -> None:
        self.inner = inner
        self.on_text = on_text

    def __call__(self, messages: list[Message]) -> str:
        parts: list[str] = []
        for chunk in self.inner.stream(messages):
            parts.append(chunk)
            self.on_text("".join(parts))
        return "".join(parts)


def streaming_completion(
    settings: Settings,
    on_text: Callable[[str], None],
    *,
    backoff: Backoff = DEFAULT_BACKOFF,
    **litellm_kwargs: Any,
) -> StreamingCompletion:
    """Like ``litellm_completion``, streaming each answer into ``on_text``."""
    return StreamingCompletion(
        LiteLLMCompletion(settings, backoff=backoff, **litellm_kwargs), on_text
    )
