"""Seats, flags and the result of one class session, on a fake clock (no network)."""

from __future__ import annotations

import pytest

from netsurvey.classtest.plan import ClassPlan
from netsurvey.classtest.session import ClassSession, ClassTestError


class Clock:
    def __init__(self) -> None:
        self.now_s = 1000.0

    def __call__(self) -> float:
        return self.now_s


PLAN = ClassPlan(download_s=2.0, upload_s=2.0, video_s=2.0, warmup_s=0.5, gap_s=0.5, lead_s=1.0,
                 video_rate_bps=8e6, player_buffer_s=0.5, result_grace_s=2.0)  # fmt: skip


def samples(rate_bps: float) -> dict[str, object]:
    per_bin = rate_bps / 8 * PLAN.bin_s
    return {
        "download_bins": [per_bin] * 20,
        "video_bins": [PLAN.video_rate_bps / 8 * PLAN.bin_s] * 20,
        "rtt_s": [0.02, 0.03, 0.04],
        "video_stalled_at_s": None,
    }


@pytest.fixture
def clock() -> Clock:
    return Clock()


def test_token_is_short_and_typable(clock: Clock) -> None:
    session = ClassSession("207", PLAN, clock=clock)
    assert len(session.token) == 8
    assert not set(session.token) & set("01lo")


def test_late_reloaded_and_dropped_are_flagged_and_never_full(clock: Clock) -> None:
    session = ClassSession("207", PLAN, clock=clock)
    instances = {}
    for key in ("seat-key-aaaa", "seat-key-bbbb", "seat-key-cccc", "seat-key-dddd"):
        seat, instance = session.join(key, client="python", user_agent="ua")
        instances[key] = instance.id
    # A reload before the start keeps the seat number and is harmless.
    seat, again = session.join("seat-key-aaaa", client="python")
    assert seat.seat == 1 and again.role == "participant"
    instances["seat-key-aaaa"] = again.id
    session.start()
    clock.now_s += 1.5
    upload_seat = session.participant(instances["seat-key-bbbb"])
    _, late = session.join("seat-key-eeee", client="browser")  # joins after the start
    assert late.role == "late"
    _, reloaded = session.join("seat-key-cccc", client="browser")  # reload mid-test
    assert reloaded.role == "reloaded"
    with pytest.raises(ClassTestError):
        session.participant(instances["seat-key-cccc"])  # its old page no longer counts
    clock.now_s = session.started_s + PLAN.phase("upload").start_s + 1.0  # type: ignore[operator]
    session.add_upload_bytes(upload_seat, 250_000)
    clock.now_s = session.started_s + PLAN.total_s + 0.1  # type: ignore[operator]
    session.post_result(instances["seat-key-aaaa"], samples(10e6))
    session.post_result(instances["seat-key-bbbb"], samples(10e6))
    assert not session.due_to_finish()  # seat 4 has not posted; the grace runs
    clock.now_s += PLAN.result_grace_s
    assert session.due_to_finish()
    result = session.finish()
    by_seat = {seat.seat: seat for seat in result.seats}
    assert [by_seat[n].flags for n in (1, 2, 3, 4, 5)] == [
        (), (), ("reloaded",), ("dropped",), ("late",)
    ]
    assert result.aggregates.seats_full == 2
    assert result.aggregates.aggregate_download_bps == pytest.approx(20e6)
    assert by_seat[2].upload_bps is not None and by_seat[1].upload_bps is None
    assert result.aggregates.flagged == {"late": [5], "reloaded": [3], "dropped": [4]}
    assert by_seat[1].video_sustained is True


def test_bad_results_are_refused(clock: Clock) -> None:
    session = ClassSession("207", PLAN, clock=clock)
    _, instance = session.join("seat-key-aaaa", client="browser")
    session.start()
    with pytest.raises(ClassTestError) as caught:
        session.post_result(instance.id, {"download_bins": "lots", "video_bins": [], "rtt_s": []})
    assert caught.value.status == 400
    with pytest.raises(ClassTestError):
        session.post_result(instance.id, {"download_bins": [-1], "video_bins": [], "rtt_s": []})
    with pytest.raises(ClassTestError):
        session.join("short", client="browser")


def test_start_needs_a_seat_and_happens_once(clock: Clock) -> None:
    session = ClassSession("207", PLAN, clock=clock)
    with pytest.raises(ClassTestError):
        session.start()
    session.join("seat-key-aaaa", client="browser")
    session.start()
    with pytest.raises(ClassTestError):
        session.start()
