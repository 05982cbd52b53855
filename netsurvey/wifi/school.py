"""The parts of a visit's school the Wi-Fi survey needs, taken from the inventory's
``School`` (read back from visit.json by ``netsurvey.visitschool``)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from netsurvey.inventory import Room, School
from probes.base import Scope


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
    rooms: tuple[Room, ...]  # the inventory's rooms
    floors: tuple[FloorSpec, ...]
    ssids: tuple[str, ...]
    device_rooms: Mapping[str, str | None]
    iperf3_host: str | None
    iperf3_port: int
    scope: Scope

    def room(self, room_id: str) -> Room | None:
        return next((r for r in self.rooms if r.id == room_id), None)

    def floor(self, floor_id: str | None) -> FloorSpec | None:
        return next((f for f in self.floors if f.id == floor_id), None)

    @classmethod
    def of(cls, school: School) -> SurveySchool:
        """The survey's view of the inventory's school (as visit.json recorded it)."""
        servers = school.test_servers
        return cls(
            id=school.id,
            name=school.name or school.id,
            rooms=school.rooms,
            floors=tuple(
                FloorSpec(f.id, Path(f.plan_image) if f.plan_image else None, f.width_m, f.height_m)
                for f in school.floors
            ),
            ssids=school.wifi.ssids,
            device_rooms={d.id: d.room for d in school.devices},
            iperf3_host=servers.iperf3,
            iperf3_port=servers.iperf3_port,
            scope=school.scope_guard(),
        )
