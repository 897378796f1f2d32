"""Settings from the environment (HEARDWELL_*), read once per process."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

OFFLINE = "offline"
LOCAL = "local"
MAX_CHARS = 5000


class Settings(BaseSettings):
    """Everything a person or a deployment can configure.

    Keys for cloud models are *not* here: litellm reads its usual variables
    (OPENAI_API_KEY, ANTHROPIC_API_KEY, ...) itself, so they never pass through our code.
    """

    model_config = SettingsConfigDict(env_prefix="HEARDWELL_", extra="ignore")

    model: str = Field(default=OFFLINE, description="'offline', 'local', or any litellm model.")
    api_base: str | None = Field(default=None, description="e.g. a LiteLLM proxy or Ollama URL.")
    timeout_s: float = Field(default=30.0, gt=0, description="Per model call.")
    transport_attempts: int = Field(default=3, ge=1, le=10, description="Tries on rate limits etc.")
    reask_attempts: int = Field(default=2, ge=0, le=5, description="Re-asks on invalid answers.")
    temperature: float = Field(default=0.3, ge=0, le=2)
    max_chars: int = Field(default=MAX_CHARS, ge=100, le=100_000)
    locale: str = "en-US"
    data_dir: Path = Field(default=Path("data"), description="Where the app keeps its SQLite file.")
    database_url: str | None = None
    # Therapist homework. The secret key peppers the hashes of short share codes and of the
    # rate-limit keys; unset, one is made once and kept in <data_dir>/secret.key (mode 0600).
    # Several app instances sharing one database must share one key: set HEARDWELL_SECRET_KEY.
    secret_key: str | None = Field(default=None, repr=False, min_length=32)
    session_hours: int = Field(default=12, ge=1, le=24 * 30, description="Therapist sign-in.")
    # The address partners open their share links at. Unset, the therapist page uses the address
    # its own browser shows (st.context.url), else http://127.0.0.1:8501.
    public_url: str | None = Field(default=None, description="e.g. https://heardwell.example.org")

    @property
    def uses_model(self) -> bool:
        return self.model.strip().lower() != OFFLINE


@cache
def get_settings() -> Settings:
    return Settings()
