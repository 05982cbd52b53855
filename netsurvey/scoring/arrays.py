"""Array helpers of the model: group sums, order statistics, score(rho)."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from numpy.typing import NDArray

F64 = NDArray[np.float64]


def to_groups(values: F64, membership: F64) -> F64:
    """Sum (draw, school, element) values into groups: membership is (school, element, group)."""
    return np.asarray(np.matmul(values.transpose(1, 0, 2), membership).transpose(1, 0, 2))


def from_groups(values: F64, membership: F64) -> F64:
    """Give each element its group's value: (draw, school, group) -> (draw, school, element)."""
    return np.asarray(
        np.matmul(values.transpose(1, 0, 2), membership.transpose(0, 2, 1)).transpose(1, 0, 2)
    )


def score_from_rho(rho: Any, rho_sat: Any, full_rho: float, design_score: float) -> F64:
    """score(rho): 100 up to full_rho, design_score at 1, 0 at physical saturation."""
    rho_arr = np.asarray(rho, dtype=np.float64)
    slope = (100.0 - design_score) / (1.0 - full_rho)
    with np.errstate(invalid="ignore", divide="ignore"):
        below = np.minimum(100.0 - slope * (rho_arr - full_rho), 100.0)
        above = design_score * (rho_sat - rho_arr) / (np.asarray(rho_sat) - 1.0)
    score = np.clip(np.where(rho_arr <= 1.0, below, above), 0.0, 100.0)
    return np.asarray(np.nan_to_num(score, nan=0.0), dtype=np.float64)


def take_last(values: NDArray[Any], index: NDArray[np.intp]) -> F64:
    """values[d, s, index[d, s]] for (draw, school, element) values."""
    return np.asarray(np.take_along_axis(values, index[..., None], axis=2)[..., 0])


def most_frequent(index: NDArray[np.intp], size: int) -> NDArray[np.int64]:
    """Per school, the element index that occurs in most draws (ties: the lowest index)."""
    schools = index.shape[1]
    flat = (np.arange(schools)[None, :] * size + index).ravel()
    counts = np.bincount(flat, minlength=schools * size).reshape(schools, size)
    return np.asarray(np.argmax(counts, axis=1), dtype=np.int64)


def order_index(quantile: float, draws: int) -> int:
    """Index of the order statistic used as the ``quantile`` (inverted CDF)."""
    return max(0, min(draws - 1, math.ceil(quantile * draws) - 1))
