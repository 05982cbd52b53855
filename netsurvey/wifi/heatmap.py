"""Interpolating point values over a floor: inverse distance weighting with numpy."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

FloatGrid = NDArray[np.float64]


@dataclass(frozen=True)
class Sample:
    x_m: float
    y_m: float
    value: float
    label: str = ""


def idw_grid(
    samples: Sequence[Sample],
    width_m: float,
    height_m: float,
    cells_x: int,
    cells_y: int,
    *,
    power: float = 2.0,
    reach_m: float | None = None,
) -> FloatGrid:
    """Values on a cells_y x cells_x grid of cell centres; NaN where no sample is
    within ``reach_m`` (we do not invent coverage far from any measurement)."""
    if not samples:
        return np.full((cells_y, cells_x), np.nan)
    xs = (np.arange(cells_x) + 0.5) * (width_m / cells_x)
    ys = (np.arange(cells_y) + 0.5) * (height_m / cells_y)
    px = np.array([s.x_m for s in samples])
    py = np.array([s.y_m for s in samples])
    values = np.array([s.value for s in samples])
    result: FloatGrid = np.empty((cells_y, cells_x))
    # Rows in chunks so that memory stays small for many points on a fine grid.
    rows_per_chunk = max(1, 2_000_000 // max(1, cells_x * len(samples)))
    for start in range(0, cells_y, rows_per_chunk):
        grid_x, grid_y = np.meshgrid(xs, ys[start : start + rows_per_chunk])
        dx = grid_x[..., None] - px
        dy = grid_y[..., None] - py
        distance = np.sqrt(dx * dx + dy * dy)
        weights = 1.0 / np.maximum(distance, 1e-6) ** power
        chunk = (weights * values).sum(axis=-1) / weights.sum(axis=-1)
        if reach_m is not None:
            chunk = np.where(distance.min(axis=-1) <= reach_m, chunk, np.nan)
        result[start : start + rows_per_chunk] = chunk
    return result


def default_reach_m(samples: Sequence[Sample], width_m: float, height_m: float) -> float:
    """How far from a point we still trust the interpolation: twice the typical
    spacing between neighbouring points, at least 4 m, at most a third of the floor."""
    if len(samples) < 2:
        return max(4.0, min(width_m, height_m) / 3)
    coords = np.array([[s.x_m, s.y_m] for s in samples])
    diff = coords[:, None, :] - coords[None, :, :]
    distance = np.sqrt((diff**2).sum(axis=-1))
    np.fill_diagonal(distance, np.inf)
    spacing = float(np.median(distance.min(axis=1)))
    return float(min(max(4.0, 2.0 * spacing), max(width_m, height_m) / 3))
