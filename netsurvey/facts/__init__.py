"""The facts of one visit: read once, typed end to end, shared by every consumer.

``load_facts(visit)`` turns a visit that ``records.read_visit`` read (the only reader of
measurements.jsonl) and ``integrity.open_visit`` checked into ``VisitFacts``:

* ``school`` – the inventory's ``School``, as visit.json recorded it;
* ``devices`` – SNMP and SSH views merged per device (``netsurvey.devices``), each
  with the measurement ids behind it;
* ``survey`` – the Wi-Fi survey: current points with typed BSSs, skipped rooms, APs
  (``netsurvey.wifi.store``; one serving-AP rule in ``netsurvey.wifi.serving``);
* ``speed_tests``, ``latency_runs``, ``lan_tests`` – WAN and LAN measurements;
* ``power_readings``, ``power_walk``, ``cart_assessment`` – clamp/PDU/UPS readings, the
  power walk's circuits and carts, the latest charging-cart assessment;
* ``class_tests`` – the whole-class test records (``netsurvey.classtest``);
* ``missing`` – what the visit does not tell, and why (failed, partial or skipped
  records; inventory devices nothing read).

The scorer (``scoring/from_visit.py``), the report (``report/visitfiles.py`` and the
sections built from it), the Wi-Fi analysis and the power model read these facts, so a
figure is read one way only.

Errors: reading raises ``netsurvey.errors.RecordsError`` (a ``NetsurveyError``) when
visit.json has no school; everything else that is unusable becomes a ``MissingFact``.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from pathlib import Path

from netsurvey.devices import MergedDevice, merged_devices
from netsurvey.facts._bandwidth import (
    LanTest,
    LatencyRun,
    SpeedTest,
    lan_test,
    latency_run,
    speed_test,
)
from netsurvey.inventory import School
from netsurvey.power.recordio import (
    StoredAssessment,
    WalkEntry,
    clamp_loads,
    latest_assessment,
    walk_entries,
)
from netsurvey.power.spec import MeasuredLoad
from netsurvey.records import VISIT_FILE, Measurement, Visit
from netsurvey.visitschool import school_from_json
from netsurvey.wifi.store import VisitSurvey, survey_of_visit

__all__ = [
    "LanTest",
    "LatencyRun",
    "MissingFact",
    "SpeedTest",
    "VisitFacts",
    "load_facts",
]

@dataclass(frozen=True, slots=True)
class MissingFact:
    """Something the visit does not tell: about what, from which probe, and why."""

    subject: str  # a device id, a room, a probe target
    probe: str | None
    reason: str
    measurement_id: str | None = None


@dataclass(frozen=True)
class VisitFacts:
    directory: Path
    visit: Visit  # the records as read: the evidence appendix cites them
    school: School
    devices: Mapping[str, MergedDevice]
    survey: VisitSurvey
    speed_tests: tuple[SpeedTest, ...]
    latency_runs: tuple[LatencyRun, ...]
    lan_tests: tuple[LanTest, ...]
    power_readings: tuple[MeasuredLoad, ...]  # clamp / PDU / UPS readings typed in by hand
    power_walk: tuple[WalkEntry, ...]  # circuits and carts found on the power walk
    cart_assessment: StoredAssessment | None
    class_tests: tuple[Measurement, ...]
    skip_reasons: Mapping[str, str]  # room -> why the technician skipped it
    missing: tuple[MissingFact, ...]

    def measurement(self, measurement_id: str) -> Measurement | None:
        return next((m for m in self.visit.measurements if m.id == measurement_id), None)


def load_facts(visit: Visit) -> VisitFacts:
    """The facts of a visit already read (and checked) through ``records.read_visit``."""
    school = school_from_json(visit.info.data.get("school"), str(visit.directory / VISIT_FILE))
    devices = merged_devices(visit)
    survey = survey_of_visit(visit, school_model=school, devices=devices)
    ok = [m for m in visit.measurements if m.status == "ok"]
    return VisitFacts(
        directory=visit.directory,
        visit=visit,
        school=school,
        devices=devices,
        survey=survey,
        speed_tests=tuple(speed_test(m) for m in ok if m.probe == "speedtest"),
        latency_runs=tuple(latency_run(m) for m in ok if m.probe == "latency"),
        lan_tests=tuple(lan_test(m) for m in ok if m.probe == "iperf3"),
        power_readings=tuple(clamp_loads(visit)),
        power_walk=tuple(walk_entries(visit)),
        cart_assessment=latest_assessment(visit),
        class_tests=tuple(m for m in ok if m.probe == "class_test"),
        skip_reasons=_skip_reasons(visit, survey.skipped_rooms),
        missing=_missing(visit, school, devices, survey.skipped_rooms),
    )


def _skip_reasons(visit: Visit, skipped_rooms: Collection[str]) -> dict[str, str]:
    """Rooms still skipped in the Wi-Fi walk (not measured after all) with the reason
    given; the last reason counts. A skip without a reason has no entry: the coverage
    rule counts a room as skipped only with a reason."""
    reasons: dict[str, str] = {}
    for record in visit.measurements:
        room = record.details.get("room")
        reason = record.details.get("skipped")
        if record.probe != "wifi_point" or record.status != "skipped" or room not in skipped_rooms:
            continue
        if isinstance(reason, str) and reason.strip():
            reasons[str(room)] = reason.strip()
    return reasons


def _missing(
    visit: Visit,
    school: School,
    devices: Mapping[str, MergedDevice],
    skipped_rooms: Collection[str],
) -> tuple[MissingFact, ...]:
    found: list[MissingFact] = []
    for record in visit.measurements:
        subject = record.device_id or str(record.target.get("host") or record.probe)
        if record.status in ("failed", "invalid"):
            why = (record.error or {}).get("message") or record.status
            found.append(MissingFact(subject, record.probe, why, record.id))
        elif record.status == "skipped":
            reason = record.details.get("skipped")
            room = record.details.get("room")
            if record.probe == "wifi_point" and room not in skipped_rooms:
                continue  # measured after all
            found.append(
                MissingFact(
                    str(room) if room else subject,
                    record.probe,
                    str(reason) if reason else "skipped",
                    record.id,
                )
            )
        elif record.details.get("partial") is True:
            why = "; ".join(record.warnings) or "partly read"
            found.append(MissingFact(subject, record.probe, why, record.id))
    for device in school.devices:
        unread = (device.snmp or device.ssh) is not None and device.id not in devices
        if unread and not any(f.subject == device.id for f in found):
            found.append(MissingFact(device.id, None, "no SNMP or SSH reading"))
    return tuple(found)
