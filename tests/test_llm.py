"""The real litellm path, short-circuited by litellm's own ``mock_response``: no network.

Each test counts the calls that reach ``litellm.completion`` to prove that our one retry policy
is the only one (litellm's wrapper and the OpenAI SDK do not retry underneath it) and that
transport retries and re-asks do not multiply.
"""

from __future__ import annotations

import json
import logging
import socket
import sys
from typing import Any

import httpx
import pytest

from assistant.config import Settings
from assistant.errors import (
    ModelAuthError,
    ModelNotFoundError,
    ModelNotInstalledError,
    ModelOutputError,
    ModelReplayMissError,
    ModelRequestError,
    ModelUnavailableError,
)
from assistant.llm import Backoff, litellm_completion, resolve_model, stream_text
from assistant.model_engine import reflect_with_model
from assistant.schemas import RepairKind

litellm = pytest.importorskip("litellm")

MODEL = "gpt-4o-mini"
NO_WAIT = Backoff(initial_s=0, max_s=0, jitter_s=0)
TEXT = "You said you'd call after the interview and you didn't. I sat by my phone all night."
MESSAGES = [{"role": "user", "content": TEXT}]
FORBIDDEN = httpx.Response(403, request=httpx.Request("POST", "https://api.openai.com/v1/"))
VALID = json.dumps(
    {
        "restatement": "I said I'd call after your interview, and I didn't.",
        "meaning": "You waited for me all night.",
        "origin": "this_relationship",
        "feelings": [{"feeling": "forgotten", "sentence": "You felt forgotten."}],
        "validation": "That makes sense.",
        "repair": "I'm sorry I didn't call and left you waiting all night.",
    }
)


def settings(**changes: Any) -> Settings:
    return Settings(**{"model": MODEL, "timeout_s": 0.01, "transport_attempts": 3, **changes})


def error(kind: Any, **extra: Any) -> Any:
    return kind(message="mock failure", model=MODEL, llm_provider="openai", **extra)


class Recorder:
    """Wraps ``litellm.completion``; each call takes the next scripted ``mock_response``."""

    def __init__(self, real: Any) -> None:
        self.real = real
        self.script: list[Any] = []
        self.requests: list[dict[str, Any]] = []

    def __call__(self, **kwargs: Any) -> Any:
        self.requests.append(kwargs)
        if self.script:
            kwargs["mock_response"] = self.script.pop(0)
        return self.real(**kwargs)

    @property
    def calls(self) -> int:
        return len(self.requests)


@pytest.fixture
def recorder(monkeypatch: pytest.MonkeyPatch) -> Recorder:
    recorder = Recorder(litellm.completion)
    monkeypatch.setattr(litellm, "completion", recorder)
    return recorder


def test_valid_answer_end_to_end(recorder: Recorder):
    complete = litellm_completion(settings(), backoff=NO_WAIT, mock_response=VALID)
    reflection = reflect_with_model(TEXT, complete, model=complete.model)
    assert reflection.model == MODEL
    assert reflection.repair.kind is RepairKind.APOLOGY
    assert recorder.calls == complete.calls == 1
    sent = recorder.requests[0]
    assert sent["num_retries"] == 0
    assert sent["max_retries"] == 0
    assert sent["timeout"] == 0.01
    assert sent["temperature"] == 0.3
    assert sent["response_format"] == {"type": "json_object"}
    assert "api_base" not in sent


def test_invalid_then_valid_through_litellm(recorder: Recorder):
    recorder.script = ['{"restatement": ""}', VALID]
    complete = litellm_completion(settings(), backoff=NO_WAIT)
    reflect_with_model(TEXT, complete, model=MODEL)
    assert recorder.calls == 2
    reask = recorder.requests[1]["messages"][-1]["content"]
    assert "restatement: String should have at least 1 character" in reask


def test_always_invalid_costs_one_call_per_attempt(recorder: Recorder):
    complete = litellm_completion(settings(), backoff=NO_WAIT, mock_response="no JSON here")
    with pytest.raises(ModelOutputError) as caught:
        reflect_with_model(TEXT, complete, model=MODEL, reask_attempts=2)
    assert caught.value.attempts == 3 == recorder.calls
    assert caught.value.last_reply == "no JSON here"


@pytest.mark.parametrize(
    ("mock", "reason"),
    [
        ("timeout", "timeout"),
        ("litellm.RateLimitError", "rate limit"),
        ("litellm.InternalServerError", "connection or server error"),
    ],
)
def test_transport_errors_are_retried_then_unavailable(recorder: Recorder, mock, reason):
    kwargs = {"mock_timeout": True} if mock == "timeout" else {"mock_response": mock}
    complete = litellm_completion(settings(), backoff=NO_WAIT, **kwargs)
    with pytest.raises(ModelUnavailableError) as caught:
        complete(MESSAGES)
    assert recorder.calls == 3
    assert caught.value.attempts == 3
    assert f"after 3 tries ({reason})" in str(caught.value)
    assert "wait a minute" in str(caught.value)


@pytest.mark.parametrize(
    "kind",
    ["Timeout", "RateLimitError", "APIConnectionError", "ServiceUnavailableError"],
)
def test_each_transient_exception_is_retried(recorder: Recorder, kind):
    complete = litellm_completion(
        settings(transport_attempts=2), backoff=NO_WAIT, mock_response=error(getattr(litellm, kind))
    )
    with pytest.raises(ModelUnavailableError):
        complete(MESSAGES)
    assert recorder.calls == 2


def test_rate_limit_then_success(recorder: Recorder):
    recorder.script = [error(litellm.RateLimitError), error(litellm.Timeout), VALID]
    complete = litellm_completion(settings(), backoff=NO_WAIT)
    assert reflect_with_model(TEXT, complete, model=MODEL).summary.origin == "this_relationship"
    assert recorder.calls == 3


def test_transport_retries_and_reasks_do_not_multiply(recorder: Recorder):
    complete = litellm_completion(
        settings(), backoff=NO_WAIT, mock_response="litellm.RateLimitError"
    )
    with pytest.raises(ModelUnavailableError):
        reflect_with_model(TEXT, complete, model=MODEL, reask_attempts=2)
    assert recorder.calls == 3  # transport_attempts, not transport_attempts * (1 + reask_attempts)


@pytest.mark.parametrize(
    ("mock", "raised", "says"),
    [
        (error(litellm.AuthenticationError), ModelAuthError, "or choose 'offline'"),
        (
            error(litellm.PermissionDeniedError, response=FORBIDDEN),
            ModelAuthError,
            "refused the key",
        ),
        (error(litellm.NotFoundError), ModelNotFoundError, "was not found"),
        (error(litellm.BadRequestError), ModelRequestError, "refused the request"),
        (error(litellm.ContextWindowExceededError), ModelRequestError, "too long"),
        (error(litellm.ContentPolicyViolationError), ModelRequestError, "content filter"),
    ],
)
def test_request_errors_are_not_retried(recorder: Recorder, mock, raised, says):
    complete = litellm_completion(settings(), backoff=NO_WAIT, mock_response=mock)
    with pytest.raises(raised, match=says) as caught:
        complete(MESSAGES)
    assert recorder.calls == 1
    assert caught.value.attempts == 1


def test_missing_key_fails_before_any_call(recorder: Recorder, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.delenv("OPENAI_API_KEY")
    complete = litellm_completion(settings(), backoff=NO_WAIT, mock_response=VALID)
    with pytest.raises(ModelAuthError) as caught:
        complete(MESSAGES)
    assert str(caught.value) == (
        "No key found for model gpt-4o-mini: set OPENAI_API_KEY "
        "(or the provider's key variable), or choose 'offline'."
    )
    assert recorder.calls == 0


def test_missing_credentials_from_the_sdk_are_not_retried(recorder: Recorder):
    # litellm reports the OpenAI SDK's missing-key error as an InternalServerError.
    mock = error(litellm.InternalServerError)
    mock.message = "OpenAIException - Missing credentials. Please pass an `api_key`"
    complete = litellm_completion(settings(), backoff=NO_WAIT, mock_response=mock)
    with pytest.raises(ModelAuthError):
        complete(MESSAGES)
    assert recorder.calls == 1


def test_replay_miss_fails_at_once(recorder: Recorder):
    mock = error(litellm.APIConnectionError)
    mock.message = "CannotOverwriteExistingCassetteException: no match for the request"
    complete = litellm_completion(settings(), backoff=NO_WAIT, mock_response=mock)
    with pytest.raises(ModelReplayMissError, match="re-record"):
        complete(MESSAGES)
    assert recorder.calls == 1


def test_errors_and_logs_never_carry_the_text_or_the_key(
    recorder: Recorder, caplog: pytest.LogCaptureFixture
):
    caplog.set_level(logging.DEBUG, logger="assistant")
    complete = litellm_completion(
        settings(), backoff=NO_WAIT, mock_response="litellm.RateLimitError"
    )
    with pytest.raises(ModelUnavailableError) as caught:
        reflect_with_model(TEXT, complete, model=MODEL)
    assert "retrying" in caplog.text
    for said in (str(caught.value), caplog.text):
        assert "sk-test-dummy" not in said
        assert "interview" not in said


def test_json_mode_only_where_supported(recorder: Recorder, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(litellm, "get_supported_openai_params", lambda **_: ["temperature"])
    litellm_completion(settings(), backoff=NO_WAIT, mock_response=VALID)(MESSAGES)

    def unknown(**_: Any) -> list[str]:
        raise ValueError("unmapped model")

    monkeypatch.setattr(litellm, "get_supported_openai_params", unknown)
    litellm_completion(settings(), backoff=NO_WAIT, mock_response=VALID)(MESSAGES)
    assert ["response_format" in r for r in recorder.requests] == [False, False]


def test_api_base_is_passed_on(recorder: Recorder):
    base = "http://127.0.0.1:4000"
    litellm_completion(settings(api_base=base), backoff=NO_WAIT, mock_response=VALID)(MESSAGES)
    assert recorder.requests[0]["api_base"] == base


def test_resolve_model():
    assert resolve_model(settings(model=" ollama/llama3.2 ")) == ("ollama/llama3.2", {})
    assert resolve_model(settings(api_base="http://127.0.0.1:11434"))[1] == {
        "api_base": "http://127.0.0.1:11434"
    }
    with pytest.raises(ValueError, match="offline"):
        resolve_model(settings(model="Offline"))
    # 'local' with and without its extra: tests/test_local_model*.py


def test_missing_litellm_is_reported(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setitem(sys.modules, "litellm", None)
    complete = litellm_completion(settings(), backoff=NO_WAIT)
    with pytest.raises(ModelNotInstalledError, match="litellm"):
        complete(MESSAGES)


def test_stream_text_yields_the_answer_in_chunks(recorder: Recorder):
    chunks = list(stream_text(settings(), MESSAGES, backoff=NO_WAIT, mock_response="I hear you."))
    assert len(chunks) > 1
    assert "".join(chunks) == "I hear you."
    assert recorder.requests[0]["stream"] is True
    assert recorder.requests[0]["num_retries"] == 0


def test_stream_text_maps_errors_the_same_way(recorder: Recorder):
    stream = stream_text(
        settings(), MESSAGES, backoff=NO_WAIT, mock_response="litellm.RateLimitError"
    )
    with pytest.raises(ModelUnavailableError):
        list(stream)
    assert recorder.calls == 3


def test_the_test_guard_blocks_live_calls(recorder: Recorder):
    with pytest.raises(RuntimeError, match="Tests may not"):
        socket.create_connection(("api.openai.com", 443), timeout=1)
    complete = litellm_completion(settings(transport_attempts=2), backoff=NO_WAIT)
    with pytest.raises(ModelUnavailableError):
        complete(MESSAGES)  # no mock_response: the guard stops the request at the socket
    assert recorder.calls == 2
