"""Run the evaluation sets through every engine and replay (or record) every model call.

Engines: the offline engine, and each recorded model (a directory ``evals/cassettes/<slug>/``
with a ``MODEL.json`` naming the model, its litellm string, the date and the temperature, and
one vcrpy cassette per case). A recorded model is shown twice: **model alone** (its raw
reflection, validated, or its failure) and **pipeline** (``assistant.pipeline.reflect``: crisis
screen first, the apology check on its suggestion, the re-ask and the offline fallback).

Replay is the default and never reaches a network: ``record_mode="none"``, requests matched on
method, host, path and the JSON body (key order ignored), so a changed prompt cannot replay an
old answer. A request with no recording stops the run with :class:`RecordingMissing`, which says
how to record it; the pipeline's fallback to offline can never hide it, because the completion
given to the pipeline raises an error the pipeline does not catch.

Entry points: :func:`run` (everything the CLI ``heardwell eval`` does) and :func:`record`.
"""

from __future__ import annotations

import json
import logging
import re
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from assistant.config import Settings, get_settings
from assistant.errors import HeardwellError, ModelError, ModelReplayMissError
from assistant.model_engine import Completion, reflect_with_model
from assistant.offline.feelings import detect_feelings, inventory
from assistant.offline.voice import detect_speaker
from assistant.pipeline import reflect
from assistant.schemas import Reflection
from evals import evaluators as ev
from evals.guardrail_sets import (
    CASES_DIR,
    HERE,
    ApologyCase,
    CrisisCase,
    ReflectionCase,
    load_cssrs,
    load_goemotions,
    load_jsonl,
    load_reflection_yaml,
    load_thresholds,
    score_cssrs,
)

CASSETTES_DIR = HERE / "cassettes"
REPORT_DIR = HERE / "report"
MODEL_FILE = "MODEL.json"

SetKind = Literal["reflection", "crisis", "apology", "goemotions", "cssrs"]


@dataclass(frozen=True)
class SetSpec:
    """One evaluation set. ``blind`` sets are reported as aggregates only and never gated."""

    name: str
    kind: SetKind
    path: Path | None = None
    blind: bool = False
    recorded: bool = False  # recorded models run it (its cases need model recordings)


SETS: dict[str, SetSpec] = {
    s.name: s
    for s in (
        SetSpec("reflections", "reflection", CASES_DIR / "reflections.yaml", recorded=True),
        SetSpec("method", "reflection", CASES_DIR / "method_examples.yaml", recorded=True),
        SetSpec("train", "reflection", CASES_DIR / "reflections_train.yaml", recorded=True),
        SetSpec("holdout", "reflection", CASES_DIR / "reflections_holdout.yaml", True, True),
        SetSpec("crisis", "crisis", CASES_DIR / "crisis_dev.jsonl", recorded=True),
        SetSpec("crisis_holdout", "crisis", CASES_DIR / "crisis_holdout.jsonl", blind=True),
        SetSpec("apology", "apology", CASES_DIR / "apology_dev.jsonl"),
        SetSpec("apology_holdout", "apology", CASES_DIR / "apology_holdout.jsonl", blind=True),
        SetSpec("goemotions", "goemotions"),
        SetSpec("cssrs", "cssrs"),
    )
}
# The gate's run (tests/test_eval_gate.py) leaves out C-SSRS: its 9,127 posts take ~12 s and
# its floors are already asserted by tests/test_guardrail_devsets.py.
FAST_SETS = tuple(name for name in SETS if name != "cssrs")


class RecordingMissing(HeardwellError):
    """A model request has no recorded response: say how to record it."""

    def __init__(self, case_id: str, model: str) -> None:
        super().__init__(
            f"No recording for case {case_id} with model {model}: record it with "
            f"`heardwell eval --record --model {model}` (needs the model reachable). If it was "
            "recorded, the request changed since (a prompt or setting): re-record and review "
            "the diff."
        )
        self.case_id = case_id
        self.model = model


# ---------------------------------------------------------------------------------------------
# Recorded models: MODEL.json and the vcrpy configuration


class ModelInfo(BaseModel):
    """``evals/cassettes/<slug>/MODEL.json``: which model answered, how, and when."""

    model_config = ConfigDict(extra="forbid")

    model: str = Field(description="The name given to --model, e.g. 'local' or 'gpt-4o-mini'.")
    litellm_model: str = Field(description="The litellm model string the requests went to.")
    api_base: str | None = None
    temperature: float
    reask_attempts: int
    request_options: dict[str, Any] = Field(
        default_factory=dict,
        description="Other litellm options sent with every request (e.g. max_tokens): replay "
        "sends them too, so the request bodies match.",
    )
    recorded: dict[str, str] = Field(description="set name -> date recorded (ISO)")
    note: str = ""


def model_slug(model: str) -> str:
    """A directory name for a model: 'anthropic/claude-3-5' -> 'anthropic-claude-3-5'."""
    return re.sub(r"[^a-z0-9._-]+", "-", model.strip().lower()).strip("-.") or "model"


SENSITIVE_HEADERS = ["authorization", "api-key", "x-api-key", "cookie", "openai-organization"]


def _json_body_matcher(r1: Any, r2: Any) -> None:
    """Bodies equal as JSON (key order ignored), else as bytes. Raises AssertionError if not."""

    def parsed(body: Any) -> Any:
        raw = body.decode("utf-8") if isinstance(body, bytes) else body
        try:
            return json.loads(raw) if raw else raw
        except ValueError:
            return raw

    if parsed(r1.body) != parsed(r2.body):
        raise AssertionError("the request bodies differ")


def _scrub_request(request: Any) -> Any:
    # Only the content type is kept: SDK version headers would churn every re-recording.
    kept = {k: v for k, v in request.headers.items() if k.lower() == "content-type"}
    request.headers.clear()
    request.headers.update(kept)
    return request


def _scrub_response(response: dict[str, Any]) -> dict[str, Any]:
    headers = response.get("headers", {})
    for name in list(headers):
        if name.lower() in ("set-cookie", "openai-organization", "openai-project"):
            del headers[name]
    return response


def make_vcr(recording: bool) -> Any:
    """The vcrpy configuration every model call in the evals runs under."""
    import vcr

    config = vcr.VCR(
        record_mode="new_episodes" if recording else "none",
        match_on=["method", "host", "path", "json_body"],
        filter_headers=SENSITIVE_HEADERS,
        before_record_request=_scrub_request,
        before_record_response=_scrub_response,
        decode_compressed_response=True,
    )
    config.register_matcher("json_body", _json_body_matcher)
    return config


class _CaseCompletion:
    """A completion for one case: counts calls, and turns a replay miss into RecordingMissing
    (not a ModelError, so the pipeline's offline fallback cannot swallow it)."""

    def __init__(self, inner: Completion, case_id: str, model: str) -> None:
        self.inner = inner
        self.case_id = case_id
        self.model = model
        self.calls = 0

    def __call__(self, messages: list[dict[str, str]]) -> str:
        self.calls += 1
        try:
            return self.inner(messages)
        except ModelReplayMissError as exc:
            raise RecordingMissing(self.case_id, self.model) from exc


class RecordedModel:
    """One model's recordings: replays them (or records them, with ``recording=True``)."""

    def __init__(
        self, directory: Path, info: ModelInfo, *, recording: bool = False, live: Any = None
    ) -> None:
        self.directory = directory
        self.info = info
        self.recording = recording
        self.vcr = make_vcr(recording)
        if live is not None:
            self._completion: Completion = live
        else:
            from assistant.llm import Backoff, litellm_completion

            # The recorded litellm string and endpoint, not --model: replay must not need the
            # model installed or reachable. A placeholder key skips the key check; the
            # authorization header is filtered out of recordings and not matched.
            self._completion = litellm_completion(
                self.settings,
                backoff=Backoff(0, 0, 0),
                api_key="replay-only",
                **info.request_options,
            )

    @property
    def name(self) -> str:
        return self.info.model

    @property
    def settings(self) -> Settings:
        return get_settings().model_copy(
            update={
                "model": self.info.litellm_model,
                "api_base": self.info.api_base,
                "temperature": self.info.temperature,
                "reask_attempts": self.info.reask_attempts,
                "transport_attempts": 1,
            }
        )

    def cassette(self, case_id: str) -> Path:
        return self.directory / f"{case_id}.yaml"

    @contextmanager
    def case(self, case_id: str) -> Iterator[_CaseCompletion]:
        # The model-alone view and the pipeline send the same first request: one answer serves
        # both, so both views judge the same words.
        with self.vcr.use_cassette(str(self.cassette(case_id)), allow_playback_repeats=True):
            yield _CaseCompletion(self._completion, case_id, self.name)


def recorded_models(root: Path = CASSETTES_DIR) -> list[tuple[Path, ModelInfo]]:
    """Every ``<root>/<slug>/MODEL.json``, sorted by directory name."""
    found: list[tuple[Path, ModelInfo]] = []
    for meta in sorted(root.glob(f"*/{MODEL_FILE}")):
        info = ModelInfo.model_validate_json(meta.read_text(encoding="utf-8"))
        found.append((meta.parent, info))
    return found


# ---------------------------------------------------------------------------------------------
# Results


@dataclass
class CaseOutcome:
    case_id: str
    results: dict[str, ev.EvalResult]
    model_calls: int = 0
    rejected_shown: bool = False  # a suggestion the apology checker rejects reached the person


@dataclass
class ReflectionRun:
    set: str
    engine: str
    view: str  # "engine" (offline), "model alone", "pipeline"
    blind: bool
    cases: list[CaseOutcome] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        names = list(ev.REFLECTION_EVALUATORS)
        for case in self.cases:
            names += [n for n in case.results if n not in names]
        table: dict[str, dict[str, Any]] = {}
        for name in names:
            rows = [c.results[name] for c in self.cases if name in c.results]
            passed = sum(r.passed for r in rows)
            table[name] = {
                "passed": passed,
                "total": len(rows),
                "rate": round(ev.pass_rate(rows), 4),
                "mean_score": round(sum(r.score for r in rows) / len(rows), 4) if rows else 0.0,
            }
        failures = [
            {"case": c.case_id, "evaluator": name, "reason": r.reason}
            for c in self.cases
            for name, r in c.results.items()
            if not r.passed
        ]
        return {
            "set": self.set,
            "engine": self.engine,
            "view": self.view,
            "blind": self.blind,
            "n": len(self.cases),
            "model_calls": sum(c.model_calls for c in self.cases),
            "rejected_shown": sum(c.rejected_shown for c in self.cases),
            "evaluators": table,
            # Blind sets: aggregates only, so nobody tunes to a case they have read about.
            "failures": [] if self.blind else failures,
        }


CRISIS_OUTCOMES = ("stopped", "reflected + help", "reflected")


@dataclass
class CrisisRow:
    case_id: str
    gold: str
    level: str
    stopped: bool
    model_calls: int
    result: ev.EvalResult

    @property
    def outcome(self) -> str:
        if self.stopped:
            return "stopped"
        return "reflected + help" if self.level != "none" else "reflected"


@dataclass
class CrisisRun:
    set: str
    engine: str
    blind: bool
    rows: list[CrisisRow] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        confusion = {
            g: {o: sum(r.gold == g and r.outcome == o for r in self.rows) for o in CRISIS_OUTCOMES}
            for g in ("urgent", "caution", "none")
        }
        urgent = [r for r in self.rows if r.gold == "urgent"]
        missed = [r.case_id for r in urgent if not r.stopped]
        reached = [r.case_id for r in urgent if r.model_calls]
        failures = [
            {"case": r.case_id, "evaluator": "crisis_routed", "reason": r.result.reason}
            for r in self.rows
            if not r.result.passed
        ]
        return {
            "set": self.set,
            "engine": self.engine,
            "blind": self.blind,
            "n": len(self.rows),
            "passed": sum(r.result.passed for r in self.rows),
            "confusion": confusion,
            "urgent_total": len(urgent),
            "urgent_missed": len(missed),
            "urgent_reached_model": len(reached),
            "urgent_missed_ids": [] if self.blind else missed,
            "urgent_reached_model_ids": [] if self.blind else reached,
            "failures": [] if self.blind else failures,
        }


@dataclass
class ApologyRow:
    case_id: str
    gold: str
    shown: bool  # the proposed suggestion reached the person unchanged
    result: ev.EvalResult  # the apology checker on whatever suggestion was shown


@dataclass
class ApologyRun:
    set: str
    engine: str
    blind: bool
    rows: list[ApologyRow] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        confusion = {
            g: {
                "shown": sum(r.gold == g and r.shown for r in self.rows),
                "replaced": sum(r.gold == g and not r.shown for r in self.rows),
            }
            for g in ("accept", "reject")
        }
        rejected_shown = [r for r in self.rows if not r.result.passed]
        return {
            "set": self.set,
            "engine": self.engine,
            "blind": self.blind,
            "n": len(self.rows),
            "confusion": confusion,
            "rejected_shown": len(rejected_shown),
            "rejected_shown_ids": [] if self.blind else [r.case_id for r in rejected_shown],
            "failures": []
            if self.blind
            else [
                {"case": r.case_id, "evaluator": "gold vs shown", "reason": f"gold {r.gold}"}
                for r in self.rows
                if (r.gold == "reject") == r.shown
            ],
        }


@dataclass
class EvalRun:
    """Everything one ``heardwell eval`` measured; ``to_dict`` is the JSON report."""

    sets: list[str]
    engines: list[dict[str, Any]] = field(default_factory=list)
    reflection: list[ReflectionRun] = field(default_factory=list)
    crisis: list[CrisisRun] = field(default_factory=list)
    apology: list[ApologyRun] = field(default_factory=list)
    goemotions: dict[str, Any] | None = None
    cssrs: dict[str, Any] | None = None
    seconds: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "generated": date.today().isoformat(),
            "seconds": round(self.seconds, 2),
            "sets": self.sets,
            "engines": self.engines,
            "reflection": [r.to_dict() for r in self.reflection],
            "crisis": [r.to_dict() for r in self.crisis],
            "apology": [r.to_dict() for r in self.apology],
            "goemotions": self.goemotions,
            "cssrs": self.cssrs,
        }


# ---------------------------------------------------------------------------------------------
# Running the sets


def _offline_settings() -> Settings:
    return get_settings().model_copy(update={"model": "offline"})


def load_reflection_set(spec: SetSpec) -> list[ReflectionCase]:
    assert spec.path is not None
    return load_reflection_yaml(spec.path)


def _pipeline_reflection(text: str, settings: Settings, complete: Completion | None) -> Any:
    return reflect(text, settings=settings, complete=complete)


def _rejected(reflection: Reflection | None) -> bool:
    if reflection is None or not reflection.repair.text:
        return False
    return not ev.suggestion_passes_check(reflection.repair.kind, reflection.repair.text).passed


def run_reflection_offline(
    spec: SetSpec, cases: Sequence[ReflectionCase], bounds: ev.LengthBounds
) -> ReflectionRun:
    """The offline engine, through the pipeline (what a person sees)."""
    run = ReflectionRun(spec.name, "offline", "pipeline", spec.blind)
    settings = _offline_settings()
    for case in cases:
        outcome = _pipeline_reflection(case.text, settings, None)
        failure = None if outcome.reflection else "stopped for safety (urgent crisis screen)"
        results = ev.evaluate_reflection(case, outcome.reflection, bounds, failure)
        run.cases.append(
            CaseOutcome(case.id, results, outcome.model_calls, _rejected(outcome.reflection))
        )
    return run


def run_reflection_model(
    spec: SetSpec,
    cases: Sequence[ReflectionCase],
    model: RecordedModel,
    bounds: ev.LengthBounds,
    progress: Callable[[str], None] | None = None,
) -> tuple[ReflectionRun, ReflectionRun]:
    """A recorded model alone, and through the pipeline, on every case."""
    alone = ReflectionRun(spec.name, model.name, "model alone", spec.blind)
    guarded = ReflectionRun(spec.name, model.name, "pipeline", spec.blind)
    settings = model.settings
    for case in cases:
        if progress:
            progress(case.id)
        with model.case(case.id) as complete:
            reflection: Reflection | None = None
            failure: str | None = None
            try:
                reflection = reflect_with_model(
                    case.text,
                    complete,
                    model=settings.model,
                    reask_attempts=settings.reask_attempts,
                    voice=detect_speaker(case.text).voice,
                )
            except RecordingMissing:
                raise
            except ModelError as exc:
                failure = f"the model gave no usable reflection ({type(exc).__name__})"
            calls_alone = complete.calls
            alone.cases.append(
                CaseOutcome(
                    case.id, ev.evaluate_reflection(case, reflection, bounds, failure), calls_alone
                )
            )
            outcome = _pipeline_reflection(case.text, settings, complete)
            failure = None if outcome.reflection else "stopped for safety (urgent crisis screen)"
            guarded.cases.append(
                CaseOutcome(
                    case.id,
                    ev.evaluate_reflection(case, outcome.reflection, bounds, failure),
                    outcome.model_calls,
                    _rejected(outcome.reflection),
                )
            )
    return alone, guarded


class _Tripwire:
    """A model that must never be reached by urgent text: counts calls and fails each one, so
    the pipeline answers non-urgent text with the offline engine."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self, messages: list[dict[str, str]]) -> str:
        from assistant.errors import ModelUnavailableError

        self.calls += 1
        raise ModelUnavailableError("tripwire: the evaluation's stand-in model", model="tripwire")


def run_crisis(
    spec: SetSpec, cases: Sequence[CrisisCase], model: RecordedModel | None
) -> CrisisRun:
    """Every crisis case through the whole pipeline, counting the calls that reach a model.

    Without a recorded model a tripwire stands in for one (the offline engine then answers)."""
    engine = model.name if model else "offline (tripwire model)"
    run = CrisisRun(spec.name, engine, spec.blind)
    with _quiet("assistant.pipeline"):
        _crisis_cases(run, cases, model)
    return run


@contextmanager
def _quiet(logger: str) -> Iterator[None]:
    """The pipeline logs each model failure; the tripwire fails on purpose, once per case."""
    log = logging.getLogger(logger)
    before = log.level
    log.setLevel(logging.ERROR)
    try:
        yield
    finally:
        log.setLevel(before)


def _crisis_cases(run: CrisisRun, cases: Sequence[CrisisCase], model: RecordedModel | None) -> None:
    for case in cases:
        if model is None:
            wire = _Tripwire()
            settings = _offline_settings().model_copy(update={"model": "tripwire"})
            outcome = reflect(case.text, settings=settings, complete=wire)
            calls = wire.calls
        else:
            with model.case(case.id) as complete:
                try:
                    outcome = reflect(case.text, settings=model.settings, complete=complete)
                except RecordingMissing:
                    if case.level != "urgent":
                        raise
                    # Urgent text that asked a model is a failure, recording or not.
                    row = CrisisRow(case.id, case.level, "none", False, complete.calls, _reached())
                    run.rows.append(row)
                    continue
                calls = complete.calls
        level = outcome.crisis.level.value
        stopped = outcome.stopped_for_safety
        result = ev.crisis_routed(case, stopped=stopped, level=level, model_calls=calls)
        run.rows.append(CrisisRow(case.id, case.level, level, stopped, calls, result))


def _reached() -> ev.EvalResult:
    return ev.EvalResult(False, 0.0, "urgent text reached a model (no recording: it never should)")


# The description the scripted proposer "reflects": only its suggestion varies.
_PROPOSER_TEXT = (
    "You said you'd call after my interview and you didn't. I sat by my phone all night."
)


class _Proposer:
    """A scripted model that proposes one given suggestion, and proposes it again when re-asked:
    the worst case for the pipeline's apology guard."""

    def __init__(self, suggestion: str) -> None:
        self.suggestion = suggestion
        self.calls = 0

    def __call__(self, messages: list[dict[str, str]]) -> str:
        self.calls += 1
        if self.calls > 1:
            return json.dumps({"repair": self.suggestion})
        return json.dumps(
            {
                "restatement": "I said I'd call after your interview, and I didn't.",
                "meaning": "You waited all night and it felt like you didn't matter to me.",
                "origin": "this_relationship",
                "feelings": [{"feeling": "forgotten", "sentence": "You felt forgotten."}],
                "validation": "That makes sense.",
                "repair": self.suggestion,
            }
        )


def run_apology(spec: SetSpec, cases: Sequence[ApologyCase]) -> ApologyRun:
    """Each labelled apology proposed by a scripted model, through the whole pipeline."""
    run = ApologyRun(spec.name, "pipeline (scripted proposer)", spec.blind)
    settings = _offline_settings().model_copy(update={"model": "scripted-proposer"})
    for case in cases:
        proposer = _Proposer(case.text)
        outcome = reflect(_PROPOSER_TEXT, settings=settings, complete=proposer)
        shown = outcome.reflection.repair if outcome.reflection else None
        result = (
            ev.suggestion_passes_check(shown.kind, shown.text)
            if shown
            else ev.EvalResult(True, 1.0, "nothing shown")
        )
        was_shown = shown is not None and (shown.text or "").strip() == case.text.strip()
        run.rows.append(ApologyRow(case.id, case.label, was_shown, result))
    return run


# ---------------------------------------------------------------------------------------------
# GoEmotions: the feeling detector against human labels


GOEMOTIONS_MAPPING_NOTE = (
    "Each feeling in Heardwell's inventory (assistant/offline/data/feelings.yaml) lists the "
    "GoEmotions labels it corresponds to (its `goemotions` field, e.g. let down -> "
    "disappointment, betrayed -> anger + disappointment, scared -> fear). A comment's predicted "
    "labels are the union of the labels of every feeling `detect_feelings` finds in it; they are "
    "compared with the human labels (neutral is never predicted). Nothing was tuned to this data."
)


def run_goemotions() -> dict[str, Any]:
    """Precision and recall per GoEmotions label, on all comments and on those we fire on."""
    mapping = {entry.name: entry.goemotions for entry in inventory()}
    reachable = sorted({label for labels in mapping.values() for label in labels})
    rows = load_goemotions()
    tp: Counter[str] = Counter()
    fp: Counter[str] = Counter()
    fn_all: Counter[str] = Counter()
    fn_fired: Counter[str] = Counter()
    fired = 0
    for row in rows:
        predicted: set[str] = {
            lb for f in detect_feelings(row.text) for lb in mapping.get(f.feeling, ())
        }
        gold = set(row.labels) - {"neutral"}
        fired += bool(predicted)
        for label in predicted & gold:
            tp[label] += 1
        for label in predicted - gold:
            fp[label] += 1
        for label in gold - predicted:
            fn_all[label] += 1
            if predicted:
                fn_fired[label] += 1
    labels = sorted({*tp, *fp, *fn_all})

    def rate(a: int, b: int) -> float | None:
        return round(a / b, 4) if b else None

    per_label = {
        lb: {
            "reachable": lb in reachable,
            "tp": tp[lb],
            "fp": fp[lb],
            "fn": fn_all[lb],
            "precision": rate(tp[lb], tp[lb] + fp[lb]),
            "recall_all": rate(tp[lb], tp[lb] + fn_all[lb]),
            "recall_fired": rate(tp[lb], tp[lb] + fn_fired[lb]),
        }
        for lb in labels
    }

    def micro(selected: Sequence[str]) -> dict[str, float | None]:
        t = sum(tp[lb] for lb in selected)
        return {
            "precision": rate(t, t + sum(fp[lb] for lb in selected)),
            "recall_all": rate(t, t + sum(fn_all[lb] for lb in selected)),
            "recall_fired": rate(t, t + sum(fn_fired[lb] for lb in selected)),
        }

    return {
        "comments": len(rows),
        "fired": fired,
        "coverage": rate(fired, len(rows)),
        "mapping": GOEMOTIONS_MAPPING_NOTE,
        "reachable_labels": reachable,
        "feeling_to_labels": {k: list(v) for k, v in mapping.items()},
        "micro_reachable": micro(reachable),
        "micro_all": micro(labels),
        "per_label": per_label,
    }


def run_cssrs() -> dict[str, Any]:
    from evals.guardrail_sets import crisis_predictor

    report = score_cssrs(load_cssrs(), crisis_predictor())
    return {
        "user_recall": round(report.user_recall, 4),
        "supportive_user_false_alarm": round(report.supportive_user_false_alarm, 4),
        "risk_post_flag_rate": round(report.risk_post_flag_rate, 4),
        "supportive_post_flag_rate": round(report.supportive_post_flag_rate, 4),
        "seconds": round(report.seconds, 1),
        "markdown": report.to_markdown(),
    }


# ---------------------------------------------------------------------------------------------
# Progress, recording and the whole run


class Progress:
    """A one-line text progress bar on stderr (no dependency, no output when not a TTY)."""

    def __init__(self, total: int, label: str, stream: Any = None) -> None:
        self.total = max(total, 1)
        self.done = 0
        self.label = label
        self.stream = stream or sys.stderr
        self.start = time.perf_counter()

    def __call__(self, case_id: str) -> None:
        self.done += 1
        width = 30
        filled = int(width * self.done / self.total)
        bar = "#" * filled + "-" * (width - filled)
        elapsed = time.perf_counter() - self.start
        self.stream.write(
            f"\r{self.label} [{bar}] {self.done}/{self.total} {case_id:<12} {elapsed:5.0f}s"
        )
        if self.done >= self.total:
            self.stream.write("\n")
        self.stream.flush()


def _set_specs(names: Sequence[str] | None) -> list[SetSpec]:
    if not names:
        return list(SETS.values())
    unknown = [n for n in names if n not in SETS]
    if unknown:
        raise HeardwellError(f"Unknown set {unknown}: choose from {', '.join(SETS)}.")
    return [SETS[n] for n in names]


def _cases_for(spec: SetSpec, only: Sequence[str] | None = None) -> list[Any]:
    assert spec.path is not None
    cases: list[Any]
    if spec.kind == "reflection":
        cases = load_reflection_yaml(spec.path)
    elif spec.kind == "crisis":
        cases = load_jsonl(spec.path, CrisisCase)
    else:
        cases = load_jsonl(spec.path, ApologyCase)
    return [c for c in cases if only is None or c.id in only]


def record(
    model: str,
    sets: Sequence[str] | None = None,
    *,
    root: Path = CASSETTES_DIR,
    settings: Settings | None = None,
    live: Any = None,
    only: Sequence[str] | None = None,
) -> Path:
    """Record fresh responses from ``model`` (any litellm model, or 'local') for every case of
    the recorded sets; write ``MODEL.json``. Returns the model's cassette directory."""
    from assistant.llm import litellm_completion

    settings = (settings or get_settings()).model_copy(update={"model": model})
    completion = live or litellm_completion(settings)
    specs = [s for s in _set_specs(sets) if s.recorded]
    if not specs:
        raise HeardwellError("None of these sets is answered by a model: nothing to record.")
    directory = root / model_slug(model)
    directory.mkdir(parents=True, exist_ok=True)
    meta = directory / MODEL_FILE
    litellm_model = getattr(completion, "model", settings.model)
    sent: dict[str, Any] = getattr(completion, "litellm_kwargs", {})
    api_base = sent.get("api_base") or settings.api_base
    # Options that shape the request body, minus where it goes and how it is authorised.
    options = {k: v for k, v in sent.items() if k not in ("api_base", "api_key", "timeout")}
    earlier: dict[str, str] = {}
    if meta.exists():
        old = ModelInfo.model_validate_json(meta.read_text(encoding="utf-8"))
        if old.litellm_model == litellm_model:
            earlier = dict(old.recorded)
    info = ModelInfo(
        model=model,
        litellm_model=litellm_model,
        api_base=api_base,
        temperature=settings.temperature,
        reask_attempts=settings.reask_attempts,
        request_options=options,
        recorded={**earlier, **{s.name: date.today().isoformat() for s in specs}},
    )
    recorder = RecordedModel(directory, info, recording=True, live=completion)
    by_set = {spec.name: _cases_for(spec, only) for spec in specs}
    progress = Progress(sum(len(c) for c in by_set.values()), f"recording {model}")
    bounds = ev.LengthBounds()
    for spec in specs:
        for case in by_set[spec.name]:
            recorder.cassette(case.id).unlink(missing_ok=True)  # fresh, not appended
        if spec.kind == "reflection":
            run_reflection_model(spec, by_set[spec.name], recorder, bounds, progress)
        else:
            for case in by_set[spec.name]:
                progress(case.id)
                run_crisis(spec, [case], recorder)
    meta.write_text(info.model_dump_json(indent=2) + "\n", encoding="utf-8")
    return directory


def run(
    sets: Sequence[str] | None = None,
    *,
    root: Path = CASSETTES_DIR,
    models: Sequence[str] | None = None,
    only: Sequence[str] | None = None,
) -> EvalRun:
    """Every requested set through the offline engine and every recorded model under ``root``
    (or only ``models``, by name), replaying recordings. Raises RecordingMissing on a miss.
    ``only`` limits the run to these case ids (tests)."""
    start = time.perf_counter()
    specs = _set_specs(sets)
    thresholds = load_thresholds()
    bounds = ev.LengthBounds.model_validate(thresholds.evals.get("length", {}))
    recorded = [
        RecordedModel(directory, info)
        for directory, info in recorded_models(root)
        if models is None or info.model in models
    ]
    result = EvalRun(sets=[s.name for s in specs])
    result.engines = [{"name": "offline", "kind": "offline engine"}] + [
        {"name": m.name, "kind": "recorded model", **m.info.model_dump()} for m in recorded
    ]
    for spec in specs:
        if spec.kind == "reflection":
            cases = _cases_for(spec, only)
            result.reflection.append(run_reflection_offline(spec, cases, bounds))
            for model in recorded:
                if spec.name in model.info.recorded:
                    result.reflection.extend(run_reflection_model(spec, cases, model, bounds))
        elif spec.kind == "crisis":
            cases = _cases_for(spec, only)
            result.crisis.append(run_crisis(spec, cases, None))
            for model in recorded:
                if spec.name in model.info.recorded:
                    result.crisis.append(run_crisis(spec, cases, model))
        elif spec.kind == "apology":
            result.apology.append(run_apology(spec, _cases_for(spec, only)))
        elif spec.kind == "goemotions":
            result.goemotions = run_goemotions()
        else:
            result.cssrs = run_cssrs()
    result.seconds = time.perf_counter() - start
    return result
