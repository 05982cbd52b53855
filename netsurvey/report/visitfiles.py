"""Read a visit directory for reporting: visit.json, measurements.jsonl, manifest.json.

Tolerant by design: a report must still come out of a visit with a torn last line, a
failed probe or invalid UTF-8 in a device name. Lines that are not JSON objects are
counted and skipped. Strings are decoded with replacement characters, never raised on.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from netsurvey.errors import RecordsError
from netsurvey.records import manifest_digest, read_manifest

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


def _as_mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, dict) else {}


def _raw_files(value: Any) -> tuple[RawFile, ...]:
    if not isinstance(value, list):
        return ()
    files = []
    for item in value:
        if isinstance(item, dict) and item.get("path"):
            size = item.get("bytes")
            files.append(
                RawFile(
                    path=str(item["path"]),
                    sha256=_as_str(item.get("sha256")),
                    size_bytes=size if isinstance(size, int) else None,
                )
            )
    return tuple(files)


def _record(data: dict[str, Any]) -> Record | None:
    record_id = data.get("id")
    probe = data.get("probe")
    if not isinstance(record_id, str) or not isinstance(probe, str):
        return None
    target = _as_mapping(data.get("target"))
    return Record(
        id=record_id,
        probe=probe,
        status=str(data.get("status") or "unknown"),
        device_id=_as_str(target.get("device_id")),
        host=_as_str(target.get("host")),
        started_at=_as_str(data.get("started_at")),
        tool=_as_str(data.get("tool")),
        tool_version=_as_str(data.get("tool_version")),
        metrics=_as_mapping(data.get("metrics")),
        details=_as_mapping(data.get("details")),
        params=_as_mapping(data.get("params")),
        raw=_raw_files(data.get("raw")),
    )


def _read_records(path: Path) -> tuple[tuple[Record, ...], int]:
    if not path.is_file():
        return (), 0
    records: list[Record] = []
    skipped = 0
    for line in path.read_bytes().decode("utf-8", errors="replace").splitlines():
        if not line.strip():
            continue
        try:
            data = json.loads(line)
        except json.JSONDecodeError:
            skipped += 1
            continue
        record = _record(data) if isinstance(data, dict) else None
        if record is None:
            skipped += 1
        else:
            records.append(record)
    if skipped:
        logger.warning("%s: skipped %d unreadable line(s)", path, skipped)
    return tuple(records), skipped


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


def read_visit_files(visit_dir: Path) -> VisitFiles:
    """Read one visit directory; raises RecordsError when visit.json is missing or broken."""
    visit_dir = Path(visit_dir)
    if not visit_dir.is_dir():
        raise RecordsError(
            f"{visit_dir}: not a directory", hint="give the visit directory that holds visit.json"
        )
    info = _load_json_object(visit_dir / VISIT_FILE)
    records, skipped = _read_records(visit_dir / MEASUREMENTS_FILE)
    return VisitFiles(
        path=visit_dir.resolve(),
        info=info,
        records=records,
        manifest_sha256=manifest_sha256(visit_dir),
        skipped_lines=skipped,
    )


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
