"""The parts of a scores.json entry the scorer words with message ids and parameters.

The bottleneck, the upgrade steps, the plan's blocking reasons and the missing-data
notes (docs/contracts.md §4). ``report.messages.Words`` renders them in a language for
the PDF, the summary sheet and the terminal table. Their text is kept as written: each
of those outputs cleans it with its own bound. Numbers are finite floats or None (never
0 for missing); a severity of ``"inf"`` is ``math.inf`` (cannot carry the load at all).
An older scores file without ids or params reads with ``message``/``params`` None.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from netsurvey.jsontypes import JsonValue
from netsurvey.numbers import finite_float, integer
from netsurvey.report.jsonread import flag, items, obj, rho, text, texts

__all__ = [
    "Blocking",
    "BottleneckEntry",
    "BottleneckParams",
    "ElementRef",
    "MissingNote",
    "UpgradeParams",
    "UpgradePlanEntry",
    "UpgradeStep",
    "bottleneck_entry",
    "missing_notes",
    "upgrade_plan_entry",
    "upgrade_steps",
]


@dataclass(frozen=True, slots=True)
class ElementRef:
    """``bottleneck.params.element``: its ``kind`` (the catalogue's ``elements.<kind>``)
    and every other field as text, for the catalogue string's placeholders."""

    kind: str | None
    labels: tuple[tuple[str, str], ...]
    width_mhz: float | None


@dataclass(frozen=True, slots=True)
class BottleneckParams:
    element: ElementRef
    room: str | None
    placement: str | None  # "class_online" | "room" | None
    scenario: str | None
    scenario_title_id: str | None
    severity_ratio: float | None  # math.inf: the element cannot carry the load


@dataclass(frozen=True, slots=True)
class BottleneckEntry:
    """scores.json ``bottleneck``; ``text`` is the English sentence for older readers."""

    dimension: str | None
    element: str | None
    room: str | None
    scenario: str | None
    severity: float | None  # math.inf: cannot carry the load; None: no evidence
    text: str | None
    message: str | None
    params: BottleneckParams | None


@dataclass(frozen=True, slots=True)
class UpgradeParams:
    """``params`` of an upgrade message; which ones are set depends on the message."""

    count: int | None
    down_mbps: float | None
    up_mbps: float | None
    rooms: tuple[str, ...]
    width_mhz: float | None
    budget_w: float | None
    slots_at_once: int | None
    breaker_a: float | None


@dataclass(frozen=True, slots=True)
class UpgradeStep:
    """One ``recommendations[]`` / ``upgrade_plan.steps[]`` / ``beyond_bar[]`` item."""

    id: str | None
    title: str | None  # English, for older readers
    dimension: str | None
    cost_eur: float | None
    score_gain: float | None
    gain_per_keur: float | None
    plan_score: float | None  # overall score once this and every earlier step is done
    plan_grade: str | None
    beyond_bar: bool
    message: str | None
    params: UpgradeParams | None


@dataclass(frozen=True, slots=True)
class Blocking:
    """Why the plan does not reach the bar, for one dimension (``plan.blocked.*``)."""

    dimension: str | None
    message: str | None
    best_score: float | None
    tried: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class UpgradePlanEntry:
    """scores.json ``upgrade_plan``."""

    reaches_bar: bool | None
    already_at_bar: bool
    total_cost_eur: float | None
    final_score: float | None
    final_grade: str | None
    steps: tuple[UpgradeStep, ...]
    blocking: tuple[Blocking, ...]
    beyond_bar: tuple[UpgradeStep, ...]


@dataclass(frozen=True, slots=True)
class MissingNote:
    """A ``missing_notes[]`` item: ``missing.<key>`` and its params as text."""

    message: str | None
    dimension: str | None
    params: tuple[tuple[str, str], ...] = ()
    text: str | None = None  # an English sentence, shown as it is in English


def _id_list(value: JsonValue) -> tuple[str, ...]:
    """A list parameter (``rooms``, ``tried``); a lone string is a list of one."""
    return (value,) if isinstance(value, str) else texts(value)


def _element(value: JsonValue) -> ElementRef:
    data = obj(value)
    return ElementRef(
        kind=text(data.get("kind")),
        labels=tuple((k, text(v) or "") for k, v in data.items() if k != "kind"),
        width_mhz=finite_float(data.get("width_mhz")),
    )


def _bottleneck_params(value: JsonValue) -> BottleneckParams | None:
    if not isinstance(value, dict):
        return None
    return BottleneckParams(
        element=_element(value.get("element")),
        room=text(value.get("room")),
        placement=text(value.get("placement")),
        scenario=text(value.get("scenario")),
        scenario_title_id=text(value.get("scenario_title_id")),
        severity_ratio=rho(value.get("severity_ratio")),
    )


def bottleneck_entry(value: JsonValue) -> BottleneckEntry | None:
    """``bottleneck``; None when there is none (absent, null or empty)."""
    data = obj(value)
    if not data:
        return None
    return BottleneckEntry(
        dimension=text(data.get("dimension")),
        element=text(data.get("element")),
        room=text(data.get("room")),
        scenario=text(data.get("scenario")),
        severity=rho(data.get("severity")),
        text=text(data.get("text")),
        message=text(data.get("message")),
        params=_bottleneck_params(data.get("params")),
    )


def _upgrade_params(value: JsonValue) -> UpgradeParams | None:
    if not isinstance(value, dict):
        return None
    return UpgradeParams(
        count=integer(value.get("count")),
        down_mbps=finite_float(value.get("down_mbps")),
        up_mbps=finite_float(value.get("up_mbps")),
        rooms=_id_list(value.get("rooms")),
        width_mhz=finite_float(value.get("width_mhz")),
        budget_w=finite_float(value.get("budget_w")),
        slots_at_once=integer(value.get("slots_at_once")),
        breaker_a=finite_float(value.get("breaker_a")),
    )


def _upgrade_step(data: Mapping[str, JsonValue]) -> UpgradeStep:
    return UpgradeStep(
        id=text(data.get("id")),
        title=text(data.get("title")),
        dimension=text(data.get("dimension")),
        cost_eur=finite_float(data.get("cost_eur")),
        score_gain=finite_float(data.get("score_gain")),
        gain_per_keur=finite_float(data.get("gain_per_keur")),
        plan_score=finite_float(data.get("plan_score")),
        plan_grade=text(data.get("plan_grade")),
        beyond_bar=data.get("beyond_bar") is True,
        message=text(data.get("message")),
        params=_upgrade_params(data.get("params")),
    )


def upgrade_steps(value: JsonValue) -> tuple[UpgradeStep, ...]:
    """A list of upgrade steps (``recommendations``, ``steps``, ``beyond_bar``)."""
    return tuple(_upgrade_step(obj(item)) for item in items(value) if obj(item))


def _blocking(data: Mapping[str, JsonValue]) -> Blocking:
    params = obj(data.get("params"))
    return Blocking(
        dimension=text(data.get("dimension")),
        message=text(data.get("message")),
        best_score=finite_float(params.get("best_score")),
        tried=_id_list(params.get("tried")),
    )


def upgrade_plan_entry(value: JsonValue) -> UpgradePlanEntry | None:
    """``upgrade_plan``; None for an older scores file that only lists recommendations."""
    data = obj(value)
    if not data:
        return None
    return UpgradePlanEntry(
        reaches_bar=flag(data.get("reaches_bar")),
        already_at_bar=data.get("already_at_bar") is True,
        total_cost_eur=finite_float(data.get("total_cost_eur")),
        final_score=finite_float(data.get("final_score")),
        final_grade=text(data.get("final_grade")),
        steps=upgrade_steps(data.get("steps")),
        blocking=tuple(_blocking(obj(b)) for b in items(data.get("blocking")) if obj(b)),
        beyond_bar=upgrade_steps(data.get("beyond_bar")),
    )


def _missing_note(data: Mapping[str, JsonValue]) -> MissingNote:
    return MissingNote(
        message=text(data.get("message")),
        dimension=text(data.get("dimension")),
        params=tuple((k, text(v) or "") for k, v in obj(data.get("params")).items()),
        text=text(data.get("text")),
    )


def missing_notes(value: JsonValue) -> tuple[MissingNote, ...]:
    """``missing_notes`` (empty for a scores file older than message ids)."""
    return tuple(_missing_note(obj(n)) for n in items(value) if obj(n))
