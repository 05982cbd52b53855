"""Build the assessment's ``Site`` from an inventory school or from a visit.

A visit contributes, through its facts (``netsurvey.facts``), the school embedded in
visit.json, the entries of the power walk (which add to or replace inventory entries
with the same id), clamp readings and the merged readings of the PDUs/UPSes that
circuits name.
"""

from __future__ import annotations

from netsurvey.facts import VisitFacts, load_facts
from netsurvey.inventory import School
from netsurvey.power.pdu import PduReading, pdu_loads
from netsurvey.power.recordio import (
    WalkEntry,
    cart_from_json,
    circuit_from_json,
)
from netsurvey.power.settings import PowerSettings
from netsurvey.power.spec import Cart, Circuit, Site
from netsurvey.power.walkforms import Answer
from netsurvey.records import Visit


def site_from_school(school: School) -> Site:
    return Site(school_id=school.id, circuits=school.circuits, carts=school.carts)


def _walk_fields(entry: WalkEntry) -> dict[str, Answer]:
    return {**entry.fields, "id": entry.entry_id, "room": entry.fields.get("room", entry.room)}


def pdu_readings(facts: VisitFacts, device_ids: set[str]) -> dict[str, PduReading]:
    """The PDUs/UPSes that circuits name, as SNMP and SSH read them (merged devices)."""
    readings = {}
    for device_id in sorted(device_ids):
        merged = facts.devices.get(device_id)
        newest = [facts.measurement(i) for i in merged.measurement_ids] if merged else []
        records = [m for m in newest if m is not None]
        if merged is None or not records:
            continue
        record = max(records, key=lambda m: m.started_at)
        readings[device_id] = PduReading(
            device_id=device_id,
            device=merged.device,
            measurement_id=record.id,
            measured_at=record.started_at,
        )
    return readings


def site_from_visit(visit: Visit, settings: PowerSettings) -> Site:
    return site_from_facts(load_facts(visit), settings)


def site_from_facts(facts: VisitFacts, settings: PowerSettings) -> Site:
    circuits: dict[str, Circuit] = {c.id: c for c in facts.school.circuits}
    carts: dict[str, Cart] = {c.id: c for c in facts.school.carts}
    notes = []
    for entry in facts.power_walk:
        if entry.kind not in ("circuit", "cart"):
            continue
        if not entry.complete:
            notes.append(
                f"{entry.kind} {entry.entry_id}: the walk entry is unfinished and not assessed; "
                f"run `netsurvey power walk --visit {facts.directory}` to finish it"
            )
            continue
        record_where = f"{facts.directory}: record {entry.measurement_id}"
        if entry.kind == "circuit":
            circuits[entry.entry_id] = circuit_from_json(_walk_fields(entry), record_where)
        else:
            carts[entry.entry_id] = cart_from_json(_walk_fields(entry), record_where)
    circuit_specs = tuple(circuits.values())
    pdus = pdu_loads(
        circuit_specs,
        pdu_readings(facts, {c.pdu for c in circuit_specs if c.pdu}),
        voltage_v=settings.voltage_v,
        assumed_pf=settings.charger_pf,
    )
    notes.extend(pdus.problems)
    return Site(
        school_id=facts.school.id,
        circuits=circuit_specs,
        carts=tuple(carts.values()),
        measured=(*facts.power_readings, *pdus.loads),
        notes=tuple(notes),
    )
