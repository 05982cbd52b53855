"""The parts of a visit's school (visit.json ``school``) the Wi-Fi survey needs, read
defensively: a missing key means "not known", never an error."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from netsurvey.jsontypes import JsonObject, JsonValue
from netsurvey.numbers import finite_float, integer
from probes.base import Scope


def _object(value: JsonValue | None) -> JsonObject:
    return value if isinstance(value, dict) else {}


def _objects(value: JsonValue | None) -> list[JsonObject]:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def _texts(value: JsonValue | None) -> list[str]:
    return [str(v) for v in value] if isinstance(value, list) else []


def _text(value: JsonValue | None) -> str | None:
    return None if value is None else str(value)


def _path(value: JsonValue | None) -> Path | None:
    return Path(value) if isinstance(value, str) and value else None


@dataclass(frozen=True)
class RoomSpec:
    id: str
    floor: str | None
    kind: str | None
    x_m: float | None
    y_m: float | None
    width_m: float | None
    depth_m: float | None


@dataclass(frozen=True)
class FloorSpec:
    id: str
    plan_image: Path | None
    width_m: float | None
    height_m: float | None


@dataclass(frozen=True)
class SurveySchool:
    id: str
    name: str
    rooms: tuple[RoomSpec, ...]
    floors: tuple[FloorSpec, ...]
    ssids: tuple[str, ...]
    device_rooms: Mapping[str, str | None]
    iperf3_host: str | None
    iperf3_port: int
    scope: Scope

    def room(self, room_id: str) -> RoomSpec | None:
        return next((r for r in self.rooms if r.id == room_id), None)

    def floor(self, floor_id: str | None) -> FloorSpec | None:
        return next((f for f in self.floors if f.id == floor_id), None)

    @classmethod
    def from_json(cls, school: Mapping[str, JsonValue]) -> SurveySchool:
        """The JSON boundary: visit.json's ``school`` section, as the inventory wrote it."""
        rooms = tuple(
            RoomSpec(
                id=str(r["id"]),
                floor=_text(r.get("floor")),
                kind=_text(r.get("kind")),
                x_m=finite_float(r.get("x_m")),
                y_m=finite_float(r.get("y_m")),
                width_m=finite_float(r.get("width_m")),
                depth_m=finite_float(r.get("depth_m")),
            )
            for r in _objects(school.get("rooms"))
            if r.get("id") is not None
        )
        floors = tuple(
            FloorSpec(
                id=str(f["id"]),
                plan_image=_path(f.get("plan_image")),
                width_m=finite_float(f.get("width_m")),
                height_m=finite_float(f.get("height_m")),
            )
            for f in _objects(school.get("floors"))
            if f.get("id") is not None
        )
        servers = _object(school.get("test_servers"))
        iperf_host = servers.get("iperf3")
        hosts = [iperf_host] if isinstance(iperf_host, str) else []
        school_id = str(school.get("id", ""))
        return cls(
            id=school_id,
            name=str(school.get("name", school.get("id", ""))),
            rooms=rooms,
            floors=floors,
            ssids=tuple(_texts(_object(school.get("wifi")).get("ssids"))),
            device_rooms={
                str(d.get("id")): _text(d.get("room")) for d in _objects(school.get("devices"))
            },
            iperf3_host=iperf_host if isinstance(iperf_host, str) else None,
            iperf3_port=integer(servers.get("iperf3_port")) or 5201,
            scope=Scope.from_strings(
                _texts(school.get("scope")),
                hosts=hosts,
                origin=f"the declared scope of school {school_id}",
                fix_hint="add it to the school's scope or test_servers in the inventory",
            ),
        )
