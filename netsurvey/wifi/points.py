"""Survey points: several scans averaged into one BSS list, plus link and iperf."""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from probes.wifi_parsers import Bss

POINT_PROBE = "wifi_point"
WITHDRAWS = "withdraws"  # details key of an undo record: the id of the point it takes back


def average_scans(scans: Sequence[Sequence[Bss]]) -> list[dict[str, Any]]:
    """One entry per (bssid, ssid, freq) seen in any scan: mean signal in dBm over the
    scans that saw it, min/max, and how many scans saw it (a BSS heard in one of five
    scans is flaky and the analysis can weigh it down)."""
    groups: dict[tuple[str, str | None, int | None], list[Bss]] = {}
    for scan in scans:
        for bss in scan:
            groups.setdefault((bss.bssid, bss.ssid, bss.freq_mhz), []).append(bss)
    averaged: list[dict[str, Any]] = []
    for sightings in groups.values():
        last = sightings[-1]
        entry = last.to_json()
        signals = [b.signal_dbm for b in sightings if b.signal_dbm is not None]
        noises = [b.noise_dbm for b in sightings if b.noise_dbm is not None]
        loads = [
            b.channel_utilization_ratio
            for b in sightings
            if b.channel_utilization_ratio is not None
        ]
        entry["signal_dbm"] = round(statistics.fmean(signals), 1) if signals else None
        entry["signal_min_dbm"] = min(signals) if signals else None
        entry["signal_max_dbm"] = max(signals) if signals else None
        entry["noise_dbm"] = round(statistics.fmean(noises), 1) if noises else None
        entry["channel_utilization_ratio"] = round(statistics.fmean(loads), 4) if loads else None
        entry["seen_count"] = len(sightings)
        entry["scans_count"] = len(scans)
        entry.pop("warnings", None)
        averaged.append(entry)
    averaged.sort(key=lambda e: (e["signal_dbm"] is None, -(e["signal_dbm"] or 0.0)))
    return averaged


@dataclass(frozen=True)
class SurveyPoint:
    """A ``wifi_point`` record's details, read back for analysis."""

    measurement_id: str
    room: str
    x_m: float | None
    y_m: float | None
    bss: tuple[Mapping[str, Any], ...]
    link: Mapping[str, Any] | None
    iperf: Mapping[str, Any] | None
    status: str = "ok"
    warnings: tuple[str, ...] = field(default=())

    @classmethod
    def from_details(
        cls, measurement_id: str, details: Mapping[str, Any], status: str = "ok"
    ) -> SurveyPoint:
        def number(key: str) -> float | None:
            value = details.get(key)
            return float(value) if isinstance(value, int | float) else None

        bss = tuple(b for b in details.get("bss") or () if isinstance(b, Mapping))
        link = details.get("link")
        iperf = details.get("iperf")
        return cls(
            measurement_id=measurement_id,
            room=str(details.get("room", "")),
            x_m=number("x_m"),
            y_m=number("y_m"),
            bss=bss,
            link=link if isinstance(link, Mapping) else None,
            iperf=iperf if isinstance(iperf, Mapping) else None,
            status=status,
        )


def points_by_room(points: Iterable[SurveyPoint]) -> dict[str, list[SurveyPoint]]:
    rooms: dict[str, list[SurveyPoint]] = {}
    for point in points:
        rooms.setdefault(point.room, []).append(point)
    return rooms
