"""Build the assessment's ``Site`` from an inventory school or from a visit.

A visit contributes the school embedded in visit.json, the entries of the power
walk (which add to or replace inventory entries with the same id), clamp readings
and SNMP readings of the PDUs/UPSes that circuits name.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from netsurvey.inventory import Cart, Circuit, School
from netsurvey.power.pdu import PduReading, pdu_loads
from netsurvey.power.recordio import WalkEntry, clamp_loads, walk_entries
from netsurvey.power.settings import PowerSettings
from netsurvey.power.spec import CartSpec, CircuitSpec, Site
from netsurvey.power.validate import PowerInputError
from netsurvey.records import Visit
from probes.device import Device


def circuit_spec(circuit: Circuit) -> CircuitSpec:
    return CircuitSpec(
        id=circuit.id,
        breaker_a=circuit.breaker_a,
        curve=circuit.curve,
        rcd_ma=circuit.rcd_ma,
        rcd_group=circuit.rcd_group,
        other_loads_w=circuit.other_loads_w,
        sockets=circuit.sockets,
        room=circuit.room,
        pdu=circuit.pdu,
        pdu_outlets=tuple(circuit.pdu_outlets),
    )


def cart_spec(cart: Cart) -> CartSpec:
    return CartSpec(
        id=cart.id,
        slots=cart.slots,
        circuit=cart.circuit,
        room=cart.room,
        charger_w=cart.charger_w,
        sequencing="sequenced" if cart.sequencing == "sequenced" else "all",
        slots_at_once=cart.slots_at_once,
        slot_time_s=cart.slot_time_s,
        battery_wh=cart.battery_wh,
    )


def site_from_school(school: School) -> Site:
    return Site(
        school_id=school.id,
        circuits=tuple(circuit_spec(c) for c in school.circuits),
        carts=tuple(cart_spec(c) for c in school.carts),
    )


def _opt_float(data: Mapping[str, Any], key: str) -> float | None:
    value = data.get(key)
    return None if value is None else float(value)


def _opt_int(data: Mapping[str, Any], key: str) -> int | None:
    value = data.get(key)
    return None if value is None else int(value)


def _opt_str(data: Mapping[str, Any], key: str) -> str | None:
    value = data.get(key)
    return None if value in (None, "") else str(value)


def circuit_from_json(data: Mapping[str, Any], where: str) -> CircuitSpec:
    try:
        return CircuitSpec(
            id=str(data["id"]),
            breaker_a=float(data["breaker_a"]),
            curve=str(data.get("curve") or "B").upper(),
            rcd_ma=_opt_float(data, "rcd_ma") or None,  # 0 in the walk means "no RCD"
            rcd_group=_opt_str(data, "rcd_group"),
            other_loads_w=_opt_float(data, "other_loads_w"),
            sockets=_opt_int(data, "sockets"),
            room=_opt_str(data, "room"),
            pdu=_opt_str(data, "pdu"),
            pdu_outlets=tuple(str(o) for o in data.get("pdu_outlets") or ()),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise PowerInputError(f"{where}: circuit entry is unusable ({exc})") from None


def cart_from_json(data: Mapping[str, Any], where: str) -> CartSpec:
    try:
        return CartSpec(
            id=str(data["id"]),
            slots=int(data["slots"]),
            circuit=str(data["circuit"]),
            room=_opt_str(data, "room"),
            charger_w=_opt_float(data, "charger_w"),
            sequencing="sequenced" if data.get("sequencing") == "sequenced" else "all",
            slots_at_once=_opt_int(data, "slots_at_once"),
            slot_time_s=_opt_float(data, "slot_time_s"),
            battery_wh=_opt_float(data, "battery_wh"),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise PowerInputError(f"{where}: cart entry is unusable ({exc})") from None


def _walk_fields(entry: WalkEntry) -> dict[str, Any]:
    return {**entry.fields, "id": entry.entry_id, "room": entry.fields.get("room", entry.room)}


def pdu_readings(visit: Visit, device_ids: set[str]) -> dict[str, PduReading]:
    readings = {}
    for device_id in sorted(device_ids):
        record = visit.latest_ok("snmp", device_id)
        if record is None:
            continue
        device = record.details.get("device")
        if isinstance(device, dict):
            readings[device_id] = PduReading(
                device_id=device_id,
                device=Device.from_json(device),
                measurement_id=record.id,
                measured_at=record.started_at,
            )
    return readings


def site_from_visit(visit: Visit, settings: PowerSettings) -> Site:
    school = visit.info.school
    where = f"{visit.directory}/visit.json"
    circuits = {
        c["id"]: circuit_from_json(c, f"{where}: school.circuits")
        for c in school.get("circuits") or ()
    }
    carts = {
        c["id"]: cart_from_json(c, f"{where}: school.carts") for c in school.get("carts") or ()
    }
    notes = []
    for entry in walk_entries(visit):
        if entry.kind not in ("circuit", "cart"):
            continue
        if not entry.complete:
            notes.append(
                f"{entry.kind} {entry.entry_id}: the walk entry is unfinished and not assessed; "
                f"run `netsurvey power walk --visit {visit.directory}` to finish it"
            )
            continue
        record_where = f"{visit.directory}: record {entry.measurement_id}"
        if entry.kind == "circuit":
            circuits[entry.entry_id] = circuit_from_json(_walk_fields(entry), record_where)
        else:
            carts[entry.entry_id] = cart_from_json(_walk_fields(entry), record_where)
    circuit_specs = tuple(circuits.values())
    pdus = pdu_loads(
        circuit_specs,
        pdu_readings(visit, {c.pdu for c in circuit_specs if c.pdu}),
        voltage_v=settings.voltage_v,
        assumed_pf=settings.charger_pf,
    )
    notes.extend(pdus.problems)
    return Site(
        school_id=visit.info.school_id,
        circuits=circuit_specs,
        carts=tuple(carts.values()),
        measured=(*clamp_loads(visit), *pdus.loads),
        notes=tuple(notes),
    )
