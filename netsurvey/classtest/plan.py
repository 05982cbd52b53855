"""The class test's schedule: what every seat runs, and when, relative to the start."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Literal

from netsurvey.errors import UsageError

PhaseName = Literal["download", "upload", "video"]
PHASES: tuple[PhaseName, ...] = ("download", "upload", "video")
# The scenario whose application is the lesson video ("one class streams video").
LESSON_VIDEO_FALLBACK_BPS = 2.5e6


@dataclass(frozen=True)
class Phase:
    name: PhaseName
    start_s: float  # after the start signal
    duration_s: float

    @property
    def end_s(self) -> float:
        return self.start_s + self.duration_s


@dataclass(frozen=True)
class ClassPlan:
    """One schedule for every seat. Production defaults; the lab shortens the phases.

    ``warmup_s`` of each throughput phase is not counted (TCP slow start, seats whose
    streams open a little later). A seat sustains the video when it is never further
    behind the stream than ``player_buffer_s``.

    The video phase answers "how many pupils can watch at this rate at once": seats
    report their progress every ``video_report_s`` and the server tells the seats that
    do not fit to stop (see ``video.py``).
    """

    download_s: float = 10.0
    upload_s: float = 10.0
    video_s: float = 60.0
    warmup_s: float = 2.0
    gap_s: float = 1.0
    lead_s: float = 3.0  # from the start signal to the first phase: every seat hears of it
    streams_per_seat: int = 3  # browsers allow 6 connections per host; 3 + RTT + spare
    upload_chunk_bytes: int = 1 << 20
    video_rate_bps: float = LESSON_VIDEO_FALLBACK_BPS
    player_buffer_s: float = 2.0
    give_up_fraction: float = 0.5
    video_settle_s: float = 1.0
    video_report_s: float = 0.25
    rtt_interval_s: float = 0.25
    bin_s: float = 0.1
    result_grace_s: float = 8.0  # after the last phase: seats post their results

    def __post_init__(self) -> None:
        for name in ("download_s", "upload_s", "video_s", "video_rate_bps", "player_buffer_s",
                     "rtt_interval_s", "bin_s", "lead_s", "video_report_s"):  # fmt: skip
            if not getattr(self, name) > 0:
                raise UsageError(f"class test plan: {name} must be positive")
        if not 0 <= self.warmup_s < min(self.download_s, self.upload_s):
            raise UsageError(
                "class test plan: warmup_s must be shorter than the download and upload phases"
            )
        if not 0 < self.give_up_fraction < 1 or self.video_settle_s < 0:
            raise UsageError("class test plan: give_up_fraction must be in (0, 1), "
                             "video_settle_s not negative")  # fmt: skip
        if not 1 <= self.streams_per_seat <= 4:
            raise UsageError("class test plan: streams_per_seat must be 1-4 (browser limit)")

    def phases(self) -> tuple[Phase, ...]:
        download = Phase("download", self.lead_s, self.download_s)
        upload = Phase("upload", download.end_s + self.gap_s, self.upload_s)
        video = Phase("video", upload.end_s + self.gap_s, self.video_s)
        return (download, upload, video)

    def phase(self, name: PhaseName) -> Phase:
        return next(phase for phase in self.phases() if phase.name == name)

    @property
    def total_s(self) -> float:
        return self.phases()[-1].end_s

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["phases"] = [asdict(phase) for phase in self.phases()]
        return data


def lab_plan(video_rate_bps: float, *, video_s: float = 12.0) -> ClassPlan:
    """Short phases for the lab and the tests (a few minutes for a whole test file)."""
    return ClassPlan(
        download_s=6.0,
        upload_s=6.0,
        video_s=video_s,
        warmup_s=1.5,
        gap_s=0.5,
        lead_s=2.0,
        video_rate_bps=video_rate_bps,
        player_buffer_s=1.0,
        result_grace_s=6.0,
    )


def lesson_video_rate_bps(profile: Any) -> float:
    """The profile's lesson-video rate: the most likely download rate of the application
    of the first each-room scenario that streams video (lv-2024: video_720p, 2.5 Mbit/s).
    ``profile`` is a ``netsurvey.scoring.profile.Profile``."""
    ladder = set(profile.video_ladder)
    for scenario in profile.scenarios:
        if scenario.mode == "each_room" and scenario.application in ladder:
            return float(profile.applications[scenario.application].down_mbps[1]) * 1e6
    if profile.video_ladder:
        return float(profile.applications[profile.video_ladder[-1]].down_mbps[1]) * 1e6
    return LESSON_VIDEO_FALLBACK_BPS


def lesson_video_scenario(profile: Any) -> str | None:
    """The id of the scenario the class test's video phase answers (lv-2024: S1)."""
    ladder = set(profile.video_ladder)
    for scenario in profile.scenarios:
        if scenario.mode == "each_room" and scenario.application in ladder:
            return str(scenario.id)
    return None
