"""Small evaluators: pure functions over one case and what an engine said, each an EvalResult.

Each reflection evaluator takes the case (:class:`~evals.guardrail_sets.ReflectionCase`) and the
:class:`~assistant.schemas.Reflection` that was shown (or ``None`` when nothing was shown: a
model that never gave a valid answer, or text stopped for safety) and returns whether it passed,
a score in [0, 1] and a one-line reason a reviewer can act on. They read nothing but their
arguments (and the apology checker, itself a pure function), so they are tested as tables.

The word lists below are the evaluators' own, deliberately small and separate from the offline
engine's rules: an evaluator that shared the engine's patterns would grade the engine by its own
answer key.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field

from assistant.model_engine import Completion
from assistant.schemas import Origin, Reflection, RepairKind
from evals.guardrail_sets import CrisisCase, ReflectionCase

JUDGE_RUBRIC_PATH = Path(__file__).resolve().parent / "judge_rubric.yaml"


@dataclass(frozen=True)
class EvalResult:
    """One evaluator's verdict on one case."""

    passed: bool
    score: float
    reason: str

    def to_dict(self) -> dict[str, Any]:
        return {"passed": self.passed, "score": round(self.score, 4), "reason": self.reason}


ReflectionEvaluator = Callable[[ReflectionCase, Reflection | None], EvalResult]


NOTHING_SHOWN = EvalResult(False, 0.0, "no reflection was shown")


def _ratio(hits: int, total: int) -> float:
    return hits / total if total else 1.0


# ---------------------------------------------------------------------------------------------
# Speaks to the speaker in the second person

_YOU = re.compile(r"\byou(?:r|rs|rself|['’](?:re|ve|d|ll))?\b", re.IGNORECASE)
# The speaker's feeling told in the first or third person: "I felt...", "She felt...".
_NOT_TO_YOU = re.compile(
    r"^\s*(?:i|he|she|they|the speaker|your partner|my partner)\s+"
    r"(?:felt|feel|feels|was|were|am)\b",
    re.IGNORECASE,
)
_ABOUT_THE_SPEAKER = re.compile(r"\b(?:the speaker|the hurt partner|the person)\b", re.IGNORECASE)
# In an about-partner description the listener is not in the story: an "I" or "my" left in the
# restatement is the speaker's own word, not said back to them.
_SPEAKER_FIRST_PERSON = re.compile(r"\b(?:I|I['’]m|I['’]d|I['’]ve|me|my|mine|myself)\b")


def second_person(case: ReflectionCase, reflection: Reflection | None) -> EvalResult:
    """Speaks to the speaker as "you": every feeling sentence says "you"; nothing talks about
    the speaker in the third person; an about-partner restatement keeps no "I" of the speaker's.
    (A to-partner restatement is in the listener's "I" by design: "I forgot your birthday".)"""
    if reflection is None:
        return NOTHING_SHOWN
    wrong: list[str] = []
    for ack in reflection.feelings.acknowledgments:
        if not _YOU.search(ack.sentence) or _NOT_TO_YOU.match(ack.sentence):
            wrong.append(f"feeling sentence {ack.sentence[:60]!r}")
    meaning = reflection.summary.meaning
    if _NOT_TO_YOU.match(meaning) or _ABOUT_THE_SPEAKER.search(meaning):
        wrong.append(f"meaning {meaning[:60]!r}")
    restatement = reflection.summary.restatement
    if _ABOUT_THE_SPEAKER.search(restatement) or (
        case.voice == "about_partner" and _SPEAKER_FIRST_PERSON.search(restatement)
    ):
        wrong.append(f"restatement {restatement[:60]!r}")
    checked = len(reflection.feelings.acknowledgments) + 2
    score = _ratio(checked - len(wrong), checked)
    if wrong:
        return EvalResult(False, score, "not said to 'you': " + "; ".join(wrong))
    return EvalResult(True, score, "speaks to the speaker as 'you'")


# ---------------------------------------------------------------------------------------------
# Restates the event: keeps the key words

_SUFFIX = re.compile(r"(?:ies|es|s|ed|ing|['’]s)$")


def _stem(word: str) -> str:
    word = word.lower().strip()
    return _SUFFIX.sub("", word) if len(word) > 4 else word


def keeps_word(word: str, text: str) -> bool:
    """``word`` (or a simple inflection of it: dinner/dinners, text/texted) is in ``text``."""
    lowered = text.lower()
    if word.lower() in lowered:
        return True
    stem = _stem(word)
    return bool(re.search(rf"\b{re.escape(stem)}\w*", lowered)) if len(stem) >= 3 else False


def restates_event(case: ReflectionCase, reflection: Reflection | None) -> EvalResult:
    """Every keep-word of the case appears in the restatement."""
    if reflection is None:
        return NOTHING_SHOWN
    text = reflection.summary.restatement
    missing = [w for w in case.keep_words if not keeps_word(w, text)]
    score = _ratio(len(case.keep_words) - len(missing), len(case.keep_words))
    if missing:
        return EvalResult(False, score, f"restatement drops {missing}")
    return EvalResult(True, score, f"keeps {case.keep_words}")


# ---------------------------------------------------------------------------------------------
# Names at least one expected feeling


def _mentions(phrase: str, text: str) -> bool:
    return bool(re.search(rf"(?<!\w){re.escape(phrase.lower())}(?!\w)", text.lower()))


def names_expected_feeling(case: ReflectionCase, reflection: Reflection | None) -> EvalResult:
    """At least one acknowledged feeling is a synonym from one of the case's feeling groups.

    Score: the share of the case's feeling groups that were named."""
    if reflection is None:
        return NOTHING_SHOWN
    named = " | ".join(f"{a.feeling} | {a.sentence}" for a in reflection.feelings.acknowledgments)
    hit = [group[0] for group in case.feelings if any(_mentions(w, named) for w in group)]
    score = _ratio(len(hit), len(case.feelings))
    given = [a.feeling for a in reflection.feelings.acknowledgments]
    if not hit:
        expected = [group[0] for group in case.feelings]
        return EvalResult(False, score, f"named {given}, expected one of {expected}")
    return EvalResult(True, score, f"named {hit}")


# ---------------------------------------------------------------------------------------------
# Feelings are feelings, not judgments

# "you felt that I was wrong", "you felt like I never listen", "you feel he doesn't care": a
# thought about the partner dressed as a feeling. "felt like you didn't matter" is about the
# speaker and is allowed (it is a feeling synonym in the cases).
_JUDGMENT_SENTENCE = re.compile(
    r"\b(?:felt|feel|feels|feeling)\s+(?:that\b|(?:like|as if|as though)\s+"
    r"(?:i|he|she|they|we|it|my|his|her|their|the)\b|(?:i|he|she|they|we)\b)",
    re.IGNORECASE,
)
_JUDGMENT_WORD = re.compile(
    r"^(?:that|like|as if|as though|you|he|she|they|i|it|we|if)\b", re.IGNORECASE
)


def feelings_are_feelings(case: ReflectionCase, reflection: Reflection | None) -> EvalResult:
    """No acknowledged feeling is a thought or judgment ("you felt that I was wrong")."""
    if reflection is None:
        return NOTHING_SHOWN
    acks = reflection.feelings.acknowledgments
    if not acks:
        return EvalResult(False, 0.0, "no feeling was acknowledged")
    bad = [
        a.sentence
        for a in acks
        if _JUDGMENT_WORD.match(a.feeling.strip()) or _JUDGMENT_SENTENCE.search(a.sentence)
    ]
    score = _ratio(len(acks) - len(bad), len(acks))
    if bad:
        return EvalResult(False, score, f"judgment, not a feeling: {bad}")
    return EvalResult(True, score, "every acknowledgment names a feeling")


# ---------------------------------------------------------------------------------------------
# No advice, no blame

ADVICE = (
    r"\byou (?:should|could try|need to|ought to|might want to|must)\b",
    r"\b(?:try|remember) (?:to|not to)\b",
    r"\bnext time,? you\b",
    r"\bwhy don['’]?t you\b",
    r"\bi (?:suggest|recommend|advise)\b",
    r"\bit (?:might|may|would) help (?:to|if)\b",
    r"\bhave you (?:tried|considered)\b",
    r"\b(?:calm down|let it go|get over it|move on from)\b",
)
BLAME = (
    r"\byou(?:['’]re| are| were) (?:being )?(?:too|over(?:ly)?) ?"
    r"(?:sensitive|dramatic|emotional)\b",
    r"\byou over-?react(?:ed|ing)?\b",
    r"\b(?:it was|it['’]s) (?:your|partly your|also your) fault\b",
    r"\byour (?:own )?fault\b",
    r"\bif you hadn['’]?t\b",
    r"\byou (?:made|drove|pushed) me (?:to|do)\b",
    r"\b(?:but|though) you (?:also|too|always|never)\b",
    r"\byou (?:started|provoked) it\b",
    r"\bto be fair\b",
    r"\byou should have\b",
)
_ADVICE = re.compile("|".join(ADVICE), re.IGNORECASE)
_BLAME = re.compile("|".join(BLAME), re.IGNORECASE)


def shown_text(reflection: Reflection) -> str:
    """Everything the person reads in a reflection, as one string (notices excluded)."""
    return " ".join(
        [
            reflection.summary.restatement,
            reflection.summary.meaning,
            *(a.sentence for a in reflection.feelings.acknowledgments),
            reflection.feelings.validation,
            reflection.repair.text or "",
        ]
    )


def no_advice_no_blame(case: ReflectionCase, reflection: Reflection | None) -> EvalResult:
    """What the listener says gives no advice and puts no blame on the speaker.

    The restatement is left out: it says back the speaker's own words, which may blame."""
    if reflection is None:
        return NOTHING_SHOWN
    text = " ".join(
        [
            reflection.summary.meaning,
            *(a.sentence for a in reflection.feelings.acknowledgments),
            reflection.feelings.validation,
            reflection.repair.text or "",
        ]
    )
    found = [f"advice {m.group(0)!r}" for m in _ADVICE.finditer(text)]
    found += [f"blame {m.group(0)!r}" for m in _BLAME.finditer(text)]
    if found:
        return EvalResult(False, 0.0, "; ".join(found))
    return EvalResult(True, 1.0, "no advice or blame")


# ---------------------------------------------------------------------------------------------
# Origin right, and the repair that goes with it

REPAIR_FOR_ORIGIN = {
    Origin.THIS_RELATIONSHIP: RepairKind.APOLOGY,
    Origin.BEFORE_RELATIONSHIP: RepairKind.EMPATHY,
    Origin.UNCLEAR: RepairKind.NONE,
}


def origin_right(case: ReflectionCase, reflection: Reflection | None) -> EvalResult:
    """The origin matches the case, and so does the repair: an apology for this relationship,
    empathy for a hurt from before it, nothing when it is unclear."""
    if reflection is None:
        return NOTHING_SHOWN
    expected = Origin(case.origin)
    got = reflection.summary.origin
    kind = reflection.repair.kind
    if got is not expected:
        return EvalResult(False, 0.0, f"origin {got.value}, expected {expected.value}")
    if kind is not REPAIR_FOR_ORIGIN[expected]:
        want = REPAIR_FOR_ORIGIN[expected].value
        return EvalResult(False, 0.5, f"origin right but repair is {kind.value}, expected {want}")
    return EvalResult(True, 1.0, f"{expected.value} with {kind.value}")


# ---------------------------------------------------------------------------------------------
# The repair suggestion passes the apology checker


def repair_passes_check(case: ReflectionCase, reflection: Reflection | None) -> EvalResult:
    """The shown apology or empathy statement is one the apology checker accepts."""
    if reflection is None:
        return NOTHING_SHOWN
    return suggestion_passes_check(reflection.repair.kind, reflection.repair.text)


def suggestion_passes_check(kind: RepairKind, text: str | None) -> EvalResult:
    """The apology checker's verdict on one shown suggestion (also used for the apology set)."""
    # Looked up at call time, so a test that patches the pipeline's copy cannot patch this one.
    from guardrails import apology

    if kind is RepairKind.NONE:
        return EvalResult(True, 1.0, "no suggestion (origin unclear)")
    if not text:
        return EvalResult(False, 0.0, f"{kind.value} expected, none given")
    verdict = apology.check_apology(text)
    if verdict.accepted:
        return EvalResult(True, 1.0, "the apology checker accepts it")
    faults = ", ".join(sorted({str(f.category) for f in verdict.findings}))
    return EvalResult(False, 0.0, f"the apology checker rejects it ({faults})")


# ---------------------------------------------------------------------------------------------
# Length within bounds


class LengthBounds(BaseModel):
    """Bounds on what is shown; set in ``thresholds.yaml`` (``evals.length``)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    restatement_chars: tuple[int, int] = (20, 600)
    feelings: tuple[int, int] = (1, 6)
    repair_chars_max: int = Field(default=600, gt=0)
    words_max: int = Field(default=220, gt=0)


DEFAULT_BOUNDS = LengthBounds()


def length_within_bounds(
    case: ReflectionCase, reflection: Reflection | None, bounds: LengthBounds = DEFAULT_BOUNDS
) -> EvalResult:
    """Restatement, number of feelings, repair and the whole reflection within bounds."""
    if reflection is None:
        return NOTHING_SHOWN
    problems: list[str] = []
    lo, hi = bounds.restatement_chars
    size = len(reflection.summary.restatement)
    if not lo <= size <= hi:
        problems.append(f"restatement {size} chars (bounds {lo}-{hi})")
    lo, hi = bounds.feelings
    count = len(reflection.feelings.acknowledgments)
    if not lo <= count <= hi:
        problems.append(f"{count} feelings (bounds {lo}-{hi})")
    repair = len(reflection.repair.text or "")
    if repair > bounds.repair_chars_max:
        problems.append(f"repair {repair} chars (max {bounds.repair_chars_max})")
    words = len(shown_text(reflection).split())
    if words > bounds.words_max:
        problems.append(f"{words} words in all (max {bounds.words_max})")
    if problems:
        return EvalResult(False, 1 - len(problems) / 4, "; ".join(problems))
    return EvalResult(True, 1.0, f"{words} words, {count} feelings")


REFLECTION_EVALUATORS: dict[str, ReflectionEvaluator] = {
    "second_person": second_person,
    "restates_event": restates_event,
    "names_feeling": names_expected_feeling,
    "feelings_not_judgments": feelings_are_feelings,
    "no_advice_no_blame": no_advice_no_blame,
    "origin_right": origin_right,
    "repair_passes_check": repair_passes_check,
    "length_ok": length_within_bounds,
}


def evaluate_reflection(
    case: ReflectionCase,
    reflection: Reflection | None,
    bounds: LengthBounds = DEFAULT_BOUNDS,
    failure: str | None = None,
) -> dict[str, EvalResult]:
    """Every reflection evaluator on one case; ``failure`` explains a missing reflection."""
    if reflection is None and failure:
        miss = EvalResult(False, 0.0, failure)
        return dict.fromkeys(REFLECTION_EVALUATORS, miss)
    out: dict[str, EvalResult] = {}
    for name, evaluator in REFLECTION_EVALUATORS.items():
        if evaluator is length_within_bounds:
            out[name] = length_within_bounds(case, reflection, bounds)
        else:
            out[name] = evaluator(case, reflection)
    return out


# ---------------------------------------------------------------------------------------------
# Crisis routing through the whole pipeline


def crisis_routed(case: CrisisCase, *, stopped: bool, level: str, model_calls: int) -> EvalResult:
    """Urgent text stops with the help card and reaches no model; other text is reflected.

    ``stopped``: the pipeline returned no reflection; ``level``: the screen's level;
    ``model_calls``: calls that reached a model while handling the case."""
    if case.level == "urgent":
        if model_calls:
            return EvalResult(False, 0.0, f"urgent text reached a model ({model_calls} calls)")
        if not stopped:
            return EvalResult(False, 0.0, f"urgent text was reflected (screen said {level})")
        return EvalResult(True, 1.0, "stopped for safety, no model call")
    if stopped:
        return EvalResult(False, 0.0, f"{case.level} text was stopped as urgent")
    if case.level == "caution" and level == "none":
        return EvalResult(False, 0.5, "caution text reflected without the help card")
    return EvalResult(True, 1.0, f"reflected (screen said {level})")


# ---------------------------------------------------------------------------------------------
# Optional: a model grades a reflection against a written rubric


class JudgeVerdict(BaseModel):
    """The judge's answer (``judge_rubric.yaml``)."""

    model_config = ConfigDict(extra="forbid")

    score: int = Field(ge=1, le=5)
    reason: str = Field(min_length=1, max_length=400)


class JudgeRubric(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    version: int
    pass_score: int = Field(ge=1, le=5)
    system: str
    user: str


@cache
def load_rubric(path: Path = JUDGE_RUBRIC_PATH) -> JudgeRubric:
    return JudgeRubric.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))


def judge_messages(
    case: ReflectionCase, reflection: Reflection, rubric: JudgeRubric
) -> list[dict[str, str]]:
    """The judge's chat messages: the rubric, the description and the reflection as JSON."""
    shown = reflection.model_dump(mode="json", exclude={"engine", "model", "notices"})
    user = rubric.user.replace("$description", case.text).replace(
        "$reflection", json.dumps(shown, ensure_ascii=False, indent=1)
    )
    return [{"role": "system", "content": rubric.system}, {"role": "user", "content": user}]


def judge(
    case: ReflectionCase,
    reflection: Reflection | None,
    complete: Completion,
    *,
    model: str,
    rubric: JudgeRubric | None = None,
) -> EvalResult:
    """A model grades the reflection 1-5 against the rubric; passes at ``rubric.pass_score``.

    ``complete`` is any Completion (in evals: litellm under a recording, like every model call).
    """
    from assistant.model_engine import ask_json

    if reflection is None:
        return NOTHING_SHOWN
    rubric = rubric or load_rubric()
    verdict = ask_json(
        judge_messages(case, reflection, rubric), complete, JudgeVerdict, 1, model=model
    )
    return EvalResult(verdict.score >= rubric.pass_score, verdict.score / 5, verdict.reason)


def pass_rate(results: Sequence[EvalResult]) -> float:
    return _ratio(sum(r.passed for r in results), len(results))
