"""reflect(): screen the input, run an engine, guard the output.

The order is the product's safety promise:

1. the text is checked (``text_input``) and screened for crisis language, before any model;
2. urgent text stops here: no engine runs, nothing is stored, the help card is the result;
3. the chosen engine reflects (a model through litellm, or the offline engine);
4. a model's words are screened too, and its repair suggestion must pass the apology checker:
   a rejected one is re-asked once with the findings, then replaced by the offline engine's
   suggestion. A rejected suggestion is never returned.
"""

from __future__ import annotations

import logging

from pydantic import BaseModel, ConfigDict

from assistant.config import Settings, get_settings
from assistant.errors import ModelError
from assistant.model_engine import Completion, redraft_repair, reflect_with_model
from assistant.offline.engine import reflect_offline
from assistant.offline.voice import detect_speaker
from assistant.schemas import Reflection, Repair, RepairKind
from assistant.text_input import check_text
from guardrails.apology import check_apology
from guardrails.crisis import CrisisLevel, CrisisResult, screen
from guardrails.findings import CheckResult

log = logging.getLogger(__name__)


class ReflectOutcome(BaseModel):
    """Either a reflection, or (for urgent crisis text) only the screen's result and help."""

    model_config = ConfigDict(frozen=True)

    crisis: CrisisResult
    reflection: Reflection | None = None
    model_calls: int = 0

    @property
    def stopped_for_safety(self) -> bool:
        return self.reflection is None


def reflect(
    text: object,
    *,
    settings: Settings | None = None,
    complete: Completion | None = None,
) -> ReflectOutcome:
    """Reflect a description. Raises ``InputError`` for text that cannot be reflected."""
    settings = settings or get_settings()
    clean = check_text(text, max_chars=settings.max_chars)
    crisis = screen(clean.text, settings.locale)
    if crisis.level is CrisisLevel.URGENT:
        return ReflectOutcome(crisis=crisis)
    calls = 0
    if settings.uses_model:
        reflection, calls = _reflect_with_model(clean.text, settings, complete)
    else:
        reflection = reflect_offline(clean.text)
    notices = [*clean.notices, *reflection.notices]
    if crisis.level is CrisisLevel.CAUTION:
        notices.append("Some of what you wrote touches on past danger: help is shown beside this.")
    reflection = reflection.model_copy(update={"notices": notices})
    return ReflectOutcome(crisis=crisis, reflection=reflection, model_calls=calls)


class _CountingCompletion:
    """Counts calls, so that tests and evaluations can prove which paths reached a model."""

    def __init__(self, inner: Completion) -> None:
        self.inner = inner
        self.calls = 0

    def __call__(self, messages: list[dict[str, str]]) -> str:
        self.calls += 1
        return self.inner(messages)


def _reflect_with_model(
    text: str, settings: Settings, complete: Completion | None
) -> tuple[Reflection, int]:
    """The model path; on any model failure, the offline engine's answer with a notice."""
    counter: _CountingCompletion | None = None
    try:
        if complete is None:
            from assistant.llm import litellm_completion

            complete = litellm_completion(settings)
        counter = _CountingCompletion(complete)
        reflection = reflect_with_model(
            text,
            counter,
            model=settings.model,
            reask_attempts=settings.reask_attempts,
            voice=detect_speaker(text).voice,
        )
        return _guard_model_reflection(text, reflection, counter, settings), counter.calls
    except ModelError as exc:
        # Never log the text or the reply: only which model failed, how, and how often.
        log.warning("model %s failed after %d attempts (%s)", exc.model, exc.attempts, type(exc))
        fallback = reflect_offline(text)
        notice = f"{exc} This reflection came from the offline engine instead."
        return fallback.model_copy(update={"notices": [notice]}), counter.calls if counter else 0


def _guard_model_reflection(
    text: str, reflection: Reflection, complete: Completion, settings: Settings
) -> Reflection:
    """Screen what the model wrote; keep its repair only if it passes the apology checker."""
    written = " ".join(
        [
            reflection.summary.restatement,
            reflection.summary.meaning,
            *(a.sentence for a in reflection.feelings.acknowledgments),
            reflection.feelings.validation,
            reflection.repair.text or "",
        ]
    )
    if screen(written, settings.locale).level is not CrisisLevel.NONE:
        offline = reflect_offline(text)
        return offline.model_copy(
            update={
                "notices": [
                    "The model's answer contained crisis language, so it was not shown; "
                    "this reflection came from the offline engine."
                ]
            }
        )
    repair = reflection.repair
    if repair.kind is not RepairKind.APOLOGY or not repair.text:
        return reflection
    verdict = check_apology(repair.text)
    if verdict.accepted:
        return reflection
    mended = _reask_repair(text, reflection, verdict, complete, settings)
    if mended is not None:
        return reflection.model_copy(update={"repair": mended})
    offline_repair = reflect_offline(text).repair
    notice = (
        "The model's apology suggestion did not pass Heardwell's apology check, "
        "so the offline engine's suggestion is shown instead."
    )
    return reflection.model_copy(
        update={"repair": offline_repair, "notices": [*reflection.notices, notice]}
    )


def _reask_repair(
    text: str,
    reflection: Reflection,
    verdict: CheckResult,
    complete: Completion,
    settings: Settings,
) -> Repair | None:
    """Ask the model once more for the apology, with the checker's findings."""
    rejected = reflection.repair.text or ""
    problems = "; ".join(f"{f.category}: {f.reason} ({f.hint})" for f in verdict.findings)
    try:
        redrafted = redraft_repair(
            text,
            origin=reflection.summary.origin,
            rejected=rejected,
            problems=problems,
            complete=complete,
            model=settings.model,
            reask_attempts=0,
        )
    except ModelError:
        return None
    if not check_apology(redrafted).accepted:
        return None
    if screen(redrafted, settings.locale).level is not CrisisLevel.NONE:
        return None
    return Repair(kind=RepairKind.APOLOGY, text=redrafted)
