"""Small conversions from SNMP values to model fields; unknown stays None."""

from __future__ import annotations

from typing import Any

from probes.snmp_sample import Value
from probes.snmp_vendors import format_mac


def text_of(value: Value | None) -> str | None:
    if value is None:
        return None
    if value.tag == "4x":
        return printable(value.as_bytes())
    text = value.as_text().strip()
    return text or None


def printable(data: bytes) -> str | None:
    text = data.decode("utf-8", errors="replace").strip().strip("\x00")
    if not text:
        return None
    if all(ch.isprintable() or ch in "\r\n\t" for ch in text):
        return text
    return data.hex(":")


def mac_of(value: Value | None) -> str | None:
    return format_mac(value.as_bytes()) if value is not None and value.tag == "4x" else None


def up_of(value: Value | None) -> bool | None:
    number = value.as_int() if value else None
    return None if number is None else number == 1


def int_of(value: Value | None) -> int | None:
    return value.as_int() if value is not None else None


def int_or(value: Any, default: int | None) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def float_or_none(value: Any) -> float | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        return float(value)
    except (TypeError, ValueError, OverflowError):
        return None


def str_or_none(value: Any) -> str | None:
    return None if value is None or value == "" else str(value)


def sum_known(a: int | None, b: int | None) -> int | None:
    if a is None and b is None:
        return None
    return (a or 0) + (b or 0)
