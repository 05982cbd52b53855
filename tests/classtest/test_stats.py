"""Per-seat rates and class aggregates (pure functions, no network)."""

from __future__ import annotations

import pytest

from netsurvey.classtest.plan import ClassPlan, lesson_video_rate_bps, lesson_video_scenario
from netsurvey.classtest.stats import (
    SeatResult,
    aggregate,
    jain_fairness,
    percentile,
    video_verdict,
    window_rate_bps,
)
from netsurvey.scoring.profile import load_profile


def seat(number: int, down: float | None, up: float | None, **extra: object) -> SeatResult:
    return SeatResult(number, "python", down, up, True, 0.02, **extra)  # type: ignore[arg-type]


def test_window_rate_counts_only_after_the_warmup() -> None:
    bins = [1_000_000.0] * 5 + [125_000.0] * 10  # 0.1 s bins: slow start, then 10 Mbit/s
    assert window_rate_bps(bins, 0.1, 0.5, 1.5) == pytest.approx(10e6)
    assert window_rate_bps([], 0.1, 0.5, 1.5) is None


def test_jain_and_percentiles() -> None:
    assert jain_fairness([5.0, 5.0, 5.0]) == pytest.approx(1.0)
    assert jain_fairness([10.0, 0.0]) == pytest.approx(0.5)
    assert jain_fairness([]) is None
    assert percentile([1.0, 2.0, 3.0, 4.0, 5.0], 50) == 3.0
    assert percentile([1.0, 2.0], 10) == pytest.approx(1.1)
    assert percentile([], 50) is None


def test_aggregates_count_full_seats_only() -> None:
    seats = [
        seat(1, 10e6, 8e6),
        seat(2, 10e6, 8e6),
        seat(3, 30e6, None, flags=("reloaded",)),
        seat(4, None, None, flags=("late",)),
    ]
    figures = aggregate(seats)
    assert figures.seats_joined == 4
    assert figures.seats_full == 2
    assert figures.aggregate_download_bps == pytest.approx(20e6)
    assert figures.aggregate_upload_bps == pytest.approx(16e6)
    assert figures.jain_fairness == pytest.approx(1.0)
    assert figures.video_sustained_count == 2
    assert figures.flagged == {"late": [4], "reloaded": [3]}


def test_no_data_is_none_never_zero() -> None:
    figures = aggregate([seat(1, None, None, flags=("dropped",))])
    assert figures.aggregate_download_bps is None
    assert figures.jain_fairness is None
    assert figures.download_p10_bps is None


def test_video_verdict_from_received_bytes() -> None:
    plan = ClassPlan(video_s=2.0, video_rate_bps=8e6, player_buffer_s=0.5)
    per_bin = 8e6 / 8 * 0.1
    assert video_verdict([per_bin] * 20, plan, None) == (True, pytest.approx(0.0, abs=1e-9))
    # 0.6 s without a byte, then catching up: further behind than the buffer.
    late = [0.0] * 7 + [per_bin * 7.0] + [per_bin] * 12
    sustained, lag = video_verdict(late, plan, None)
    assert sustained is False and lag == pytest.approx(0.7)
    assert video_verdict([per_bin] * 5, plan, 0.5) == (False, pytest.approx(0.0, abs=1e-9))
    assert video_verdict([], plan, None) == (None, None)


def test_lesson_video_rate_comes_from_the_profile() -> None:
    profile = load_profile("lv-2024")
    assert lesson_video_rate_bps(profile) == pytest.approx(2.5e6)  # video_720p mode
    assert lesson_video_scenario(profile) == "S1"


def test_plan_rejects_nonsense() -> None:
    from netsurvey.errors import UsageError

    with pytest.raises(UsageError):
        ClassPlan(warmup_s=20.0)
    with pytest.raises(UsageError):
        ClassPlan(streams_per_seat=8)
    assert [p.name for p in ClassPlan().phases()] == ["download", "upload", "video"]
