"""Show people's and models' words as text, never as markup."""

from __future__ import annotations

import html
import re

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|>~$:])")


def as_plain_markdown(text: str) -> str:
    """Escape text so that Markdown (and HTML inside it) renders as the literal characters."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", html.escape(text, quote=False))
