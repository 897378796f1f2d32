"""Settings: which engine answers and where text goes; where data lives; export; delete."""

from __future__ import annotations

from datetime import date

import streamlit as st

from assistant.config import LOCAL, OFFLINE
from assistant.storage import repo
from assistant.storage.export import export_json, export_markdown
from assistant.textfmt import as_plain_markdown as plain
from ui.common import MODEL_KEY, db, db_url, settings, where_text_goes

OTHER = "A model through litellm"

st.title("Settings")
st.subheader("Engine")
current = settings().model
choices = {
    OFFLINE: "Offline engine (default): instant, and nothing leaves this computer",
    LOCAL: "Local model: a small model on this computer (needs heardwell[local])",
    OTHER: "A model through litellm, e.g. gpt-4o-mini or ollama/llama3.1",
}
default = current if current in (OFFLINE, LOCAL) else OTHER
choice = st.radio(
    "Who writes the reflections?",
    list(choices),
    index=list(choices).index(default),
    format_func=choices.__getitem__,
    key="engine_choice",
)
if choice == OTHER:
    typed = st.text_input(
        "litellm model name",
        value="" if current in (OFFLINE, LOCAL) else current,
        key="engine_model_name",
        help="Keys come from the usual variables (OPENAI_API_KEY, ANTHROPIC_API_KEY, ...), "
        "set before starting the app. Heardwell never stores them.",
    )
    model = typed.strip() or OFFLINE
else:
    model = choice
st.session_state[MODEL_KEY] = model
st.info(plain(where_text_goes(model)))
st.caption(
    "Every answer, from any engine, passes Heardwell's safety and apology checks before you see "
    "it. If a model fails, the offline engine answers instead and says so."
)

st.subheader("Your data")
url = db_url()
if url.startswith("sqlite:///"):
    st.markdown("Stored only on this computer, in this file:")
    st.code(url.removeprefix("sqlite:///"), language=None)
else:
    st.markdown("Stored in the database this app was configured with (HEARDWELL_DATABASE_URL).")
st.caption(
    "Set HEARDWELL_DATA_DIR to keep it somewhere else. No telemetry: nothing is reported anywhere."
)
with db() as session:
    as_json = export_json(session)
    as_markdown = export_markdown(session)
stamp = date.today().isoformat()
left, right = st.columns(2)
left.download_button(
    "Export everything (JSON)",
    as_json,
    file_name=f"heardwell-{stamp}.json",
    mime="application/json",
)
right.download_button(
    "Export everything (Markdown)",
    as_markdown,
    file_name=f"heardwell-{stamp}.md",
    mime="text/markdown",
)

with st.expander("Delete everything"):
    st.markdown("This removes every practice attempt, agreement and check-in. It cannot be undone.")
    sure = st.checkbox("Yes, delete all my Heardwell data", key="confirm_delete")
    if st.button("Delete everything", type="primary", disabled=not sure):
        with db() as session:
            removed = repo.delete_everything(session)
        st.success(f"Deleted {sum(removed.values())} records.")
