"""The video referee on a fluid model of a fairly shared link (no network)."""

from __future__ import annotations

import math

import pytest

from netsurvey.classtest.plan import ClassPlan
from netsurvey.classtest.video import VideoReferee

GOODPUT = 1448 / 1514


def simulate(seats: int, link_bps: float, plan: ClassPlan, reaction_s: float = 0.1) -> int:
    """Seats share ``link_bps`` evenly; a told-to-stop seat frees its share after
    ``reaction_s``. Returns how many watched to the end."""
    referee = VideoReferee(plan)
    step = 0.01
    received = [0.0] * seats
    stopped_at: dict[int, float] = {}
    t = 0.0
    next_report = plan.video_report_s
    while t < plan.video_s:
        pulling = [s for s in range(seats) if s not in stopped_at or t < stopped_at[s] + reaction_s]
        share = link_bps / len(pulling)
        for s in pulling:
            due = plan.video_rate_bps * t / 8
            received[s] = min(due, received[s] + min(share, plan.video_rate_bps * 4) * step / 8)
        t += step
        if t >= next_report:
            next_report += plan.video_report_s
            for s in range(seats):
                if s in stopped_at:
                    continue
                behind = t - received[s] * 8 / plan.video_rate_bps
                if referee.report(s, t, t, received[s], behind):
                    stopped_at[s] = t
    return seats - len(stopped_at)


@pytest.mark.parametrize(("seats", "rate_mbit"), [(10, 20), (30, 50), (30, 100), (10, 50), (25, 40)])
def test_the_count_that_keeps_watching_is_what_the_link_carries(seats: int, rate_mbit: float) -> None:
    plan = ClassPlan(video_s=12.0, player_buffer_s=1.0)
    goodput = rate_mbit * 1e6 * GOODPUT
    truth = min(seats, math.floor(goodput / plan.video_rate_bps))
    assert abs(simulate(seats, goodput, plan) - truth) <= 1


def test_a_seat_a_whole_buffer_behind_stops() -> None:
    referee = VideoReferee(ClassPlan(player_buffer_s=1.0))
    assert referee.report(1, 5.0, 5.0, 0.0, 1.2) is True
    assert referee.report(1, 5.25, 5.25, 0.0, 0.1) is True  # stopped stays stopped


def test_a_seat_catching_up_is_left_alone() -> None:
    plan = ClassPlan(player_buffer_s=2.0)
    referee = VideoReferee(plan)
    for step in range(8):  # 1.5 s behind but catching up
        assert referee.report(1, step * 0.25, step * 0.25, step * 1e5, 1.5 - step * 0.01) is False
