"""The charging-cart assessment of a visit (readings come from ``power.recordio``)."""

from __future__ import annotations

from dataclasses import dataclass

from netsurvey.numbers import finite_float
from netsurvey.records import Measurement


@dataclass(frozen=True, slots=True)
class CartAssessment:
    """The latest ``power_assessment``: the circuit currents it measured instead of
    estimating (PDU, UPS or clamp), by circuit id."""

    measurement_id: str
    measured_circuit_a: dict[str, float]


def cart_assessment(record: Measurement) -> CartAssessment:
    measured: dict[str, float] = {}
    circuits = record.details.get("circuits")
    for circuit in circuits if isinstance(circuits, list) else ():
        if not isinstance(circuit, dict) or circuit.get("circuit_id") is None:
            continue
        value = finite_float(circuit.get("measured_a"))
        if value is not None:
            measured[str(circuit["circuit_id"])] = value
    return CartAssessment(record.id, measured)
