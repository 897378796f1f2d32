"""Everything a couple has saved, as one file they can keep: JSON to re-read, Markdown to read."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from assistant.storage.models import utcnow
from assistant.storage.repo import (
    attempt_groups,
    follow_through,
    list_agreements,
    list_attempts,
    list_checkins,
)

EXPORT_FORMAT = "heardwell-export"
EXPORT_VERSION = 1


def export_json(session: Session) -> str:
    """All records, versioned so a later import can tell which shape it reads."""
    data: dict[str, Any] = {
        "format": EXPORT_FORMAT,
        "version": EXPORT_VERSION,
        "exported_at": utcnow().isoformat(),
        "attempts": [
            {
                "id": a.id,
                "created_at": a.created_at.isoformat(),
                "source": a.source,
                "scenario_id": a.scenario_id,
                "assignment_id": a.assignment_id,
                "attempt_group": a.attempt_group,
                "description": a.description,
                "draft": a.draft,
                "passed": a.passed,
                "feedback": a.feedback,
            }
            for a in list_attempts(session)
        ],
        "agreements": [
            {
                "id": g.id,
                "created_at": g.created_at.isoformat(),
                "text": g.text,
                "active": g.active,
                "checked_findings": g.checked_findings,
                "weeks": [
                    {"week_start": c.week_start.isoformat(), "kept": c.kept, "note": c.note}
                    for c in g.checks
                ],
            }
            for g in list_agreements(session, active_only=False)
        ],
        "checkins": [
            {
                "id": c.id,
                "created_at": c.created_at.isoformat(),
                "safety": c.safety,
                "note": c.note,
            }
            for c in list_checkins(session)
        ],
    }
    return json.dumps(data, ensure_ascii=False, indent=2)


def _quote(text: str) -> list[str]:
    return [f"> {line}".rstrip() for line in text.splitlines() or [""]]


def _cell(text: str | None) -> str:
    # A table row is one line, and a bare | would start a new column.
    return " ".join((text or "").split()).replace("|", "\\|")


def _day(value: date) -> str:
    return value.strftime("%Y-%m-%d")


def export_markdown(session: Session) -> str:
    """A readable record: practice by exercise, agreements with their weeks, check-ins."""
    lines = [
        "# Heardwell: what we saved",
        "",
        f"Exported {utcnow().strftime('%Y-%m-%d %H:%M')} UTC.",
        "",
        "## Practice",
        "",
    ]
    groups = attempt_groups(session)
    if not groups:
        lines += ["No practice attempts saved.", ""]
    for number, group in enumerate(groups, start=1):
        lines += [
            f"### Exercise {number}: {group.attempts} attempt(s), {group.passed} passed",
            "",
        ]
        for attempt in list_attempts(session, group.group):
            result = "passed" if attempt.passed else "not yet"
            lines += [f"**{_day(attempt.created_at)}**, {result}", "", "What was said:"]
            lines += [*_quote(attempt.description), "", "The response:"]
            lines += [*_quote(attempt.draft), ""]

    lines += ["## Agreements", ""]
    agreements = list_agreements(session, active_only=False)
    if not agreements:
        lines += ["No agreements saved.", ""]
    for agreement in agreements:
        status = "" if agreement.active else " (retired)"
        lines += [f"### {_cell(agreement.text)}{status}", ""]
        if not agreement.checks:
            lines += ["No weeks marked yet.", ""]
            continue
        lines += ["| Week of | Kept | Note |", "|---|---|---|"]
        for check in agreement.checks:
            kept = "yes" if check.kept else "no"
            lines.append(f"| {_day(check.week_start)} | {kept} | {_cell(check.note)} |")
        lines.append("")
    tallies = follow_through(session)
    if tallies:
        lines += ["### Follow-through, all agreements", "", "| Week of | Kept | Missed |"]
        lines.append("|---|---|---|")
        lines += [f"| {_day(t.week_start)} | {t.kept} | {t.missed} |" for t in tallies]
        lines.append("")

    lines += ["## Check-ins", ""]
    checkins = list_checkins(session)
    if not checkins:
        lines += ["No check-ins saved.", ""]
    for checkin in checkins:
        note = f": {_cell(checkin.note)}" if checkin.note else ""
        lines.append(f"- {_day(checkin.created_at)}, safety {checkin.safety}/10{note}")
    return "\n".join(lines).rstrip() + "\n"
