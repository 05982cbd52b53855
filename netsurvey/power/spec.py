"""Charging carts and socket circuits of a school, and the loads measured on them.

``Cart`` and ``Circuit`` are the one model of both: the inventory parses them from
YAML, visit.json carries them, the scorer's features hold them and the cart assessment
reads them. They import nothing from the rest of netsurvey, so every layer can use
them. ``None`` is "not declared" (never 0): whoever needs a figure applies its own
default and says so. Measured loads are separate facts beside them (``MeasuredLoad``),
built by ``sources.py`` from walk, clamp and SNMP records.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Literal

Sequencing = Literal["all", "sequenced"]
Subject = Literal["circuit", "cart"]
LoadSource = Literal["clamp", "pdu", "ups"]
SEQUENCING: tuple[Sequencing, ...] = ("all", "sequenced")


def sequencing_of(text: object) -> Sequencing:
    """``sequenced`` or ``all`` (anything else, including None, charges every slot)."""
    return "sequenced" if text == "sequenced" else "all"


@dataclass(frozen=True, slots=True, kw_only=True)
class Circuit:
    """One socket circuit: its breaker, RCD and what else draws from it."""

    id: str
    breaker_a: float
    curve: str = "B"
    rcd_ma: float | None = None  # None: no RCD declared
    rcd_group: str | None = None  # circuits sharing one RCD; None: its own RCD
    other_loads_w: float | None = None  # projector, PC...; None: not declared
    sockets: int | None = None
    room: str | None = None
    pdu: str | None = None  # device id of a metered PDU/UPS feeding this circuit's carts
    pdu_outlets: tuple[str, ...] = ()  # outlets of that PDU on this circuit; () = whole PDU

    @property
    def rcd_key(self) -> str:
        return self.rcd_group or f"circuit:{self.id}"


@dataclass(frozen=True, slots=True, kw_only=True)
class Cart:
    """One charging cart: its slots, chargers, sequencer and the circuit it is on."""

    id: str
    room: str | None = None
    slots: int
    charger_w: float | None = None  # one charger's label rating; None: not declared
    circuit: str | None = None  # None: not known which circuit feeds it
    sequencing: Sequencing = "all"  # "all": every slot at once; "sequenced": slots_at_once
    slots_at_once: int | None = None
    slot_time_s: float | None = None
    battery_wh: float | None = None

    @property
    def concurrent_slots(self) -> int:
        """Chargers energised together: all slots, or the sequencer's bank."""
        if self.sequencing == "sequenced" and self.slots_at_once:
            return min(self.slots_at_once, self.slots)
        return self.slots

    def sequenced(self, slots_at_once: int) -> Cart:
        """This cart behind a sequencer powering at most ``slots_at_once`` slots together."""
        return replace(
            self, sequencing="sequenced", slots_at_once=min(self.concurrent_slots, slots_at_once)
        )


@dataclass(frozen=True)
class MeasuredLoad:
    """A measured rms load of one circuit or cart, and where it came from."""

    subject: Subject
    subject_id: str
    source: LoadSource
    reference: str  # what a reader can look up: "m-..." or "pdu-a1 outlets 1,2"
    current_a: float | None = None
    power_w: float | None = None
    power_factor_ratio: float | None = None
    measured_at: str | None = None
    measurement_ids: tuple[str, ...] = ()
    # A clamp on a circuit sees everything on it; a PDU sees only what is plugged into it.
    includes_other_loads: bool = True

    def rms_current_a(self, voltage_v: float) -> float | None:
        if self.current_a is not None:
            return self.current_a
        if self.power_w is not None and self.power_factor_ratio:
            return self.power_w / (voltage_v * self.power_factor_ratio)
        return None

    @property
    def label(self) -> str:
        return f"{self.source} {self.reference}"


@dataclass(frozen=True)
class Site:
    school_id: str
    circuits: tuple[Circuit, ...] = ()
    carts: tuple[Cart, ...] = ()
    measured: tuple[MeasuredLoad, ...] = ()
    notes: tuple[str, ...] = field(default=())

    def circuit(self, circuit_id: str) -> Circuit | None:
        return next((c for c in self.circuits if c.id == circuit_id), None)

    def carts_on(self, circuit_id: str) -> tuple[Cart, ...]:
        return tuple(c for c in self.carts if c.circuit == circuit_id)
