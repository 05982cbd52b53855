"""Demand and contention: class sums of triangular rates, background, Bianchi look-up."""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import NDArray

from netsurvey.scoring.tables import MAX_CONTENDERS, ModelTables

F64 = NDArray[np.float64]


def triangle_moments(triangle: tuple[float, float, float]) -> tuple[float, float]:
    low, mode, high = triangle
    mean = (low + mode + high) / 3.0
    variance = (low**2 + mode**2 + high**2 - low * mode - low * high - mode * high) / 18.0
    return mean, math.sqrt(max(variance, 0.0))


def class_demand(count: F64, triangle: tuple[float, float, float], z: F64) -> F64:
    """Sum of ``count`` iid triangular rates, via its mean and variance, clipped to its range."""
    mean, sd = triangle_moments(triangle)
    total = count * mean + np.sqrt(count) * sd * z
    return np.asarray(np.clip(total, count * triangle[0], count * triangle[2]), dtype=np.float64)


def background_demand(
    users: F64, active_share: float, triangle: tuple[float, float, float], z: F64
) -> F64:
    """Binomial(users, p) x triangular rate, via mean and variance of the compound sum."""
    mean_rate, sd_rate = triangle_moments(triangle)
    mean = users * active_share * mean_rate
    variance = users * active_share * sd_rate**2 + mean_rate**2 * users * active_share * (
        1.0 - active_share
    )
    total = mean + np.sqrt(variance) * z
    return np.asarray(np.clip(total, 0.0, users * triangle[2]), dtype=np.float64)


def contention(tables: ModelTables, active: F64, uplink_share: float) -> F64:
    contenders = 1 + np.ceil(active * uplink_share).astype(np.int64)
    return np.asarray(tables.contention[np.clip(contenders, 1, MAX_CONTENDERS)], dtype=np.float64)
