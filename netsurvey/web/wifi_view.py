"""What the Wi-Fi walk page shows, built from the visit's records: floors with their
rooms and points (in metres), the room checklist, the last point, the heat layer."""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass

from netsurvey.records import Measurement
from netsurvey.wifi.colours import VERDICT_RGB
from netsurvey.wifi.points import POINT_PROBE, SurveyPoint
from netsurvey.wifi.render import Metric, heat_layer, hex_colour, layout_for
from netsurvey.wifi.results import (
    floor_inputs,
    floor_key,
    metric_for,
    own_ssids,
    point_value,
    room_results,
)
from netsurvey.wifi.store import VisitSurvey
from netsurvey.wifi.thresholds import WifiThresholds

DEFAULT_ROOM_SIZE_M = 3.0  # a room known only by its centre is drawn (and tapped) this big
HEAT_METRICS = ("signal", "snr", "rate")


@dataclass(frozen=True)
class RoomView:
    id: str
    floor: str
    x0_m: float
    y0_m: float
    width_m: float
    depth_m: float
    done_points: int
    target_points: int
    state: str  # done | started | to do | skipped
    skip_reason: str | None
    verdict: str  # pass | warn | fail | missing
    colour: str

    @property
    def centre(self) -> tuple[float, float]:
        return self.x0_m + self.width_m / 2, self.y0_m + self.depth_m / 2


@dataclass(frozen=True)
class PointView:
    id: str
    room: str
    x_m: float
    y_m: float
    status: str
    label: str  # the value with its unit, for the tooltip
    short: str  # the number printed beside the point
    colour: str


@dataclass(frozen=True)
class FloorView:
    id: str
    width_m: float
    height_m: float
    has_plan: bool
    rooms: tuple[RoomView, ...]
    points: tuple[PointView, ...]


@dataclass(frozen=True)
class WalkView:
    floors: tuple[FloorView, ...]
    rooms: tuple[RoomView, ...]  # every room, in inventory order (the checklist)
    last_point: Measurement | None  # the point Undo would take back
    points_count: int

    @property
    def next_room(self) -> RoomView | None:
        """Where the walk goes on: the first room still short of points and not skipped
        (the terminal walk's rule), so a restarted server continues where it stopped."""
        return next((r for r in self.rooms if r.state in ("started", "to do")), None)

    def floor(self, floor_id: str | None) -> FloorView | None:
        if not self.floors:
            return None
        return next((f for f in self.floors if f.id == floor_id), self.floors[0])


def skip_reasons(measurements: Sequence[Measurement], skipped: frozenset[str]) -> dict[str, str]:
    reasons: dict[str, str] = {}
    for record in measurements:
        if record.probe == POINT_PROBE and record.status == "skipped":
            reasons[str(record.details.get("room", ""))] = str(
                record.details.get("skipped") or "skipped"
            )
    return {room: reason for room, reason in reasons.items() if room in skipped}


def walk_view(
    survey: VisitSurvey,
    measurements: Sequence[Measurement],
    limits: WifiThresholds,
    points_per_room: int,
) -> WalkView:
    results = {r.room: r for r in room_results(survey, limits)}
    reasons = skip_reasons(measurements, survey.skipped_rooms)
    rooms: list[RoomView] = []
    for spec in survey.school.rooms:
        done = len(survey.ok_points_in(spec.id))
        if done >= points_per_room:
            state = "done"
        elif spec.id in survey.skipped_rooms:
            state = "skipped"
        else:
            state = "started" if done else "to do"
        width = spec.width_m or DEFAULT_ROOM_SIZE_M
        depth = spec.depth_m or DEFAULT_ROOM_SIZE_M
        verdict = results[spec.id].verdict if spec.id in results else "missing"
        rooms.append(
            RoomView(
                id=spec.id,
                floor=floor_key(spec.floor),
                x0_m=(spec.x_m or 0.0) - width / 2,
                y0_m=(spec.y_m or 0.0) - depth / 2,
                width_m=width,
                depth_m=depth,
                done_points=done,
                target_points=points_per_room,
                state=state,
                skip_reason=reasons.get(spec.id),
                verdict=verdict,
                colour=hex_colour(VERDICT_RGB.get(verdict, VERDICT_RGB["missing"])),
            )
        )
    placed = {
        spec.id for spec in survey.school.rooms if spec.x_m is not None and spec.y_m is not None
    }
    metric = metric_for("signal", limits, [])
    ssids = own_ssids(survey)
    floors: list[FloorView] = []
    for floor in floor_inputs(survey, list(results.values()), "signal", limits):
        if floor.map is None:
            continue
        room_ids = {r.id for r in survey.school.rooms if floor_key(r.floor) == floor.floor_id}
        points = tuple(
            _point_view(point, survey, metric, ssids, limits)
            for point in survey.points
            if point.room in room_ids
        )
        floors.append(
            FloorView(
                id=floor.floor_id,
                width_m=floor.map.width_m,
                height_m=floor.map.height_m,
                has_plan=floor.map.plan_path is not None,
                rooms=tuple(r for r in rooms if r.floor == floor.floor_id and r.id in placed),
                points=tuple(p for p in points if p is not None),
            )
        )
    last_id = survey.points[-1].measurement_id if survey.points else None
    last = next((m for m in measurements if m.id == last_id), None)
    return WalkView(tuple(floors), tuple(rooms), last, len(survey.points))


def _point_view(
    point: SurveyPoint,
    survey: VisitSurvey,
    metric: Metric,
    ssids: tuple[str, ...],
    limits: WifiThresholds,
) -> PointView | None:
    x, y = point.x_m, point.y_m
    if x is None or y is None:
        room = survey.school.room(point.room)
        if room is None or room.x_m is None or room.y_m is None:
            return None
        x, y = room.x_m, room.y_m
    value = point_value(point, "signal", ssids, limits)
    if value is None:
        label = "failed" if point.status != "ok" else "no school SSID"
        short, colour = "–", "#6e6e6e"
    else:
        label, short = metric.text(value), f"{value:.0f}"
        colour = hex_colour(metric.scale.one(value))
    return PointView(point.measurement_id, point.room, x, y, point.status, label, short, colour)


def heat_png(survey: VisitSurvey, floor_id: str, metric_key: str, limits: WifiThresholds) -> bytes:
    """The interpolated layer alone (transparent where nothing was measured), sized to
    lie exactly over the floor plan; the page stacks it on the plan image."""
    from PIL import Image

    results = room_results(survey, limits)
    ssids = own_ssids(survey)
    values = [
        v for p in survey.points if (v := point_value(p, metric_key, ssids, limits)) is not None
    ]
    metric = metric_for(metric_key, limits, values)
    buffer = io.BytesIO()
    for floor in floor_inputs(survey, results, metric_key, limits):
        if floor.floor_id != floor_id or floor.map is None:
            continue
        if floor.map.samples:
            layer = heat_layer(floor.map, metric, layout_for(floor.map))
        else:
            layout = layout_for(floor.map)
            layer = Image.new("RGBA", (layout.map_w_px, layout.map_h_px), (0, 0, 0, 0))
        layer.save(buffer, format="PNG", optimize=False)
        return buffer.getvalue()
    return b""


def room_at(rooms: Sequence[RoomView], x_m: float, y_m: float) -> RoomView | None:
    """The room a tap falls in; between rooms (a corridor), the nearest one."""
    inside = [
        r
        for r in rooms
        if r.x0_m <= x_m <= r.x0_m + r.width_m and r.y0_m <= y_m <= r.y0_m + r.depth_m
    ]
    if inside:
        return min(inside, key=lambda r: r.width_m * r.depth_m)
    if not rooms:
        return None
    return min(rooms, key=lambda r: (r.centre[0] - x_m) ** 2 + (r.centre[1] - y_m) ** 2)
