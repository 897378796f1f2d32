"""Plain-text renderings of a reflection and of a help card, for the terminal."""

from __future__ import annotations

from assistant.schemas import Reflection, RepairKind
from guardrails.crisis import CrisisResult, Route

_ORIGIN_LABEL = {
    "this_relationship": "in this relationship",
    "before_relationship": "before this relationship",
    "unclear": "not clear from the description",
}
_REPAIR_LABEL = {
    RepairKind.APOLOGY: "3. An apology you could offer",
    RepairKind.EMPATHY: "3. Empathy (nothing to apologize for: this came before you)",
}


def reflection_text(reflection: Reflection) -> str:
    """The three steps of the method, in order, as a reader would want them."""
    lines = [
        "1. What I understand",
        f"   {reflection.summary.restatement}",
        f"   {reflection.summary.meaning}",
        f"   Where the hurt comes from: {_ORIGIN_LABEL[reflection.summary.origin.value]}",
        "",
        "2. Feelings",
        *(f"   {ack.sentence}" for ack in reflection.feelings.acknowledgments),
        f"   {reflection.feelings.validation}",
    ]
    if reflection.repair.kind is not RepairKind.NONE and reflection.repair.text:
        lines += ["", _REPAIR_LABEL[reflection.repair.kind], f"   {reflection.repair.text}"]
    else:
        lines += [
            "",
            "3. Repair",
            "   (Not sure where this hurt comes from, so no apology is "
            "suggested. Ask about it first.)",
        ]
    source = "offline engine" if reflection.engine == "offline" else f"model {reflection.model}"
    lines += ["", f"(from the {source})"]
    lines += [f"Note: {notice}" for notice in reflection.notices]
    return "\n".join(lines)


def route_text(route: Route) -> str:
    lines = [route.title.upper(), route.intro]
    for line in route.lines:
        detail = f" ({line.detail})" if line.detail else ""
        lines.append(f"  - {line.name}: {line.contact}{detail}")
    if route.footer:
        lines.append(route.footer)
    return "\n".join(lines)


def help_card_text(result: CrisisResult) -> str:
    if result.route is None:
        return ""
    return route_text(result.route)
