"""Small statistics shared by probes (no numpy: probes stay light)."""

from __future__ import annotations

import math
from collections.abc import Sequence


def percentile(values: Sequence[float], pct: float) -> float | None:
    """Linear-interpolated percentile (numpy's default method); None for no data."""
    data = sorted(v for v in values if v is not None and not math.isnan(v))
    if not data:
        return None
    if len(data) == 1:
        return float(data[0])
    rank = (len(data) - 1) * pct / 100.0
    low = math.floor(rank)
    high = math.ceil(rank)
    fraction = rank - low
    return float(data[low] + (data[high] - data[low]) * fraction)


def jain_fairness(values: Sequence[float]) -> float | None:
    """Jain's fairness index: 1.0 = perfectly equal shares."""
    data = [v for v in values if v is not None]
    if not data or not any(data):
        return None
    return float(sum(data) ** 2 / (len(data) * sum(v * v for v in data)))
