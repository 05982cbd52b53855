"""The one home for "a JSON value -> a number, or None" in the core.

Records and scores files are JSON: a figure may be missing, null, a string, a bool or
a non-finite float. Everything reading them asks here, so "not a number" means the same
everywhere: None (unknown), never 0. ``bool`` is not a number (JSON ``true`` is not 1).
Validated YAML has its own checked coercion with file:line errors (``netsurvey.fields``).
"""

from __future__ import annotations

import math

__all__ = ["finite_float", "integer", "positive_float"]


def finite_float(value: object) -> float | None:
    """An int or float that is finite, as float; anything else None."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    number = float(value)
    return number if math.isfinite(number) else None


def positive_float(value: object) -> float | None:
    """A finite number above 0 (a rate, a speed), else None."""
    number = finite_float(value)
    return number if number is not None and number > 0 else None


def integer(value: object) -> int | None:
    """An int (not a bool), or a float with no fraction, as int; anything else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        return int(value)
    return None
