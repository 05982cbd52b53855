"""Colour scales for heatmaps: piecewise-linear stops, with hard edges at the
pass/warn/fail thresholds so a reader sees the bands, not just a gradient."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from netsurvey.wifi.thresholds import WifiThresholds

RGB = tuple[int, int, int]
DARK_RED: RGB = (120, 10, 20)
RED: RGB = (222, 45, 38)
ORANGE: RGB = (253, 141, 60)
YELLOW: RGB = (254, 217, 118)
LIGHT_GREEN: RGB = (161, 217, 155)
GREEN: RGB = (35, 139, 69)
VERDICT_RGB: dict[str, RGB] = {
    "pass": (35, 139, 69),
    "warn": (217, 119, 6),
    "fail": (200, 30, 30),
    "missing": (110, 110, 110),
}
EPSILON = 1e-3


@dataclass(frozen=True)
class ColourScale:
    stops: tuple[tuple[float, RGB], ...]
    ticks: tuple[float, ...]
    marks: tuple[tuple[float, str], ...]  # threshold lines: (value, "pass" | "fail")

    @property
    def lo(self) -> float:
        return self.stops[0][0]

    @property
    def hi(self) -> float:
        return self.stops[-1][0]

    def rgb(self, values: NDArray[np.float64]) -> NDArray[np.uint8]:
        """(..., 3) uint8 colours; NaN -> white (multiplies away to the plan)."""
        positions = np.array([v for v, _ in self.stops])
        clipped = np.clip(values, self.lo, self.hi)
        channels = [
            np.interp(clipped, positions, np.array([c[i] for _, c in self.stops], dtype=float))
            for i in range(3)
        ]
        rgb = np.stack(channels, axis=-1)
        rgb[np.isnan(values)] = 255.0
        return rgb.round().astype(np.uint8)

    def one(self, value: float) -> RGB:
        r, g, b = (int(c) for c in self.rgb(np.array([value]))[0])
        return r, g, b


def banded(
    lo: float, fail_below: float, pass_from: float, hi: float, unit: str, step: float
) -> ColourScale:
    stops = (
        (lo, DARK_RED),
        (fail_below - EPSILON, RED),
        (fail_below, ORANGE),
        (pass_from - EPSILON, YELLOW),
        (pass_from, LIGHT_GREEN),
        (hi, GREEN),
    )
    first = np.ceil(lo / step) * step
    ticks = tuple(float(t) for t in np.arange(first, hi + EPSILON, step))
    marks = ((pass_from, "pass"), (fail_below, "fail"))  # worded by wifi/labels.py
    return ColourScale(stops, ticks, marks)


def signal_scale(limits: WifiThresholds) -> ColourScale:
    return banded(-90.0, limits.warn_signal_dbm, limits.pass_signal_dbm, -40.0, "dBm", 10.0)


def snr_scale(limits: WifiThresholds) -> ColourScale:
    return banded(0.0, limits.warn_snr_db, limits.pass_snr_db, 50.0, "dB", 10.0)


def rate_scale(max_mbps: float) -> ColourScale:
    hi = max(50.0, float(np.ceil(max_mbps / 50.0) * 50.0))
    viridis: tuple[RGB, ...] = (
        (68, 1, 84),
        (59, 82, 139),
        (33, 145, 140),
        (94, 201, 98),
        (253, 231, 37),
    )
    stops = tuple((hi * i / 4, colour) for i, colour in enumerate(viridis))
    step = hi / 5
    return ColourScale(stops, tuple(step * i for i in range(6)), ())
