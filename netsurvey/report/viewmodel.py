"""scores.json entry + visit files -> a frozen, plain view model for the templates.

Values stay in SI units (bits/s, seconds, watts, ratios 0..1); the template filters turn
them into human units per locale. Missing data is ``None`` and shows as "no data".
Every string that came from a device, a survey or the inventory is cleaned here
(controls and bidi overrides stripped, length bounded); autoescape does the rest.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from netsurvey.report import sections
from netsurvey.report.heatmaps import find_heatmaps
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
    status: str = "complete"  # "incomplete": evidence is missing, no grade is given
    missing_dimensions: tuple[str, ...] = ()

    @property
    def complete(self) -> bool:
        return self.status != "incomplete"


@dataclass(frozen=True)
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


@dataclass(frozen=True)
class Bottleneck:
    dimension: str | None
    element: str | None
    room: str | None
    scenario: str | None
    severity: float | None
    text: str | None
    source: Mapping[str, Any] = field(default_factory=dict)  # message + params, for Words


@dataclass(frozen=True)
class Upgrade:
    id: str
    title: str
    cost_eur: float | None
    score_gain: float | None
    gain_per_keur: float | None
    plan_score: float | None = None  # overall score once this and every earlier step is done
    plan_grade: str | None = None
    dimension: str | None = None
    beyond_bar: bool = False
    source: Mapping[str, Any] = field(default_factory=dict)  # message + params, for Words


@dataclass(frozen=True)
class UpgradePlan:
    """The path to the readiness bar (scores.json ``upgrade_plan``).

    ``reaches_bar`` is None for older scores files that only list recommendations."""

    reaches_bar: bool | None
    already_at_bar: bool
    steps: tuple[Upgrade, ...]
    total_cost_eur: float | None
    final_score: float | None
    final_grade: str | None
    blocking: tuple[Mapping[str, Any], ...]
    beyond_bar: tuple[Upgrade, ...]

    @property
    def blocked_by_catalogue(self) -> bool:
        """Something other than missing measurements keeps the school below the bar."""
        return any(b.get("message") != "plan.blocked.not_measured" for b in self.blocking)


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


@dataclass(frozen=True)
class Equipment:
    """What the survey was done with (visit.json): laptop, interface and tool versions."""

    laptop_host: str | None
    laptop_os: str | None
    python: str | None
    interface_name: str | None
    interface_kind: str | None  # "wired" | "wifi" | None
    interface_detail: str | None
    tools: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Threshold:
    key: str
    value: float
    unit: str  # "ratio" | "rho" | "score" | "s"
    assumption: bool


@dataclass(frozen=True)
class Integrity:
    """The visit's integrity as checked before rendering (None: not checked)."""

    state: str | None  # "sealed" | "altered" | "unsealed"
    files: tuple[str, ...]
    manifest_sha256: str | None
    signature: str | None


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
    more_count: int = 0  # further measurements behind the figure, listed in scores.json only


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
    equipment: Equipment | None = None

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


def _class_tests(entry: Mapping[str, Any]) -> tuple[ClassTestRow, ...]:
    rows = []
    for item in _list(entry.get("class_tests")):
        data = _map(item)
        model, measured = _map(data.get("modelled")), _map(data.get("measured"))
        passes = model.get("passes")
        rows.append(
            ClassTestRow(
                room=clean_text(data.get("room") or "?", 40),
                measurement_id=clean_optional(data.get("measurement_id"), 80),
                scenario_id=clean_optional(model.get("scenario_id"), 20),
                model_pupils=_int(model.get("max_pupils")),
                model_rung=clean_optional(model.get("rung"), 20),
                model_rho_p90=_num(model.get("rho_p90")),
                model_passes=passes if isinstance(passes, bool) else None,
                seats_full=_int(measured.get("seats_full")) or 0,
                seats_joined=_int(measured.get("seats_joined")) or 0,
                sustained=_int(measured.get("video_sustained_count")) or 0,
                video_rate_bps=_num(measured.get("video_rate_bps")),
                download_bps=_num(measured.get("aggregate_download_bps")),
                upload_bps=_num(measured.get("aggregate_upload_bps")),
                fairness=_num(measured.get("jain_fairness")),
                agreement=clean_text(data.get("agreement") or "inconclusive", 30),
                reason=clean_optional(data.get("inconclusive_reason"), 30),
            )
        )
    return tuple(rows)


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
    plan: UpgradePlan | None = None
    missing_notes: tuple[Mapping[str, Any], ...] = ()  # message ids of ``missing``
    coverage: tuple[CoverageRow, ...] = ()
    thresholds: tuple[Threshold, ...] | None = None  # None: the profile is not available
    integrity: Integrity | None = None
    class_tests: tuple[ClassTestRow, ...] = ()
    device_coverage: tuple[sections.DeviceCoverageRow, ...] = ()

    @property
    def cover_notes(self) -> tuple[Any, ...]:
        """Missing-data notes about the dimensions that keep the assessment incomplete."""
        blocking = set(self.overall.missing_dimensions)
        notes = self.missing_notes or self.missing
        return tuple(
            note
            for note in notes
            if (note.get("dimension") if isinstance(note, Mapping) else note.partition(":")[0])
            in blocking
        )

    @property
    def coverage_gaps(self) -> tuple[CoverageRow, ...]:
        """What is left to measure: incomplete coverage of a required dimension."""
        gaps = [c for c in self.coverage if c.complete is False and not c.optional]
        listed = {c.dimension for c in gaps}
        extra = [
            CoverageRow(d, None, None, None, None, False, False, ())
            for d in self.overall.missing_dimensions
            if d not in listed
        ]
        return tuple(gaps + extra)

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


def _rho(value: Any) -> float | None:
    """A rho from scores.json: a number, "inf" (cannot carry the load at all) or null."""
    if isinstance(value, str) and value.strip().lower() in ("inf", "infinity", "+inf"):
        return math.inf
    if isinstance(value, float) and math.isinf(value) and value > 0:
        return math.inf
    return _num(value)


def _grade(data: Mapping[str, Any]) -> Grade:
    incomplete = data.get("status") == "incomplete"
    return Grade(
        score=None if incomplete else _num(data.get("score")),
        grade=None if incomplete else clean_optional(data.get("grade"), 3),
        status="incomplete" if incomplete else "complete",
        missing_dimensions=tuple(clean_text(d, 40) for d in _list(data.get("missing_dimensions"))),
    )


def _coverage(entry: Mapping[str, Any]) -> tuple[CoverageRow, ...]:
    rows = []
    for key, item in _map(entry.get("coverage")).items():
        data = _map(item)
        complete = data.get("complete")
        rows.append(
            CoverageRow(
                dimension=clean_text(key, 40),
                measure=clean_optional(data.get("measure"), 40),
                measured=_int(data.get("measured")),
                expected=_int(data.get("expected")),
                required=_int(data.get("required")),
                complete=complete if isinstance(complete, bool) else None,
                optional=bool(data.get("optional")),
                missing_items=tuple(clean_text(i, 60) for i in _list(data.get("missing_items"))),
            )
        )
    order = {d: i for i, d in enumerate(DIMENSIONS)}
    return tuple(sorted(rows, key=lambda r: order.get(r.dimension, 99)))


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
                rho_p90=_rho(data.get("rho_p90")),
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
                title_id=clean_optional(data.get("title_id"), 60),
                must_pass=bool(data.get("must_pass")),
                dimensions=tuple(
                    ScenarioDimension(
                        key=clean_text(key, 40),
                        score=_num(_map(d).get("score")),
                        rho_p10=_rho(_map(d).get("rho_p10")),
                        rho_p50=_rho(_map(d).get("rho_p50")),
                        rho_p90=_rho(_map(d).get("rho_p90")),
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
        severity=_rho(data.get("severity")),
        text=clean_optional(data.get("text"), 600),
        source=data,
    )


def _upgrades(entry: Mapping[str, Any]) -> tuple[Upgrade, ...]:
    return _upgrade_rows(_list(entry.get("recommendations")))


def _upgrade_rows(items: list[Any]) -> tuple[Upgrade, ...]:
    upgrades = []
    for item in items:
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
                dimension=clean_optional(data.get("dimension"), 40),
                beyond_bar=data.get("beyond_bar") is True,
                source=data,
            )
        )
    return tuple(upgrades)


def _plan(entry: Mapping[str, Any], upgrades: tuple[Upgrade, ...]) -> UpgradePlan | None:
    data = _map(entry.get("upgrade_plan"))
    if not data:
        if not upgrades:
            return None
        costs = [u.cost_eur for u in upgrades if u.cost_eur is not None]
        return UpgradePlan(
            reaches_bar=None,
            already_at_bar=False,
            steps=upgrades,
            total_cost_eur=sum(costs) if costs else None,
            final_score=upgrades[-1].plan_score,
            final_grade=upgrades[-1].plan_grade,
            blocking=(),
            beyond_bar=(),
        )
    reaches = data.get("reaches_bar")
    return UpgradePlan(
        reaches_bar=reaches if isinstance(reaches, bool) else None,
        already_at_bar=data.get("already_at_bar") is True,
        steps=_upgrade_rows(_list(data.get("steps"))),
        total_cost_eur=_num(data.get("total_cost_eur")),
        final_score=_num(data.get("final_score")),
        final_grade=clean_optional(data.get("final_grade"), 3),
        blocking=tuple(_map(b) for b in _list(data.get("blocking")) if _map(b)),
        beyond_bar=_upgrade_rows(_list(data.get("beyond_bar"))),
    )


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
    rows = []
    for item in _list(figures.get("benchmarks")):
        data = _map(item)
        if not data:
            continue
        met = data.get("met")
        metric = data.get("metric")
        rows.append(
            Benchmark(
                body=clean_text(data.get("body", "?")),
                target_bps=_num(data.get("target_bps")),
                ratio=_num(data.get("ratio"))
                if data.get("ratio") is not None
                else _num(data.get("aps_meeting_ratio")),
                id=clean_text(data.get("id", ""), 40),
                source=clean_optional(data.get("source"), 400),
                metric=metric if metric in ("wan_down", "wan_up", "wifi_standard") else "wan_down",
                per_user_mbps=_num(data.get("per_user_mbps")),
                min_mbps=_num(data.get("min_mbps")),
                fixed_mbps=_num(data.get("fixed_mbps")),
                basis=clean_optional(data.get("basis"), 20),
                measured_bps=_num(data.get("measured_p10_bps")),
                met=met if isinstance(met, bool) else None,
                min_standard=clean_optional(data.get("min_standard"), 8),
                aps_count=_int(data.get("aps_count")),
                aps_meeting_count=_int(data.get("aps_meeting_count")),
            )
        )
    return tuple(rows)


def _equipment(info: Mapping[str, Any]) -> Equipment:
    laptop = _map(info.get("laptop"))
    interface = _map(info.get("interface"))
    kind = interface.get("kind") or interface.get("type")
    if not isinstance(kind, str):
        kind = "wifi" if interface.get("bssid") or interface.get("ssid") else None
    kind = {"wired": "wired", "ethernet": "wired", "wifi": "wifi", "wireless": "wifi"}.get(
        str(kind).lower() if kind else ""
    )
    detail = [
        f"{k} {clean_text(v, 60)}"
        for k, v in interface.items()
        if k in ("bssid", "ssid", "speed_mbps", "driver", "mac") and v not in (None, "")
    ]
    tools = _map(info.get("tools"))
    return Equipment(
        laptop_host=clean_optional(laptop.get("host"), 80),
        laptop_os=clean_optional(laptop.get("os"), 120),
        python=clean_optional(laptop.get("python"), 20),
        interface_name=clean_optional(
            interface.get("name")
            or interface.get("interface")
            or _map(_map(info.get("school")).get("survey")).get("interface"),
            40,
        ),
        interface_kind=kind,
        interface_detail=", ".join(detail) or None,
        tools=tuple(
            (clean_text(name, 60), clean_text(version, 60) if version else "?")
            for name, version in sorted(tools.items())
        ),
    )


THRESHOLD_ASSUMPTIONS = frozenset(
    {"u_wifi_realtime", "u_wifi_data", "u_lan", "u_wan", "u_poe", "full_rho", "design_score"}
)


def thresholds_of(
    profile_name: str | None, profile_sha256: str | None
) -> tuple[Threshold, ...] | None:
    """The profile's thresholds, read from the profile itself, only if it is the very
    profile the scores were computed with (same sha256)."""
    if not profile_name:
        return None
    from netsurvey.errors import NetsurveyError
    from netsurvey.scoring.profile import load_profile

    try:
        profile = load_profile(profile_name)
    except (NetsurveyError, OSError, ValueError):
        return None
    if profile_sha256 is not None and profile.sha256 != profile_sha256:
        return None
    u = profile.utilisation
    rows = [
        ("u_wifi_realtime", u.wifi_realtime, "ratio"),
        ("u_wifi_data", u.wifi_data, "ratio"),
        ("u_lan", u.lan, "ratio"),
        ("u_wan", u.wan, "ratio"),
        ("u_poe", u.poe, "ratio"),
        ("u_circuit", u.circuit, "ratio"),
        ("u_rcd", u.rcd, "ratio"),
        ("full_rho", profile.score.full_rho, "rho"),
        ("design_score", profile.score.design_score, "score"),
        ("quantile", profile.score.quantile, "ratio"),
        ("test_target", profile.test_target_s, "s"),
    ]
    return tuple(
        Threshold(key, float(value), unit, key in THRESHOLD_ASSUMPTIONS)
        for key, value, unit in rows
    )


# A long Wi-Fi walk cites thousands of points for one figure: the PDF lists the first
# ones and counts the rest (scores.json keeps every id), so a report stays a few pages.
EVIDENCE_ROWS_PER_FIGURE = 25


def _evidence(entry: Mapping[str, Any], visit: VisitFiles) -> tuple[Evidence, ...]:
    records = visit.by_id()
    rows = []
    for item in _list(entry.get("evidence")):
        data = _map(item)
        all_ids = [str(i) for i in _list(data.get("measurement_ids"))]
        ids = all_ids[:EVIDENCE_ROWS_PER_FIGURE]
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
                figure=clean_text(data.get("figure", "?"), 80),
                measurements=tuple(measurements),
                more_count=len(all_ids) - len(ids),
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
        equipment=_equipment(info),
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
    if not overall.complete or overall.score is None:
        return None
    return overall.score >= bar_score


def integrity_view(state: Any, visit_dir: Path | None = None) -> Integrity | None:
    """The IntegrityState (netsurvey.integrity) as shown in the report, with the
    signature's state when the visit is signed."""
    if state is None:
        return None
    signature = None
    if visit_dir is not None and state.manifest_sha256:
        from netsurvey import integrity as integrity_module

        try:
            signature = integrity_module._signature_state(visit_dir, state.manifest_sha256)
        except (OSError, ValueError):
            signature = None
    return Integrity(
        state=str(state.state),
        files=tuple(clean_text(f, 200) for f in state.files),
        manifest_sha256=clean_optional(state.manifest_sha256, 64),
        signature=clean_optional(signature, 200),
    )


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
    heatmaps = find_heatmaps(heatmap_dir or visit.path / "out")
    upgrades = _upgrades(entry)
    profile = _profile(scores)
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
        upgrades=upgrades,
        plan=_plan(entry, upgrades),
        coverage=_coverage(entry),
        thresholds=thresholds_of(profile.name, profile.sha256),
        scenarios=_scenarios(entry),
        video=_video(figures),
        figures=_figure_rows(figures),
        benchmarks=_benchmarks(figures),
        missing=tuple(clean_text(m) for m in _list(entry.get("missing"))),
        missing_notes=tuple(_map(n) for n in _list(entry.get("missing_notes")) if _map(n)),
        evidence=_evidence(entry, visit),
        provenance=_provenance(entry, visit),
        profile=profile,
        wan=sections.wan_section(visit),
        lan=sections.lan_rows(found_devices),
        wifi=sections.WifiSection(
            rooms=sections.wifi_rooms(visit),
            radios=sections.wifi_radios(found_devices),
            heatmaps=heatmaps,
        ),
        poe=sections.poe_rows(found_devices),
        power=sections.power_section(visit),
        class_tests=_class_tests(entry),
        device_coverage=sections.device_coverage_rows(visit),
    )
