"""The real gate, as part of ``make test``: every committed set and every committed recording
(``evals/cassettes/*``) replayed, with no network, and checked against ``evals/thresholds.yaml``.

C-SSRS is left out here (about 12 s; its floors are asserted in test_guardrail_devsets.py);
``heardwell eval`` runs it too.
"""

from __future__ import annotations

import time

from evals import gate, runner

BUDGET_S = 20.0


def test_the_evaluation_gate_passes_within_budget():
    start = time.perf_counter()
    report = runner.run(runner.FAST_SETS).to_dict()
    failures = gate.check(report)
    elapsed = time.perf_counter() - start
    assert failures == [], "\n".join(str(f) for f in failures)
    assert elapsed < BUDGET_S, f"the evaluation gate took {elapsed:.1f} s"
    # Every recorded model took part, in both views.
    for engine in report["engines"][1:]:
        views = {(r["engine"], r["view"]) for r in report["reflection"]}
        assert {(engine["name"], "model alone"), (engine["name"], "pipeline")} <= views
