"""Per-seat rates and class aggregates: pure functions over the samples.

Throughput comes from byte counts in fixed time bins (``bin_s``) since the start of a
phase: download bytes as the seat received them, upload bytes as the *server*
received them. The rate is the bytes in [warmup, end) over that window.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from netsurvey.classtest.plan import ClassPlan

ClientKind = Literal["browser", "python"]
# Why a seat is not a full seat (a seat with any of these is never counted as one).
SEAT_FLAGS = ("late", "reloaded", "dropped")


def window_rate_bps(
    bins: Sequence[float], bin_s: float, warmup_s: float, duration_s: float
) -> float | None:
    """Bits per second over [warmup_s, duration_s) of a phase; None without samples."""
    first = round(warmup_s / bin_s)
    last = round(duration_s / bin_s)
    if last <= first or len(bins) <= first:
        return None
    counted = sum(bins[first:last])
    return counted * 8.0 / ((last - first) * bin_s)


def percentile(values: Sequence[float], q: float) -> float | None:
    """Linear-interpolated percentile (q in 0..100); None for no values."""
    ordered = sorted(values)
    if not ordered:
        return None
    position = (len(ordered) - 1) * q / 100.0
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def jain_fairness(values: Sequence[float]) -> float | None:
    """Jain's index (sum x)^2 / (n * sum x^2): 1.0 is a perfectly even share."""
    if not values:
        return None
    squares = sum(value * value for value in values)
    if squares <= 0:
        return None
    return sum(values) ** 2 / (len(values) * squares)


@dataclass(frozen=True)
class SeatResult:
    seat: int
    client: ClientKind
    download_bps: float | None
    upload_bps: float | None
    video_sustained: bool | None
    rtt_p50_s: float | None
    flags: tuple[str, ...] = ()
    video_max_lag_s: float | None = None
    video_stalled_at_s: float | None = None
    rtt_p90_s: float | None = None
    user_agent: str | None = None
    connection_type: str | None = None

    @property
    def full(self) -> bool:
        return not self.flags

    def to_json(self) -> dict[str, Any]:
        return {
            "seat": self.seat,
            "client": self.client,
            "download_bps": _round(self.download_bps),
            "upload_bps": _round(self.upload_bps),
            "video_sustained": self.video_sustained,
            "rtt_p50_s": _round(self.rtt_p50_s, 5),
            "full": self.full,
            "flags": list(self.flags),
            "video_max_lag_s": _round(self.video_max_lag_s, 3),
            "video_stalled_at_s": _round(self.video_stalled_at_s, 3),
            "rtt_p90_s": _round(self.rtt_p90_s, 5),
            "user_agent": self.user_agent,
            "connection_type": self.connection_type,
        }


@dataclass(frozen=True)
class Aggregates:
    seats_joined: int
    seats_full: int
    aggregate_download_bps: float | None
    aggregate_upload_bps: float | None
    download_p10_bps: float | None
    download_p50_bps: float | None
    upload_p10_bps: float | None
    upload_p50_bps: float | None
    jain_fairness: float | None
    jain_fairness_download: float | None
    jain_fairness_upload: float | None
    video_sustained_count: int
    rtt_p50_s: float | None
    flagged: dict[str, list[int]] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "seats_joined": self.seats_joined,
            "seats_full": self.seats_full,
            "aggregate_download_bps": _round(self.aggregate_download_bps),
            "aggregate_upload_bps": _round(self.aggregate_upload_bps),
            "download_p10_bps": _round(self.download_p10_bps),
            "download_p50_bps": _round(self.download_p50_bps),
            "upload_p10_bps": _round(self.upload_p10_bps),
            "upload_p50_bps": _round(self.upload_p50_bps),
            "jain_fairness": _round(self.jain_fairness, 4),
            "jain_fairness_download": _round(self.jain_fairness_download, 4),
            "jain_fairness_upload": _round(self.jain_fairness_upload, 4),
            "video_sustained_count": self.video_sustained_count,
            "rtt_p50_s": _round(self.rtt_p50_s, 5),
            "flagged": {flag: seats for flag, seats in self.flagged.items()},
        }


def aggregate(seats: Sequence[SeatResult]) -> Aggregates:
    """Class figures over the full seats only (flagged seats are listed, not counted).

    ``jain_fairness`` is the lower of the download and upload indices: one number
    that is high only when both directions were shared evenly."""
    full = [seat for seat in seats if seat.full]
    downloads = [s.download_bps for s in full if s.download_bps is not None]
    uploads = [s.upload_bps for s in full if s.upload_bps is not None]
    jain_down = jain_fairness(downloads)
    jain_up = jain_fairness(uploads)
    jains = [value for value in (jain_down, jain_up) if value is not None]
    rtts = [s.rtt_p50_s for s in full if s.rtt_p50_s is not None]
    flagged = {
        flag: sorted(seat.seat for seat in seats if flag in seat.flags) for flag in SEAT_FLAGS
    }
    return Aggregates(
        seats_joined=len(seats),
        seats_full=len(full),
        aggregate_download_bps=sum(downloads) if downloads else None,
        aggregate_upload_bps=sum(uploads) if uploads else None,
        download_p10_bps=percentile(downloads, 10),
        download_p50_bps=percentile(downloads, 50),
        upload_p10_bps=percentile(uploads, 10),
        upload_p50_bps=percentile(uploads, 50),
        jain_fairness=min(jains) if jains else None,
        jain_fairness_download=jain_down,
        jain_fairness_upload=jain_up,
        video_sustained_count=sum(1 for s in full if s.video_sustained),
        rtt_p50_s=percentile(rtts, 50),
        flagged={flag: found for flag, found in flagged.items() if found},
    )


def video_verdict(
    bins: Sequence[float], plan: ClassPlan, stalled_at_s: float | None
) -> tuple[bool | None, float | None]:
    """(sustained, largest lag in seconds) from the seat's received video bytes.

    The stream's content clock runs from the phase start at ``video_rate_bps``; after
    bin i the seat is ``(i+1)*bin_s - received*8/rate`` seconds behind. A seat that
    gave up (``stalled_at_s``) did not sustain the video; its lag is the largest seen
    until it stopped."""
    if not bins:
        return None, None
    received = 0.0
    worst = 0.0
    for index, count in enumerate(bins):
        received += count
        worst = max(worst, (index + 1) * plan.bin_s - received * 8.0 / plan.video_rate_bps)
    horizon = min(len(bins) * plan.bin_s, plan.video_s)
    complete = stalled_at_s is None and horizon >= plan.video_s - 2 * plan.bin_s
    if stalled_at_s is not None:
        return False, worst
    if not complete:
        return None, worst
    # The last bin may be cut short by the phase end; it cannot make a seat fail.
    return worst <= plan.player_buffer_s + plan.bin_s, worst


def rtt_summary(samples_s: Sequence[float]) -> tuple[float | None, float | None]:
    return percentile(samples_s, 50), percentile(samples_s, 90)


def _round(value: float | None, digits: int = 0) -> float | None:
    if value is None or not math.isfinite(value):
        return None
    return round(value, digits) if digits else float(round(value))
