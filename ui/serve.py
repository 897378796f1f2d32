"""Start the app: ``python -m ui.serve [streamlit options]``.

The same as ``streamlit run app.py``, except that the data and patterns are loaded in the
background while the server starts, in the server's own process, so the first page and the
first reflection do not wait for them.
"""

from __future__ import annotations

import sys
from pathlib import Path

from streamlit.web import cli

from assistant.warmup import warm_up_in_background

APP = Path(__file__).resolve().parent.parent / "app.py"


def main() -> None:
    warm_up_in_background()
    sys.argv = ["streamlit", "run", str(APP), *sys.argv[1:]]
    cli.main()


if __name__ == "__main__":
    main()
