"""Power records in a visit: walk entries, clamp readings and the assessment.

* ``cart_inventory``: one record per answer in the power walk, holding the
  entry's fields so far (``details.complete`` marks a finished entry); the latest
  record per entry wins, so a resumed walk continues where it stopped. Kinds:
  ``circuit``, ``cart``, ``room_done``, ``photo`` (the photo in ``raw``).
* ``power_reading``: metrics ``current_a``, ``power_w``, ``power_factor_ratio``;
  details ``circuit`` or ``cart``, ``source`` (``clamp``).
* ``power_assessment``: metrics per school, details = the assessment's JSON.

This module is the power records' boundary: what is written goes through
``make_record``; what is read back leaves as typed objects (``WalkEntry`` with its
answers, ``MeasuredLoad`` for clamp readings, ``StoredAssessment`` for the assessment,
``Cart``/``Circuit`` for the walk's finished entries). The school's own carts and
circuits come from visit.json through ``netsurvey.visitschool``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from netsurvey import __version__
from netsurvey.jsontypes import JsonObject, JsonValue
from netsurvey.numbers import finite_float, integer
from netsurvey.power.spec import (
    Cart,
    Circuit,
    LoadSource,
    MeasuredLoad,
    Subject,
    sequencing_of,
)
from netsurvey.power.validate import PowerInputError
from netsurvey.power.walkforms import Answer
from netsurvey.records import (
    Measurement,
    RawRef,
    Visit,
    clean_json,
    clean_metrics,
    iso,
    new_id,
    utc_now,
)

CART_INVENTORY = "cart_inventory"
POWER_READING = "power_reading"
POWER_ASSESSMENT = "power_assessment"
TOOL = "netsurvey power"


def make_record(
    probe: str,
    job_id: str,
    *,
    metrics: Mapping[str, float | None] | None = None,
    details: JsonObject | None = None,
    warnings: Iterable[str] = (),
    raw: tuple[RawRef, ...] = (),
    record_id: str | None = None,
) -> Measurement:
    now = iso(utc_now())
    return Measurement(
        id=record_id or new_id(),
        job_id=job_id,
        probe=probe,
        status="ok",
        started_at=now,
        finished_at=now,
        duration_s=None,
        tool=TOOL,
        tool_version=__version__,
        metrics=clean_metrics(metrics or {}),
        details=clean_json(dict(details or {})),
        warnings=tuple(warnings),
        raw=raw,
    )


@dataclass(frozen=True)
class WalkEntry:
    """The latest state of one entry of the power walk."""

    kind: str  # circuit | cart | room_done | photo
    entry_id: str
    room: str | None
    fields: Mapping[str, Answer]  # the answers so far, by field name
    complete: bool
    measurement_id: str


def walk_entry_record(
    kind: str, entry_id: str, room: str | None, fields: Mapping[str, Answer], *, complete: bool
) -> Measurement:
    return make_record(
        CART_INVENTORY,
        f"power_walk:{kind}:{entry_id}",
        details={
            "kind": kind,
            "id": entry_id,
            "room": room,
            "fields": dict(fields),
            "complete": complete,
        },
    )


def answers_of(value: JsonValue) -> dict[str, Answer]:
    """A walk entry's stored ``fields``: its scalar answers (anything else is dropped)."""
    answers: dict[str, Answer] = {}
    for name, answer in value.items() if isinstance(value, dict) else ():
        if isinstance(answer, bool | list | dict):
            continue  # not an answer the walk's forms give
        if isinstance(answer, str) or answer is None or finite_float(answer) is not None:
            answers[name] = answer
    return answers


def walk_entries(visit: Visit) -> list[WalkEntry]:
    """Latest state per (kind, id), in the order entries were first started."""
    latest: dict[tuple[str, str], WalkEntry] = {}
    for record in visit.by_probe(CART_INVENTORY):
        if record.status != "ok":
            continue
        details = record.details
        kind, entry_id = details.get("kind"), details.get("id")
        if not isinstance(kind, str) or not isinstance(entry_id, str):
            continue
        fields = details.get("fields")
        room = details.get("room")
        latest[(kind, entry_id)] = WalkEntry(
            kind=kind,
            entry_id=entry_id,
            room=room if isinstance(room, str) else None,
            fields=answers_of(fields),
            complete=bool(details.get("complete")),
            measurement_id=record.id,
        )
    return list(latest.values())


def reading_record(load: MeasuredLoad, room: str | None) -> Measurement:
    return make_record(
        POWER_READING,
        f"power_reading:{load.subject}:{load.subject_id}",
        metrics={
            "current_a": load.current_a,
            "power_w": load.power_w,
            "power_factor_ratio": load.power_factor_ratio,
        },
        details={load.subject: load.subject_id, "source": load.source, "room": room},
    )


def clamp_loads(visit: Visit) -> list[MeasuredLoad]:
    """Hand-entered readings (``power_reading`` records) as measured loads."""
    loads = []
    for record in visit.by_probe(POWER_READING):
        if record.status != "ok":
            continue
        details = record.details
        source: LoadSource = "clamp"
        if details.get("source") in ("pdu", "ups"):
            source = "pdu" if details.get("source") == "pdu" else "ups"
        subjects: tuple[Subject, ...] = ("circuit", "cart")
        for subject in subjects:
            subject_id = details.get(subject) or record.params.get(subject)  # older records
            if isinstance(subject_id, str):
                loads.append(
                    MeasuredLoad(
                        subject=subject,
                        subject_id=subject_id,
                        source=source,
                        reference=record.id,
                        current_a=finite_float(record.metrics.get("current_a")),
                        power_w=finite_float(record.metrics.get("power_w")),
                        power_factor_ratio=finite_float(record.metrics.get("power_factor_ratio")),
                        measured_at=record.started_at,
                        measurement_ids=(record.id,),
                    )
                )
                break
    return loads


def assessment_record(
    school_id: str,
    metrics: Mapping[str, float | None],
    details: JsonObject,
    measurement_ids: Iterable[str],
) -> Measurement:
    evidence: list[JsonValue] = [m for m in sorted(set(measurement_ids))]
    return make_record(
        POWER_ASSESSMENT,
        f"power_assessment:{school_id}",
        metrics=metrics,
        details={**details, "evidence": evidence},
    )


@dataclass(frozen=True, slots=True)
class AssessedCircuit:
    """One circuit of a stored assessment: the current it used and where it came from."""

    circuit_id: str
    used_a: float | None
    measured_a: float | None  # a PDU, UPS or clamp reading replaced the estimate
    verdict: str | None


@dataclass(frozen=True, slots=True)
class StoredAssessment:
    """A ``power_assessment`` record read back: the school's verdict and its circuits."""

    measurement_id: str
    verdict: str | None
    circuits: tuple[AssessedCircuit, ...]

    @property
    def measured_circuit_a(self) -> dict[str, float]:
        """Measured rms current by circuit id, for the circuits that had a reading."""
        return {c.circuit_id: c.measured_a for c in self.circuits if c.measured_a is not None}


def _text(value: JsonValue) -> str | None:
    return value if isinstance(value, str) else None


def stored_assessment(record: Measurement) -> StoredAssessment:
    circuits = record.details.get("circuits")
    return StoredAssessment(
        measurement_id=record.id,
        verdict=_text(record.details.get("verdict")),
        circuits=tuple(
            AssessedCircuit(
                circuit_id=str(item["circuit_id"]),
                used_a=finite_float(item.get("used_a")),
                measured_a=finite_float(item.get("measured_a")),
                verdict=_text(item.get("verdict")),
            )
            for item in (circuits if isinstance(circuits, list) else ())
            if isinstance(item, dict) and isinstance(item.get("circuit_id"), str | int)
        ),
    )


def latest_assessment(visit: Visit) -> StoredAssessment | None:
    """The latest ok ``power_assessment`` of a visit, typed."""
    record = visit.latest_ok(POWER_ASSESSMENT)
    return stored_assessment(record) if record is not None else None


def _required(value: float | int | None, name: str) -> float:
    if value is None:
        raise ValueError(f"{name} is missing or not a number")
    return value


def _opt_text(data: Mapping[str, JsonValue], key: str) -> str | None:
    value = data.get(key)
    return None if value is None or value == "" else str(value)


def circuit_from_json(data: Mapping[str, JsonValue], where: str) -> Circuit:
    """A circuit from a finished walk entry (the inventory's keys)."""
    try:
        outlets = data.get("pdu_outlets")
        return Circuit(
            id=str(data["id"]),
            breaker_a=_required(finite_float(data.get("breaker_a")), "breaker_a"),
            curve=str(data.get("curve") or "B").upper(),
            rcd_ma=finite_float(data.get("rcd_ma")) or None,  # 0 in the walk means "no RCD"
            rcd_group=_opt_text(data, "rcd_group"),
            other_loads_w=finite_float(data.get("other_loads_w")),
            sockets=integer(data.get("sockets")),
            room=_opt_text(data, "room"),
            pdu=_opt_text(data, "pdu"),
            pdu_outlets=tuple(str(o) for o in outlets) if isinstance(outlets, list) else (),
        )
    except (KeyError, ValueError) as exc:
        raise PowerInputError(f"{where}: circuit entry is unusable ({exc})") from None


def cart_from_json(data: Mapping[str, JsonValue], where: str) -> Cart:
    """A cart from a finished walk entry (the inventory's keys)."""
    try:
        slots = integer(data.get("slots"))
        return Cart(
            id=str(data["id"]),
            slots=int(_required(slots, "slots")),
            circuit=_opt_text(data, "circuit"),
            room=_opt_text(data, "room"),
            charger_w=finite_float(data.get("charger_w")),
            sequencing=sequencing_of(data.get("sequencing")),
            slots_at_once=integer(data.get("slots_at_once")),
            slot_time_s=finite_float(data.get("slot_time_s")),
            battery_wh=finite_float(data.get("battery_wh")),
        )
    except (KeyError, ValueError) as exc:
        raise PowerInputError(f"{where}: cart entry is unusable ({exc})") from None
