"""One scores.json school entry (docs/contracts.md §4) as typed, frozen data.

``school_scores`` is the one reader of an entry; the report, the summary sheet and the
terminal table of `netsurvey score` take what it returns. It reads tolerantly: a key
that is missing or of the wrong type is None (or empty), never 0, so an older scores
file still reads. A rho of ``"inf"`` is ``math.inf``.

Parts only the PDF shows (coverage, dimension and scenario scores, figures, benchmarks,
the video rung, class tests) are cleaned for display here, bounded as the PDF prints
them. Text that several outputs show, each with its own bound (names, the English
sentences, message parameters: ``scoresmessages``), is kept as written.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

from netsurvey.jsontypes import JsonValue
from netsurvey.numbers import finite_float, integer
from netsurvey.report.jsonread import flag, items, obj, rho, text, texts
from netsurvey.report.scoresmessages import (
    BottleneckEntry,
    MissingNote,
    UpgradePlanEntry,
    UpgradeStep,
    bottleneck_entry,
    missing_notes,
    upgrade_plan_entry,
    upgrade_steps,
)
from netsurvey.report.text import clean_optional, clean_text

DIMENSIONS = ("wifi", "lan", "wan", "poe", "power")
VIDEO_RUNGS = ("360p", "480p", "720p")  # the scoring profile's video_ladder
FIGURE_ROWS_MAX = 80
_OTHER_DIMENSION = 99  # sort key of a dimension this reader does not know
_BENCHMARK_METRICS = ("wan_down", "wan_up", "wifi_standard")


@dataclass(frozen=True, slots=True)
class Grade:
    score: float | None
    grade: str | None
    status: str = "complete"  # "incomplete": evidence is missing, no grade is given
    missing_dimensions: tuple[str, ...] = ()

    @property
    def complete(self) -> bool:
        return self.status != "incomplete"


@dataclass(frozen=True, slots=True)
class CoverageRow:
    """How much of a dimension was measured (scores.json ``coverage``)."""

    dimension: str
    measure: str | None
    measured: int | None
    expected: int | None
    required: int | None
    complete: bool | None
    optional: bool
    missing_items: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class DimensionScore:
    key: str
    score: float | None
    grade: str | None
    worst_scenario: str | None
    rho_p90: float | None


@dataclass(frozen=True, slots=True)
class ScenarioDimension:
    key: str
    score: float | None
    rho_p10: float | None
    rho_p50: float | None
    rho_p90: float | None
    p_pass: float | None


@dataclass(frozen=True, slots=True)
class Scenario:
    id: str
    title: str | None
    must_pass: bool
    dimensions: tuple[ScenarioDimension, ...]
    title_id: str | None = None

    @property
    def worst(self) -> ScenarioDimension | None:
        known = [d for d in self.dimensions if d.rho_p90 is not None]
        return max(known, key=lambda d: d.rho_p90 or 0.0) if known else None

    @property
    def fits(self) -> bool | None:
        worst = self.worst
        return None if worst is None else (worst.rho_p90 or 0.0) <= 1.0

    @property
    def cannot_carry(self) -> bool:
        """The worst element cannot carry the load at any share (rho is infinite)."""
        worst = self.worst
        return worst is not None and worst.rho_p90 is not None and math.isinf(worst.rho_p90)

    @property
    def p_pass(self) -> float | None:
        known = [d.p_pass for d in self.dimensions if d.p_pass is not None]
        return min(known) if known else None


@dataclass(frozen=True, slots=True)
class Video:
    """Highest video rung a whole class can stream (None: not even the lowest), and the
    next rung up that does not fit (None: the top of the ladder fits)."""

    rung: str | None
    next_rung: str | None
    room: str | None
    scenario: str | None


@dataclass(frozen=True, slots=True)
class FigureRow:
    key: str
    value: float | str | None


@dataclass(frozen=True, slots=True)
class Benchmark:
    body: str
    target_bps: float | None
    ratio: float | None
    id: str = ""
    source: str | None = None
    metric: str = "wan_down"
    per_user_mbps: float | None = None
    min_mbps: float | None = None
    fixed_mbps: float | None = None
    basis: str | None = None
    measured_bps: float | None = None
    met: bool | None = None
    min_standard: str | None = None
    aps_count: int | None = None
    aps_meeting_count: int | None = None


@dataclass(frozen=True, slots=True)
class ClassTestRow:
    """A whole-class test of a room beside the model (scores.json ``class_tests``)."""

    room: str
    measurement_id: str | None
    scenario_id: str | None
    model_pupils: int | None
    model_rung: str | None
    model_rho_p90: float | None
    model_passes: bool | None
    seats_full: int
    seats_joined: int
    sustained: int
    video_rate_bps: float | None
    download_bps: float | None
    upload_bps: float | None
    fairness: float | None
    agreement: str  # agree | model_optimistic | model_pessimistic | inconclusive
    reason: str | None  # why inconclusive: no_full_seats | laptop_limited | no_model


@dataclass(frozen=True, slots=True)
class EvidenceEntry:
    """A figure and the measurement ids it was computed from (``evidence[]``)."""

    figure: str | None
    measurement_ids: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ScoredIntegrity:
    """What the integrity gate found when the visit was scored (``integrity``)."""

    state: str | None  # "sealed" | "altered" | "unsealed"
    files: tuple[str, ...]
    manifest_sha256: str | None


@dataclass(frozen=True, slots=True)
class SchoolScores:
    """One ``schools[]`` entry of scores.json."""

    school_id: str | None
    name: str | None
    municipality: str | None
    visit: str | None  # the visit directory as `netsurvey score` was given it
    visit_manifest_sha256: str | None
    overall: Grade
    coverage: tuple[CoverageRow, ...]
    dimensions: tuple[DimensionScore, ...]  # DIMENSIONS first, every one present
    scenarios: tuple[Scenario, ...]
    bottleneck: BottleneckEntry | None
    video: Video | None
    figures: tuple[FigureRow, ...]  # the other figures, flattened for the appendix
    benchmarks: tuple[Benchmark, ...]
    recommendations: tuple[UpgradeStep, ...]
    upgrade_plan: UpgradePlanEntry | None  # None: an older file with recommendations only
    missing: tuple[str, ...]  # English sentences, for older readers
    missing_notes: tuple[MissingNote, ...]
    evidence: tuple[EvidenceEntry, ...]
    class_tests: tuple[ClassTestRow, ...]
    integrity: ScoredIntegrity | None


def _dimension_order(key: str) -> int:
    return DIMENSIONS.index(key) if key in DIMENSIONS else _OTHER_DIMENSION


def _grade(data: Mapping[str, JsonValue]) -> Grade:
    incomplete = data.get("status") == "incomplete"
    return Grade(
        score=None if incomplete else finite_float(data.get("score")),
        grade=None if incomplete else clean_optional(text(data.get("grade")), 3),
        status="incomplete" if incomplete else "complete",
        missing_dimensions=tuple(clean_text(d, 40) for d in texts(data.get("missing_dimensions"))),
    )


def _coverage(value: JsonValue) -> tuple[CoverageRow, ...]:
    rows = []
    for key, item in obj(value).items():
        data = obj(item)
        rows.append(
            CoverageRow(
                dimension=clean_text(key, 40),
                measure=clean_optional(text(data.get("measure")), 40),
                measured=integer(data.get("measured")),
                expected=integer(data.get("expected")),
                required=integer(data.get("required")),
                complete=flag(data.get("complete")),
                optional=bool(data.get("optional")),
                missing_items=tuple(clean_text(i, 60) for i in texts(data.get("missing_items"))),
            )
        )
    return tuple(sorted(rows, key=lambda r: _dimension_order(r.dimension)))


def _dimensions(value: JsonValue) -> tuple[DimensionScore, ...]:
    given = obj(value)
    keys = list(DIMENSIONS) + sorted(k for k in given if k not in DIMENSIONS)
    rows = []
    for key in keys:
        data = obj(given.get(key))
        rows.append(
            DimensionScore(
                key=clean_text(key, 40),
                score=finite_float(data.get("score")),
                grade=clean_optional(text(data.get("grade")), 3),
                worst_scenario=clean_optional(text(data.get("worst_scenario")), 20),
                rho_p90=rho(data.get("rho_p90")),
            )
        )
    return tuple(rows)


def _scenario_dimension(key: str, value: JsonValue) -> ScenarioDimension:
    data = obj(value)
    return ScenarioDimension(
        key=clean_text(key, 40),
        score=finite_float(data.get("score")),
        rho_p10=rho(data.get("rho_p10")),
        rho_p50=rho(data.get("rho_p50")),
        rho_p90=rho(data.get("rho_p90")),
        p_pass=finite_float(data.get("p_pass")),
    )


def _scenarios(value: JsonValue) -> tuple[Scenario, ...]:
    scenarios = []
    for item in items(value):
        data = obj(item)
        scenario_id = text(data.get("id"))
        if not scenario_id:
            continue
        dims = sorted(obj(data.get("dimensions")).items(), key=lambda kv: _dimension_order(kv[0]))
        scenarios.append(
            Scenario(
                id=clean_text(scenario_id, 20),
                title=clean_optional(text(data.get("title"))),
                title_id=clean_optional(text(data.get("title_id")), 60),
                must_pass=bool(data.get("must_pass")),
                dimensions=tuple(_scenario_dimension(key, d) for key, d in dims),
            )
        )
    return tuple(scenarios)


def _rung_of(value: JsonValue) -> str | None:
    if isinstance(value, int | float) and not isinstance(value, bool):
        value = f"{int(value)}p"
    if isinstance(value, str):
        rung = value.lower().removeprefix("video_")
        if rung in VIDEO_RUNGS:
            return rung
    return None


def _next_rung(rung: str | None) -> str | None:
    if rung is None:
        return VIDEO_RUNGS[0]
    index = VIDEO_RUNGS.index(rung)
    return VIDEO_RUNGS[index + 1] if index + 1 < len(VIDEO_RUNGS) else None


def _video(raw: JsonValue) -> Video | None:
    """``figures.sustainable_video`` as the scorer writes it: {scenario, rung, worst_room}
    (an older file: the rung alone)."""
    if isinstance(raw, dict) and "rung" in raw:
        rung = _rung_of(raw.get("rung"))
        if raw.get("rung") is not None and rung is None:
            return None  # a rung this report does not know: say nothing rather than guess
        return Video(
            rung=rung,
            next_rung=_next_rung(rung),
            room=clean_optional(text(raw.get("worst_room")), 40),
            scenario=clean_optional(text(raw.get("scenario")), 20),
        )
    rung = _rung_of(raw)
    if rung is None:
        return None
    return Video(rung=rung, next_rung=_next_rung(rung), room=None, scenario=None)


def _flatten_figures(prefix: str, value: JsonValue, rows: list[FigureRow], depth: int = 0) -> None:
    if len(rows) >= FIGURE_ROWS_MAX:
        return
    if isinstance(value, dict) and depth < 3:
        for key, inner in value.items():
            _flatten_figures(f"{prefix}.{key}" if prefix else key, inner, rows, depth + 1)
        return
    if isinstance(value, list):
        shown: float | str | None = ", ".join(clean_text(v, 40) for v in value[:20])
    else:
        number = finite_float(value)
        shown = number if number is not None else clean_optional(value)
    rows.append(FigureRow(key=clean_text(prefix, 120), value=shown))


def _figure_rows(figures: Mapping[str, JsonValue]) -> tuple[FigureRow, ...]:
    rows: list[FigureRow] = []
    for key, value in figures.items():
        if key not in ("benchmarks", "sustainable_video"):
            _flatten_figures(key, value, rows)
    return tuple(rows)


def _benchmark(data: Mapping[str, JsonValue]) -> Benchmark:
    metric = text(data.get("metric"))
    ratio = data.get("ratio")
    return Benchmark(
        body=clean_text(data.get("body", "?")),
        target_bps=finite_float(data.get("target_bps")),
        ratio=finite_float(ratio if ratio is not None else data.get("aps_meeting_ratio")),
        id=clean_text(data.get("id", ""), 40),
        source=clean_optional(text(data.get("source")), 400),
        metric=metric if metric is not None and metric in _BENCHMARK_METRICS else "wan_down",
        per_user_mbps=finite_float(data.get("per_user_mbps")),
        min_mbps=finite_float(data.get("min_mbps")),
        fixed_mbps=finite_float(data.get("fixed_mbps")),
        basis=clean_optional(text(data.get("basis")), 20),
        measured_bps=finite_float(data.get("measured_p10_bps")),
        met=flag(data.get("met")),
        min_standard=clean_optional(text(data.get("min_standard")), 8),
        aps_count=integer(data.get("aps_count")),
        aps_meeting_count=integer(data.get("aps_meeting_count")),
    )


def _benchmarks(value: JsonValue) -> tuple[Benchmark, ...]:
    return tuple(_benchmark(obj(item)) for item in items(value) if obj(item))


def _class_test(data: Mapping[str, JsonValue]) -> ClassTestRow:
    model, measured = obj(data.get("modelled")), obj(data.get("measured"))
    return ClassTestRow(
        room=clean_text(text(data.get("room")) or "?", 40),
        measurement_id=clean_optional(text(data.get("measurement_id")), 80),
        scenario_id=clean_optional(text(model.get("scenario_id")), 20),
        model_pupils=integer(model.get("max_pupils")),
        model_rung=clean_optional(text(model.get("rung")), 20),
        model_rho_p90=finite_float(model.get("rho_p90")),
        model_passes=flag(model.get("passes")),
        seats_full=integer(measured.get("seats_full")) or 0,
        seats_joined=integer(measured.get("seats_joined")) or 0,
        sustained=integer(measured.get("video_sustained_count")) or 0,
        video_rate_bps=finite_float(measured.get("video_rate_bps")),
        download_bps=finite_float(measured.get("aggregate_download_bps")),
        upload_bps=finite_float(measured.get("aggregate_upload_bps")),
        fairness=finite_float(measured.get("jain_fairness")),
        agreement=clean_text(text(data.get("agreement")) or "inconclusive", 30),
        reason=clean_optional(text(data.get("inconclusive_reason")), 30),
    )


def _evidence(value: JsonValue) -> tuple[EvidenceEntry, ...]:
    return tuple(
        EvidenceEntry(
            figure=text(obj(item).get("figure")),
            measurement_ids=texts(obj(item).get("measurement_ids")),
        )
        for item in items(value)
    )


def _integrity(value: JsonValue) -> ScoredIntegrity | None:
    data = obj(value)
    if not data:
        return None
    return ScoredIntegrity(
        state=text(data.get("state")),
        files=texts(data.get("files")),
        manifest_sha256=text(data.get("manifest_sha256")),
    )


def school_scores(entry: Mapping[str, JsonValue]) -> SchoolScores:
    """The typed entry for one ``schools[]`` object of scores.json."""
    figures = obj(entry.get("figures"))
    return SchoolScores(
        school_id=text(entry.get("school_id")),
        name=text(entry.get("name")),
        municipality=text(entry.get("municipality")),
        visit=text(entry.get("visit")),
        visit_manifest_sha256=text(entry.get("visit_manifest_sha256")),
        overall=_grade(obj(entry.get("overall"))),
        coverage=_coverage(entry.get("coverage")),
        dimensions=_dimensions(entry.get("dimensions")),
        scenarios=_scenarios(entry.get("scenarios")),
        bottleneck=bottleneck_entry(entry.get("bottleneck")),
        video=_video(figures.get("sustainable_video")),
        figures=_figure_rows(figures),
        benchmarks=_benchmarks(figures.get("benchmarks")),
        recommendations=upgrade_steps(entry.get("recommendations")),
        upgrade_plan=upgrade_plan_entry(entry.get("upgrade_plan")),
        missing=tuple(m for m in (text(i) for i in items(entry.get("missing"))) if m is not None),
        missing_notes=missing_notes(entry.get("missing_notes")),
        evidence=_evidence(entry.get("evidence")),
        class_tests=tuple(_class_test(obj(i)) for i in items(entry.get("class_tests"))),
        integrity=_integrity(entry.get("integrity")),
    )
