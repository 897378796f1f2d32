"""Benchmarks: medians over repeated runs, printed as a Markdown table.

Run with `make bench` (or `python -m benchmarks.run`). Timings are wall-clock
(`time.perf_counter_ns`) after a warm-up, on whatever machine runs them; they are measured here,
never asserted in tests, because shared machines are noisy.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# 500 characters, to-partner voice, written for the benchmark (not an evaluation case).
DESCRIPTION = (
    "You told me on Monday that you would come to my work party on Friday, and I told everyone "
    "you'd be there. Then you texted me at seven saying you were too tired and would stay home. "
    "I stood by the door for an hour, and my boss kept asking where you were. I felt stupid making "
    "excuses for you, and honestly I was embarrassed. It's like I'm not even a priority when "
    "something easier comes along. When I got home you were on your phone and you didn't even "
    "ask how it went. I went to bed without saying a word."
)[:500]
# A sincere apology of about 500 characters (507): the rules accept it and set nothing aside, so the
# learned reading runs (the slow path of the apology check).
APOLOGY = (
    "I'm sorry I didn't come to your work party on Friday after I told you I would. You had told "
    "everyone I'd be there, and I left you standing by the door answering questions about me. "
    "I chose the sofa over you, and I can see it left you embarrassed and feeling like you come "
    "second. I also didn't ask how the night went when you got home, which made it worse. Next "
    "time I commit to something of yours I'll put it in my calendar and tell you early if I "
    "can't make it. I'd like to hear how the night was for you."
)


def _time(fn: Callable[[], object], runs: int, warmup: int = 20) -> list[float]:
    for _ in range(warmup):
        fn()
    out = []
    for _ in range(runs):
        start = time.perf_counter_ns()
        fn()
        out.append((time.perf_counter_ns() - start) / 1e6)
    return out


def _row(name: str, samples: list[float]) -> str:
    samples = sorted(samples)
    p99 = samples[min(len(samples) - 1, int(len(samples) * 0.99))]
    return f"| {name} | {len(samples)} | {statistics.median(samples):.3f} | {p99:.3f} |"


def _over_corpus(texts: list[str], check: Callable[[str], object]) -> tuple[list[float], int]:
    """``check`` timed on each text once per round, five rounds pooled; and on how many of the
    texts the full sentence model ran (counted on one more pass)."""
    from guardrails import sentence_model

    samples: list[float] = []
    for _ in range(5):
        for text in texts:
            start = time.perf_counter_ns()
            check(text)
            samples.append((time.perf_counter_ns() - start) / 1e6)
    encoder = sentence_model._ENCODER
    embed_ids = encoder.embed_ids
    read: set[int] = set()
    for index, text in enumerate(texts):

        def counted(ids: list[int], index: int = index) -> sentence_model.Vector:
            read.add(index)
            return embed_ids(ids)

        encoder.embed_ids = counted  # type: ignore[method-assign]
        try:
            check(text)
        finally:
            del encoder.embed_ids
    return samples, len(read)


def _corpus_rows() -> list[str]:
    """The whole crisis screen over every reflection description (ordinary hurts written by
    several authors, 50 to 1,500 characters), and the whole apology check over every apology
    of the dev set (sincere and faulty, one sentence to several paragraphs)."""
    from evals.guardrail_sets import (
        APOLOGY_PATH,
        CASES_DIR,
        load_apology_cases,
        load_reflection_yaml,
    )
    from guardrails.apology import check_apology
    from guardrails.crisis import screen

    descriptions = [
        r.text
        for name in ("reflections.yaml", "reflections_train.yaml", "reflections_holdout.yaml")
        for r in load_reflection_yaml(CASES_DIR / name)
    ]
    apologies = [case.text for case in load_apology_cases(APOLOGY_PATH)]
    screened, screen_read = _over_corpus(descriptions, screen)
    checked, check_read = _over_corpus(apologies, check_apology)
    n, m = len(descriptions), len(apologies)
    return [
        _row(f"crisis screen (whole) over {n} reflection descriptions x 5", screened),
        f"| ... of which the full sentence model read | {screen_read}/{n} | | |",
        _row(f"apology check (whole) over the {m} dev-set apologies x 5", checked),
        f"| ... of which the full sentence model read | {check_read}/{m} | | |",
    ]


def main() -> None:
    from assistant.offline.engine import reflect_offline
    from guardrails import crisis
    from guardrails._patterns import load_rules, scan
    from guardrails.agreement import check_agreement
    from guardrails.apology import PATTERN_FILE, check_apology
    from guardrails.crisis import screen

    assert len(DESCRIPTION) == 500
    assert check_apology(APOLOGY, read_meaning=False).accepted
    assert not scan(load_rules(PATTERN_FILE), APOLOGY).set_aside
    short = "He decides which of my friends I can still text."
    rows = [
        _row("offline reflection, 500 chars", _time(lambda: reflect_offline(DESCRIPTION), 500)),
        _row(
            "crisis screen, 500 chars (whole: rules, words, sentence model)",
            _time(lambda: screen(DESCRIPTION), 300),
        ),
        _row("crisis screen, one sentence (whole)", _time(lambda: screen(short), 300)),
        _row(
            "crisis screen, 500 chars, rules and word classifier only",
            _time(lambda: crisis._screen(DESCRIPTION, "en-US", read_meaning=False), 2000),
        ),
        _row(
            "apology check, 507-char sincere apology (whole: rules, learned reading)",
            _time(lambda: check_apology(APOLOGY), 300),
        ),
        _row(
            "apology check, one sentence (whole)",
            _time(lambda: check_apology("I'm sorry I forgot your birthday."), 300),
        ),
        _row(
            "apology check, the same, rules only",
            _time(lambda: check_apology(APOLOGY, read_meaning=False), 2000),
        ),
        _row("agreement check, 500 chars", _time(lambda: check_agreement(DESCRIPTION), 2000)),
        *_corpus_rows(),
    ]
    cli = [str(Path(sys.executable).with_name("heardwell")), "reflect", DESCRIPTION]
    env = {**os.environ, "HEARDWELL_MODEL": "offline"}
    process = []
    for _ in range(11):
        start = time.perf_counter_ns()
        subprocess.run(cli, check=True, capture_output=True, env=env, cwd=ROOT)
        process.append((time.perf_counter_ns() - start) / 1e6)
    rows.append(_row("`heardwell reflect` whole process (offline)", process))
    load = []
    for _ in range(5):
        start = time.perf_counter_ns()
        subprocess.run(
            [sys.executable, "-c", "from guardrails import sentence_model; sentence_model.warm()"],
            check=True,
            capture_output=True,
            cwd=ROOT,
        )
        load.append((time.perf_counter_ns() - start) / 1e6)
    rows.append(_row("new process: import and load the sentence model", load))
    probe = "import assistant.pipeline, sys; print('litellm' in sys.modules)"
    imported = subprocess.run(
        [sys.executable, "-c", probe], check=True, capture_output=True, text=True, cwd=ROOT
    ).stdout.strip()
    print("| what | runs | median ms | p99 ms |")
    print("|---|---|---|---|")
    print("\n".join(rows))
    print(f"\nlitellm imported by the offline path: {imported}")


if __name__ == "__main__":
    main()
