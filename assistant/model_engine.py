"""The model engine: any chat model, reached through a ``complete`` callable, writes a Reflection.

This module never imports litellm: ``assistant/llm.py`` builds the real ``complete`` callable, and
tests pass a fake one. Two things are retried in different places (STYLE habit 4): transport errors
inside the callable, and answers of the wrong shape here, by re-asking with the errors stated.
"""

from __future__ import annotations

import json
import re
from typing import Annotated, Protocol, Self, TypeVar

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    field_validator,
    model_validator,
)

from assistant.errors import ModelOutputError
from assistant.prompts import Message, load_prompt
from assistant.schemas import (
    FeelingAcknowledgment,
    Feelings,
    Origin,
    Reflection,
    Repair,
    RepairKind,
    Summary,
    Voice,
)

REFLECT_PROMPT = "reflect"
REPAIR_PROMPT = "repair"

MAX_FEELINGS = 6
MAX_FEELING_WORDS = 4

_REPAIR_KIND = {
    Origin.THIS_RELATIONSHIP: RepairKind.APOLOGY,
    Origin.BEFORE_RELATIONSHIP: RepairKind.EMPATHY,
    Origin.UNCLEAR: RepairKind.NONE,
}


_Text = StringConstraints(strip_whitespace=True, min_length=1)
Restatement = Annotated[str, _Text, StringConstraints(max_length=800)]
Meaning = Annotated[str, _Text, StringConstraints(max_length=400)]
Sentence = Annotated[str, _Text, StringConstraints(max_length=200)]
Validation = Annotated[str, _Text, StringConstraints(max_length=300)]
RepairText = Annotated[str, _Text, StringConstraints(max_length=800)]

# A feeling is a word for a feeling ("let down"); a thought dressed as one ("that you don't care",
# "like he doesn't care") is a judgment, and the method asks for feelings.
_JUDGMENT_START = re.compile(
    r"^(?:that|like|as if|as though|you|he|she|they|i|it|we|if)\b", re.IGNORECASE
)


class ModelFeeling(BaseModel):
    """One feeling and its short sentence, as the model writes it."""

    model_config = ConfigDict(extra="forbid")

    feeling: str = Field(
        max_length=40, description="The feeling word or short phrase, e.g. 'let down'."
    )
    sentence: Sentence = Field(description="One short sentence, e.g. 'You felt let down.'")

    @field_validator("feeling")
    @classmethod
    def _a_feeling_word(cls, value: str) -> str:
        value = value.strip().rstrip(".")
        if not value:
            raise ValueError("must name a feeling, e.g. 'let down'")
        if len(value.split()) > MAX_FEELING_WORDS:
            raise ValueError(
                f"must be a feeling word of at most {MAX_FEELING_WORDS} words, e.g. 'let down'"
            )
        if _JUDGMENT_START.match(value):
            raise ValueError(
                "must be a word for a feeling (e.g. 'hurt', 'invisible'), not a thought or "
                "judgment such as 'that you don't care'"
            )
        return value


class ModelReflection(BaseModel):
    """The JSON answer the model is asked for (see ``prompts/reflect.yaml``)."""

    model_config = ConfigDict(extra="forbid")

    restatement: Restatement = Field(
        description="What happened, said back from the listener's side."
    )
    meaning: Meaning = Field(description="What it meant to the speaker.")
    origin: Origin = Field(description="Where the hurt comes from.")
    feelings: list[ModelFeeling] = Field(min_length=1, max_length=MAX_FEELINGS)
    validation: Validation = Field(description="One line saying the feelings make sense.")
    repair: RepairText | None = Field(
        description="Apology (this_relationship), empathy (before_relationship), null (unclear)."
    )

    @field_validator("repair", mode="before")
    @classmethod
    def _blank_is_none(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @model_validator(mode="after")
    def _repair_matches_origin(self) -> Self:
        if self.origin is Origin.UNCLEAR and self.repair is not None:
            raise ValueError("repair must be null when origin is 'unclear'")
        if self.origin is not Origin.UNCLEAR and self.repair is None:
            raise ValueError(
                f"repair is required when origin is '{self.origin.value}' "
                "(an apology for this relationship, empathy for a hurt from before it)"
            )
        return self

    def to_reflection(self, model_name: str, voice: Voice) -> Reflection:
        """The engine-neutral Reflection every page can show."""
        return Reflection(
            summary=Summary(restatement=self.restatement, meaning=self.meaning, origin=self.origin),
            feelings=Feelings(
                acknowledgments=[
                    FeelingAcknowledgment(feeling=f.feeling, sentence=f.sentence)
                    for f in self.feelings
                ],
                validation=self.validation,
            ),
            repair=Repair(kind=_REPAIR_KIND[self.origin], text=self.repair),
            engine="model",
            model=model_name,
            voice=voice,
        )


class RepairDraft(BaseModel):
    """The answer to a repair-only re-ask (``prompts/repair.yaml``)."""

    model_config = ConfigDict(extra="forbid")

    repair: RepairText = Field(description="The new apology or empathy statement.")


class Completion(Protocol):
    """Send chat messages to a model; return the text of its answer."""

    def __call__(self, messages: list[Message]) -> str: ...


SchemaT = TypeVar("SchemaT", bound=BaseModel)

_FENCE = re.compile(r"```(?:json)?\s*(.*?)\s*```", re.DOTALL | re.IGNORECASE)


def parse_reply(reply: str, schema_model: type[SchemaT]) -> SchemaT | list[str]:
    """The validated answer, or the problems with it, each stated plainly for a re-ask."""
    text = reply.strip()
    if not text:
        return ["The answer was empty."]
    fenced = _FENCE.search(text)
    if fenced:
        text = fenced.group(1)
    start, end = text.find("{"), text.rfind("}")
    if start == -1 or end < start:
        return ["The answer contained no JSON object."]
    try:
        return schema_model.model_validate_json(text[start : end + 1])
    except ValidationError as exc:
        # loc and msg only: pydantic's "input" would echo the reply back at length.
        return [
            f"{'.'.join(str(part) for part in error['loc']) or 'answer'}: {error['msg']}"
            for error in exc.errors()
        ]


def _reask(problems: list[str]) -> str:
    listed = "\n".join(f"- {problem}" for problem in problems)
    return (
        f"Your answer could not be used:\n{listed}\n"
        "Answer again with only one JSON object that follows the schema, fixing each problem."
    )


def ask_json(
    messages: list[Message],
    complete: Completion,
    schema_model: type[SchemaT],
    reask_attempts: int = 2,
    *,
    model: str,
) -> SchemaT:
    """Ask, validate into ``schema_model``, and re-ask at most ``reask_attempts`` more times.

    Each re-ask appends the model's answer and a user turn listing what was wrong with it.
    Raises ModelOutputError (carrying the attempts and the last reply) when no answer fits.
    Transport errors from ``complete`` pass through untouched: they are retried inside it.
    """
    if reask_attempts < 0:
        raise ValueError("reask_attempts must be 0 or more")
    conversation = list(messages)
    attempts = reask_attempts + 1
    reply = ""
    for _ in range(attempts):
        reply = complete(conversation)
        parsed = parse_reply(reply, schema_model)
        if not isinstance(parsed, list):
            return parsed
        conversation += [
            {"role": "assistant", "content": reply.strip() or "(empty answer)"},
            {"role": "user", "content": _reask(parsed)},
        ]
    raise ModelOutputError(
        f"The model {model} did not answer in the expected shape after {attempts} tries: "
        "try again, choose another model, or use the offline engine.",
        model=model,
        attempts=attempts,
        last_reply=reply,
    )


def schema_text(schema_model: type[BaseModel]) -> str:
    """The JSON schema put into a system prompt, compact to save the small models' context."""
    return json.dumps(schema_model.model_json_schema(), separators=(",", ":"))


_DELIMITER_TAG = re.compile(r"<\s*/?\s*(?:description|rejected)\s*>", re.IGNORECASE)


def contain(text: str) -> str:
    """The person's text with our delimiter tags removed, so it cannot close its own fence."""
    return _DELIMITER_TAG.sub("[tag removed]", text.strip())


def reflect_with_model(
    text: str,
    complete: Completion,
    *,
    model: str,
    reask_attempts: int = 2,
    extra_instructions: str | None = None,
    voice: Voice = Voice.TO_PARTNER,
) -> Reflection:
    """Ask the model for a reflection of ``text`` and return it validated.

    ``extra_instructions`` is added after the description as a note from the app (the pipeline
    uses it to pass on what the apology checker found). ``voice`` is recorded on the result.
    """
    messages = load_prompt(REFLECT_PROMPT).render(
        schema=schema_text(ModelReflection), description=contain(text)
    )
    if extra_instructions and extra_instructions.strip():
        messages[-1]["content"] += f"\n\nNote from the app: {extra_instructions.strip()}"
    answer = ask_json(messages, complete, ModelReflection, reask_attempts, model=model)
    return answer.to_reflection(model, voice)


def redraft_repair(
    text: str,
    *,
    origin: Origin,
    rejected: str,
    problems: str,
    complete: Completion,
    model: str,
    reask_attempts: int = 2,
) -> str:
    """A new apology or empathy statement after the apology checker rejected ``rejected``.

    ``problems`` is what the checker found, already written as plain text.
    """
    if origin is Origin.UNCLEAR:
        raise ValueError("There is no repair to redraft when the origin is unclear.")
    messages = load_prompt(REPAIR_PROMPT).render(
        schema=schema_text(RepairDraft),
        description=contain(text),
        kind=_REPAIR_KIND[origin].value,
        rejected=contain(rejected),
        problems=problems.strip(),
    )
    return ask_json(messages, complete, RepairDraft, reask_attempts, model=model).repair
