"""Reflect: a description goes in; understanding, feelings and repair come out, step by step."""

from __future__ import annotations

import streamlit as st

from assistant.errors import InputError
from assistant.pipeline import ReflectOutcome, reflect
from assistant.schemas import Origin, Reflection, RepairKind
from assistant.textfmt import as_plain_markdown as plain
from guardrails.apology import check_apology
from ui.common import (
    help_link,
    settings,
    show_caution,
    show_crisis_stop,
    show_findings,
    where_text_goes,
)

RESULT = "reflect_outcome"
STEP = "reflect_step"
ORIGIN_LABEL = {
    Origin.THIS_RELATIONSHIP: "This hurt happened in your relationship.",
    Origin.BEFORE_RELATIONSHIP: "This hurt comes from before your relationship.",
    Origin.UNCLEAR: "It isn't clear yet where this hurt comes from: ask about it.",
}


def _run(text: str) -> ReflectOutcome | None:
    config = settings()
    try:
        if not config.uses_model:
            return reflect(text, settings=config)
        from assistant.llm import streaming_completion

        with st.status(f"Asking {config.model}…", expanded=True) as status:
            box = st.empty()

            def show(partial: str) -> None:
                box.caption(f"Receiving the answer… {len(partial):,} characters so far")

            outcome = reflect(text, settings=config, complete=streaming_completion(config, show))
            status.update(label="Answer received and checked", state="complete", expanded=False)
            return outcome
    except InputError as exc:
        st.warning(str(exc))
        return None


def _copyable(text: str) -> None:
    st.code(text, language=None, wrap_lines=True)


def _show(reflection: Reflection) -> None:
    step = st.session_state.get(STEP, 1)
    for notice in reflection.notices:
        st.info(plain(notice))
    st.subheader("Step 1 · Understand what happened")
    st.caption("Say it back before anything else. Your partner needs to know you understand.")
    _copyable(f"{reflection.summary.restatement} {reflection.summary.meaning}")
    st.markdown(plain(ORIGIN_LABEL[reflection.summary.origin]))
    if step < 2:
        if st.button("Next: the feelings", key="to_feelings"):
            st.session_state[STEP] = 2
            st.rerun()
        return
    st.subheader("Step 2 · Acknowledge the feelings")
    lines = [ack.sentence for ack in reflection.feelings.acknowledgments]
    _copyable("\n".join([*lines, reflection.feelings.validation]))
    if step < 3:
        if st.button("Next: repair", key="to_repair"):
            st.session_state[STEP] = 3
            st.rerun()
        return
    st.subheader("Step 3 · Repair")
    repair = reflection.repair
    if repair.kind is RepairKind.NONE or not repair.text:
        st.markdown(
            "Nothing to suggest yet: it isn't clear whether this hurt comes from your "
            "relationship or from before it. Ask gently, and listen."
        )
    else:
        caption = (
            "An apology that owns the impact, with no excuses."
            if repair.kind is RepairKind.APOLOGY
            else "This came before you: there is nothing to apologize for, but you can show care."
        )
        st.caption(caption)
        _copyable(repair.text)
        check = check_apology(repair.text)
        if check.accepted:
            st.caption(
                ":material/check: Checked: owns the impact, with no excuses, blame, "
                "conditions or demands."
            )
        else:  # the pipeline never lets this happen; say so plainly if it ever does
            show_findings(check.findings)
    st.caption(f"From the {reflection.engine} engine ({plain(reflection.model)}).")


st.title("Reflect")
top = st.container()  # an urgent help card goes here, above everything else
help_link()
config = settings()
st.caption(plain(where_text_goes(config.model)))
st.radio(
    "Who is writing?",
    ["I was hurt, and I'm describing it", "I'm the listener, pasting what my partner said"],
    key="reflect_who",
    horizontal=True,
)
with st.form("reflect_form"):
    text = st.text_area(
        "What happened, and how did it feel?",
        key="reflect_text",
        height=180,
        # No max_chars here: the browser would silently refuse a longer paste. The page's own
        # check says how long it is and keeps the text in the box so it can be shortened.
        help=f"Up to {config.max_chars:,} characters.",
        placeholder="You promised you'd come to my sister's dinner, then you texted an hour "
        "before to say you couldn't make it. I felt stupid making excuses for you.",
    )
    submitted = st.form_submit_button("Reflect", type="primary")

if submitted:
    st.session_state.pop(RESULT, None)
    st.session_state[STEP] = 1
    outcome = _run(text)
    if outcome is not None:
        st.session_state[RESULT] = outcome

current: ReflectOutcome | None = st.session_state.get(RESULT)
if current is not None:
    if current.reflection is None:
        with top:
            show_crisis_stop(current.crisis)
    else:
        show_caution(current.crisis)
        _show(current.reflection)
