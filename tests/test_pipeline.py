"""The pipeline's promises: screen first, never call a model with urgent text, fall back honestly,
never show a rejected apology suggestion."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator

import pytest

from assistant.config import Settings
from assistant.errors import InputError, ModelUnavailableError
from assistant.pipeline import reflect
from assistant.schemas import Origin, RepairKind
from guardrails.apology import check_apology
from guardrails.crisis import CrisisLevel

DESCRIPTION = (
    "You promised you'd come to my sister's dinner, and then you texted an hour before "
    "saying you couldn't make it. I felt stupid making excuses for you."
)
MODEL = Settings(model="gpt-4o-mini", reask_attempts=1)


def answer(
    repair: str | None = "I'm sorry I cancelled on you at the last minute.", **extra: object
) -> str:
    data: dict[str, object] = {
        "restatement": "I promised I'd come to your sister's dinner, and cancelled an hour before.",
        "meaning": "It told you that you couldn't count on my word.",
        "origin": "this_relationship",
        "feelings": [{"feeling": "stupid", "sentence": "You felt stupid."}],
        "validation": "That makes sense to me.",
        "repair": repair,
    }
    data.update(extra)
    return json.dumps(data)


class Script:
    """A fake model: answers in order, and remembers what it was sent."""

    def __init__(self, *replies: str | Exception) -> None:
        self.replies: Iterator[str | Exception] = iter(replies)
        self.sent: list[list[dict[str, str]]] = []

    def __call__(self, messages: list[dict[str, str]]) -> str:
        self.sent.append(messages)
        reply = next(self.replies)
        if isinstance(reply, Exception):
            raise reply
        return reply


def test_offline_is_the_default_and_calls_no_model() -> None:
    outcome = reflect(DESCRIPTION, settings=Settings())
    assert outcome.reflection is not None
    assert outcome.reflection.engine == "offline"
    assert outcome.model_calls == 0
    assert outcome.reflection.summary.restatement.startswith("I promised I'd come to your sister's")


@pytest.mark.parametrize(
    "text",
    [
        "I don't want to be alive anymore and I've been thinking about how to do it.",
        "He choked me last night and I'm scared to go home.",
    ],
)
def test_urgent_text_never_reaches_the_model(text: str) -> None:
    fake = Script(answer())
    outcome = reflect(text, settings=MODEL, complete=fake)
    assert outcome.stopped_for_safety
    assert outcome.crisis.level is CrisisLevel.URGENT
    assert outcome.crisis.route is not None
    assert fake.sent == []
    assert outcome.model_calls == 0


def test_bad_input_raises_before_any_model_call() -> None:
    fake = Script(answer())
    with pytest.raises(InputError):
        reflect("   ", settings=MODEL, complete=fake)
    assert fake.sent == []


def test_a_valid_model_answer_is_used() -> None:
    fake = Script(answer())
    outcome = reflect(DESCRIPTION, settings=MODEL, complete=fake)
    assert outcome.reflection is not None
    assert outcome.reflection.engine == "model"
    assert outcome.reflection.summary.origin is Origin.THIS_RELATIONSHIP
    assert outcome.model_calls == 1
    assert DESCRIPTION in fake.sent[0][-1]["content"]


def test_a_failing_model_falls_back_to_offline_and_says_so() -> None:
    fake = Script(
        ModelUnavailableError("The model gpt-4o-mini did not answer.", model="gpt-4o-mini")
    )
    outcome = reflect(DESCRIPTION, settings=MODEL, complete=fake)
    assert outcome.reflection is not None
    assert outcome.reflection.engine == "offline"
    assert any("offline engine" in n for n in outcome.reflection.notices)
    assert any("did not answer" in n for n in outcome.reflection.notices)


def test_garbage_answers_fall_back_after_the_bounded_reask() -> None:
    fake = Script("not json", '{"still": "wrong"}', answer())
    outcome = reflect(DESCRIPTION, settings=MODEL, complete=fake)
    assert outcome.reflection is not None
    assert outcome.reflection.engine == "offline"  # reask_attempts=1: two tries, then fallback
    assert len(fake.sent) == 2


EXCUSING = "I'm sorry, but I was exhausted and you know how work has been."


def test_a_rejected_suggestion_is_reasked_once_with_the_findings() -> None:
    mended = json.dumps({"repair": "I'm sorry I cancelled on you an hour before the dinner."})
    fake = Script(answer(repair=EXCUSING), mended)
    outcome = reflect(DESCRIPTION, settings=MODEL, complete=fake)
    assert outcome.reflection is not None
    assert (
        outcome.reflection.repair.text == "I'm sorry I cancelled on you an hour before the dinner."
    )
    assert "excuse" in fake.sent[1][-1]["content"]
    assert outcome.model_calls == 2


def test_a_rejected_suggestion_is_never_shown() -> None:
    fake = Script(answer(repair=EXCUSING), json.dumps({"repair": "Sorry if you were upset."}))
    outcome = reflect(DESCRIPTION, settings=MODEL, complete=fake)
    reflection = outcome.reflection
    assert reflection is not None
    assert reflection.repair.kind is RepairKind.APOLOGY
    assert reflection.repair.text not in (EXCUSING, "Sorry if you were upset.")
    assert reflection.repair.text and check_apology(reflection.repair.text).accepted
    assert any("apology check" in n for n in reflection.notices)


def test_crisis_language_written_by_a_model_is_not_shown() -> None:
    fake = Script(answer(meaning="You should just kill yourself."))
    outcome = reflect(DESCRIPTION, settings=MODEL, complete=fake)
    reflection = outcome.reflection
    assert reflection is not None
    assert reflection.engine == "offline"
    assert "kill" not in reflection.summary.meaning


def test_the_offline_path_never_imports_litellm() -> None:
    code = (
        "import sys; from assistant.pipeline import reflect; "
        f"reflect({DESCRIPTION!r}); print('litellm' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_the_background_warm_up_starts_once_per_process() -> None:
    from assistant.warmup import warm_up_in_background

    first = warm_up_in_background()
    assert warm_up_in_background() is first
    first.join(timeout=30)
    assert not first.is_alive()
