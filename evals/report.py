"""The report: ``report.md``, ``report.json`` and ``index.html`` (one self-contained page with an
inline SVG chart: no scripts, nothing fetched from the network).

Everything here formats the dict from :meth:`evals.runner.EvalRun.to_dict`; nothing measures.
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path
from typing import Any

from evals.gate import GateFailure

VIEW_NOTE = (
    "**model alone** is what the model wrote (validated against the schema, re-asked at most "
    "twice); **pipeline** is what a person actually sees: crisis screen first, the model's words "
    "screened, its apology checked (re-asked once, else replaced by the offline engine's), and "
    "the offline engine when the model fails."
)


def _rate(row: dict[str, Any]) -> str:
    return f"{row['rate']:.2f} ({row['passed']}/{row['total']})"


def _cell(text: str, limit: int = 140) -> str:
    flat = " ".join(str(text).split()).replace("|", "\\|")
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def _pct(x: float | None) -> str:
    return "n/a" if x is None else f"{x:.3f}"


def reflection_tables(report: dict[str, Any]) -> list[str]:
    out: list[str] = []
    sets = list(dict.fromkeys(run["set"] for run in report["reflection"]))
    for set_name in sets:
        runs = [r for r in report["reflection"] if r["set"] == set_name]
        names = list(runs[0]["evaluators"])
        blind = " (blind holdout: aggregates only)" if runs[0]["blind"] else ""
        out.append(f"### {set_name}: {runs[0]['n']} cases{blind}")
        out.append("| engine · view | " + " | ".join(names) + " |")
        out.append("|---|" + "---:|" * len(names))
        for run in runs:
            cells = [_rate(run["evaluators"][n]) for n in names]
            out.append(f"| {run['engine']} · {run['view']} | " + " | ".join(cells) + " |")
        out.append("")
    return out


def failure_lists(report: dict[str, Any]) -> list[str]:
    out: list[str] = []
    for run in report["reflection"]:
        if run["blind"] or not run["failures"]:
            continue
        out.append(
            f"<details><summary>{run['set']} · {run['engine']} · {run['view']}: "
            f"{len(run['failures'])} failures</summary>\n"
        )
        out.append("| case | evaluator | reason |")
        out.append("|---|---|---|")
        out += [
            f"| {f['case']} | {f['evaluator']} | {_cell(f['reason'])} |" for f in run["failures"]
        ]
        out.append("\n</details>\n")
    return out


def crisis_tables(report: dict[str, Any]) -> list[str]:
    out: list[str] = []
    for run in report["crisis"]:
        blind = " (blind holdout)" if run["blind"] else ""
        out.append(f"### crisis screen through the pipeline: {run['set']} · {run['engine']}{blind}")
        out.append(
            f"Urgent cases: {run['urgent_total']}; missed: **{run['urgent_missed']}**; "
            f"reached a model: **{run['urgent_reached_model']}**.\n"
        )
        cols = list(next(iter(run["confusion"].values())))
        out.append("| gold \\ outcome | " + " | ".join(cols) + " |")
        out.append("|---|" + "---:|" * len(cols))
        for gold, row in run["confusion"].items():
            out.append(f"| {gold} | " + " | ".join(str(row[c]) for c in cols) + " |")
        if run["failures"]:
            out.append("")
            out += [f"- {f['case']}: {_cell(f['reason'])}" for f in run["failures"]]
        out.append("")
    return out


def apology_tables(report: dict[str, Any]) -> list[str]:
    out: list[str] = []
    for run in report["apology"]:
        blind = " (blind holdout)" if run["blind"] else ""
        out.append(f"### apology check through the pipeline: {run['set']}{blind}")
        out.append(
            "A scripted model proposes each labelled apology as its suggestion, and proposes it "
            "again when re-asked. Shown = the person sees it; replaced = the offline engine's "
            f"suggestion instead. Rejected suggestions shown: **{run['rejected_shown']}**.\n"
        )
        out.append("| gold \\ outcome | shown | replaced |")
        out.append("|---|---:|---:|")
        for gold, row in run["confusion"].items():
            out.append(f"| {gold} | {row['shown']} | {row['replaced']} |")
        if run["failures"]:
            out.append("")
            out.append(
                "Checker disagreements with the gold label: "
                + ", ".join(f["case"] for f in run["failures"])
            )
        out.append("")
    return out


def goemotions_section(g: dict[str, Any]) -> list[str]:
    out = [
        "## GoEmotions: the feeling detector against human labels",
        f"{g['comments']} Reddit comments (stratified test sample, Apache-2.0). The detector "
        f"fires on {g['fired']} ({_pct(g['coverage'])}).\n",
        g["mapping"] + "\n",
        "Recall is given over all comments and over only the comments the detector fires on: it "
        "listens for a speaker naming their own hurt, so most comments (jokes, opinions, praise) "
        "give it nothing to say, by design.\n",
        "| labels | precision | recall (all) | recall (fired) |",
        "|---|---:|---:|---:|",
    ]
    for name, key in (("reachable (micro)", "micro_reachable"), ("all 27 (micro)", "micro_all")):
        m = g[key]
        out.append(
            f"| {name} | {_pct(m['precision'])} | {_pct(m['recall_all'])} | "
            f"{_pct(m['recall_fired'])} |"
        )
    out += [
        "",
        "| GoEmotions label | reachable | TP | FP | FN | precision | recall (all) "
        "| recall (fired) |",
        "|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    for label, row in sorted(g["per_label"].items(), key=lambda kv: -(kv[1]["tp"] + kv[1]["fn"])):
        out.append(
            f"| {label} | {'yes' if row['reachable'] else 'no'} | {row['tp']} | {row['fp']} | "
            f"{row['fn']} | {_pct(row['precision'])} | {_pct(row['recall_all'])} | "
            f"{_pct(row['recall_fired'])} |"
        )
    return out


def to_markdown(report: dict[str, Any], failures: list[GateFailure]) -> str:
    engines = ", ".join(
        e["name"]
        + (
            f" ({e['litellm_model']}, recorded {max(e['recorded'].values())})"
            if e.get("recorded")
            else ""
        )
        for e in report["engines"]
    )
    verdict = "**passes**" if not failures else "**FAILS**"
    out = [
        "# Heardwell evaluation report",
        f"Generated {report['generated']} by `heardwell eval` in {report['seconds']:.1f} s. "
        f"Engines: {engines}. The gate {verdict}.",
        "",
    ]
    if failures:
        out += [f"- {f}" for f in failures] + [""]
    if report["reflection"]:
        out += ["## Reflections: pass rate (passed/total) per evaluator", VIEW_NOTE, ""]
        out += reflection_tables(report)
        out += ["## Failing cases", "", *failure_lists(report)]
    if report["crisis"] or report["apology"]:
        out += ["## Guardrails through the whole pipeline", ""]
        out += crisis_tables(report) + apology_tables(report)
    if report.get("goemotions"):
        out += [*goemotions_section(report["goemotions"]), ""]
    if report.get("cssrs"):
        out += ["## C-SSRS users: the crisis screen on real posts", report["cssrs"]["markdown"], ""]
    return "\n".join(out) + "\n"


# ---------------------------------------------------------------------------------------------
# HTML


_COLORS = ["#4c78a8", "#f58518", "#54a24b", "#b279a2", "#e45756", "#72b7b2"]


def svg_chart(report: dict[str, Any], set_name: str = "reflections") -> str:
    """Grouped horizontal bars: one group per evaluator, one bar per engine · view."""
    runs = [r for r in report["reflection"] if r["set"] == set_name]
    if not runs:
        return ""
    names = list(runs[0]["evaluators"])
    bar, gap, label_w, width = 12, 10, 170, 420
    group = bar * len(runs) + gap
    height = group * len(names) + 40 + 18 * len(runs)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{label_w + width + 70}" '
        f'height="{height}" role="img" aria-label="pass rate per evaluator, {set_name}">'
    ]
    for i, name in enumerate(names):
        y0 = 10 + i * group
        parts.append(
            f'<text x="{label_w - 6}" y="{y0 + bar * len(runs) / 2 + 4}" text-anchor="end" '
            f'font-size="12">{html.escape(name)}</text>'
        )
        for j, run in enumerate(runs):
            rate = run["evaluators"][name]["rate"]
            y = y0 + j * bar
            color = _COLORS[j % len(_COLORS)]
            parts.append(
                f'<rect x="{label_w}" y="{y}" width="{rate * width:.1f}" height="{bar - 2}" '
                f'fill="{color}"><title>{html.escape(run["engine"])} · {run["view"]}: '
                f"{_rate(run['evaluators'][name])}</title></rect>"
            )
            parts.append(
                f'<text x="{label_w + rate * width + 4:.1f}" y="{y + bar - 3}" font-size="10">'
                f"{rate:.2f}</text>"
            )
    ly = 10 + group * len(names) + 10
    for j, run in enumerate(runs):
        color = _COLORS[j % len(_COLORS)]
        parts.append(
            f'<rect x="{label_w}" y="{ly + j * 18}" width="12" height="12" fill="{color}"/>'
        )
        parts.append(
            f'<text x="{label_w + 18}" y="{ly + j * 18 + 10}" font-size="12">'
            f"{html.escape(run['engine'])} · {html.escape(run['view'])}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)


_SEPARATOR = re.compile(r"\|(?:\s*:?-+:?\s*\|)+")


def _md_table_to_html(lines: list[str]) -> str:
    """The Markdown tables and text above, as plain HTML (tables, paragraphs, details)."""
    out: list[str] = []
    table: list[list[str]] = []

    def flush() -> None:
        if not table:
            return
        head, *body = table
        out.append("<table><thead><tr>" + "".join(f"<th>{c}</th>" for c in head) + "</tr></thead>")
        out.append(
            "<tbody>"
            + "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in body)
            + "</tbody></table>"
        )
        table.clear()

    for line in lines:
        if line.startswith("|"):
            if _SEPARATOR.fullmatch(line.strip()):
                continue
            cells = [
                html.escape(c.strip().replace("\\|", "|")) for c in line.strip("|").split(" | ")
            ]
            if not all(set(c) <= set("-:") for c in cells):
                table.append(cells)
            continue
        flush()
        if line.startswith("<details>") or line.startswith("</details>"):
            out.append(line.replace("\n", ""))
        elif line.startswith("### "):
            out.append(f"<h3>{html.escape(line[4:])}</h3>")
        elif line.startswith("## "):
            out.append(f"<h2>{html.escape(line[3:])}</h2>")
        elif line.startswith("# "):
            continue
        elif line.startswith("- "):
            out.append(f"<li>{html.escape(line[2:])}</li>")
        elif line.strip():
            text = html.escape(line).replace("**", "")
            out.append(f"<p>{text}</p>")
    flush()
    return "\n".join(out)


_CSS = """
body{font:14px/1.45 system-ui,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#222}
table{border-collapse:collapse;margin:.5em 0 1.2em}td,th{border:1px solid #ddd;padding:3px 7px}
th{background:#f4f4f4}td{font-variant-numeric:tabular-nums}.pass{color:#1a7f37}.fail{color:#c00}
details{margin:.3em 0}summary{cursor:pointer}
"""


def to_html(report: dict[str, Any], failures: list[GateFailure]) -> str:
    verdict = (
        '<p class="pass"><b>The gate passes.</b></p>'
        if not failures
        else '<p class="fail"><b>The gate FAILS:</b></p><ul>'
        + "".join(f"<li>{html.escape(str(f))}</li>" for f in failures)
        + "</ul>"
    )
    body = _md_table_to_html(to_markdown(report, failures).splitlines()[2:])
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        "<title>Heardwell evaluation report</title>"
        f"<style>{_CSS}</style></head><body><h1>Heardwell evaluation report</h1>"
        f"<p>Generated {html.escape(report['generated'])}. Machine-readable: "
        '<a href="report.json">report.json</a>; text: <a href="report.md">report.md</a>.</p>'
        f"{verdict}<h2>Pass rate per evaluator: reflections dev set</h2>{svg_chart(report)}"
        f"{body}</body></html>\n"
    )


def write(report: dict[str, Any], failures: list[GateFailure], directory: Path) -> list[Path]:
    """Write report.json, report.md and index.html into ``directory``."""
    directory.mkdir(parents=True, exist_ok=True)
    data = {**report, "gate": [str(f) for f in failures]}
    paths = {
        "report.json": json.dumps(data, indent=1, ensure_ascii=False) + "\n",
        "report.md": to_markdown(report, failures),
        "index.html": to_html(report, failures),
    }
    for name, text in paths.items():
        (directory / name).write_text(text, encoding="utf-8")
    return [directory / name for name in paths]
