"""Command-line value rules shared by every command (argparse ``type=`` converters).

A bad value is a usage error: argparse prints one line and exits 2.
"""

from __future__ import annotations

import argparse
import math
from collections.abc import Callable
from typing import Any

_BYTE_SUFFIXES = {"": 1, "K": 2**10, "M": 2**20, "G": 2**30}


def positive_count(text: str) -> int:
    """A whole number of at least 1 (``--jobs``)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be 1 or more, got {value}")
    return value


def positive_seconds(text: str) -> float:
    """A finite number of seconds above 0 (``--timeout``)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected seconds, got {text!r}") from None
    if not math.isfinite(value) or value <= 0:
        raise argparse.ArgumentTypeError(
            f"must be a finite number of seconds above 0, got {text!r}"
        )
    return value


def non_negative_seconds(text: str) -> float:
    """A finite number of seconds, 0 or more (``--interval``)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected seconds, got {text!r}") from None
    if not math.isfinite(value) or value < 0:
        raise argparse.ArgumentTypeError(
            f"must be a finite number of seconds, 0 or more, got {text!r}"
        )
    return value


def byte_count(text: str) -> int:
    """Bytes, optionally with a K, M or G suffix (powers of 1024): ``64M``."""
    cleaned = text.strip().upper().removesuffix("B").removesuffix("I")
    suffix = cleaned[-1:] if cleaned[-1:] in _BYTE_SUFFIXES else ""
    number = cleaned[: len(cleaned) - len(suffix)]
    if not number.isdigit() or int(number) < 1:
        raise argparse.ArgumentTypeError(
            f"expected a size such as 8000000, 64M or 1G, got {text!r}"
        )
    return int(number) * _BYTE_SUFFIXES[suffix]


# Applied by cli.py to every command that has the option, so one name has one rule.
OPTION_RULES: dict[str, Callable[[str], Any]] = {
    "--jobs": positive_count,
    "--timeout": positive_seconds,
    "--scans": positive_count,
    "--points-per-room": positive_count,
    "--iperf-seconds": positive_seconds,
    "--video-s": positive_seconds,
    "--interval": non_negative_seconds,
}
