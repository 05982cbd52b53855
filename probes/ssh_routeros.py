"""RouterOS ``monitor`` output, which TextFSM cannot read: one column per item.

``/interface ethernet poe monitor [find] once`` prints every port side by side::

                   name: ether2     ether3
         poe-out-status: powered-on powered-on
        poe-out-voltage: 52.8V      52.9V
          poe-out-power: 6.4W       5W

Columns start where the names on the ``name:`` line start, counted from where the
values begin (keys are right-aligned, so that is the same column on every line,
whatever indentation the session left on the first line); a cell left blank (a
port that reports no power) stays missing instead of shifting its neighbours.
"""

from __future__ import annotations

import re
from typing import Any

from probes.base import ProbeParseError

_LINE = re.compile(r"^\s*([a-z0-9-]+): ?(.*)$")
# monitor key -> the row key the normaliser reads
_POE_KEYS = {
    "name": "port",
    "poe-out": "admin",
    "poe-out-status": "status",
    "poe-out-voltage": "voltage_v",
    "poe-out-current": "current_ma",
    "poe-out-power": "power_w",
}


def _columns(values: str) -> list[int]:
    return [m.start() for m in re.finditer(r"\S+", values)]


def _cells(values: str, starts: list[int]) -> list[str]:
    ends = [*starts[1:], max(len(values), starts[-1]) + 1]
    return [values[a:b].strip() for a, b in zip(starts, ends, strict=True)]


def parse_poe_monitor(output: str) -> list[dict[str, Any]]:
    """One row per port: ``port``, ``admin``, ``status``, ``power_w`` (text, e.g. '6.4W')..."""
    starts: list[int] | None = None
    rows: list[dict[str, Any]] = []
    for line in output.splitlines():
        match = _LINE.match(line)
        if match is None:
            continue
        key, values = match.group(1), match.group(2)
        if key == "name":
            starts = _columns(values)
            rows = [{} for _ in starts]
        if not starts:
            continue
        for row, cell in zip(rows, _cells(values, starts), strict=True):
            if cell:
                row[_POE_KEYS.get(key, key.replace("-", "_"))] = cell
    if output.strip() and starts is None:
        raise ProbeParseError("RouterOS monitor output has no 'name:' line")
    return rows
