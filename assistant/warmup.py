"""Load every data file and compile every pattern once, ahead of the first person's click.

The guardrails and the offline engine load their data lazily (a few hundred milliseconds in all).
A server calls ``warm_up`` in the background at start, so the first reflection is as quick as
the rest. It never imports litellm.
"""

from __future__ import annotations

import threading


def warm_up() -> None:
    from assistant.offline.engine import reflect_offline
    from assistant.practice import practice_feedback
    from guardrails.agreement import check_agreement
    from guardrails.apology import check_apology
    from guardrails.crisis import help_card, screen

    screen("You forgot my birthday.")
    help_card()
    check_apology("I'm sorry I forgot your birthday.")
    check_agreement("I'll call you on Sundays.")
    reflect_offline("You forgot my birthday and I felt invisible.")
    practice_feedback(
        "You forgot my birthday.", "I forgot your birthday. You felt invisible. I'm sorry."
    )


_thread: threading.Thread | None = None
_lock = threading.Lock()


def warm_up_in_background() -> threading.Thread:
    """Start the warm-up once per process; later calls return the same thread."""
    global _thread
    with _lock:
        if _thread is None:
            _thread = threading.Thread(target=warm_up, name="heardwell-warm-up", daemon=True)
            _thread.start()
        return _thread
