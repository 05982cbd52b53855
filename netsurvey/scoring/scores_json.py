"""The shape of scores.json, as ``netsurvey score`` writes it.

docs/contracts.md §4 describes the file and what each field means; these ``TypedDict``s
are the same contract for the type checker. The scorer computes frozen dataclasses
(``scores.SchoolScore``, ``figures.Figures``, ``bottleneck.Bottleneck``,
``upgrade_plan.UpgradePlan``, ...); their ``to_json`` methods are the only code that
builds these dicts, and ``output.write_scores`` the only code that writes them. Readers
parse the file on their side (``netsurvey/report/scoresfile.py``); they do not import
this module's dicts back as data.

Members of a union (``ScenarioDimensionJson | MissingScenarioDimensionJson``, the element
references, the benchmark rows, the upgrade and blocking params) are ``@final``, so a
type checker narrows them by their keys (``"rho_p90" in entry``).

A rho or a severity is a number, the string ``"inf"`` (the element cannot carry the load
at any share) or null (no evidence).
"""

from __future__ import annotations

from typing import Literal, NotRequired, TypeAlias, TypedDict, final

from netsurvey.jsontypes import JsonObject
from netsurvey.scoring.coverage import CoverageEntry
from netsurvey.scoring.notes import NoteJson

Infinite: TypeAlias = Literal["inf"]
RhoJson: TypeAlias = "float | Infinite | None"


class ProfileRefJson(TypedDict):
    name: str
    version: str
    title: str
    sha256: str


class ScoresDocument(TypedDict):
    """The whole file."""

    schema_version: int
    generated_at: str
    netsurvey_version: str
    profile: ProfileRefJson
    draws: int
    seed: int
    schools: list[SchoolEntry]


class OverallJson(TypedDict):
    score: float | None
    grade: str | None
    status: Literal["complete", "incomplete"]
    missing_dimensions: list[str]


class DimensionJson(TypedDict):
    """``dimensions.<name>``: the worst binding scenario; all null when not measured."""

    score: float | None
    grade: str | None
    worst_scenario: str | None
    rho_p90: RhoJson
    p_pass: NotRequired[float]  # absent when the dimension was not measured


@final
class ScenarioDimensionJson(TypedDict):
    """``scenarios[].dimensions.<name>`` of a measured dimension."""

    score: float
    grade: str
    rho_p10: RhoJson
    rho_p50: RhoJson
    rho_p90: RhoJson
    p_pass: float
    element: str  # English label of the worst element
    room: str | None


@final
class MissingScenarioDimensionJson(TypedDict):
    """``scenarios[].dimensions.<name>`` of a dimension without evidence."""

    score: None
    grade: None
    missing: Literal[True]


class ScenarioJson(TypedDict):
    id: str
    title: str
    title_id: str | None
    must_pass: bool
    application: str | None
    dimensions: dict[str, ScenarioDimensionJson | MissingScenarioDimensionJson]


# Element references (``bottleneck.params.element``): ``kind`` names the catalogue key
# ``elements.<kind>``, the other keys are its parameters.


@final
class RadioRefJson(TypedDict):
    kind: Literal["radio"]
    ap: str
    band: str
    channel: int
    width_mhz: int


@final
class RoomNoApRefJson(TypedDict):
    kind: Literal["room_no_ap"]
    room: str


@final
class PortRefJson(TypedDict):
    kind: Literal["port"]
    ap: str | None


@final
class UplinkRefJson(TypedDict):
    kind: Literal["uplink"]
    switch: str | None


@final
class PoeRefJson(TypedDict):
    kind: Literal["poe"]
    switch: str


@final
class CircuitRefJson(TypedDict):
    kind: Literal["circuit", "rcd"]
    circuit: str


@final
class BareRefJson(TypedDict):
    kind: Literal["wan", "unknown"]


ElementRefJson: TypeAlias = (
    "RadioRefJson | RoomNoApRefJson | PortRefJson | UplinkRefJson | PoeRefJson"
    " | CircuitRefJson | BareRefJson"
)


class BottleneckParamsJson(TypedDict):
    dimension: str
    element: ElementRefJson
    room: str | None
    placement: Literal["class_online", "room"] | None
    scenario: str
    scenario_title_id: str | None
    severity_ratio: float | Infinite


class BottleneckJson(TypedDict):
    dimension: str
    element: str
    room: str | None
    scenario: str
    severity: float | Infinite
    text: str
    message: str
    params: BottleneckParamsJson


class VideoJson(TypedDict):
    """``figures.sustainable_video``: the best video rung every room sustains."""

    scenario: str
    rung: str | None
    worst_room: str | None
    by_room: dict[str, str | None]


@final
class WanBenchmarkJson(TypedDict):
    """``figures.benchmarks[]`` with metric ``wan_down`` or ``wan_up``."""

    id: str
    body: str
    source: str | None
    metric: str
    per_user_mbps: float | None
    min_mbps: float | None
    fixed_mbps: float | None
    basis: str
    target_bps: int
    measured_p10_bps: int | None
    ratio: float | None
    met: bool | None


@final
class WifiStandardBenchmarkJson(TypedDict):
    """``figures.benchmarks[]`` with metric ``wifi_standard``."""

    id: str
    body: str
    source: str | None
    metric: str
    min_standard: str | None
    aps_count: int
    aps_meeting_count: int | None
    aps_meeting_ratio: float | None
    ratio: None
    met: bool | None


class FiguresJson(TypedDict):
    max_pupils_per_radio: dict[str, dict[str, int]]  # scenario -> room -> pupils
    sustainable_video: VideoJson | None
    test_start_load_s: float | None
    test_start_target_s: float
    poe_headroom_aps: int | None
    poe_headroom_aps_by_switch: dict[str, int]
    poe_restricted_aps: list[str]
    carts_per_circuit: dict[str, int]
    cart_cycle_h: dict[str, float | None]
    benchmarks: list[WanBenchmarkJson | WifiStandardBenchmarkJson]


# Upgrade messages and their parameters (``upgrade.<kind>`` in the locale catalogue).


@final
class WanTierParamsJson(TypedDict):
    tier: str
    down_mbps: float
    up_mbps: float


@final
class AddApParamsJson(TypedDict):
    rooms: list[str]
    count: int


@final
class ChannelPlanParamsJson(TypedDict):
    width_mhz: float


@final
class PoeSwitchParamsJson(TypedDict):
    count: int
    switches: list[str]
    budget_w: float


@final
class CartSequencingParamsJson(TypedDict):
    count: int
    slots_at_once: int


@final
class NewCircuitParamsJson(TypedDict):
    count: int
    breaker_a: float


UpgradeParamsJson: TypeAlias = (
    "WanTierParamsJson | AddApParamsJson | ChannelPlanParamsJson | PoeSwitchParamsJson"
    " | CartSequencingParamsJson | NewCircuitParamsJson"
)


class StepJson(TypedDict):
    """``upgrade_plan.steps[]`` / ``beyond_bar[]`` and ``recommendations[]``."""

    id: str
    title: str
    message: str
    params: UpgradeParamsJson
    dimension: str
    cost_eur: float
    score_gain: float
    dimension_gain: float
    gain_per_keur: float | None
    plan_cost_eur: float
    plan_score: float | None
    plan_grade: str | None
    beyond_bar: bool


@final
class NotMeasuredParamsJson(TypedDict):
    """``plan.blocked.not_measured`` has no parameters."""


@final
class NotEnoughParamsJson(TypedDict):
    """``plan.blocked.not_enough`` / ``plan.blocked.no_upgrade``."""

    best_score: float
    tried: list[str]


class BlockingJson(TypedDict):
    dimension: str
    message: str
    params: NotMeasuredParamsJson | NotEnoughParamsJson


class UpgradePlanJson(TypedDict):
    bar_score: float
    method: Literal["exact", "greedy"]
    reaches_bar: bool
    already_at_bar: bool
    steps: list[StepJson]
    total_cost_eur: float
    final_score: float | None
    final_grade: str | None
    blocking: list[BlockingJson]
    beyond_bar: list[StepJson]


class EvidenceJson(TypedDict):
    figure: str
    measurement_ids: list[str]


class IntegrityJson(TypedDict):
    """What the integrity gate found before scoring (``netsurvey.integrity``)."""

    state: Literal["sealed", "altered", "unsealed"]
    files: list[str]
    manifest_sha256: str | None


class SchoolEntry(TypedDict):
    """``schools[]``: one school. The scorer writes everything up to ``evidence``;
    ``upgrade_plan`` comes with the upgrade search, ``integrity`` and ``class_tests``
    (records of ``netsurvey.classtest``, set beside the model) from ``netsurvey score``."""

    school_id: str
    name: str
    municipality: str | None
    visit: str | None
    visit_manifest_sha256: str | None
    overall: OverallJson
    coverage: dict[str, CoverageEntry]
    dimensions: dict[str, DimensionJson]
    scenarios: list[ScenarioJson]
    bottleneck: BottleneckJson | None
    figures: FiguresJson
    recommendations: list[StepJson]  # = upgrade_plan.steps (older readers)
    missing: list[str]  # English sentences (older readers)
    missing_notes: list[NoteJson]
    evidence: list[EvidenceJson]
    upgrade_plan: NotRequired[UpgradePlanJson]
    integrity: NotRequired[IntegrityJson]
    class_tests: NotRequired[list[JsonObject]]
