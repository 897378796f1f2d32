"""One assignment, or all of a couple's work, for the clinical record: Markdown, CSV and PDF.

Only the therapist who owns the couple can export (``NotAllowed`` otherwise). The PDF uses a core
font (no font files to ship or download), so text is transliterated to Latin-1: curly quotes and
dashes become plain ones, accents are kept, anything else becomes "?".
"""

from __future__ import annotations

import csv
import io
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from fpdf import FPDF
from sqlalchemy import select
from sqlalchemy.orm import Session

from assistant.homework.ownership import owned_assignment, owned_couple
from assistant.homework.review import SubmissionView, list_comments, list_submissions
from assistant.practice import ITEM_KEYS
from assistant.storage.models import Assignment, Comment, Couple, Therapist, utcnow

Format = Literal["md", "csv", "pdf"]
_MIME = {"md": "text/markdown", "csv": "text/csv", "pdf": "application/pdf"}
# A spreadsheet runs a cell starting with these as a formula (CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_LATIN1 = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u2013": "-",
        "\u2014": "-",
        "\u2026": "...",
        "\u2022": "*",
        "\u00a0": " ",
        "\u0141": "L",  # Ł and ł have no decomposition to a plain letter
        "\u0142": "l",
        "\u0152": "OE",
        "\u0153": "oe",
    }
)


@dataclass(frozen=True)
class Export:
    """A file to download: name, MIME type and bytes."""

    filename: str
    mime: str
    data: bytes


@dataclass(frozen=True)
class _Work:
    couple: Couple
    assignment: Assignment
    submissions: list[SubmissionView]
    comments: list[Comment]


def export_assignment(
    session: Session, therapist: Therapist, assignment_id: int, fmt: Format
) -> Export:
    """One of the therapist's assignments with its submissions and comments."""
    assignment = owned_assignment(session, therapist, assignment_id)
    couple = owned_couple(session, therapist, assignment.couple_id)
    work = [_gather(session, therapist, couple, assignment)]
    return _render(work, f"heardwell-assignment-{assignment.id}", fmt)


def export_couple(session: Session, therapist: Therapist, couple_id: int, fmt: Format) -> Export:
    """All of one couple's assignments, oldest first, with submissions and comments."""
    couple = owned_couple(session, therapist, couple_id)
    assignments = session.scalars(
        select(Assignment)
        .where(Assignment.couple_id == couple.id)
        .order_by(Assignment.created_at, Assignment.id)
    )
    work = [_gather(session, therapist, couple, a) for a in assignments]
    return _render(work, f"heardwell-couple-{couple.id}", fmt)


def _gather(
    session: Session, therapist: Therapist, couple: Couple, assignment: Assignment
) -> _Work:
    return _Work(
        couple,
        assignment,
        list_submissions(session, therapist, assignment.id),
        list_comments(session, therapist, assignment.id),
    )


def _render(work: list[_Work], stem: str, fmt: Format) -> Export:
    if fmt == "md":
        data = to_markdown(work).encode()
    elif fmt == "csv":
        data = to_csv(work).encode()
    elif fmt == "pdf":
        data = to_pdf(work)
    else:
        raise ValueError(f"Unknown export format {fmt!r}: use 'md', 'csv' or 'pdf'.")
    return Export(f"{stem}.{fmt}", _MIME[fmt], data)


def _when(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M UTC") if value else ""


def _situation(assignment: Assignment) -> str:
    return "Their own situation" if assignment.use_own_situation else "The scenario below"


def _lines(work: list[_Work]) -> Iterable[tuple[str, str]]:
    """The document as (style, text) pairs: "h1", "h2", "h3", "p", "quote", "item"."""
    label = work[0].couple.label if work else ""
    yield "h1", f"Heardwell homework: {label}"
    yield "p", f"Exported {_when(utcnow())}."
    for part in work:
        a = part.assignment
        yield "h2", f"Assignment {a.id}: {a.exercise}, given {_when(a.created_at)}"
        due = a.due_date.isoformat() if a.due_date else "none"
        yield "p", f"Responding to: {_situation(a)}. Due: {due}."
        if a.scenario_text:
            yield "quote", a.scenario_text
        if a.instructions:
            yield "p", "Instructions:"
            yield "quote", a.instructions
        if not part.submissions:
            yield "p", "Nothing submitted yet."
        for s in part.submissions:
            reviewed = f"reviewed {_when(s.reviewed_at)}" if s.reviewed_at else "not reviewed"
            result = "passed" if s.passed else "not yet"
            yield "h3", f"{s.partner_label}, {_when(s.submitted_at)} ({result}, {reviewed})"
            if s.marker:
                yield "p", s.marker
                continue
            yield "p", "What was said:"
            yield "quote", s.description
            yield "p", "The response:"
            yield "quote", s.draft
            for r in s.rubric:
                yield "item", f"[{'x' if r.passed else ' '}] {r.label}"
            for f in s.findings:
                yield "item", f'Finding ({f.category}): "{f.text}" - {f.reason}'
        if part.comments:
            yield "h3", "Comments"
            for c in part.comments:
                about = f" on submission {c.submission_id}" if c.submission_id else ""
                yield "item", f"{_when(c.created_at)}{about}: {c.body}"


def to_markdown(work: list[_Work]) -> str:
    """The Markdown record."""
    out: list[str] = []
    for style, text in _lines(work):
        if style in ("h1", "h2", "h3"):
            out += ["#" * int(style[1]) + " " + " ".join(text.split()), ""]
        elif style == "quote":
            out += [f"> {line}".rstrip() for line in text.splitlines() or [""]] + [""]
        elif style == "item":
            out.append(f"- {' '.join(text.split())}")
        else:
            out += [text, ""]
    return "\n".join(out).rstrip() + "\n"


def _safe_cell(value: object) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def to_csv(work: list[_Work]) -> str:
    """One row per submission: assignment, partner, time, result, each rubric item, findings,
    draft. Cells that a spreadsheet would run as formulas are prefixed with ``'``."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    header = ["assignment_id", "couple", "exercise", "partner", "submitted_at", "passed"]
    header += ["crisis_marker", "reviewed_at", *ITEM_KEYS, "findings", "description", "draft"]
    writer.writerow(header)
    for part in work:
        for s in part.submissions:
            items = {r.key: r.passed for r in s.rubric}
            row: list[object] = [
                part.assignment.id,
                part.couple.label,
                part.assignment.exercise,
                s.partner_label,
                s.submitted_at.isoformat(),
                s.passed,
                s.marker is not None,
                s.reviewed_at.isoformat() if s.reviewed_at else "",
                *(items.get(key, "") for key in ITEM_KEYS),
                ";".join(s.finding_categories),
                s.marker or s.description,
                s.draft,
            ]
            writer.writerow([_safe_cell(v) for v in row])
    return buffer.getvalue()


def latin1(text: str) -> str:
    """``text`` in Latin-1 for the PDF core fonts: typographic marks made plain, accents kept
    (or dropped, if the letter has no Latin-1 form), anything else "?"."""
    out: list[str] = []
    for ch in text.translate(_LATIN1):
        if ch == "\n" or (ord(ch) < 256 and unicodedata.category(ch)[0] != "C"):
            out.append(ch)
            continue
        base = unicodedata.normalize("NFKD", ch).encode("latin-1", "ignore").decode("latin-1")
        out.append(base if base and base.isprintable() else "?")
    return "".join(out)


def to_pdf(work: list[_Work]) -> bytes:
    """The same record as the Markdown, as a PDF."""
    pdf = FPDF(format="A4")
    pdf.set_title("Heardwell homework")
    pdf.set_creator("Heardwell")
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    sizes = {"h1": 16, "h2": 13, "h3": 11}
    for style, text in _lines(work):
        pdf.set_x(pdf.l_margin)
        if style in sizes:
            pdf.set_font("Helvetica", "B", sizes[style])
            pdf.multi_cell(0, 7, latin1(text), new_x="LMARGIN", new_y="NEXT")
            pdf.ln(1)
            continue
        pdf.set_font("Helvetica", "I" if style == "quote" else "", 10)
        indent = 6 if style in ("quote", "item") else 0
        pdf.set_x(pdf.l_margin + indent)
        prefix = "- " if style == "item" else ""
        pdf.multi_cell(0, 5, latin1(prefix + text), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(1)
    return bytes(pdf.output())
