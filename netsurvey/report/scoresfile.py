"""Read scores.json (docs/contracts.md §4) and find the entry for a visit.

``load_scores`` is the one reader of the file: it checks the schema version, reads the
header and turns every school entry into ``scoresentry.SchoolScores`` once.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from netsurvey.errors import ReportError, SchemaVersionError
from netsurvey.jsontypes import JsonValue
from netsurvey.numbers import integer
from netsurvey.report.jsonread import items, obj, text
from netsurvey.report.scoresentry import SchoolScores, school_scores

SUPPORTED_SCHEMA_VERSION = 1
FIX_HINT = "run `netsurvey score` on the visit first, or pass --scores FILE"


@dataclass(frozen=True, slots=True)
class ScoresHeader:
    """What scored the schools: the run's time, versions, profile and draws."""

    generated_at: str | None
    netsurvey_version: str | None
    profile_name: str | None
    profile_version: str | None
    profile_sha256: str | None
    draws: int | None
    seed: int | None


@dataclass(frozen=True)
class ScoresFile:
    path: Path
    header: ScoresHeader
    schools: tuple[SchoolScores, ...]
    by_visit: Mapping[Path, SchoolScores] = field(default_factory=dict)
    by_school: Mapping[str, tuple[SchoolScores, ...]] = field(default_factory=dict)

    def entry_for(self, visit_dir: Path, school_id: str | None) -> SchoolScores:
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
    path: Path, schools: tuple[SchoolScores, ...]
) -> tuple[dict[Path, SchoolScores], dict[str, tuple[SchoolScores, ...]]]:
    by_visit: dict[Path, SchoolScores] = {}
    by_school: dict[str, list[SchoolScores]] = {}
    for entry in schools:
        if entry.visit:
            for candidate in _visit_candidates(entry.visit, path.parent):
                by_visit.setdefault(candidate, entry)
        if entry.school_id is not None:
            by_school.setdefault(entry.school_id, []).append(entry)
    return by_visit, {k: tuple(v) for k, v in by_school.items()}


def _header(data: Mapping[str, JsonValue]) -> ScoresHeader:
    profile = obj(data.get("profile"))
    return ScoresHeader(
        generated_at=text(data.get("generated_at")),
        netsurvey_version=text(data.get("netsurvey_version")),
        profile_name=text(profile.get("name")),
        profile_version=text(profile.get("version")),
        profile_sha256=text(profile.get("sha256")),
        draws=integer(data.get("draws")),
        seed=integer(data.get("seed")),
    )


def _read_json(path: Path) -> JsonValue:
    try:
        text = path.read_bytes().decode("utf-8", errors="replace")
    except FileNotFoundError as exc:
        raise ReportError(f"{path}: scores file not found", hint=FIX_HINT) from exc
    except OSError as exc:
        raise ReportError(f"{path}: cannot read scores ({exc.strerror})", hint=FIX_HINT) from exc
    try:
        data: JsonValue = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ReportError(
            f"{path}:{exc.lineno}: scores file is not valid JSON ({exc.msg})", hint=FIX_HINT
        ) from exc
    return data


def load_scores(path: Path) -> ScoresFile:
    path = Path(path)
    data = _read_json(path)
    if not isinstance(data, dict):
        raise ReportError(f"{path}: scores file is not a JSON object", hint=FIX_HINT)
    version = data.get("schema_version", SUPPORTED_SCHEMA_VERSION)
    if isinstance(version, int) and version > SUPPORTED_SCHEMA_VERSION:
        raise SchemaVersionError(
            f"{path}: schema_version {version} is newer than this netsurvey reads "
            f"({SUPPORTED_SCHEMA_VERSION})",
            hint="upgrade netsurvey",
        )
    entries = tuple(school_scores(s) for s in items(data.get("schools")) if isinstance(s, dict))
    by_visit, by_school = _index(path, entries)
    return ScoresFile(
        path=path, header=_header(data), schools=entries, by_visit=by_visit, by_school=by_school
    )
