"""The parts of a visit's school (visit.json ``school``) the Wi-Fi survey needs, read
defensively: a missing key means "not known", never an error."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from probes.base import Scope


def _float(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


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
    def from_json(cls, school: Mapping[str, Any]) -> SurveySchool:
        rooms = tuple(
            RoomSpec(
                id=str(r.get("id")),
                floor=None if r.get("floor") is None else str(r.get("floor")),
                kind=r.get("kind"),
                x_m=_float(r.get("x_m")),
                y_m=_float(r.get("y_m")),
                width_m=_float(r.get("width_m")),
                depth_m=_float(r.get("depth_m")),
            )
            for r in school.get("rooms") or ()
            if isinstance(r, Mapping) and r.get("id") is not None
        )
        floors = tuple(
            FloorSpec(
                id=str(f.get("id")),
                plan_image=Path(f["plan_image"]) if f.get("plan_image") else None,
                width_m=_float(f.get("width_m")),
                height_m=_float(f.get("height_m")),
            )
            for f in school.get("floors") or ()
            if isinstance(f, Mapping) and f.get("id") is not None
        )
        wifi = school.get("wifi") or {}
        servers = school.get("test_servers") or {}
        devices = [d for d in school.get("devices") or () if isinstance(d, Mapping)]
        iperf_host = servers.get("iperf3")
        hosts = [h for h in (iperf_host,) if isinstance(h, str)]
        networks = [str(n) for n in school.get("scope") or ()]
        return cls(
            id=str(school.get("id", "")),
            name=str(school.get("name", school.get("id", ""))),
            rooms=rooms,
            floors=floors,
            ssids=tuple(str(s) for s in wifi.get("ssids") or ()),
            device_rooms={str(d.get("id")): d.get("room") for d in devices},
            iperf3_host=iperf_host if isinstance(iperf_host, str) else None,
            iperf3_port=int(servers.get("iperf3_port") or 5201),
            scope=Scope.from_strings(
                networks,
                hosts=hosts,
                origin=f"the declared scope of school {school.get('id', '')}",
                fix_hint="add it to the school's scope or test_servers in the inventory",
            ),
        )
