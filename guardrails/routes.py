"""Help cards: fixed, human-written routes, one file per locale in ``guardrails/data/routes``.

This module only reads the files. Which cards a screened text gets, and how several are joined,
is decided in :mod:`guardrails.crisis`.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict

# The file used for every locale without a file of its own.
INTERNATIONAL = "intl"


class RouteLine(BaseModel):
    """One place to turn to, e.g. ``988 Suicide & Crisis Lifeline``: ``Call or text 988``."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str
    contact: str
    detail: str = ""


class Route(BaseModel):
    """A help card, written by people."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    title: str
    intro: str
    lines: list[RouteLine]
    footer: str = ""


class CategoryCard(Route):
    """A card as stored for one crisis category, with wording for danger that is over."""

    caution_intro: str = ""

    def as_route(self, *, caution: bool = False) -> Route:
        intro = self.caution_intro if caution and self.caution_intro else self.intro
        return Route(title=self.title, intro=intro, lines=self.lines, footer=self.footer)


class RouteBook(BaseModel):
    """Everything in one ``<locale>.yaml`` file."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    locale: str
    name: str
    fail_closed: Route
    cards: dict[str, CategoryCard]
    # Only in the international file: the card other locales show for "outside the US".
    outside: Route | None = None


def _routes_dir() -> Any:
    return resources.files("guardrails").joinpath("data", "routes")


@cache
def locale_files() -> tuple[str, ...]:
    """The locales that have a file, e.g. ``("en-US", "intl")``."""
    return tuple(
        sorted(
            entry.name.removesuffix(".yaml")
            for entry in _routes_dir().iterdir()
            if entry.name.endswith(".yaml")
        )
    )


def resolve_locale(locale: str) -> str:
    """The file for ``locale`` (``en_us`` finds ``en-US``); the international file otherwise."""
    wanted = locale.replace("_", "-").casefold()
    for name in locale_files():
        if name.casefold() == wanted:
            return name
    return INTERNATIONAL


@cache
def load_book(name: str) -> RouteBook:
    """Read and validate ``guardrails/data/routes/<name>.yaml`` once per process."""
    raw: Any = yaml.safe_load(_routes_dir().joinpath(f"{name}.yaml").read_text(encoding="utf-8"))
    return RouteBook.model_validate(raw)
