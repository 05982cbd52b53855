"""Missing-data notes as message ids with parameters.

The scorer and the visit reader say what they could not measure with a ``Note``:
``Note.of("lan_switch_unread", item="sw-2")``. scores.json carries it twice:

* ``missing_notes``: ``{"message": "missing.lan_switch_unread", "params": {"item":
  "sw-2"}, "dimension": "lan"}`` – rendered by the report, the sheet and the terminal
  table from the locale catalogue (``missing.<key>`` in report_templates/locales);
* ``missing``: the English sentence (``"lan: no SNMP/SSH record for switch sw-2"``),
  kept for older readers; it is made from the id here and never parsed back.

Every note the scorer can write is listed once in ``NOTE_KINDS``.
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TypedDict


@dataclass(frozen=True)
class NoteKind:
    dimension: str  # a scoring dimension, or "rooms"
    english: str  # the legacy ``missing`` sentence; ``{name}`` holes are the params

    @property
    def params(self) -> frozenset[str]:
        return frozenset(
            name for _, name, _, _ in string.Formatter().parse(self.english) if name is not None
        )


NOTE_KINDS: Mapping[str, NoteKind] = {
    "wifi_none": NoteKind("wifi", "wifi: no room has a Wi-Fi survey (RSSI) and a serving AP"),
    "lan_none": NoteKind("lan", "lan: no AP port or switch uplink speed is known"),
    "wan_none": NoteKind("wan", "wan: no speedtest samples"),
    "poe_none": NoteKind("poe", "poe: no switch reports a PoE budget and AP allocations"),
    "power_none": NoteKind("power", "power: no charging cart is on a known circuit"),
    "wifi_rooms_unsurveyed": NoteKind("wifi", "wifi: rooms without a survey are left out: {items}"),
    "wan_no_upload": NoteKind(
        "wan", "wan: no upload samples, only the download direction is scored"
    ),
    "lan_port_speed_unknown": NoteKind("lan", "lan: port speed unknown for {items}"),
    "wifi_no_utilisation": NoteKind(
        "wifi", "wifi: no channel utilisation for radio {item}, profile default used"
    ),
    "wifi_streams_assumed": NoteKind(
        "wifi", "wifi: spatial streams of AP {item} unknown, 2 assumed"
    ),
    "lan_switch_unread": NoteKind("lan", "lan: no SNMP/SSH record for switch {item}"),
    "lan_uplink_unknown": NoteKind("lan", "lan: uplink port of {item} unknown (set uplink_port)"),
    "lan_no_counters": NoteKind("lan", "lan: no traffic counters on the uplink of {item}"),
    "lan_uplink_lldp": NoteKind("lan", "lan: uplink of {item} taken from LLDP"),
    "lan_uplink_guessed": NoteKind("lan", "lan: uplink of {item} guessed as {port} (fastest port)"),
    "rooms_no_pupils": NoteKind("rooms", "rooms: no pupil count for room {item}, left out"),
    "wifi_room_unsurveyed": NoteKind("wifi", "wifi: room {item} has no survey point"),
    "wifi_no_points": NoteKind("wifi", "wifi: no Wi-Fi survey points in this visit"),
    "wan_no_speedtest": NoteKind("wan", "wan: no successful speedtest in this visit"),
    "power_other_loads_assumed": NoteKind(
        "power", "power: other loads of circuit {items} not declared, profile default used"
    ),
    "pupils_unknown": NoteKind(
        "wan", "wan: pupil count not given (grades or classrooms); pupils add no load"
    ),
    "staff_assumed": NoteKind("wan", "wan: staff count not given, profile default used"),
}

# "no data at all" for a dimension, added by the scorer when a dimension has no score
# and no earlier note of that dimension says why
DIMENSION_NONE: Mapping[str, str] = {
    "wifi": "wifi_none",
    "lan": "lan_none",
    "wan": "wan_none",
    "poe": "poe_none",
    "power": "power_none",
}


class NoteJson(TypedDict):
    """A note as scores.json's ``missing_notes[]`` writes it (docs/contracts.md §4)."""

    message: str  # "missing.<NOTE_KINDS key>"
    params: dict[str, str]
    dimension: str


@dataclass(frozen=True)
class Note:
    """One thing that was not measured, and why: a ``NOTE_KINDS`` key and its params
    (kept as sorted pairs, so that a note is hashable and two equal notes are one)."""

    key: str
    param_pairs: tuple[tuple[str, str], ...] = ()

    def __post_init__(self) -> None:
        kind = NOTE_KINDS.get(self.key)
        if kind is None:
            raise ValueError(f"unknown missing-data note {self.key!r}; add it to NOTE_KINDS")
        names = {name for name, _ in self.param_pairs}
        if names != kind.params:
            raise ValueError(
                f"note {self.key}: params {sorted(names)}, expected {sorted(kind.params)}"
            )

    @classmethod
    def of(cls, key: str, **params: object) -> Note:
        return cls(key, tuple(sorted((name, str(value)) for name, value in params.items())))

    @property
    def params(self) -> dict[str, str]:
        return dict(self.param_pairs)

    @property
    def message(self) -> str:
        return f"missing.{self.key}"

    @property
    def dimension(self) -> str:
        return NOTE_KINDS[self.key].dimension

    @property
    def english(self) -> str:
        return NOTE_KINDS[self.key].english.format(**self.params)

    def to_json(self) -> NoteJson:
        return {"message": self.message, "params": self.params, "dimension": self.dimension}


def listed(items: list[str] | tuple[str, ...]) -> str:
    """A list parameter (``items``) as the catalogue shows it: ``101, 102``."""
    return ", ".join(items)
