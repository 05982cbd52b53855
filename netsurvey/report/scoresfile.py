"""Read scores.json (docs/contracts.md §4) and find the entry for a visit."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from netsurvey.errors import ReportError, SchemaVersionError

SUPPORTED_SCHEMA_VERSION = 1
FIX_HINT = "run `netsurvey score` on the visit first, or pass --scores FILE"


@dataclass(frozen=True)
class ScoresFile:
    path: Path
    header: Mapping[str, Any]
    schools: tuple[Mapping[str, Any], ...]

    @property
    def profile(self) -> Mapping[str, Any]:
        profile = self.header.get("profile")
        return profile if isinstance(profile, dict) else {}

    by_visit: Mapping[Path, Mapping[str, Any]] = field(default_factory=dict)
    by_school: Mapping[str, tuple[Mapping[str, Any], ...]] = field(default_factory=dict)

    def entry_for(self, visit_dir: Path, school_id: str | None) -> Mapping[str, Any]:
        """The entry scored from this visit; else the only entry for its school."""
        entry = self.by_visit.get(Path(visit_dir).resolve())
        if entry is not None:
            return entry
        same_school = self.by_school.get(school_id or "", ())
        if len(same_school) == 1:
            return same_school[0]
        raise ReportError(
            f"{self.path}: no scores entry for visit {visit_dir} (school {school_id or '?'})",
            hint=FIX_HINT,
        )


def _visit_candidates(recorded: str, scores_dir: Path) -> set[Path]:
    """Where a recorded visit path may point: absolute, or relative to cwd or the scores file."""
    candidate = Path(recorded)
    if candidate.is_absolute():
        return {candidate.resolve()}
    return {(base / candidate).resolve() for base in (Path.cwd(), scores_dir, scores_dir.parent)}


def _index(
    path: Path, schools: tuple[Mapping[str, Any], ...]
) -> tuple[dict[Path, Mapping[str, Any]], dict[str, tuple[Mapping[str, Any], ...]]]:
    by_visit: dict[Path, Mapping[str, Any]] = {}
    by_school: dict[str, list[Mapping[str, Any]]] = {}
    for entry in schools:
        visit = entry.get("visit")
        if isinstance(visit, str) and visit:
            for candidate in _visit_candidates(visit, path.parent):
                by_visit.setdefault(candidate, entry)
        school_id = entry.get("school_id")
        if isinstance(school_id, str):
            by_school.setdefault(school_id, []).append(entry)
    return by_visit, {k: tuple(v) for k, v in by_school.items()}


def load_scores(path: Path) -> ScoresFile:
    path = Path(path)
    try:
        text = path.read_bytes().decode("utf-8", errors="replace")
    except FileNotFoundError as exc:
        raise ReportError(f"{path}: scores file not found", hint=FIX_HINT) from exc
    except OSError as exc:
        raise ReportError(f"{path}: cannot read scores ({exc.strerror})", hint=FIX_HINT) from exc
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ReportError(
            f"{path}:{exc.lineno}: scores file is not valid JSON ({exc.msg})", hint=FIX_HINT
        ) from exc
    if not isinstance(data, dict):
        raise ReportError(f"{path}: scores file is not a JSON object", hint=FIX_HINT)
    version = data.get("schema_version", SUPPORTED_SCHEMA_VERSION)
    if isinstance(version, int) and version > SUPPORTED_SCHEMA_VERSION:
        raise SchemaVersionError(
            f"{path}: schema_version {version} is newer than this netsurvey reads "
            f"({SUPPORTED_SCHEMA_VERSION})",
            hint="upgrade netsurvey",
        )
    schools = data.get("schools")
    entries = tuple(s for s in schools if isinstance(s, dict)) if isinstance(schools, list) else ()
    header = {k: v for k, v in data.items() if k != "schools"}
    by_visit, by_school = _index(path, entries)
    return ScoresFile(
        path=path, header=header, schools=entries, by_visit=by_visit, by_school=by_school
    )
