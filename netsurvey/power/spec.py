"""Inputs of the cart assessment: circuits, carts and measured loads of one school.

These small frozen shapes keep the assessment independent of where the facts came
from (inventory YAML, the power walk, SNMP); ``sources.py`` builds them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Sequencing = Literal["all", "sequenced"]
Subject = Literal["circuit", "cart"]
LoadSource = Literal["clamp", "pdu", "ups"]


@dataclass(frozen=True)
class CircuitSpec:
    id: str
    breaker_a: float
    curve: str = "B"
    rcd_ma: float | None = None  # None: no RCD declared
    rcd_group: str | None = None  # circuits sharing one RCD; None: its own RCD
    other_loads_w: float | None = None  # None: not declared (assumed 0, flagged)
    sockets: int | None = None
    room: str | None = None
    pdu: str | None = None  # device id of a metered PDU/UPS feeding this circuit's carts
    pdu_outlets: tuple[str, ...] = ()  # outlets of that PDU on this circuit; () = whole PDU

    @property
    def rcd_key(self) -> str:
        return self.rcd_group or f"circuit:{self.id}"


@dataclass(frozen=True)
class CartSpec:
    id: str
    slots: int
    circuit: str
    room: str | None = None
    charger_w: float | None = None  # None: the default charger rating is assumed
    sequencing: Sequencing = "all"
    slots_at_once: int | None = None
    slot_time_s: float | None = None
    battery_wh: float | None = None
    pdu_outlets: tuple[str, ...] = ()

    @property
    def concurrent_slots(self) -> int:
        if self.sequencing == "sequenced" and self.slots_at_once:
            return min(self.slots_at_once, self.slots)
        return self.slots


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
    circuits: tuple[CircuitSpec, ...] = ()
    carts: tuple[CartSpec, ...] = ()
    measured: tuple[MeasuredLoad, ...] = ()
    notes: tuple[str, ...] = field(default=())

    def circuit(self, circuit_id: str) -> CircuitSpec | None:
        return next((c for c in self.circuits if c.id == circuit_id), None)

    def carts_on(self, circuit_id: str) -> tuple[CartSpec, ...]:
        return tuple(c for c in self.carts if c.circuit == circuit_id)
