"""Narrow parsed scores.json values (``JsonValue``) to the types its readers build.

Only the readers of scores.json use these (``scoresentry``, ``scoresmessages``,
``scoresfile``); nothing past them sees a ``JsonValue``. Numbers come from
``netsurvey.numbers`` (missing is None, never 0).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from types import MappingProxyType

from netsurvey.jsontypes import JsonValue
from netsurvey.numbers import finite_float

__all__ = ["flag", "items", "obj", "rho", "text", "texts"]

_INFINITE_WORDS = ("inf", "infinity", "+inf")
_EMPTY: Mapping[str, JsonValue] = MappingProxyType({})


def obj(value: JsonValue) -> Mapping[str, JsonValue]:
    """A JSON object, or an empty one for anything else (absent, null, a list...)."""
    return value if isinstance(value, dict) else _EMPTY


def items(value: JsonValue) -> list[JsonValue]:
    """A JSON array, or an empty one for anything else."""
    return value if isinstance(value, list) else []


def text(value: JsonValue) -> str | None:
    """A string as written; a number or bool as its text; None for null, lists, objects.

    Readers clean text for display themselves (``report.text.clean_text``), each with
    its own bound, so a string is kept here as it was written."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool | int | float):
        return str(value)
    return None


def texts(value: JsonValue) -> tuple[str, ...]:
    """A JSON array of strings (numbers as their text; nulls, lists, objects left out)."""
    return tuple(t for t in (text(v) for v in items(value)) if t is not None)


def flag(value: JsonValue) -> bool | None:
    """A JSON ``true``/``false``; anything else (a 1, a "yes") is not known: None."""
    return value if isinstance(value, bool) else None


def rho(value: JsonValue) -> float | None:
    """A rho or severity: a number, ``"inf"`` (cannot carry the load at all) or null."""
    if isinstance(value, str) and value.strip().lower() in _INFINITE_WORDS:
        return math.inf
    if isinstance(value, float) and math.isinf(value) and value > 0:
        return math.inf
    return finite_float(value)
