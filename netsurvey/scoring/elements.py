"""Which element of a school a model index is: a radio, a port, an uplink, the WAN, ...

The model reports the worst element of a dimension as an index into its concatenated
``segments`` (element kinds and counts). ``element_ref`` turns it into a typed reference
(the catalogue key ``elements.<kind>`` with its parameters, docs/contracts.md §4) and the
room it belongs to; ``element_text_en`` is the English rendering kept in scores.json for
older readers. The report renders the same reference from its locale catalogue
(report_templates/locales/*.yaml).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Literal, TypeAlias

from netsurvey.scoring.features import AccessPoint, SchoolFeatures
from netsurvey.scoring.model import DimensionResult
from netsurvey.scoring.scores_json import (
    BareRefJson,
    CircuitRefJson,
    ElementRefJson,
    PoeRefJson,
    PortRefJson,
    RadioRefJson,
    RoomNoApRefJson,
    UplinkRefJson,
)

ELEMENT_TEXT_EN = {
    "radio": "AP {ap} radio {band} ch {channel}/{width_mhz} MHz",
    "room_no_ap": "room {room} (no AP)",
    "port": "switch port of AP {ap}",
    "uplink": "uplink of switch {switch}",
    "wan": "WAN link",
    "poe": "PoE budget of switch {switch}",
    "circuit": "circuit {circuit}",
    "rcd": "RCD of circuit {circuit}",
    "unknown": "unknown element",
}


def band_label(channel: int) -> str:
    return "2.4 GHz" if channel <= 14 else "5 GHz"


@dataclass(frozen=True, slots=True)
class RadioRef:
    ap: str
    band: str
    channel: int
    width_mhz: int

    @classmethod
    def of(cls, ap: AccessPoint) -> RadioRef:
        return cls(ap.id, band_label(ap.channel), ap.channel, ap.width_mhz)

    def to_json(self) -> RadioRefJson:
        return {
            "kind": "radio",
            "ap": self.ap,
            "band": self.band,
            "channel": self.channel,
            "width_mhz": self.width_mhz,
        }


@dataclass(frozen=True, slots=True)
class RoomNoApRef:
    room: str

    def to_json(self) -> RoomNoApRefJson:
        return {"kind": "room_no_ap", "room": self.room}


@dataclass(frozen=True, slots=True)
class PortRef:
    ap: str | None  # None: a room's AP is not known

    def to_json(self) -> PortRefJson:
        return {"kind": "port", "ap": self.ap}


@dataclass(frozen=True, slots=True)
class UplinkRef:
    switch: str | None  # None: the switch of the room's AP is not known

    def to_json(self) -> UplinkRefJson:
        return {"kind": "uplink", "switch": self.switch}


@dataclass(frozen=True, slots=True)
class PoeRef:
    switch: str

    def to_json(self) -> PoeRefJson:
        return {"kind": "poe", "switch": self.switch}


@dataclass(frozen=True, slots=True)
class CircuitRef:
    kind: Literal["circuit", "rcd"]  # the circuit's breaker, or its RCD
    circuit: str

    def to_json(self) -> CircuitRefJson:
        return {"kind": self.kind, "circuit": self.circuit}


@dataclass(frozen=True, slots=True)
class BareRef:
    kind: Literal["wan", "unknown"]

    def to_json(self) -> BareRefJson:
        return {"kind": self.kind}


ElementRef: TypeAlias = (
    "RadioRef | RoomNoApRef | PortRef | UplinkRef | PoeRef | CircuitRef | BareRef"
)
Located: TypeAlias = "tuple[ElementRef, str | None]"  # the element and the room it serves
UNKNOWN = BareRef("unknown")


def element_text_en(ref: ElementRef) -> str:
    """The English words for an element reference."""
    data: ElementRefJson = ref.to_json()
    template = ELEMENT_TEXT_EN[data["kind"]]
    return template.format(**{k: v for k, v in data.items() if k != "kind"})


def element_ref(school: SchoolFeatures, dim: DimensionResult, index: int) -> Located:
    """The element at ``index`` of a dimension, and the room it stands for (if any)."""
    offset = 0
    for kind, count in dim.segments:
        if index < offset + count:
            return _ref(school, kind, index - offset)
        offset += count
    return UNKNOWN, None


def element_label(
    school: SchoolFeatures, dim: DimensionResult, index: int
) -> tuple[str, str | None]:
    """Plain-words element name and room for an element index of a dimension."""
    ref, room = element_ref(school, dim, index)
    return element_text_en(ref), room


def element_kind(dim: DimensionResult, index: int) -> str:
    """The model's segment kind at ``index`` (``room_*`` kinds: a class placed in a room)."""
    offset = 0
    for kind, count in dim.segments:
        if index < offset + count:
            return kind
        offset += count
    return "unknown"


def _room_ap(school: SchoolFeatures, room_index: int) -> Located:
    room = school.rooms[room_index]
    ap = next((a for a in school.aps if a.id == room.ap), None)
    if ap is None:
        return RoomNoApRef(room.id), room.id
    return RadioRef.of(ap), room.id


def _room_uplink(school: SchoolFeatures, room_index: int) -> Located:
    room = school.rooms[room_index]
    ap = next((a for a in school.aps if a.id == room.ap), None)
    return UplinkRef(ap.switch if ap is not None else None), room.id


def _radio(school: SchoolFeatures, local: int) -> Located:
    radio = school.aps[local]
    rooms = [room.id for room in school.rooms if room.ap == radio.id]
    return RadioRef.of(radio), ", ".join(rooms) if rooms else None


# the model's segment kinds (``room_*``: an element seen from a class placed in a room)
_REFS: Mapping[str, Callable[[SchoolFeatures, int], Located]] = {
    "radio": _radio,
    "room": _room_ap,
    "port": lambda school, i: (PortRef(school.aps[i].id), None),
    "uplink": lambda school, i: (UplinkRef(school.switches[i].id), None),
    "room_port": lambda school, i: (PortRef(school.rooms[i].ap), school.rooms[i].id),
    "room_uplink": _room_uplink,
    "wan": lambda school, i: (BareRef("wan"), None),
    "room_wan": lambda school, i: (BareRef("wan"), school.rooms[i].id),
    "poe": lambda school, i: (PoeRef(school.switches[i].id), None),
    "circuit": lambda school, i: (CircuitRef("circuit", school.circuits[i].id), None),
    "rcd": lambda school, i: (CircuitRef("rcd", school.circuits[i].id), None),
}


def _ref(school: SchoolFeatures, kind: str, local: int) -> Located:
    build = _REFS.get(kind)
    return build(school, local) if build is not None else (UNKNOWN, None)
