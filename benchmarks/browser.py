"""Browser benchmarks for the app: server start, first page interactive, offline reflection.

Run with `python -m benchmarks.browser` (needs /usr/bin/chromium). Each figure is the median of
RUNS fresh server starts; every run uses a new, empty data folder. Timings are wall-clock from
the test driver's side, so they include Streamlit's websocket round trips.
"""

from __future__ import annotations

import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
RUNS = 5
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
DESCRIPTION = (
    "You promised you'd come to my sister's dinner, and then you texted an hour before saying "
    "you couldn't make it. I felt stupid making excuses for you."
)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _healthy(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=1) as r:
            return bool(r.status == 200)
    except OSError:
        return False


def one_run() -> tuple[float, float, float]:
    port = _free_port()
    with tempfile.TemporaryDirectory() as data:
        env = {**os.environ, "HEARDWELL_DATA_DIR": data, "HEARDWELL_MODEL": "offline"}
        start = time.perf_counter()
        server = subprocess.Popen(
            [sys.executable, "-m", "ui.serve", "--server.headless", "true",
             "--server.address", "127.0.0.1", "--server.port", str(port)],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        try:
            while not _healthy(port):
                if time.perf_counter() - start > 30:
                    raise RuntimeError("server did not become healthy in 30 s")
                time.sleep(0.02)
            healthy = time.perf_counter() - start
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
                page = browser.new_page()
                t0 = time.perf_counter()
                page.goto(f"http://127.0.0.1:{port}/")
                box = page.get_by_role("textbox", name="What happened, and how did it feel?")
                box.wait_for(state="visible", timeout=15000)
                interactive = time.perf_counter() - t0
                box.fill(DESCRIPTION)
                button = page.get_by_role("button", name="Reflect")
                t1 = time.perf_counter()
                button.click()
                page.get_by_text("Step 1 · Understand what happened").wait_for(timeout=15000)
                shown = time.perf_counter() - t1
                browser.close()
        finally:
            server.terminate()
            server.wait(timeout=10)
    return healthy, interactive, shown


def main() -> None:
    runs = [one_run() for _ in range(RUNS)]
    names = ["server healthy after start", "first page interactive", "offline reflection shown"]
    print("| what | runs | median ms | min ms | max ms |")
    print("|---|---|---|---|---|")
    for i, name in enumerate(names):
        values = [r[i] * 1000 for r in runs]
        print(
            f"| {name} | {len(values)} | {statistics.median(values):.0f} | "
            f"{min(values):.0f} | {max(values):.0f} |"
        )


if __name__ == "__main__":
    main()
