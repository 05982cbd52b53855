"""Measured circuit loads from metered PDUs and UPSes read over SNMP (``Device.power``).

A circuit names the PDU that feeds its carts (``circuit.pdu``, a device id) and
optionally which of its outlets (``circuit.pdu_outlets``); without outlets the
whole PDU load counts. A PDU sees only what is plugged into it, so the circuit's
other loads are added on top by the assessment.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from netsurvey.power.spec import Circuit, LoadSource, MeasuredLoad
from probes.device import Device, Outlet, Power


@dataclass(frozen=True)
class PduReading:
    """One SNMP reading of a PDU/UPS: the device model and the record it came from."""

    device_id: str
    device: Device
    measurement_id: str | None = None
    measured_at: str | None = None


@dataclass(frozen=True)
class PduLoads:
    loads: tuple[MeasuredLoad, ...]
    problems: tuple[str, ...]  # one line each, naming the circuit field


def _total_current_a(power: Power, assumed_pf: float) -> tuple[float | None, str]:
    if power.load_a is not None:
        return power.load_a, "load"
    if power.load_ratio is not None and power.capacity_a is not None:
        return power.load_ratio * power.capacity_a, "load share of capacity"
    watts = power.load_w
    if watts is None and power.load_ratio is not None and power.capacity_w is not None:
        watts = power.load_ratio * power.capacity_w
    if watts is not None and power.voltage_v:
        return watts / (power.voltage_v * assumed_pf), f"W at assumed PF {assumed_pf:g}"
    return None, ""


def _outlet_current_a(outlet: Outlet, voltage_v: float, assumed_pf: float) -> float | None:
    if outlet.current_a is not None:
        return outlet.current_a
    if outlet.power_w is not None:
        return outlet.power_w / (voltage_v * assumed_pf)
    return None


def _outlet_key(outlet: Outlet) -> set[str]:
    return {outlet.outlet, *([outlet.name] if outlet.name else [])}


def circuit_load(
    circuit: Circuit, reading: PduReading, *, voltage_v: float, assumed_pf: float
) -> tuple[MeasuredLoad | None, str | None]:
    """The measured load of ``circuit`` from its PDU, or why there is none."""
    power = reading.device.power
    where = f"circuit {circuit.id}: pdu: device {reading.device_id}"
    if power is None:
        return None, f"{where} answered without power data; the estimate is used"
    source: LoadSource = "ups" if power.kind == "ups" else "pdu"
    ids = (reading.measurement_id,) if reading.measurement_id else ()
    if not circuit.pdu_outlets:
        current_a, how = _total_current_a(power, assumed_pf)
        if current_a is None:
            return None, f"{where} reports no load (A, W or share); the estimate is used"
        reference = f"{reading.device_id} total {how}"
    else:
        wanted = set(circuit.pdu_outlets)
        matched = [o for o in power.outlets if _outlet_key(o) & wanted]
        currents = [_outlet_current_a(o, power.voltage_v or voltage_v, assumed_pf) for o in matched]
        if not power.outlets or not matched or any(c is None for c in currents):
            missing = "no outlets" if not power.outlets else "no per-outlet current or power"
            return None, (
                f"circuit {circuit.id}: pdu_outlets: {reading.device_id} answered without outlet "
                f"data ({missing} for outlets {', '.join(circuit.pdu_outlets)}); the estimate is "
                f"used: drop pdu_outlets to use the PDU total, or take a clamp reading"
            )
        current_a = sum(c for c in currents if c is not None)
        reference = f"{reading.device_id} outlets {', '.join(circuit.pdu_outlets)}"
    if reading.measurement_id:
        reference = f"{reference} ({reading.measurement_id})"
    return (
        MeasuredLoad(
            subject="circuit",
            subject_id=circuit.id,
            source=source,
            reference=reference,
            current_a=current_a,
            measured_at=reading.measured_at,
            measurement_ids=ids,
            includes_other_loads=False,
        ),
        None,
    )


def pdu_loads(
    circuits: tuple[Circuit, ...],
    readings: Mapping[str, PduReading],
    *,
    voltage_v: float,
    assumed_pf: float,
) -> PduLoads:
    """Measured loads for every circuit that names a PDU, and one line per gap."""
    loads: list[MeasuredLoad] = []
    problems: list[str] = []
    for circuit in circuits:
        if circuit.pdu is None:
            continue
        reading = readings.get(circuit.pdu)
        if reading is None:
            problems.append(
                f"circuit {circuit.id}: pdu: no SNMP reading of {circuit.pdu} in this visit; "
                f"the estimate is used (run the survey with the PDU reachable)"
            )
            continue
        load, problem = circuit_load(circuit, reading, voltage_v=voltage_v, assumed_pf=assumed_pf)
        if load is not None:
            loads.append(load)
        if problem is not None:
            problems.append(problem)
    return PduLoads(tuple(loads), tuple(problems))
