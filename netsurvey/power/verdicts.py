"""What a cart assessment finds: the verdicts per circuit, RCD and cart, and the fixes.

Plain frozen records shared by ``assess`` (which computes them), ``recommend``
(which reads them to propose fixes) and ``render`` (which prints them), so
neither of the first two needs to import the other.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import Literal

from netsurvey.jsontypes import JsonObject
from netsurvey.power.settings import PowerSettings

Severity = Literal["must", "should", "info"]


@dataclass(frozen=True)
class Recommendation:
    kind: str  # move | sequence | add_circuit | rcd | stagger | charge_time | overnight
    subject: str  # the cart, circuit or RCD it is about
    severity: Severity
    text: str


Verdict = Literal["pass", "fail"]


@dataclass(frozen=True)
class CircuitVerdict:
    circuit_id: str
    room: str | None
    breaker: str  # "B16"
    limit_a: float
    other_loads_a: float
    estimated_a: float
    measured_a: float | None
    used_a: float
    current_source: str  # "estimate" or the reading's label
    utilisation_ratio: float  # used / continuous limit (rho)
    headroom_a: float
    carts: tuple[str, ...]
    concurrent_chargers: int
    chargers_capacity: int  # chargers at once within the limit (31 on a B16)
    carts_capacity: int  # carts like the reference cart within the limit
    reference_cart: str
    inrush_peak_a: float | None  # unsequenced chargers switched together, worst case
    magnetic_trip_low_a: float | None
    inrush_risk: bool
    verdict: Verdict
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class RcdVerdict:
    rcd: str  # rcd_group, or "circuit:<id>" for a circuit's own RCD
    circuits: tuple[str, ...]
    rcd_ma: float
    budget_ma: float
    adapters: int  # energised at the same moment
    leakage_typical_ma: float
    leakage_worst_ma: float
    utilisation_ratio: float  # worst-case leakage / budget
    max_adapters_worst: int
    verdict: Verdict


@dataclass(frozen=True)
class CartVerdict:
    cart_id: str
    room: str | None
    circuit: str
    slots: int
    concurrent_slots: int
    sequencing: str
    charger_input_a: float  # one charger, rms
    estimated_a: float
    measured_a: float | None
    used_a: float
    current_source: str
    per_device_s: float
    cycle_s: float
    fits_overnight: bool
    fits_between_lessons: bool
    inrush_risk: bool
    verdict: Verdict
    reasons: tuple[str, ...] = ()
    assumed: tuple[str, ...] = ()


@dataclass(frozen=True)
class SiteAssessment:
    school_id: str
    settings: PowerSettings
    circuits: tuple[CircuitVerdict, ...]
    rcds: tuple[RcdVerdict, ...]
    carts: tuple[CartVerdict, ...]
    recommendations: tuple[Recommendation, ...]
    notes: tuple[str, ...] = ()
    measurement_ids: tuple[str, ...] = field(default=())

    @property
    def verdict(self) -> Verdict | None:
        if not self.circuits and not self.carts:
            return None
        verdicts = [
            *(c.verdict for c in self.circuits),
            *(r.verdict for r in self.rcds),
            *(k.verdict for k in self.carts),
        ]
        return "fail" if "fail" in verdicts else "pass"

    def circuit(self, circuit_id: str) -> CircuitVerdict:
        return next(c for c in self.circuits if c.circuit_id == circuit_id)

    def cart(self, cart_id: str) -> CartVerdict:
        return next(c for c in self.carts if c.cart_id == cart_id)

    def metrics(self) -> dict[str, float | None]:
        """Per-school figures for the ``power_assessment`` record and the scorer."""
        return {
            "worst_circuit_rho": _max(c.utilisation_ratio for c in self.circuits),
            "worst_rcd_rho": _max(r.utilisation_ratio for r in self.rcds),
            "circuits_count": float(len(self.circuits)),
            "circuits_failing_count": float(sum(c.verdict == "fail" for c in self.circuits)),
            "rcds_failing_count": float(sum(r.verdict == "fail" for r in self.rcds)),
            "carts_count": float(len(self.carts)),
            "carts_failing_count": float(sum(c.verdict == "fail" for c in self.carts)),
            "inrush_risk_count": float(sum(c.inrush_risk for c in self.circuits)),
            "max_cart_cycle_s": _max(c.cycle_s for c in self.carts),
            "measured_circuits_count": float(sum(c.measured_a is not None for c in self.circuits)),
        }

    def to_json(self) -> JsonObject:
        return {
            "school_id": self.school_id,
            "verdict": self.verdict,
            "metrics": {**self.metrics()},
            "carts_per_circuit": {c.circuit_id: c.carts_capacity for c in self.circuits},
            "circuits": [asdict(c) for c in self.circuits],
            "rcds": [asdict(r) for r in self.rcds],
            "carts": [asdict(c) for c in self.carts],
            "recommendations": [asdict(r) for r in self.recommendations],
            "notes": list(self.notes),
            "settings": {**self.settings.to_json()},
        }


def _max(values: Iterable[float]) -> float | None:
    finite = [v for v in values if v is not None and math.isfinite(v)]
    return max(finite) if finite else None
