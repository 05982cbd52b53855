"""A school's figures beside its scores: pupils per radio, video rung, PoE headroom,
cart charging, and the funders' benchmarks (scores.json ``figures``, docs/contracts.md §4)."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

from netsurvey.power import model as power_model
from netsurvey.scoring.batch import poe_restricted
from netsurvey.scoring.features import SchoolFeatures
from netsurvey.scoring.model import ChunkResult, ScenarioResult
from netsurvey.scoring.profile import Benchmark, PowerParams, Profile
from netsurvey.scoring.scores_json import (
    FiguresJson,
    VideoJson,
    WanBenchmarkJson,
    WifiStandardBenchmarkJson,
)

MBPS = 1e6
WIFI_GENERATION_RANK = {"HT": 4, "VHT": 5, "HE": 6}  # Wi-Fi 4, 5, 6


def rounded(value: float | None, digits: int = 3) -> float | None:
    """A figure as scores.json writes it: rounded, None when missing or not finite."""
    if value is None or not math.isfinite(value):
        return None
    return round(float(value), digits)


@dataclass(frozen=True, slots=True)
class VideoFigure:
    """The best video rung each room with pupils sustains, and the worst room."""

    scenario: str
    by_room: Mapping[str, str | None]  # room -> rung (None: not even the lowest)
    worst_room: str | None

    @property
    def rung(self) -> str | None:
        return self.by_room.get(self.worst_room) if self.worst_room is not None else None

    def to_json(self) -> VideoJson:
        return {
            "scenario": self.scenario,
            "rung": self.rung,
            "worst_room": self.worst_room,
            "by_room": dict(self.by_room),
        }


@dataclass(frozen=True, slots=True)
class WanBenchmark:
    """A WAN benchmark (metric ``wan_down``/``wan_up``) against the measured p10."""

    benchmark: Benchmark
    target_bps: float
    measured_p10_bps: float | None

    @property
    def ratio(self) -> float | None:
        if self.measured_p10_bps is None or self.target_bps <= 0:
            return None
        return self.measured_p10_bps / self.target_bps

    def to_json(self) -> WanBenchmarkJson:
        b, ratio = self.benchmark, self.ratio
        return {
            "id": b.id,
            "body": b.body,
            "source": b.source,
            "metric": b.metric,
            "per_user_mbps": b.per_user_mbps,
            "min_mbps": b.min_mbps,
            "fixed_mbps": b.fixed_mbps,
            "basis": b.basis,
            "target_bps": round(self.target_bps),
            "measured_p10_bps": round(self.measured_p10_bps)
            if self.measured_p10_bps is not None
            else None,
            "ratio": rounded(ratio, 3),
            "met": None if ratio is None else ratio >= 1.0,
        }


@dataclass(frozen=True, slots=True)
class WifiStandardBenchmark:
    """A Wi-Fi standard benchmark: how many APs are of the required generation."""

    benchmark: Benchmark
    aps_count: int
    aps_meeting_count: int

    def to_json(self) -> WifiStandardBenchmarkJson:
        b, total, meeting = self.benchmark, self.aps_count, self.aps_meeting_count
        return {
            "id": b.id,
            "body": b.body,
            "source": b.source,
            "metric": b.metric,
            "min_standard": b.min_standard,
            "aps_count": total,
            "aps_meeting_count": meeting if total else None,
            "aps_meeting_ratio": rounded(meeting / total, 3) if total else None,
            "ratio": None,  # the WAN ratio (measured / target); a Wi-Fi check has none
            "met": None if not total else meeting == total,
        }


@dataclass(frozen=True, slots=True)
class Figures:
    max_pupils_per_radio: Mapping[str, Mapping[str, int]]  # scenario -> room -> pupils
    sustainable_video: VideoFigure | None
    test_start_load_s: float | None  # rounded to 0.1 s
    test_start_target_s: float
    poe_headroom_aps_by_switch: Mapping[str, int]
    poe_restricted_aps: tuple[str, ...]
    carts_per_circuit: Mapping[str, int]
    cart_cycle_h: Mapping[str, float | None]  # rounded to 0.01 h
    benchmarks: tuple[WanBenchmark | WifiStandardBenchmark, ...]

    @property
    def poe_headroom_aps(self) -> int | None:
        headroom = self.poe_headroom_aps_by_switch
        return sum(headroom.values()) if headroom else None

    def to_json(self) -> FiguresJson:
        return {
            "max_pupils_per_radio": {
                scenario: dict(rooms) for scenario, rooms in self.max_pupils_per_radio.items()
            },
            "sustainable_video": self.sustainable_video.to_json()
            if self.sustainable_video is not None
            else None,
            "test_start_load_s": self.test_start_load_s,
            "test_start_target_s": self.test_start_target_s,
            "poe_headroom_aps": self.poe_headroom_aps,
            "poe_headroom_aps_by_switch": dict(self.poe_headroom_aps_by_switch),
            "poe_restricted_aps": list(self.poe_restricted_aps),
            "carts_per_circuit": dict(self.carts_per_circuit),
            "cart_cycle_h": dict(self.cart_cycle_h),
            "benchmarks": [row.to_json() for row in self.benchmarks],
        }


def _p10(samples: tuple[float, ...]) -> float | None:
    """The 10th percentile of speedtest samples (nearest rank), None without samples."""
    ordered = sorted(samples)
    if not ordered:
        return None
    return ordered[max(0, math.ceil(0.1 * len(ordered)) - 1)]


def _wifi_standard(benchmark: Benchmark, school: SchoolFeatures) -> WifiStandardBenchmark:
    need = WIFI_GENERATION_RANK[benchmark.min_standard or "HE"]
    meeting = sum(1 for ap in school.aps if WIFI_GENERATION_RANK.get(ap.standard, 0) >= need)
    return WifiStandardBenchmark(benchmark, len(school.aps), meeting)


def benchmarks(
    chunk: ChunkResult, index: int, profile: Profile
) -> tuple[WanBenchmark | WifiStandardBenchmark, ...]:
    """Every benchmark of the profile, measured against the school."""
    school = chunk.batch.schools[index]
    down_bps = float(chunk.wan_down_p10_mbps[index]) * MBPS
    up_p10 = _p10(school.wan.up_mbps) if school.wan is not None else None
    measured_by_metric = {
        "wan_down": down_bps if math.isfinite(down_bps) else None,
        "wan_up": up_p10 * MBPS if up_p10 is not None else None,
    }
    rows: list[WanBenchmark | WifiStandardBenchmark] = []
    for benchmark in profile.benchmarks:
        if benchmark.metric == "wifi_standard":
            rows.append(_wifi_standard(benchmark, school))
            continue
        users = school.users(profile.background.staff_default)
        target = benchmark.target_bps(users, school.students or 0)
        rows.append(WanBenchmark(benchmark, target, measured_by_metric.get(benchmark.metric)))
    return tuple(rows)


def _video(result: ScenarioResult, school: SchoolFeatures, index: int) -> VideoFigure:
    by_room: dict[str, str | None] = {}
    for r, room in enumerate(school.rooms):
        if room.pupils <= 0:
            continue
        best = None
        for rung, ok in result.room_pass.items():
            if ok[index, r]:
                best = rung.removeprefix("video_")
        by_room[room.id] = best
    rank = {rung.removeprefix("video_"): i for i, rung in enumerate(result.room_pass)}
    worst_room = min(by_room, key=lambda rid: rank.get(by_room[rid] or "", -1), default=None)
    return VideoFigure(result.scenario.id, by_room, worst_room)


def _cart_cycle_h(school: SchoolFeatures, power: PowerParams) -> dict[str, float | None]:
    per_device_s = float(
        power_model.charge_time_s(
            power.battery_wh, power.soc_start, 1.0, power.battery_charge_w, power.taper_factor
        )
    )
    return {
        cart.id: rounded(
            float(
                power_model.cart_cycle_s(
                    cart.slots,
                    cart.concurrent_slots,
                    per_device_s * (cart.battery_wh or power.battery_wh) / power.battery_wh,
                )
            )
            / 3600.0,
            2,
        )
        for cart in school.carts
    }


def _max_pupils(result: ScenarioResult, school: SchoolFeatures, index: int) -> dict[str, int]:
    if result.max_pupils is None:
        return {}
    return {
        room.id: int(result.max_pupils[index, r])
        for r, room in enumerate(school.rooms)
        if math.isfinite(result.max_pupils[index, r])
    }


def school_figures(chunk: ChunkResult, index: int, profile: Profile) -> Figures:
    school = chunk.batch.schools[index]
    max_pupils: dict[str, Mapping[str, int]] = {}
    video: VideoFigure | None = None
    test_start: float | None = None
    for result in chunk.scenarios:
        if result.max_pupils is not None:
            max_pupils[result.scenario.id] = _max_pupils(result, school, index)
        if result.room_pass and video is None:
            video = _video(result, school, index)
        if result.test_start_s is not None and test_start is None:
            test_start = rounded(float(result.test_start_s[index]), 1)
    headroom = {
        sw.id: int(chunk.poe_headroom_aps[index, w])
        for w, sw in enumerate(school.switches)
        if sw.poe_budget_w is not None and math.isfinite(chunk.poe_headroom_aps[index, w])
    }
    carts_per_circuit = {
        circuit.id: int(chunk.carts_per_circuit[index, k])
        for k, circuit in enumerate(school.circuits)
        if math.isfinite(chunk.carts_per_circuit[index, k])
    }
    return Figures(
        max_pupils_per_radio=max_pupils,
        sustainable_video=video,
        test_start_load_s=test_start,
        test_start_target_s=profile.test_target_s,
        poe_headroom_aps_by_switch=headroom,
        poe_restricted_aps=tuple(ap.id for ap in school.aps if poe_restricted(ap)),
        carts_per_circuit=carts_per_circuit,
        cart_cycle_h=_cart_cycle_h(school, profile.power),
        benchmarks=benchmarks(chunk, index, profile),
    )
