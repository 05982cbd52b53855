"""From a visit's survey to per-room results and per-floor heatmap inputs."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from netsurvey.wifi.analysis import RoomResult, analyse_rooms
from netsurvey.wifi.colours import rate_scale, signal_scale, snr_scale
from netsurvey.wifi.floorplan import FloorMap, RoomBox, floor_extent_m
from netsurvey.wifi.heatmap import Sample
from netsurvey.wifi.labels import HeatmapWords, heatmap_words
from netsurvey.wifi.points import SurveyPoint
from netsurvey.wifi.render import Metric
from netsurvey.wifi.store import VisitSurvey
from netsurvey.wifi.thresholds import WifiThresholds

METRICS = ("signal", "snr", "rate")


def own_ssids(survey: VisitSurvey) -> tuple[str, ...]:
    if survey.school.ssids:
        return survey.school.ssids
    linked = {p.link.ssid for p in survey.points if p.link is not None and p.link.ssid}
    return tuple(sorted(linked))


def room_results(survey: VisitSurvey, limits: WifiThresholds) -> list[RoomResult]:
    rooms = [(r.id, r.floor) for r in survey.school.rooms]
    results = analyse_rooms(rooms, survey.points, survey.school.ssids, survey.aps, limits)
    return [
        r if r.room not in survey.skipped_rooms or r.points_count else _skipped(r) for r in results
    ]


def _skipped(result: RoomResult) -> RoomResult:
    from dataclasses import replace

    return replace(result, notes=(*result.notes, "skipped during the walk"))


def point_value(
    point: SurveyPoint, metric: str, ssids: Sequence[str], limits: WifiThresholds
) -> float | None:
    """The value a heatmap shows at a point: best own signal, its SNR, or link rate."""
    if point.status != "ok":
        return None
    if metric == "rate":
        rate_bps = point.link.tx_bitrate_bps if point.link is not None else None
        return rate_bps / 1e6 if rate_bps is not None else None
    heard = [(b.signal_dbm, b) for b in point.bss if b.ssid in ssids and b.signal_dbm is not None]
    if not heard:
        return None
    signal, best = max(heard, key=lambda pair: pair[0])
    if metric == "signal":
        return signal
    noise = best.noise_dbm
    return signal - (noise if noise is not None else limits.assumed_noise_dbm)


def metric_for(key: str, limits: WifiThresholds, values: Sequence[float]) -> Metric:
    if key == "signal":
        return Metric("signal", "Signal (dBm)", "dBm", signal_scale(limits))
    if key == "snr":
        return Metric("snr", "SNR (dB)", "dB", snr_scale(limits))
    return Metric("rate", "Link rate (Mbit/s)", "Mbit/s", rate_scale(max(values, default=0.0)))


NO_FLOOR = "-"


def floor_key(floor: str | None) -> str:
    """Rooms the inventory puts on no floor are drawn/tabled together as floor "-"."""
    return NO_FLOOR if floor is None else floor


@dataclass(frozen=True)
class FloorInput:
    floor_id: str
    has_plan: bool
    map: FloorMap | None  # None when nothing can be placed (no coordinates at all)


def _caption(result: RoomResult | None, metric: str, words: HeatmapWords) -> str:
    if result is None or result.verdict == "missing":
        return words.verdict("missing")
    rate_bps = result.link_tx_bitrate_bps
    value = {
        "signal": result.median_signal_dbm,
        "snr": result.snr_db,
        "rate": rate_bps / 1e6 if rate_bps is not None else None,
    }[metric]
    unit = {"signal": "dBm", "snr": "dB", "rate": "Mbit/s"}[metric]
    shown = f"{words.number(value)} {unit}" if value is not None else "–"
    reasons = [words.reason(c.name) for c in result.checks if c.verdict == result.verdict]
    verdict = words.verdict(result.verdict)
    if result.verdict == "pass" or not reasons:
        return f"{shown} · {verdict}"
    return f"{shown} · {verdict}: {', '.join(reasons[:2])}"


def floor_inputs(
    survey: VisitSurvey,
    results: Sequence[RoomResult],
    metric: str,
    limits: WifiThresholds,
    words: HeatmapWords | None = None,
) -> list[FloorInput]:
    """Each floor's map inputs; room captions in ``words``' language (default English)."""
    words = words or heatmap_words()
    by_room: Mapping[str, RoomResult] = {r.room: r for r in results}
    ssids = own_ssids(survey)
    floor_ids = [f.id for f in survey.school.floors]
    for room in survey.school.rooms:
        if floor_key(room.floor) not in floor_ids:
            floor_ids.append(floor_key(room.floor))
    inputs: list[FloorInput] = []
    for floor_id in floor_ids:
        spec = survey.school.floor(floor_id)
        rooms = [r for r in survey.school.rooms if floor_key(r.floor) == floor_id]
        boxes = tuple(
            RoomBox(
                r.id,
                r.x_m,
                r.y_m,
                r.width_m,
                r.depth_m,
                by_room[r.id].verdict if r.id in by_room else "missing",
                _caption(by_room.get(r.id), metric, words),
            )
            for r in rooms
            if r.x_m is not None and r.y_m is not None
        )
        samples: list[Sample] = []
        for room in rooms:
            for point in survey.points_in(room.id):
                x, y = point.x_m, point.y_m
                if x is None or y is None:
                    x, y = room.x_m, room.y_m
                value = point_value(point, metric, ssids, limits)
                if x is not None and y is not None and value is not None:
                    samples.append(Sample(x, y, value, f"{room.id}"))
        plan = spec.plan_image if spec else None
        if not boxes and not samples:
            inputs.append(FloorInput(floor_id, plan is not None, None))
            continue
        width, height = floor_extent_m(
            spec.width_m if spec else None,
            spec.height_m if spec else None,
            plan,
            boxes,
            tuple(samples),
        )
        inputs.append(
            FloorInput(
                floor_id,
                plan is not None,
                FloorMap(floor_id, width, height, plan, boxes, tuple(samples)),
            )
        )
    return inputs
