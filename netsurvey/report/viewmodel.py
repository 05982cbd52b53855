"""scores.json entry + visit files -> a frozen, plain view model for the templates.

Values stay in SI units (bits/s, seconds, watts, ratios 0..1); the template filters turn
them into human units per locale. Missing data is ``None`` and shows as "no data".
Every string that came from a device, a survey or the inventory is cleaned here
(controls and bidi overrides stripped, length bounded); autoescape does the rest.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from netsurvey.report import sections
from netsurvey.report.scoresfile import ScoresFile
from netsurvey.report.text import clean_optional, clean_text
from netsurvey.report.visitfiles import VisitFiles

DIMENSIONS = ("wifi", "lan", "wan", "poe", "power")
VIDEO_RUNGS = ("360p", "480p", "720p")  # the scoring profile's video_ladder
FIGURE_ROWS_MAX = 80
TOP_UPGRADES_COUNT = 3
READINESS_BAR_SCORE = 60.0  # score(rho=1): every must-pass scenario fits at the design target


@dataclass(frozen=True)
class Grade:
    score: float | None
    grade: str | None


@dataclass(frozen=True)
class DimensionScore:
    key: str
    score: float | None
    grade: str | None
    worst_scenario: str | None
    rho_p90: float | None


@dataclass(frozen=True)
class ScenarioDimension:
    key: str
    score: float | None
    rho_p10: float | None
    rho_p50: float | None
    rho_p90: float | None
    p_pass: float | None


@dataclass(frozen=True)
class Scenario:
    id: str
    title: str | None
    must_pass: bool
    dimensions: tuple[ScenarioDimension, ...]

    @property
    def worst(self) -> ScenarioDimension | None:
        known = [d for d in self.dimensions if d.rho_p90 is not None]
        return max(known, key=lambda d: d.rho_p90 or 0.0) if known else None

    @property
    def fits(self) -> bool | None:
        worst = self.worst
        return None if worst is None else (worst.rho_p90 or 0.0) <= 1.0

    @property
    def p_pass(self) -> float | None:
        known = [d.p_pass for d in self.dimensions if d.p_pass is not None]
        return min(known) if known else None


@dataclass(frozen=True)
class Bottleneck:
    dimension: str | None
    element: str | None
    room: str | None
    scenario: str | None
    severity: float | None
    text: str | None


@dataclass(frozen=True)
class Upgrade:
    id: str
    title: str
    cost_eur: float | None
    score_gain: float | None
    gain_per_keur: float | None
    plan_score: float | None = None  # overall score once this and every earlier step is done
    plan_grade: str | None = None


@dataclass(frozen=True)
class Video:
    """Highest video rung a whole class can stream (None: not even the lowest), and the
    next rung up that does not fit (None: the top of the ladder fits)."""

    rung: str | None
    next_rung: str | None
    room: str | None
    scenario: str | None


@dataclass(frozen=True)
class FigureRow:
    key: str
    value: float | str | None


@dataclass(frozen=True)
class Benchmark:
    body: str
    target_bps: float | None
    ratio: float | None


@dataclass(frozen=True)
class RawEvidence:
    path: str
    sha256: str | None


@dataclass(frozen=True)
class EvidenceMeasurement:
    id: str
    found: bool
    probe: str | None
    started_at: datetime | None
    tool: str | None
    tool_version: str | None
    raw: tuple[RawEvidence, ...]


@dataclass(frozen=True)
class Evidence:
    figure: str
    measurements: tuple[EvidenceMeasurement, ...]


@dataclass(frozen=True)
class Provenance:
    visit_id: str | None
    visit_dir: Path
    started_at: datetime | None
    operator: str | None
    netsurvey_version: str | None
    tools: tuple[tuple[str, str], ...]
    inventory_sha256: str | None
    manifest_sha256: str | None
    scored_manifest_sha256: str | None
    records_count: int
    skipped_lines: int

    @property
    def manifest_matches(self) -> bool | None:
        if self.manifest_sha256 is None or self.scored_manifest_sha256 is None:
            return None
        return self.manifest_sha256 == self.scored_manifest_sha256


@dataclass(frozen=True)
class Profile:
    name: str | None
    version: str | None
    sha256: str | None
    draws: int | None
    seed: int | None
    generated_at: datetime | None
    scorer_version: str | None


@dataclass(frozen=True)
class ReportView:
    school_id: str
    school_name: str
    municipality: str | None
    address: str | None
    pupils_count: int | None
    overall: Grade
    meets_bar: bool | None
    dimensions: tuple[DimensionScore, ...]
    bottleneck: Bottleneck | None
    upgrades: tuple[Upgrade, ...]
    scenarios: tuple[Scenario, ...]
    video: Video | None
    figures: tuple[FigureRow, ...]
    benchmarks: tuple[Benchmark, ...]
    missing: tuple[str, ...]
    evidence: tuple[Evidence, ...]
    provenance: Provenance
    profile: Profile
    wan: sections.WanSection
    lan: tuple[sections.SwitchRow, ...]
    wifi: sections.WifiSection
    poe: tuple[sections.PoeRow, ...]
    power: sections.PowerSection

    @property
    def top_upgrades(self) -> tuple[Upgrade, ...]:
        return self.upgrades[:TOP_UPGRADES_COUNT]

    @property
    def top_upgrades_cost_eur(self) -> float | None:
        costs = [u.cost_eur for u in self.top_upgrades if u.cost_eur is not None]
        return sum(costs) if costs else None


def _num(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float) or value != value:
        return None
    return float(value)


def _int(value: Any) -> int | None:
    number = _num(value)
    return None if number is None else int(number)


def _map(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def parse_time(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


def _grade(data: Mapping[str, Any]) -> Grade:
    return Grade(score=_num(data.get("score")), grade=clean_optional(data.get("grade"), 3))


def _dimensions(entry: Mapping[str, Any]) -> tuple[DimensionScore, ...]:
    given = _map(entry.get("dimensions"))
    keys = list(DIMENSIONS) + sorted(k for k in given if k not in DIMENSIONS)
    rows = []
    for key in keys:
        data = _map(given.get(key))
        rows.append(
            DimensionScore(
                key=clean_text(key, 40),
                score=_num(data.get("score")),
                grade=clean_optional(data.get("grade"), 3),
                worst_scenario=clean_optional(data.get("worst_scenario"), 20),
                rho_p90=_num(data.get("rho_p90")),
            )
        )
    return tuple(rows)


def _scenarios(entry: Mapping[str, Any]) -> tuple[Scenario, ...]:
    scenarios = []
    for item in _list(entry.get("scenarios")):
        data = _map(item)
        if not data.get("id"):
            continue
        dims = _map(data.get("dimensions"))
        scenarios.append(
            Scenario(
                id=clean_text(data["id"], 20),
                title=clean_optional(data.get("title")),
                must_pass=bool(data.get("must_pass")),
                dimensions=tuple(
                    ScenarioDimension(
                        key=clean_text(key, 40),
                        score=_num(_map(d).get("score")),
                        rho_p10=_num(_map(d).get("rho_p10")),
                        rho_p50=_num(_map(d).get("rho_p50")),
                        rho_p90=_num(_map(d).get("rho_p90")),
                        p_pass=_num(_map(d).get("p_pass")),
                    )
                    for key, d in sorted(
                        dims.items(),
                        key=lambda kv: DIMENSIONS.index(kv[0]) if kv[0] in DIMENSIONS else 99,
                    )
                ),
            )
        )
    return tuple(scenarios)


def _bottleneck(entry: Mapping[str, Any]) -> Bottleneck | None:
    data = _map(entry.get("bottleneck"))
    if not data:
        return None
    return Bottleneck(
        dimension=clean_optional(data.get("dimension"), 40),
        element=clean_optional(data.get("element")),
        room=clean_optional(data.get("room")),
        scenario=clean_optional(data.get("scenario"), 20),
        severity=_num(data.get("severity")),
        text=clean_optional(data.get("text"), 600),
    )


def _upgrades(entry: Mapping[str, Any]) -> tuple[Upgrade, ...]:
    upgrades = []
    for item in _list(entry.get("recommendations")):
        data = _map(item)
        if not data:
            continue
        upgrades.append(
            Upgrade(
                id=clean_text(data.get("id", "?"), 60),
                title=clean_text(data.get("title") or data.get("id") or "?"),
                cost_eur=_num(data.get("cost_eur")),
                score_gain=_num(data.get("score_gain")),
                gain_per_keur=_num(data.get("gain_per_keur")),
                plan_score=_num(data.get("plan_score")),
                plan_grade=clean_text(data.get("plan_grade"), 4)
                if data.get("plan_grade")
                else None,
            )
        )
    return tuple(upgrades)


def _rung_of(value: Any) -> str | None:
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


def _video(figures: Mapping[str, Any]) -> Video | None:
    """``figures.sustainable_video`` as the scorer writes it: {scenario, rung, worst_room}."""
    raw = figures.get("sustainable_video")
    if isinstance(raw, dict) and "rung" in raw:
        rung = _rung_of(raw.get("rung"))
        if raw.get("rung") is not None and rung is None:
            return None  # a rung this report does not know: say nothing rather than guess
        return Video(
            rung=rung,
            next_rung=_next_rung(rung),
            room=clean_optional(raw.get("worst_room"), 40),
            scenario=clean_optional(raw.get("scenario"), 20),
        )
    rung = _rung_of(raw)
    if rung is None:
        return None
    return Video(rung=rung, next_rung=_next_rung(rung), room=None, scenario=None)


def _flatten_figures(prefix: str, value: Any, rows: list[FigureRow], depth: int = 0) -> None:
    if len(rows) >= FIGURE_ROWS_MAX:
        return
    if isinstance(value, dict) and depth < 3:
        for key, inner in value.items():
            _flatten_figures(f"{prefix}.{key}" if prefix else str(key), inner, rows, depth + 1)
        return
    if isinstance(value, list):
        shown: float | str | None = ", ".join(clean_text(v, 40) for v in value[:20])
    else:
        number = _num(value)
        shown = number if number is not None else clean_optional(value)
    rows.append(FigureRow(key=clean_text(prefix, 120), value=shown))


def _figure_rows(figures: Mapping[str, Any]) -> tuple[FigureRow, ...]:
    rows: list[FigureRow] = []
    for key, value in figures.items():
        if key not in ("benchmarks", "sustainable_video"):
            _flatten_figures(str(key), value, rows)
    return tuple(rows)


def _benchmarks(figures: Mapping[str, Any]) -> tuple[Benchmark, ...]:
    return tuple(
        Benchmark(
            body=clean_text(_map(b).get("body", "?")),
            target_bps=_num(_map(b).get("target_bps")),
            ratio=_num(_map(b).get("ratio")),
        )
        for b in _list(figures.get("benchmarks"))
        if _map(b)
    )


def _evidence(entry: Mapping[str, Any], visit: VisitFiles) -> tuple[Evidence, ...]:
    records = visit.by_id()
    rows = []
    for item in _list(entry.get("evidence")):
        data = _map(item)
        ids = [str(i) for i in _list(data.get("measurement_ids"))]
        measurements = []
        for measurement_id in ids:
            record = records.get(measurement_id)
            measurements.append(
                EvidenceMeasurement(
                    id=clean_text(measurement_id, 80),
                    found=record is not None,
                    probe=clean_optional(record.probe, 40) if record else None,
                    started_at=parse_time(record.started_at) if record else None,
                    tool=clean_optional(record.tool, 60) if record else None,
                    tool_version=clean_optional(record.tool_version, 60) if record else None,
                    raw=tuple(
                        RawEvidence(
                            path=clean_text(r.path, 200), sha256=clean_optional(r.sha256, 64)
                        )
                        for r in (record.raw if record else ())
                    ),
                )
            )
        rows.append(
            Evidence(
                figure=clean_text(data.get("figure", "?"), 80), measurements=tuple(measurements)
            )
        )
    return tuple(rows)


def _provenance(entry: Mapping[str, Any], visit: VisitFiles) -> Provenance:
    info = visit.info
    tools = _map(info.get("tools"))
    inventory = _map(info.get("inventory"))
    return Provenance(
        visit_id=clean_optional(info.get("visit_id"), 80),
        visit_dir=visit.path,
        started_at=parse_time(info.get("started_at")),
        operator=clean_optional(info.get("operator")),
        netsurvey_version=clean_optional(info.get("netsurvey_version"), 40),
        tools=tuple(
            (clean_text(name, 60), clean_text(version, 60))
            for name, version in sorted(tools.items())
        ),
        inventory_sha256=clean_optional(inventory.get("sha256"), 64),
        manifest_sha256=visit.manifest_sha256,
        scored_manifest_sha256=clean_optional(entry.get("visit_manifest_sha256"), 64),
        records_count=len(visit.records),
        skipped_lines=visit.skipped_lines,
    )


def _profile(scores: ScoresFile) -> Profile:
    profile = scores.profile
    header = scores.header
    return Profile(
        name=clean_optional(profile.get("name"), 60),
        version=clean_optional(profile.get("version"), 30),
        sha256=clean_optional(profile.get("sha256"), 64),
        draws=_int(header.get("draws")),
        seed=_int(header.get("seed")),
        generated_at=parse_time(header.get("generated_at")),
        scorer_version=clean_optional(header.get("netsurvey_version"), 40),
    )


def pupils_count(school: Mapping[str, Any]) -> int | None:
    pupils = school.get("pupils")
    if isinstance(pupils, dict):
        counts = [_int(v) for v in pupils.values()]
        known = [c for c in counts if c is not None]
        return sum(known) if known else None
    return _int(pupils)


def meets_bar(overall: Grade, bar_score: float = READINESS_BAR_SCORE) -> bool | None:
    return None if overall.score is None else overall.score >= bar_score


def build_view(
    entry: Mapping[str, Any],
    scores: ScoresFile,
    visit: VisitFiles,
    heatmap_dir: Path | None = None,
) -> ReportView:
    """The view model for one school's report. ``heatmap_dir`` defaults to ``visit/out``."""
    school = visit.school
    figures = _map(entry.get("figures"))
    found_devices = sections.devices(visit)
    overall = _grade(_map(entry.get("overall")))
    heatmaps = sections.find_heatmaps(heatmap_dir or visit.path / "out")
    return ReportView(
        school_id=clean_text(entry.get("school_id") or visit.info.get("school_id") or "?", 80),
        school_name=clean_text(entry.get("name") or school.get("name") or "?"),
        municipality=clean_optional(entry.get("municipality") or school.get("municipality")),
        address=clean_optional(school.get("address")),
        pupils_count=pupils_count(school),
        overall=overall,
        meets_bar=meets_bar(overall),
        dimensions=_dimensions(entry),
        bottleneck=_bottleneck(entry),
        upgrades=_upgrades(entry),
        scenarios=_scenarios(entry),
        video=_video(figures),
        figures=_figure_rows(figures),
        benchmarks=_benchmarks(figures),
        missing=tuple(clean_text(m) for m in _list(entry.get("missing"))),
        evidence=_evidence(entry, visit),
        provenance=_provenance(entry, visit),
        profile=_profile(scores),
        wan=sections.wan_section(visit),
        lan=sections.lan_rows(found_devices),
        wifi=sections.WifiSection(
            rooms=sections.wifi_rooms(visit),
            radios=sections.wifi_radios(found_devices),
            heatmaps=heatmaps,
        ),
        poe=sections.poe_rows(found_devices),
        power=sections.power_section(visit),
    )
