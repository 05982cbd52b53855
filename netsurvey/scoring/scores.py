"""Model arrays -> per-school results: scores, grades, bottleneck, figures, benchmarks.

``school_score`` reads one school's results out of a model chunk into a frozen
``SchoolScore``; its ``to_json`` is the school's scores.json entry (the shape is
documented in ``scores_json`` and docs/contracts.md §4). The upgrade search
(``whatif``) reads the typed result; the pipeline adds its plan to the entry.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from netsurvey.errors import NetsurveyError
from netsurvey.scoring.bottleneck import BOTTLENECK_TEXT_EN, Bottleneck, bottleneck
from netsurvey.scoring.coverage import CoverageEntry, blocking_dimensions, coverage_entries
from netsurvey.scoring.elements import (
    ELEMENT_TEXT_EN,
    ElementRef,
    band_label,
    element_label,
    element_ref,
    element_text_en,
)
from netsurvey.scoring.features import SchoolFeatures
from netsurvey.scoring.figures import Figures, school_figures
from netsurvey.scoring.model import ChunkResult, DimensionResult
from netsurvey.scoring.notes import DIMENSION_NONE, Note, listed
from netsurvey.scoring.profile import DIMENSIONS, Profile, Scenario
from netsurvey.scoring.scores_json import (
    DimensionJson,
    MissingScenarioDimensionJson,
    OverallJson,
    RhoJson,
    ScenarioDimensionJson,
    ScenarioJson,
    SchoolEntry,
)

__all__ = [
    "BOTTLENECK_TEXT_EN",
    "ELEMENT_TEXT_EN",
    "DimensionScore",
    "Overall",
    "ScenarioDimension",
    "ScenarioScore",
    "SchoolScore",
    "band_label",
    "bottleneck",
    "dimension_scores",
    "element_label",
    "element_ref",
    "element_text_en",
    "school_score",
]

def _rho(value: float) -> float | None:
    """A rho as the result keeps it: +inf (no usable airtime, the element cannot carry
    this load at all) stays infinite; NaN (no evidence) is None."""
    number = float(value)
    if math.isinf(number) and number > 0:
        return math.inf
    return number if math.isfinite(number) else None


def _rho_json(value: float | None) -> RhoJson:
    """rho for JSON: finite values rounded; infinite is the string "inf"; None is null."""
    if value is None:
        return None
    return "inf" if math.isinf(value) else round(value, 3)


@dataclass(frozen=True, slots=True)
class DimensionScore:
    """A dimension of the school: its worst binding (must-pass, if any) scenario."""

    score: float  # 0-100, one decimal as published
    grade: str
    worst_scenario: str
    rho_p90: float | None  # +inf: cannot carry the load; None: no evidence
    p_pass: float

    def to_json(self) -> DimensionJson:
        return {
            "score": self.score,
            "grade": self.grade,
            "worst_scenario": self.worst_scenario,
            "rho_p90": _rho_json(self.rho_p90),
            "p_pass": round(self.p_pass, 3),
        }


def _not_measured() -> DimensionJson:
    return {"score": None, "grade": None, "worst_scenario": None, "rho_p90": None}


@dataclass(frozen=True, slots=True)
class ScenarioDimension:
    """One dimension of one scenario, with its worst element."""

    score: float  # one decimal
    grade: str
    rho_p10: float | None
    rho_p50: float | None
    rho_p90: float | None
    p_pass: float
    element: ElementRef
    room: str | None

    @classmethod
    def of(
        cls, dim: DimensionResult, index: int, profile: Profile, school: SchoolFeatures
    ) -> ScenarioDimension:
        score = float(dim.score[index])
        element, room = element_ref(school, dim, int(dim.element[index]))
        return cls(
            score=round(score, 1),
            grade=profile.grade(score),
            rho_p10=_rho(dim.rho_p10[index]),
            rho_p50=_rho(dim.rho_p50[index]),
            rho_p90=_rho(dim.rho_q[index]),
            p_pass=float(dim.p_pass[index]),
            element=element,
            room=room,
        )

    def to_json(self) -> ScenarioDimensionJson:
        return {
            "score": self.score,
            "grade": self.grade,
            "rho_p10": _rho_json(self.rho_p10),
            "rho_p50": _rho_json(self.rho_p50),
            "rho_p90": _rho_json(self.rho_p90),
            "p_pass": round(self.p_pass, 3),
            "element": element_text_en(self.element),
            "room": self.room,
        }


def _missing_in_scenario() -> MissingScenarioDimensionJson:
    return {"score": None, "grade": None, "missing": True}


@dataclass(frozen=True, slots=True)
class ScenarioScore:
    scenario: Scenario
    dimensions: Mapping[str, ScenarioDimension | None]  # None: no evidence

    def to_json(self) -> ScenarioJson:
        return {
            "id": self.scenario.id,
            "title": self.scenario.title,
            "title_id": self.scenario.title_id,
            "must_pass": self.scenario.must_pass,
            "application": self.scenario.application,
            "dimensions": {
                name: dim.to_json() if dim is not None else _missing_in_scenario()
                for name, dim in self.dimensions.items()
            },
        }


@dataclass(frozen=True, slots=True)
class Overall:
    """The overall score and grade, or none of them when evidence is missing: a grade
    means every dimension a must-pass scenario needs was measured well enough."""

    score: float | None
    grade: str | None
    missing_dimensions: tuple[str, ...]  # blocking: not measured, or not enough coverage

    @property
    def status(self) -> Literal["complete", "incomplete"]:
        return "incomplete" if self.missing_dimensions else "complete"

    def to_json(self) -> OverallJson:
        return {
            "score": self.score,
            "grade": self.grade,
            "status": self.status,
            "missing_dimensions": list(self.missing_dimensions),
        }


@dataclass(frozen=True, slots=True)
class SchoolScore:
    """One school's results (recommendations come from ``whatif``)."""

    school_id: str
    name: str
    municipality: str | None
    visit: str | None
    visit_manifest_sha256: str | None
    overall: Overall
    coverage: Mapping[str, CoverageEntry]
    dimensions: Mapping[str, DimensionScore | None]  # every DIMENSIONS name; None: no data
    scenarios: tuple[ScenarioScore, ...]
    bottleneck: Bottleneck | None
    figures: Figures
    missing: tuple[Note, ...]
    evidence: tuple[tuple[str, tuple[str, ...]], ...]  # figure -> measurement ids

    def score_of(self, dimension: str) -> float | None:
        entry = self.dimensions.get(dimension)
        return entry.score if entry is not None else None

    def scenario(self, scenario_id: str) -> ScenarioScore | None:
        return next((s for s in self.scenarios if s.scenario.id == scenario_id), None)

    def to_json(self) -> SchoolEntry:
        """The scores.json entry, with no recommendations yet."""
        return {
            "school_id": self.school_id,
            "name": self.name,
            "municipality": self.municipality,
            "visit": self.visit,
            "visit_manifest_sha256": self.visit_manifest_sha256,
            "overall": self.overall.to_json(),
            "coverage": dict(self.coverage),
            "dimensions": {
                name: entry.to_json() if entry is not None else _not_measured()
                for name, entry in self.dimensions.items()
            },
            "scenarios": [scenario.to_json() for scenario in self.scenarios],
            "bottleneck": self.bottleneck.to_json() if self.bottleneck is not None else None,
            "figures": self.figures.to_json(),
            "recommendations": [],
            "missing": [note.english for note in self.missing],
            "missing_notes": [note.to_json() for note in self.missing],
            "evidence": [
                {"figure": figure, "measurement_ids": list(ids)} for figure, ids in self.evidence
            ],
        }


def _scenario_scores(
    chunk: ChunkResult, index: int, profile: Profile
) -> tuple[ScenarioScore, ...]:
    school = chunk.batch.schools[index]
    return tuple(
        ScenarioScore(
            result.scenario,
            {
                name: ScenarioDimension.of(dim, index, profile, school)
                if dim.present[index]
                else None
                for name, dim in result.dimensions.items()
            },
        )
        for result in chunk.scenarios
    )


def _dimension_summary(
    chunk: ChunkResult, index: int, profile: Profile
) -> dict[str, DimensionScore | None]:
    summary: dict[str, DimensionScore | None] = {}
    for name in DIMENSIONS:
        candidates = [
            (r, r.dimensions[name])
            for r in chunk.scenarios
            if name in r.dimensions and r.dimensions[name].present[index]
        ]
        binding = [(r, d) for r, d in candidates if r.scenario.must_pass] or candidates
        if not binding:
            summary[name] = None
            continue
        worst_result, worst = min(
            binding, key=lambda item: (float(item[1].score[index]), -float(item[1].rho_q[index]))
        )
        score = float(worst.score[index])
        summary[name] = DimensionScore(
            score=round(score, 1),
            grade=profile.grade(score),
            worst_scenario=worst_result.scenario.id,
            rho_p90=_rho(worst.rho_q[index]),
            p_pass=float(worst.p_pass[index]),
        )
    return summary


def _missing(
    school: SchoolFeatures, summary: Mapping[str, DimensionScore | None]
) -> tuple[Note, ...]:
    notes = list(school.missing)
    for name in DIMENSIONS:
        if summary[name] is None and not any(n.dimension == name for n in notes):
            notes.append(Note.of(DIMENSION_NONE[name]))
    unsurveyed = [room.id for room in school.rooms if room.ap is not None and room.rssi_dbm is None]
    if unsurveyed and summary["wifi"] is not None:
        notes.append(Note.of("wifi_rooms_unsurveyed", items=listed(unsurveyed)))
    if school.wan is not None and not school.wan.up_mbps:
        notes.append(Note.of("wan_no_upload"))
    unknown_ports = [ap.id for ap in school.aps if ap.port_speed_mbps is None]
    if unknown_ports and summary["lan"] is not None:
        notes.append(Note.of("lan_port_speed_unknown", items=listed(unknown_ports)))
    return tuple(dict.fromkeys(notes))


def visit_manifest_sha256(visit: str | None) -> str | None:
    """The digest of the visit's manifest as scored (the report compares it with now)."""
    if visit is None:
        return None
    from pathlib import Path

    from netsurvey.records import manifest_digest, read_manifest

    try:
        manifest = read_manifest(Path(visit))
    except NetsurveyError:
        return None
    return manifest_digest(manifest) if manifest is not None else None


def needed_dimensions(profile: Profile) -> list[str]:
    """Dimensions some must-pass scenario needs, in the profile's dimension order."""
    needed = {name for s in profile.scenarios if s.must_pass for name in s.dimensions}
    return [name for name in DIMENSIONS if name in needed]


def overall_entry(
    summary: Mapping[str, DimensionScore | None],
    coverage: Mapping[str, CoverageEntry],
    profile: Profile,
) -> Overall:
    """The overall score: the lowest dimension score, unless a needed dimension blocks."""
    present = {name: entry is not None for name, entry in summary.items()}
    blocking = blocking_dimensions(needed_dimensions(profile), present, coverage)
    scored = [entry.score for entry in summary.values() if entry is not None]
    overall = min(scored) if scored and not blocking else None
    return Overall(
        score=overall,
        grade=profile.grade(overall) if overall is not None else None,
        missing_dimensions=tuple(blocking),
    )


def school_score(chunk: ChunkResult, index: int, profile: Profile) -> SchoolScore:
    """The typed result of one school of a model chunk."""
    school = chunk.batch.schools[index]
    summary = _dimension_summary(chunk, index, profile)
    coverage = coverage_entries(school.coverage_facts(), profile.coverage)
    return SchoolScore(
        school_id=school.id,
        name=school.name,
        municipality=school.municipality,
        visit=school.visit,
        visit_manifest_sha256=visit_manifest_sha256(school.visit),
        overall=overall_entry(summary, coverage, profile),
        coverage=coverage,
        dimensions=summary,
        scenarios=_scenario_scores(chunk, index, profile),
        bottleneck=bottleneck(chunk, index),
        figures=school_figures(chunk, index, profile),
        missing=_missing(school, summary),
        evidence=school.evidence,
    )


def dimension_scores(chunk: ChunkResult, index: int, profile: Profile) -> dict[str, float | None]:
    """Score per dimension (None where missing), as in the school's ``dimensions``."""
    return {
        name: entry.score if entry is not None else None
        for name, entry in _dimension_summary(chunk, index, profile).items()
    }
