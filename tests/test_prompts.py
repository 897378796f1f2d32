"""Prompt files: strict loading, rendering, and examples that match the answer schema."""

from __future__ import annotations

import json

import pytest

from assistant.errors import PromptError
from assistant.model_engine import ModelReflection, RepairDraft, schema_text
from assistant.prompts import load_prompt, parse_prompt
from assistant.schemas import Origin

GOOD = """
name: demo
version: 1
system: "Answer as JSON: $schema"
examples:
  - user: "<d>hello</d>"
    assistant: '{"x": 1}'
user_template: "<d>$description</d>"
"""


def test_render_orders_system_examples_then_user_turn():
    prompt = parse_prompt(GOOD, source="demo.yaml")
    messages = prompt.render(schema='{"type": "object"}', description="it hurt")
    assert messages == [
        {"role": "system", "content": 'Answer as JSON: {"type": "object"}'},
        {"role": "user", "content": "<d>hello</d>"},
        {"role": "assistant", "content": '{"x": 1}'},
        {"role": "user", "content": "<d>it hurt</d>"},
    ]


def test_missing_variable_is_named():
    prompt = parse_prompt(GOOD, source="demo.yaml")
    with pytest.raises(PromptError, match="description"):
        prompt.render(schema="{}")


def test_unknown_variable_is_named():
    prompt = parse_prompt(GOOD, source="demo.yaml")
    with pytest.raises(PromptError, match="descripton"):
        prompt.render(schema="{}", description="x", descripton="typo")


def test_dollar_signs_in_values_are_kept_as_written():
    prompt = parse_prompt(GOOD, source="demo.yaml")
    last = prompt.render(schema="{}", description="He spent $400 of $savings")[-1]
    assert last["content"] == "<d>He spent $400 of $savings</d>"


@pytest.mark.parametrize(
    ("text", "named"),
    [
        (GOOD + "temperature: 0.2\n", "temperature"),
        (GOOD.replace("assistant: '{\"x\": 1}'", "assistant: '{\"x\": 1}'\n    note: hi"), "note"),
        (GOOD.replace("version: 1", ""), "version"),
        (GOOD.replace('"<d>$description</d>"', '"<d>${description</d>"'), "placeholder"),
        ("- just\n- a list\n", "mapping"),
        ("name: [unclosed", "YAML"),
    ],
)
def test_malformed_files_raise_prompt_error(text, named):
    with pytest.raises(PromptError, match=named):
        parse_prompt(text, source="demo.yaml")


def test_unknown_prompt_name():
    with pytest.raises(PromptError, match="no-such-prompt"):
        load_prompt("no-such-prompt")


def reflect_messages(description: str = "You forgot my birthday.") -> list[dict[str, str]]:
    return load_prompt("reflect").render(
        schema=schema_text(ModelReflection), description=description
    )


def test_reflect_prompt_renders_with_schema_and_all_examples():
    messages = reflect_messages()
    roles = [m["role"] for m in messages]
    assert roles == [
        "system",
        "user",
        "assistant",
        "user",
        "assistant",
        "user",
        "assistant",
        "user",
    ]
    assert schema_text(ModelReflection) in messages[0]["content"]
    assert "$" not in messages[0]["content"].replace(schema_text(ModelReflection), "")
    assert messages[-1]["content"].endswith(
        "<description>\nYou forgot my birthday.\n</description>"
    )


def test_every_reflect_example_is_a_valid_answer():
    examples = load_prompt("reflect").examples
    answers = [ModelReflection.model_validate_json(e.assistant) for e in examples]
    assert {a.origin for a in answers} >= {Origin.THIS_RELATIONSHIP, Origin.BEFORE_RELATIONSHIP}
    for example in examples:
        assert example.user.startswith("Reflect this description.\n<description>\n")
        assert example.user.endswith("\n</description>")


def test_reflect_examples_cover_both_voices_and_empathy():
    examples = load_prompt("reflect").examples
    to_partner, about_partner, before = (json.loads(e.assistant) for e in examples)
    assert "You promised you'd come" in examples[0].user
    assert to_partner["restatement"].startswith("I promised I'd come to your sister's dinner")
    assert examples[1].user.split("<description>\n")[1].startswith("He ")
    assert "he told his friends" in about_partner["restatement"]
    assert before["origin"] == "before_relationship"
    assert before["repair"].startswith("I'm sorry you went through that.")


def test_repair_prompt_examples_are_valid_answers():
    prompt = load_prompt("repair")
    for example in prompt.examples:
        RepairDraft.model_validate_json(example.assistant)
    assert prompt.variables == {"schema", "kind", "description", "rejected", "problems"}
