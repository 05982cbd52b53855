"""A visit as the report sees it: built from ``records.read_visit`` (the one reader of
measurements.jsonl), with the school's merged device list (``netsurvey.devices``), so
the report's LAN and PoE tables show the same device facts as the score and
`netsurvey devices`.

A torn last line is skipped and counted, as records.py does; a record that
records.py refuses (newer schema, unknown status) refuses the report too, as it does
`score` and `summary`.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from netsurvey.devices import MergedDevice, merged_devices
from netsurvey.errors import RecordsError
from netsurvey.records import Measurement, Visit, manifest_digest, read_manifest, read_visit

logger = logging.getLogger(__name__)

VISIT_FILE = "visit.json"
MEASUREMENTS_FILE = "measurements.jsonl"


@dataclass(frozen=True)
class RawFile:
    path: str
    sha256: str | None
    size_bytes: int | None


@dataclass(frozen=True)
class Record:
    """One measurements.jsonl line, with only the fields a report needs."""

    id: str
    probe: str
    status: str
    device_id: str | None
    host: str | None
    started_at: str | None
    tool: str | None
    tool_version: str | None
    metrics: Mapping[str, Any]
    details: Mapping[str, Any]
    params: Mapping[str, Any]
    raw: tuple[RawFile, ...]

    def metric(self, name: str) -> float | None:
        value = self.metrics.get(name)
        if isinstance(value, bool) or not isinstance(value, int | float):
            return None
        if value != value:  # NaN
            return None
        return float(value)

    def field(self, name: str) -> Any:
        """A value from params, then details (where survey tools put room, floor, ...)."""
        if name in self.params:
            return self.params[name]
        return self.details.get(name)


@dataclass(frozen=True)
class VisitFiles:
    path: Path
    info: Mapping[str, Any]
    records: tuple[Record, ...]
    manifest_sha256: str | None
    skipped_lines: int
    devices: Mapping[str, MergedDevice] = field(default_factory=dict)
    visit: Visit | None = None  # the visit as records.py read it (read once per report)

    def ok(self, probe: str) -> tuple[Record, ...]:
        return tuple(r for r in self.records if r.probe == probe and r.status == "ok")

    def by_id(self) -> dict[str, Record]:
        return {r.id: r for r in self.records}

    @property
    def school(self) -> Mapping[str, Any]:
        school = self.info.get("school")
        return school if isinstance(school, dict) else {}


def _load_json_object(path: Path) -> dict[str, Any]:
    try:
        text = path.read_bytes().decode("utf-8", errors="replace")
    except OSError as exc:
        raise RecordsError(
            f"{path}: cannot read ({exc.strerror})", hint="is this a visit directory?"
        ) from exc
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise RecordsError(
            f"{path}:{exc.lineno}: not valid JSON ({exc.msg})",
            hint="restore the file from the visit backup",
        ) from exc
    if not isinstance(data, dict):
        raise RecordsError(f"{path}: expected a JSON object", hint="restore it from the backup")
    return data


def _as_str(value: Any) -> str | None:
    if value is None:
        return None
    return value if isinstance(value, str) else str(value)


def _record(measurement: Measurement) -> Record:
    target = measurement.target
    return Record(
        id=measurement.id,
        probe=measurement.probe,
        status=measurement.status,
        device_id=_as_str(target.get("device_id")),
        host=_as_str(target.get("host")),
        started_at=measurement.started_at,
        tool=_as_str(measurement.tool),
        tool_version=_as_str(measurement.tool_version),
        metrics=measurement.metrics,
        details=measurement.details,
        params=measurement.params,
        raw=tuple(RawFile(r.path, r.sha256, r.bytes) for r in measurement.raw),
    )


def read_visit_info(visit_dir: Path) -> dict[str, Any]:
    """Only visit.json (cheap: for naming outputs before the real work)."""
    return _load_json_object(Path(visit_dir) / VISIT_FILE)


def manifest_sha256(visit_dir: Path) -> str | None:
    """The visit's manifest digest as ``records.manifest_digest`` defines it (None: no manifest)."""
    try:
        manifest = read_manifest(visit_dir)
    except RecordsError as exc:
        logger.warning("%s", exc.one_line())
        return None
    return None if manifest is None else manifest_digest(manifest)


def visit_files(visit: Visit) -> VisitFiles:
    """The report's view of a visit already read (and checked) through records.py."""
    return VisitFiles(
        path=visit.directory.resolve(),
        info=dict(visit.info.data),
        records=tuple(_record(m) for m in visit.measurements),
        manifest_sha256=manifest_sha256(visit.directory),
        skipped_lines=len(visit.skipped_lines),
        devices=merged_devices(visit),
        visit=visit,
    )


def read_visit_files(visit_dir: Path) -> VisitFiles:
    """Read one visit directory; raises RecordsError when it cannot be read."""
    visit_dir = Path(visit_dir)
    if not visit_dir.is_dir():
        raise RecordsError(
            f"{visit_dir}: not a directory", hint="give the visit directory that holds visit.json"
        )
    return visit_files(read_visit(visit_dir))


def find_visit_dirs(root: Path) -> list[Path]:
    """``root`` itself when it holds visit.json, else every visit directory below it."""
    root = Path(root)
    if (root / VISIT_FILE).is_file():
        return [root]
    if not root.is_dir():
        raise RecordsError(
            f"{root}: not a directory", hint="give a visit directory or a folder of visits"
        )
    return sorted(p.parent for p in root.rglob(VISIT_FILE) if p.is_file())
