"""Visit directories: the immutable evidence of one school visit.

    visits/<school>/<visit_id>/
        visit.json          provenance (operator, laptop, versions, inventory hash, school)
        measurements.jsonl  one record per line, append-only, fsync after every line
        raw/                raw tool output per record, secrets redacted, sha256 in the record
        manifest.json       sha256 of every file (written by `verify --update` / end of survey)

Readers skip a torn last line (power cut, kill -9) with a warning, refuse files
written by a newer schema, and migrate older ones.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import hashlib
import json
import logging
import os
import re
import secrets
import socket
import sys
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from netsurvey import __version__
from netsurvey.errors import IntegrityError, RecordsError, SchemaVersionError
from probes.base import STATUSES, JSONValue, RawArtifact, Status

log = logging.getLogger(__name__)

SCHEMA_VERSION = 1
VISIT_FILE = "visit.json"
MEASUREMENTS_FILE = "measurements.jsonl"
MANIFEST_FILE = "manifest.json"
SEAL_LOCK_FILE = ".seal.lock"  # hidden: never part of the manifest
RAW_DIR = "raw"
REDACTED = "«redacted»"


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def iso(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).isoformat()


def new_id(prefix: str = "m") -> str:
    """Sortable, unique id: UTC time to the microsecond plus 32 random bits."""
    stamp = utc_now().strftime("%Y%m%dT%H%M%S%f")
    return f"{prefix}-{stamp}-{secrets.token_hex(4)}"


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def redact(data: bytes, secret_values: Iterable[str]) -> bytes:
    for value in secret_values:
        if value and len(value) >= 1:
            data = data.replace(value.encode("utf-8"), REDACTED.encode("utf-8"))
    return data


# ---------------------------------------------------------------------- records


@dataclass(frozen=True)
class RawRef:
    path: str  # relative to the visit directory
    sha256: str
    bytes: int
    media_type: str = "text/plain"


@dataclass(frozen=True)
class Measurement:
    id: str
    job_id: str
    probe: str
    status: Status
    started_at: str
    finished_at: str
    duration_s: float | None
    target: Mapping[str, JSONValue] = field(default_factory=dict)
    params: Mapping[str, str] = field(default_factory=dict)
    tool: str | None = None
    tool_version: str | None = None
    metrics: Mapping[str, float | None] = field(default_factory=dict)
    details: Mapping[str, JSONValue] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()
    error: Mapping[str, str] | None = None
    raw: tuple[RawRef, ...] = ()
    schema_version: int = SCHEMA_VERSION

    @property
    def device_id(self) -> str | None:
        value = self.target.get("device_id")
        return value if isinstance(value, str) else None

    def to_json(self) -> dict[str, Any]:
        return {
            "schema_version": self.schema_version,
            "id": self.id,
            "job_id": self.job_id,
            "probe": self.probe,
            "target": dict(self.target),
            "params": dict(self.params),
            "status": self.status,
            "started_at": self.started_at,
            "finished_at": self.finished_at,
            "duration_s": self.duration_s,
            "tool": self.tool,
            "tool_version": self.tool_version,
            "metrics": dict(self.metrics),
            "details": dict(self.details),
            "warnings": list(self.warnings),
            "error": dict(self.error) if self.error else None,
            "raw": [
                {"path": r.path, "sha256": r.sha256, "bytes": r.bytes, "media_type": r.media_type}
                for r in self.raw
            ],
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any], where: str) -> Measurement:
        version = data.get("schema_version")
        if not isinstance(version, int):
            raise RecordsError(f"{where}: record has no schema_version")
        if version > SCHEMA_VERSION:
            raise SchemaVersionError(
                f"{where}: written by a newer netsurvey (schema {version}, this one reads up to {SCHEMA_VERSION})",
                hint="upgrade netsurvey to read this visit",
            )
        data = _migrate_measurement(dict(data), version)
        status = data.get("status")
        if status not in STATUSES:
            raise RecordsError(f"{where}: unknown status {status!r}")
        try:
            return cls(
                id=str(data["id"]),
                job_id=str(data.get("job_id") or data["id"]),
                probe=str(data["probe"]),
                status=status,
                started_at=str(data["started_at"]),
                finished_at=str(data.get("finished_at") or data["started_at"]),
                duration_s=data.get("duration_s"),
                target=dict(data.get("target") or {}),
                params={str(k): str(v) for k, v in (data.get("params") or {}).items()},
                tool=data.get("tool"),
                tool_version=data.get("tool_version"),
                metrics=dict(data.get("metrics") or {}),
                details=dict(data.get("details") or {}),
                warnings=tuple(str(w) for w in data.get("warnings") or ()),
                error=dict(data["error"]) if data.get("error") else None,
                raw=tuple(
                    RawRef(
                        path=str(r["path"]),
                        sha256=str(r["sha256"]),
                        bytes=int(r.get("bytes", 0)),
                        media_type=str(r.get("media_type", "text/plain")),
                    )
                    for r in data.get("raw") or ()
                ),
                schema_version=SCHEMA_VERSION,
            )
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise RecordsError(
                f"{where}: malformed record ({exc.__class__.__name__}: {exc})"
            ) from None


def _migrate_measurement(data: dict[str, Any], version: int) -> dict[str, Any]:
    """Bring an older record up to SCHEMA_VERSION (no older versions exist yet)."""
    return data


# ---------------------------------------------------------------------- visit info


@dataclass(frozen=True)
class VisitInfo:
    visit_id: str
    school_id: str
    started_at: str
    operator: str | None
    data: Mapping[str, Any]  # the whole visit.json

    @property
    def school(self) -> Mapping[str, Any]:
        school = self.data.get("school")
        return school if isinstance(school, dict) else {}

    def texts(self, key: str) -> dict[str, str]:
        """A visit.json object of short facts (``tools``, ``laptop``, ``interface``,
        ``inventory``) as text; null is "", values that are not scalars are left out."""
        section = self.data.get(key)
        if not isinstance(section, dict):
            return {}
        return {
            str(name): "" if value is None else str(value)
            for name, value in section.items()
            if value is None or (isinstance(value, str | int | float) and not isinstance(value, bool))
        }

    def text(self, key: str) -> str | None:
        value = self.data.get(key)
        return value if isinstance(value, str) else None


def laptop_facts() -> dict[str, str]:
    import platform

    return {
        "host": socket.gethostname(),
        "os": f"{platform.system()} {platform.release()}",
        "python": sys.version.split()[0],
    }


def create_visit(
    visits_root: Path,
    *,
    school_id: str,
    school_json: Mapping[str, Any],
    inventory_path: str,
    inventory_sha256: str,
    operator: str | None,
    tools: Mapping[str, str | None] | None = None,
    interface: Mapping[str, Any] | None = None,
    lab: Mapping[str, Any] | None = None,
    visit_id: str | None = None,
) -> Path:
    """Create ``visits_root/<school>/<visit_id>/`` with its visit.json."""
    started = utc_now()
    visit_id = visit_id or started.strftime("%Y%m%dT%H%M%SZ")
    directory = visits_root / school_id / visit_id
    try:
        (directory / RAW_DIR).mkdir(parents=True, exist_ok=False)
    except FileExistsError:
        raise RecordsError(
            f"{directory}: a visit with this id already exists", hint="use --resume to continue it"
        ) from None
    except OSError as exc:
        raise RecordsError(f"{directory}: cannot create ({exc.strerror})") from None
    info = {
        "schema_version": SCHEMA_VERSION,
        "visit_id": visit_id,
        "school_id": school_id,
        "started_at": iso(started),
        "operator": operator,
        "laptop": laptop_facts(),
        "netsurvey_version": __version__,
        "inventory": {"path": inventory_path, "sha256": inventory_sha256},
        "school": dict(school_json),
        "tools": dict(tools or {}),
        "interface": dict(interface or {}),
        "lab": dict(lab) if lab else None,
    }
    _atomic_write(directory / VISIT_FILE, json.dumps(info, indent=2, ensure_ascii=False).encode())
    (directory / MEASUREMENTS_FILE).touch()
    return directory


def update_visit_info(directory: Path, **changes: Any) -> None:
    """Merge keys into visit.json atomically (e.g. tool versions learnt during the run)."""
    path = directory / VISIT_FILE
    data = _read_json(path)
    for key, value in changes.items():
        if isinstance(value, dict) and isinstance(data.get(key), dict):
            data[key] = {**data[key], **value}
        else:
            data[key] = value
    _atomic_write(path, json.dumps(data, indent=2, ensure_ascii=False).encode())


def _atomic_write(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with tmp.open("wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    tmp.replace(path)
    _fsync_dir(path.parent)


def _fsync_dir(directory: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _read_json(path: Path) -> dict[str, Any]:
    if path.is_symlink():
        raise RecordsError(
            f"{path}: is a symbolic link, not the visit's own file",
            hint="copy the visit with its real files (cp -a / rsync without -L)",
        )
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise RecordsError(f"{path}: not found", hint="is this a visit directory?") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise RecordsError(f"{path}: unreadable ({exc})") from None
    if not isinstance(data, dict):
        raise RecordsError(f"{path}: expected a JSON object")
    return data


# ---------------------------------------------------------------------- writing


class VisitWriter:
    """Appends records to a visit. Every line is flushed and fsynced before
    ``append`` returns, so a finished record survives kill -9 and power loss."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        if not (directory / VISIT_FILE).is_file():
            raise RecordsError(
                f"{directory}: no {VISIT_FILE}", hint="create the visit with `netsurvey survey`"
            )
        (directory / RAW_DIR).mkdir(exist_ok=True)
        self._repair_torn_tail()

    @classmethod
    def open(cls, directory: Path | str) -> VisitWriter:
        return cls(Path(directory))

    def _repair_torn_tail(self) -> None:
        """A torn last line (no newline) would glue onto the next record: end it."""
        path = self.directory / MEASUREMENTS_FILE
        if not path.exists():
            return
        with path.open("rb+") as handle:
            handle.seek(0, os.SEEK_END)
            if handle.tell() == 0:
                return
            handle.seek(-1, os.SEEK_END)
            if handle.read(1) != b"\n":
                log.warning(
                    "%s: last line was torn (interrupted write); it is kept but skipped", path
                )
                handle.write(b"\n")
                handle.flush()
                os.fsync(handle.fileno())

    def write_raw(
        self,
        measurement_id: str,
        artifacts: Sequence[RawArtifact],
        secret_values: Iterable[str] = (),
    ) -> tuple[RawRef, ...]:
        refs = []
        secret_list = [s for s in secret_values if s]
        for index, artifact in enumerate(artifacts):
            name = _safe_name(artifact.name) or f"artifact-{index}"
            relative = f"{RAW_DIR}/{measurement_id}-{name}"
            data = redact(artifact.data, secret_list)
            path = self.directory / relative
            # Written under a hidden name and renamed: a seal running meanwhile (another
            # tab, the class test) sees the file whole or not at all, never half-written.
            partial = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
            with partial.open("wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            partial.replace(path)
            refs.append(RawRef(relative, sha256_bytes(data), len(data), artifact.media_type))
        _fsync_dir(self.directory / RAW_DIR)
        return tuple(refs)

    def attach_file(
        self, measurement_id: str, source: Path, media_type: str = "application/octet-stream"
    ) -> RawRef:
        """Copy an evidence file (a photo of a breaker label, a floor plan) into raw/."""
        try:
            data = source.read_bytes()
        except OSError as exc:
            raise RecordsError(f"{source}: cannot read ({exc.strerror})") from None
        (ref,) = self.write_raw(measurement_id, [RawArtifact(source.name, data, media_type)])
        return ref

    def seal(self) -> str:
        """Rewrite manifest.json over every file in the visit; returns its digest.
        Call it when a command has finished appending (survey, wifi point, power walk).

        Sealing never launders a change made outside netsurvey: every file the previous
        manifest lists must be unchanged, except measurements.jsonl, which may only have
        grown (its sealed bytes are still its beginning). Otherwise the old manifest stays
        and ``IntegrityError`` names the file; the records just appended are kept."""
        with (self.directory / SEAL_LOCK_FILE).open("a") as lock:
            fcntl.flock(lock.fileno(), fcntl.LOCK_EX)  # one seal at a time (tabs, class test)
            previous = read_manifest(self.directory)
            if previous is not None:
                problem = _changed_since(self.directory, previous)
                if problem is not None:
                    raise IntegrityError(
                        f"{self.directory}: not sealed again: {problem} since the last seal",
                        hint="the new records are saved; `netsurvey verify` shows what "
                        "changed outside netsurvey",
                    )
            return write_manifest(self.directory)

    def append(self, measurement: Measurement) -> None:
        line = json.dumps(measurement.to_json(), ensure_ascii=False, allow_nan=False, default=str)
        with (self.directory / MEASUREMENTS_FILE).open("ab") as handle:
            handle.write(line.encode("utf-8", errors="replace") + b"\n")
            handle.flush()
            os.fsync(handle.fileno())


def _safe_name(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", name)[:80].strip("._")


def clean_metrics(metrics: Mapping[str, float | None]) -> dict[str, float | None]:
    """JSON has no NaN: missing values are stored as null."""
    cleaned: dict[str, float | None] = {}
    for key, value in metrics.items():
        if value is None:
            cleaned[key] = None
            continue
        number = float(value)
        cleaned[key] = (
            None if number != number or number in (float("inf"), float("-inf")) else number
        )
    return cleaned


def clean_json(value: Any) -> Any:
    """Replace NaN/inf anywhere in a JSON-like value with None."""
    if isinstance(value, float):
        return None if value != value or value in (float("inf"), float("-inf")) else value
    if isinstance(value, str):  # a lone surrogate (JSON allows it) cannot be written as UTF-8
        return value.encode("utf-8", errors="replace").decode("utf-8")
    if isinstance(value, dict):
        return {clean_json(str(k)): clean_json(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [clean_json(v) for v in value]
    return value


# ---------------------------------------------------------------------- reading


@dataclass(frozen=True)
class Visit:
    directory: Path
    info: VisitInfo
    measurements: tuple[Measurement, ...]
    skipped_lines: tuple[str, ...] = ()  # warnings about torn or unreadable lines

    def by_probe(self, probe: str) -> list[Measurement]:
        return [m for m in self.measurements if m.probe == probe]

    def latest_ok(self, probe: str, device_id: str | None = None) -> Measurement | None:
        for measurement in reversed(self.measurements):
            if (
                measurement.probe == probe
                and measurement.status == "ok"
                and (device_id is None or measurement.device_id == device_id)
            ):
                return measurement
        return None

    def ok_job_ids(self) -> set[str]:
        return {m.job_id for m in self.measurements if m.status == "ok"}


def _shared_strings(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """A JSON object whose keys and short values are shared between records: a long
    visit repeats them hundreds of thousands of times (a 200 MB visit then needs about
    a third of the memory)."""
    return {
        sys.intern(key): sys.intern(value) if type(value) is str and len(value) < 24 else value
        for key, value in pairs
    }


def iter_measurements(path: Path) -> Iterator[Measurement | str]:
    """Yield records, or a warning string for a line that cannot be used. The file is
    read as a stream (a long visit can hold hundreds of megabytes); a symbolic link is
    refused, never followed."""
    if path.is_symlink():
        raise RecordsError(
            f"{path}: is a symbolic link, not the visit's own records",
            hint="copy the visit with its real files (cp -a / rsync without -L)",
        )
    try:
        handle = path.open("rb")
    except FileNotFoundError:
        return
    except OSError as exc:
        raise RecordsError(f"{path}: cannot read ({exc.strerror})") from None
    with handle:
        lines = enumerate(handle, start=1)
        current = next(lines, None)
        while current is not None:
            following = next(lines, None)
            number, line = current
            current = following
            if not line.strip():
                continue
            where = f"{path}:{number}"
            try:
                data = json.loads(
                    line.decode("utf-8", errors="replace"),  # keep what is readable
                    object_pairs_hook=_shared_strings,
                )
            except (UnicodeDecodeError, json.JSONDecodeError):
                torn = following is None  # the last line: an interrupted write
                kind = "torn last line (interrupted write)" if torn else "unreadable line"
                yield f"{where}: {kind}, skipped"
                continue
            if not isinstance(data, dict):
                yield f"{where}: not a JSON object, skipped"
                continue
            yield Measurement.from_json(data, where)


def read_visit(directory: Path | str) -> Visit:
    directory = Path(directory)
    data = _read_json(directory / VISIT_FILE)
    version = data.get("schema_version")
    if not isinstance(version, int):
        raise RecordsError(f"{directory / VISIT_FILE}: no schema_version")
    if version > SCHEMA_VERSION:
        raise SchemaVersionError(
            f"{directory / VISIT_FILE}: written by a newer netsurvey (schema {version})",
            hint="upgrade netsurvey to read this visit",
        )
    info = VisitInfo(
        visit_id=str(data.get("visit_id", directory.name)),
        school_id=str(data.get("school_id", directory.parent.name)),
        started_at=str(data.get("started_at", "")),
        operator=data.get("operator"),
        data=data,
    )
    measurements: list[Measurement] = []
    skipped: list[str] = []
    for item in iter_measurements(directory / MEASUREMENTS_FILE):
        if isinstance(item, str):
            log.warning("%s", item)
            skipped.append(item)
        else:
            measurements.append(item)
    return Visit(directory, info, tuple(measurements), tuple(skipped))


# ---------------------------------------------------------------------- manifest


def build_manifest(directory: Path) -> dict[str, Any]:
    files = {}
    paths = (
        Path(root) / name
        for root, _, names in os.walk(directory, followlinks=False)
        for name in names
    )
    for path in sorted(paths):
        if path.is_symlink():
            continue  # never followed; the integrity check names it
        if path.is_file() and path.name != MANIFEST_FILE and not path.name.startswith("."):
            relative = path.relative_to(directory).as_posix()
            if relative.startswith(("out/", "signature")):
                continue
            files[relative] = sha256_file(path)
    sizes: dict[str, int] = {}
    if MEASUREMENTS_FILE in files:  # hash exactly the bytes counted: appends may follow
        sizes[MEASUREMENTS_FILE] = (directory / MEASUREMENTS_FILE).stat().st_size
        files[MEASUREMENTS_FILE] = _prefix_sha256(
            directory / MEASUREMENTS_FILE, sizes[MEASUREMENTS_FILE]
        )
    return {
        "schema_version": SCHEMA_VERSION,
        "created_at": iso(utc_now()),
        "files": files,
        "sizes": sizes,
    }


def _prefix_sha256(path: Path, length: int) -> str:
    digest = hashlib.sha256()
    remaining = length
    with path.open("rb") as handle:
        while remaining > 0:
            chunk = handle.read(min(remaining, 1 << 20))
            if not chunk:
                break
            digest.update(chunk)
            remaining -= len(chunk)
    return digest.hexdigest()


def _changed_since(directory: Path, manifest: Mapping[str, Any]) -> str | None:
    """The first file the manifest lists that changed other than by appending records."""
    files: Mapping[str, str] = manifest.get("files", {})
    sizes: Mapping[str, int] = manifest.get("sizes", {})
    for relative, sealed in files.items():
        path = directory / relative
        if path.is_symlink() or not path.is_file():
            return f"{relative} is missing"
        if relative == MEASUREMENTS_FILE and relative in sizes:
            if path.stat().st_size < sizes[relative] or _prefix_sha256(
                path, sizes[relative]
            ) != sealed:
                return f"{relative} was rewritten (not only appended to)"
        elif relative != MEASUREMENTS_FILE and sha256_file(path) != sealed:
            return f"{relative} was changed"
    return None


def manifest_digest(manifest: Mapping[str, Any]) -> str:
    """The hash printed in reports: sha256 over the sorted file list (not the timestamp)."""
    files = manifest.get("files", {})
    canonical = json.dumps(files, sort_keys=True, separators=(",", ":")).encode()
    return sha256_bytes(canonical)


def write_manifest(directory: Path) -> str:
    manifest = build_manifest(directory)
    _atomic_write(directory / MANIFEST_FILE, json.dumps(manifest, indent=2).encode())
    return manifest_digest(manifest)


def read_manifest(directory: Path) -> dict[str, Any] | None:
    path = directory / MANIFEST_FILE
    if not path.exists():
        return None
    return _read_json(path)
