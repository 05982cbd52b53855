"""Several scans of one survey point averaged into one BSS list (the record's ``bss``)."""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass, replace

from netsurvey.jsontypes import JsonObject
from probes.wifi_parsers import Bss


@dataclass(frozen=True, slots=True)
class AveragedBss:
    """One BSS over a point's scans: ``bss`` is its last sighting with the mean signal,
    noise and channel load; the rest says how steady it was (a BSS heard in one of five
    scans is flaky and the analysis can weigh it down)."""

    bss: Bss
    signal_min_dbm: float | None
    signal_max_dbm: float | None
    seen_count: int
    scans_count: int

    def to_json(self) -> JsonObject:
        data: JsonObject = self.bss.to_json()
        del data["warnings"]
        data["signal_min_dbm"] = self.signal_min_dbm
        data["signal_max_dbm"] = self.signal_max_dbm
        data["seen_count"] = self.seen_count
        data["scans_count"] = self.scans_count
        return data


def _mean(values: Sequence[float], digits: int) -> float | None:
    return round(statistics.fmean(values), digits) if values else None


def _averaged(sightings: Sequence[Bss], scans_count: int) -> AveragedBss:
    signals = [b.signal_dbm for b in sightings if b.signal_dbm is not None]
    noises = [b.noise_dbm for b in sightings if b.noise_dbm is not None]
    loads = [
        b.channel_utilization_ratio for b in sightings if b.channel_utilization_ratio is not None
    ]
    mean = replace(
        sightings[-1],
        signal_dbm=_mean(signals, 1),
        noise_dbm=_mean(noises, 1),
        channel_utilization_ratio=_mean(loads, 4),
        warnings=(),
    )
    return AveragedBss(
        bss=mean,
        signal_min_dbm=min(signals) if signals else None,
        signal_max_dbm=max(signals) if signals else None,
        seen_count=len(sightings),
        scans_count=scans_count,
    )


def average_scans(scans: Sequence[Sequence[Bss]]) -> list[AveragedBss]:
    """One entry per (bssid, ssid, freq) seen in any scan, the strongest first: mean
    signal in dBm over the scans that saw it, min/max, and how many scans saw it."""
    groups: dict[tuple[str, str | None, int | None], list[Bss]] = {}
    for scan in scans:
        for bss in scan:
            groups.setdefault((bss.bssid, bss.ssid, bss.freq_mhz), []).append(bss)
    averaged = [_averaged(sightings, len(scans)) for sightings in groups.values()]
    averaged.sort(key=lambda a: (a.bss.signal_dbm is None, -(a.bss.signal_dbm or 0.0)))
    return averaged
