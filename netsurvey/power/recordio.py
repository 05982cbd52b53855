"""Power records in a visit: walk entries, clamp readings and the assessment.

* ``cart_inventory``: one record per answer in the power walk, holding the
  entry's fields so far (``details.complete`` marks a finished entry); the latest
  record per entry wins, so a resumed walk continues where it stopped. Kinds:
  ``circuit``, ``cart``, ``room_done``, ``photo`` (the photo in ``raw``).
* ``power_reading``: metrics ``current_a``, ``power_w``, ``power_factor_ratio``;
  details ``circuit`` or ``cart``, ``source`` (``clamp``).
* ``power_assessment``: metrics per school, details = the assessment's JSON.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, cast

from netsurvey import __version__
from netsurvey.power.spec import LoadSource, MeasuredLoad, Subject
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
    details: Mapping[str, Any] | None = None,
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
        details=cast(Mapping[str, Any], clean_json(dict(details or {}))),
        warnings=tuple(warnings),
        raw=raw,
    )


@dataclass(frozen=True)
class WalkEntry:
    """The latest state of one entry of the power walk."""

    kind: str  # circuit | cart | room_done | photo
    entry_id: str
    room: str | None
    fields: Mapping[str, Any]
    complete: bool
    measurement_id: str


def walk_entry_record(
    kind: str, entry_id: str, room: str | None, fields: Mapping[str, Any], *, complete: bool
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
            fields=dict(fields) if isinstance(fields, dict) else {},
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


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


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
            subject_id = details.get(subject)
            if isinstance(subject_id, str):
                loads.append(
                    MeasuredLoad(
                        subject=subject,
                        subject_id=subject_id,
                        source=source,
                        reference=record.id,
                        current_a=_number(record.metrics.get("current_a")),
                        power_w=_number(record.metrics.get("power_w")),
                        power_factor_ratio=_number(record.metrics.get("power_factor_ratio")),
                        measured_at=record.started_at,
                        measurement_ids=(record.id,),
                    )
                )
                break
    return loads


def assessment_record(
    school_id: str,
    metrics: Mapping[str, float | None],
    details: Mapping[str, Any],
    measurement_ids: Iterable[str],
) -> Measurement:
    return make_record(
        POWER_ASSESSMENT,
        f"power_assessment:{school_id}",
        metrics=metrics,
        details={**details, "evidence": sorted(set(measurement_ids))},
    )
