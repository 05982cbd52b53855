"""Small helpers shared by the Wi-Fi tests."""

from __future__ import annotations

from pathlib import Path

from netsurvey.records import Measurement, read_visit


def points_of(visit: Path) -> list[Measurement]:
    return read_visit(visit).by_probe("wifi_point")
