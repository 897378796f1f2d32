"""Built-in practice scenarios: a hurt as the speaker says it, for the listener to answer.

The scenarios are written for Heardwell and live in ``assistant/data/scenarios.yaml``, where they
can be read and edited without touching code. They are loaded and validated once per process.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, model_validator

from assistant.schemas import Origin

SCENARIO_FILE = "scenarios.yaml"


class Scenario(BaseModel):
    """One practice scenario."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
    title: str = Field(min_length=1)
    origin: Origin
    description: str = Field(min_length=1)
    hint: str = Field(min_length=1)


class _ScenarioFile(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    version: int
    scenarios: tuple[Scenario, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique_ids(self) -> _ScenarioFile:
        ids = [s.id for s in self.scenarios]
        duplicates = sorted({i for i in ids if ids.count(i) > 1})
        if duplicates:
            raise ValueError(f"scenario ids must be unique; repeated: {', '.join(duplicates)}")
        return self


@cache
def _load() -> _ScenarioFile:
    text = resources.files("assistant.data").joinpath(SCENARIO_FILE).read_text("utf-8")
    raw: Any = yaml.safe_load(text)
    return _ScenarioFile.model_validate(raw)


def list_scenarios() -> list[Scenario]:
    """Every built-in scenario, in the order the page lists them."""
    return list(_load().scenarios)


def get_scenario(scenario_id: str) -> Scenario:
    """The scenario with this id; ``KeyError`` naming the known ids if there is none."""
    for scenario in _load().scenarios:
        if scenario.id == scenario_id:
            return scenario
    known = ", ".join(s.id for s in _load().scenarios)
    raise KeyError(f"No practice scenario with id {scenario_id!r}. Known ids: {known}.")
