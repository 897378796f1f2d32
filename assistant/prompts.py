"""Prompts are data: one YAML file per task in ``prompts/``, loaded into a strict model.

Placeholders use ``string.Template`` syntax (``$name``), not ``str.format``: the system prompts
carry JSON, and JSON's braces would otherwise all need doubling.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from string import Template

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from assistant.errors import PromptError

PROMPTS_PACKAGE = "prompts"

Message = dict[str, str]


class Example(BaseModel):
    """One worked example, shown to the model as a real user turn and its answer."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    user: str = Field(min_length=1)
    assistant: str = Field(min_length=1)


class Prompt(BaseModel):
    """A system prompt, worked examples and a template for the final user turn."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(min_length=1)
    version: int = Field(ge=1)
    system: str = Field(min_length=1)
    examples: list[Example] = Field(default_factory=list)
    user_template: str = Field(min_length=1)

    @field_validator("system", "user_template")
    @classmethod
    def _valid_template(cls, value: str) -> str:
        if not Template(value).is_valid():
            raise ValueError("contains a malformed $placeholder (write a literal $ as $$)")
        return value

    @property
    def variables(self) -> frozenset[str]:
        """Every placeholder the system prompt and the user template use."""
        return frozenset(
            Template(self.system).get_identifiers() + Template(self.user_template).get_identifiers()
        )

    def render(self, **variables: str) -> list[Message]:
        """Chat messages: the system prompt, each example as a user/assistant pair, the user turn.

        Raises PromptError naming any missing variable, or any variable the prompt does not use
        (most often a typo that would otherwise be silently dropped).
        """
        missing = sorted(self.variables - variables.keys())
        if missing:
            raise PromptError(f"Prompt '{self.name}' needs the variable(s): {', '.join(missing)}.")
        unknown = sorted(variables.keys() - self.variables)
        if unknown:
            raise PromptError(f"Prompt '{self.name}' has no variable(s): {', '.join(unknown)}.")
        messages: list[Message] = [
            {"role": "system", "content": Template(self.system).substitute(variables)}
        ]
        for example in self.examples:
            messages.append({"role": "user", "content": example.user})
            messages.append({"role": "assistant", "content": example.assistant})
        messages.append(
            {"role": "user", "content": Template(self.user_template).substitute(variables)}
        )
        return messages


def parse_prompt(text: str, *, source: str) -> Prompt:
    """Parse one prompt file's YAML text; ``source`` names it in error messages."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise PromptError(f"Prompt file {source} is not valid YAML: {exc}") from exc
    if not isinstance(data, dict):
        raise PromptError(f"Prompt file {source} must be a mapping of keys to values.")
    try:
        return Prompt.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(part) for part in error['loc']) or 'file'}: {error['msg']}"
            for error in exc.errors()
        )
        raise PromptError(f"Prompt file {source} is malformed: {problems}") from exc


@cache
def load_prompt(name: str) -> Prompt:
    """Load ``prompts/<name>.yaml`` from the installed package (cached: files do not change)."""
    resource = resources.files(PROMPTS_PACKAGE).joinpath(f"{name}.yaml")
    if not resource.is_file():
        raise PromptError(f"No prompt named '{name}': expected {PROMPTS_PACKAGE}/{name}.yaml.")
    prompt = parse_prompt(resource.read_text(encoding="utf-8"), source=f"{name}.yaml")
    if prompt.name != name:
        raise PromptError(f"Prompt file {name}.yaml says its name is '{prompt.name}'.")
    return prompt
