"""scores.json entry + visit files -> a frozen, plain view model for the templates.

Values stay in SI units (bits/s, seconds, watts, ratios 0..1); the template filters turn
them into human units per locale. Missing data is ``None`` and shows as "no data".
Every string that came from a device, a survey or the inventory is cleaned here
(controls and bidi overrides stripped, length bounded); autoescape does the rest.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from netsurvey.inventory import School
from netsurvey.records import VisitInfo
from netsurvey.report import sections
from netsurvey.report.heatmaps import find_heatmaps
from netsurvey.report.scoresentry import (
    Benchmark,
    ClassTestRow,
    CoverageRow,
    DimensionScore,
    FigureRow,
    Grade,
    Scenario,
    SchoolScores,
    Video,
)
from netsurvey.report.scoresfile import ScoresFile, ScoresHeader
from netsurvey.report.scoresmessages import (
    Blocking,
    BottleneckEntry,
    MissingNote,
    UpgradePlanEntry,
    UpgradeStep,
)
from netsurvey.report.text import clean_optional, clean_text
from netsurvey.report.visitfiles import VisitFiles

if TYPE_CHECKING:
    from netsurvey.integrity import IntegrityState

TOP_UPGRADES_COUNT = 3
READINESS_BAR_SCORE = 60.0  # score(rho=1): every must-pass scenario fits at the design target


@dataclass(frozen=True)
class Bottleneck:
    dimension: str | None
    element: str | None
    room: str | None
    scenario: str | None
    severity: float | None
    text: str | None
    source: BottleneckEntry  # message + params, for Words


@dataclass(frozen=True)
class Upgrade:
    id: str
    title: str
    cost_eur: float | None
    score_gain: float | None
    gain_per_keur: float | None
    source: UpgradeStep  # message + params, for Words
    plan_score: float | None = None  # overall score once this and every earlier step is done
    plan_grade: str | None = None
    dimension: str | None = None
    beyond_bar: bool = False


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
    blocking: tuple[Blocking, ...]
    beyond_bar: tuple[Upgrade, ...]

    @property
    def blocked_by_catalogue(self) -> bool:
        """Something other than missing measurements keeps the school below the bar."""
        return any(b.message != "plan.blocked.not_measured" for b in self.blocking)


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
class Unmeasured:
    """A record that failed, was skipped or was read only in part, or an inventory device
    nothing read: what, by which probe, and the reason as the tool or technician gave it."""

    subject: str
    probe: str | None
    reason: str
    measurement_id: str | None


# The appendix lists this many of them and counts the rest (a long visit can hold many).
UNMEASURED_ROWS = 40


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
    missing_notes: tuple[MissingNote, ...] = ()  # message ids of ``missing``
    coverage: tuple[CoverageRow, ...] = ()
    thresholds: tuple[Threshold, ...] | None = None  # None: the profile is not available
    integrity: Integrity | None = None
    class_tests: tuple[ClassTestRow, ...] = ()
    device_coverage: tuple[sections.DeviceCoverageRow, ...] = ()
    unmeasured: tuple[Unmeasured, ...] = ()  # the visit's facts: what is missing, and why
    unmeasured_more_count: int = 0

    @property
    def cover_notes(self) -> tuple[MissingNote | str, ...]:
        """Missing-data notes about the dimensions that keep the assessment incomplete
        (an older scores file's English sentences start with their dimension)."""
        blocking = set(self.overall.missing_dimensions)
        notes: tuple[MissingNote | str, ...] = self.missing_notes or self.missing
        return tuple(
            note
            for note in notes
            if (note.dimension if isinstance(note, MissingNote) else note.partition(":")[0])
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


def parse_time(value: str | None) -> datetime | None:
    """An ISO 8601 time (``Z`` for UTC), or None when absent or unreadable."""
    if value is None:
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


def _bottleneck(found: BottleneckEntry | None) -> Bottleneck | None:
    if found is None:
        return None
    return Bottleneck(
        dimension=clean_optional(found.dimension, 40),
        element=clean_optional(found.element),
        room=clean_optional(found.room),
        scenario=clean_optional(found.scenario, 20),
        severity=found.severity,
        text=clean_optional(found.text, 600),
        source=found,
    )


def _upgrade_rows(steps: tuple[UpgradeStep, ...]) -> tuple[Upgrade, ...]:
    return tuple(
        Upgrade(
            id=clean_text(step.id or "?", 60),
            title=clean_text(step.title or step.id or "?"),
            cost_eur=step.cost_eur,
            score_gain=step.score_gain,
            gain_per_keur=step.gain_per_keur,
            source=step,
            plan_score=step.plan_score,
            plan_grade=clean_text(step.plan_grade, 4) if step.plan_grade else None,
            dimension=clean_optional(step.dimension, 40),
            beyond_bar=step.beyond_bar,
        )
        for step in steps
    )


def _plan(plan: UpgradePlanEntry | None, upgrades: tuple[Upgrade, ...]) -> UpgradePlan | None:
    if plan is None:
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
    return UpgradePlan(
        reaches_bar=plan.reaches_bar,
        already_at_bar=plan.already_at_bar,
        steps=_upgrade_rows(plan.steps),
        total_cost_eur=plan.total_cost_eur,
        final_score=plan.final_score,
        final_grade=clean_optional(plan.final_grade, 3),
        blocking=plan.blocking,
        beyond_bar=_upgrade_rows(plan.beyond_bar),
    )


def _equipment(info: VisitInfo, school: School) -> Equipment:
    laptop = info.texts("laptop")
    interface = info.texts("interface")
    named_kind = interface.get("kind") or interface.get("type")
    if not named_kind:
        named_kind = "wifi" if interface.get("bssid") or interface.get("ssid") else None
    kind = {"wired": "wired", "ethernet": "wired", "wifi": "wifi", "wireless": "wifi"}.get(
        named_kind.lower() if named_kind else ""
    )
    detail = [
        f"{k} {clean_text(v, 60)}"
        for k, v in interface.items()
        if k in ("bssid", "ssid", "speed_mbps", "driver", "mac") and v not in (None, "")
    ]
    tools = info.texts("tools")
    return Equipment(
        laptop_host=clean_optional(laptop.get("host"), 80),
        laptop_os=clean_optional(laptop.get("os"), 120),
        python=clean_optional(laptop.get("python"), 20),
        interface_name=clean_optional(
            interface.get("name") or interface.get("interface") or school.survey.interface,
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


def _evidence(entry: SchoolScores, visit: VisitFiles) -> tuple[Evidence, ...]:
    records = visit.by_id()
    rows = []
    for item in entry.evidence:
        all_ids = list(item.measurement_ids)
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
                figure=clean_text(item.figure or "?", 80),
                measurements=tuple(measurements),
                more_count=len(all_ids) - len(ids),
            )
        )
    return tuple(rows)


def _unmeasured(visit: VisitFiles) -> tuple[Unmeasured, ...]:
    return tuple(
        Unmeasured(
            subject=clean_text(m.subject, 80),
            probe=clean_optional(m.probe, 40),
            reason=clean_text(m.reason, 200),
            measurement_id=clean_optional(m.measurement_id, 80),
        )
        for m in visit.facts.missing
    )


def _provenance(entry: SchoolScores, visit: VisitFiles) -> Provenance:
    info = visit.info
    tools = info.texts("tools")
    inventory = info.texts("inventory")
    return Provenance(
        visit_id=clean_optional(info.visit_id, 80),
        visit_dir=visit.path,
        started_at=parse_time(info.started_at),
        operator=clean_optional(info.operator),
        netsurvey_version=clean_optional(info.text("netsurvey_version"), 40),
        tools=tuple(
            (clean_text(name, 60), clean_text(version, 60))
            for name, version in sorted(tools.items())
        ),
        inventory_sha256=clean_optional(inventory.get("sha256"), 64),
        manifest_sha256=visit.manifest_sha256,
        scored_manifest_sha256=clean_optional(entry.visit_manifest_sha256, 64),
        records_count=len(visit.records),
        skipped_lines=visit.skipped_lines,
        equipment=_equipment(info, visit.school),
    )


def _profile(header: ScoresHeader) -> Profile:
    return Profile(
        name=clean_optional(header.profile_name, 60),
        version=clean_optional(header.profile_version, 30),
        sha256=clean_optional(header.profile_sha256, 64),
        draws=header.draws,
        seed=header.seed,
        generated_at=parse_time(header.generated_at),
        scorer_version=clean_optional(header.netsurvey_version, 40),
    )


def meets_bar(overall: Grade, bar_score: float = READINESS_BAR_SCORE) -> bool | None:
    if not overall.complete or overall.score is None:
        return None
    return overall.score >= bar_score


def integrity_view(
    state: IntegrityState | None, visit_dir: Path | None = None
) -> Integrity | None:
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
    entry: SchoolScores,
    scores: ScoresFile,
    visit: VisitFiles,
    heatmap_dir: Path | None = None,
) -> ReportView:
    """The view model for one school's report. ``heatmap_dir`` defaults to ``visit/out``."""
    school = visit.school
    found_devices = sections.devices(visit)
    overall = entry.overall
    heatmaps = find_heatmaps(heatmap_dir or visit.path / "out")
    upgrades = _upgrade_rows(entry.recommendations)
    profile = _profile(scores.header)
    return ReportView(
        school_id=clean_text(entry.school_id or visit.info.school_id or "?", 80),
        school_name=clean_text(entry.name or school.name or "?"),
        municipality=clean_optional(entry.municipality or school.municipality),
        address=clean_optional(school.address),
        pupils_count=school.pupils_count,
        overall=overall,
        meets_bar=meets_bar(overall),
        dimensions=entry.dimensions,
        bottleneck=_bottleneck(entry.bottleneck),
        upgrades=upgrades,
        plan=_plan(entry.upgrade_plan, upgrades),
        coverage=entry.coverage,
        thresholds=thresholds_of(profile.name, profile.sha256),
        scenarios=entry.scenarios,
        video=entry.video,
        figures=entry.figures,
        benchmarks=entry.benchmarks,
        missing=tuple(clean_text(m) for m in entry.missing),
        missing_notes=entry.missing_notes,
        evidence=_evidence(entry, visit),
        unmeasured=_unmeasured(visit)[:UNMEASURED_ROWS],
        unmeasured_more_count=max(0, len(visit.facts.missing) - UNMEASURED_ROWS),
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
        class_tests=entry.class_tests,
        device_coverage=sections.device_coverage_rows(visit),
    )
