"""What every browser test shares: the system Chromium, how to start it, where shots go."""

from __future__ import annotations

from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
# As root in a closed network: no sandbox, and none of Chromium's own background connections.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
SHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
DESKTOP = {"width": 1100, "height": 1400}
WAIT_MS = 15_000


def skip_without_chromium() -> None:
    """Skip the calling test module, saying why, when the system Chromium is missing."""
    if not Path(CHROMIUM).exists():
        pytest.skip(
            f"browser tests need the system Chromium at {CHROMIUM} (apt-get install chromium)",
            allow_module_level=True,
        )
