"""A visit as the report sees it: the visit's facts (``netsurvey.facts``, built from
``records.read_visit``, the one reader of measurements.jsonl) plus what only a report
needs: the manifest digest and the records cited in the evidence appendix.

A torn last line is skipped and counted, as records.py does; a record that records.py
refuses (newer schema, unknown status) refuses the report too, as it does `score` and
`summary`.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from netsurvey.devices import MergedDevice
from netsurvey.errors import RecordsError
from netsurvey.facts import VisitFacts, load_facts
from netsurvey.inventory import School
from netsurvey.jsontypes import JsonObject
from netsurvey.records import (
    Measurement,
    Visit,
    VisitInfo,
    manifest_digest,
    read_manifest,
    read_visit,
)

logger = logging.getLogger(__name__)

VISIT_FILE = "visit.json"


@dataclass(frozen=True)
class RawFile:
    path: str
    sha256: str | None


@dataclass(frozen=True)
class Record:
    """One record as the evidence appendix cites it."""

    id: str
    probe: str
    started_at: str | None
    tool: str | None
    tool_version: str | None
    raw: tuple[RawFile, ...]


@dataclass(frozen=True)
class VisitFiles:
    path: Path
    facts: VisitFacts
    records: tuple[Record, ...]
    manifest_sha256: str | None
    skipped_lines: int

    @property
    def info(self) -> VisitInfo:
        return self.facts.visit.info

    @property
    def school(self) -> School:
        return self.facts.school

    @property
    def devices(self) -> Mapping[str, MergedDevice]:
        return self.facts.devices

    @property
    def visit(self) -> Visit:
        return self.facts.visit

    def by_id(self) -> dict[str, Record]:
        return {r.id: r for r in self.records}


def _load_json_object(path: Path) -> JsonObject:
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


def _record(measurement: Measurement) -> Record:
    return Record(
        id=measurement.id,
        probe=measurement.probe,
        started_at=measurement.started_at,
        tool=None if measurement.tool is None else str(measurement.tool),
        tool_version=None if measurement.tool_version is None else str(measurement.tool_version),
        raw=tuple(RawFile(r.path, r.sha256) for r in measurement.raw),
    )


def read_visit_school_id(visit_dir: Path) -> str | None:
    """Only visit.json's school id (cheap: for naming outputs before the real work)."""
    school_id = _load_json_object(Path(visit_dir) / VISIT_FILE).get("school_id")
    return school_id if isinstance(school_id, str) else None


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
        facts=load_facts(visit),
        records=tuple(_record(m) for m in visit.measurements),
        manifest_sha256=manifest_sha256(visit.directory),
        skipped_lines=len(visit.skipped_lines),
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
