"""Reading a visit's Wi-Fi survey back: school, current points, skipped rooms, APs."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from netsurvey.devices import MergedDevice, merged_devices
from netsurvey.inventory import School
from netsurvey.records import VISIT_FILE, Measurement, Visit, read_visit
from netsurvey.visitschool import school_from_json
from netsurvey.wifi.aps import ApIndex
from netsurvey.wifi.points import POINT_PROBE, WITHDRAWS, SurveyPoint
from netsurvey.wifi.school import SurveySchool


@dataclass(frozen=True)
class VisitSurvey:
    directory: Path
    visit_id: str
    school: SurveySchool
    points: tuple[SurveyPoint, ...]  # current ones: repeated points replaced, failed kept
    skipped_rooms: frozenset[str]
    aps: ApIndex

    def points_in(self, room: str) -> list[SurveyPoint]:
        return [p for p in self.points if p.room == room]

    def ok_points_in(self, room: str) -> list[SurveyPoint]:
        return [p for p in self.points if p.room == room and p.status == "ok"]


def is_withdrawal(record: Measurement) -> bool:
    """An undo: a ``wifi_point`` record that only withdraws an earlier point."""
    return record.probe == POINT_PROBE and bool(record.details.get(WITHDRAWS))


def superseded_ids(measurements: Iterable[Measurement]) -> set[str]:
    """Ids of points that a later record repeats (``replaces``) or undoes (``withdraws``)."""
    gone: set[str] = set()
    for record in measurements:
        if record.probe != POINT_PROBE:
            continue
        for key in ("replaces", WITHDRAWS):
            if record.details.get(key):
                gone.add(str(record.details[key]))
    return gone


def current_point_records(measurements: tuple[Measurement, ...]) -> list[Measurement]:
    """The ``wifi_point`` records that are survey points now: not skips, not undo
    records, not repeated or undone later. Every consumer (rooms, heatmaps, the scorer,
    the field companion) reads points through this, so an undo counts everywhere."""
    gone = superseded_ids(measurements)
    return [
        m
        for m in measurements
        if m.probe == POINT_PROBE
        and m.status != "skipped"
        and not is_withdrawal(m)
        and m.id not in gone
    ]


def current_points(measurements: tuple[Measurement, ...]) -> tuple[list[SurveyPoint], set[str]]:
    current = {m.id for m in current_point_records(measurements)}
    skipped: set[str] = set()
    points: list[SurveyPoint] = []
    for record in measurements:
        if record.probe != POINT_PROBE or is_withdrawal(record):
            continue
        room = str(record.details.get("room", ""))
        if record.status == "skipped":
            skipped.add(room)
            continue
        skipped.discard(room)  # measured after all
        if record.id in current:
            points.append(SurveyPoint.from_record(record))
    return points, skipped


def load_survey(directory: Path | str, extra_aps: ApIndex | None = None) -> VisitSurvey:
    return survey_of_visit(read_visit(directory), extra_aps)


def survey_of_visit(
    visit: Visit,
    extra_aps: ApIndex | None = None,
    school_model: School | None = None,
    devices: Mapping[str, MergedDevice] | None = None,
) -> VisitSurvey:
    """The Wi-Fi survey of a visit already read (the report reads a visit only once);
    ``school_model`` and ``devices`` are the visit's school and merged devices when the
    caller (``netsurvey.facts``) has read them already."""
    if school_model is None:
        school_model = school_from_json(visit.info.data.get("school"), _where(visit))
    school = SurveySchool.of(school_model)
    points, skipped = current_points(visit.measurements)
    merged = devices if devices is not None else merged_devices(visit)
    aps = ApIndex.from_devices(
        {device_id: m.device for device_id, m in merged.items()}, school.device_rooms
    )
    if extra_aps is not None:
        aps = aps.merged(extra_aps)
    return VisitSurvey(
        directory=visit.directory,
        visit_id=visit.info.visit_id,
        school=school,
        points=tuple(points),
        skipped_rooms=frozenset(skipped),
        aps=aps,
    )


def _where(visit: Visit) -> str:
    return str(visit.directory / VISIT_FILE)
