"""The real gate, as part of ``make test``: every committed set and every committed recording
(``evals/cassettes/*``) replayed, with no network, and checked against ``evals/thresholds.yaml``.

C-SSRS is left out here (minutes; its floors are asserted in test_guardrail_devsets.py);
``heardwell eval`` runs it too. How long the gate takes is not asserted (machines are shared).
"""

from __future__ import annotations

from evals import gate, runner


def test_the_evaluation_gate_passes():
    report = runner.run(runner.FAST_SETS).to_dict()
    failures = gate.check(report)
    assert failures == [], "\n".join(str(f) for f in failures)
    # Every recorded model took part, in both views.
    for engine in report["engines"][1:]:
        views = {(r["engine"], r["view"]) for r in report["reflection"]}
        assert {(engine["name"], "model alone"), (engine["name"], "pipeline")} <= views
