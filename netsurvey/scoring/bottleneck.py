"""The school's bottleneck: the element with the largest p90 demand / capacity in a
must-pass scenario (scores.json ``bottleneck``, docs/contracts.md §4)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

from netsurvey.scoring.elements import ElementRef, element_kind, element_ref, element_text_en
from netsurvey.scoring.model import ChunkResult, DimensionResult, ScenarioResult
from netsurvey.scoring.profile import Scenario
from netsurvey.scoring.scores_json import BottleneckJson, Infinite

BOTTLENECK_TEXT_EN = {
    "bottleneck.no_capacity": "{where} has no usable capacity left at all in {scenario} ({title}).",
    "bottleneck.saturated": "{where} is saturated: at the p90 the demand is {severity} of what it "
    "can carry in {scenario} ({title}).",
    "bottleneck.busiest": "{where} is the busiest element: at the p90 it carries {severity} of "
    "its capacity in {scenario} ({title}).",
}

Placement = Literal["class_online", "room"]


def _where_en(element: str, room: str | None, placement: Placement | None) -> str:
    if placement == "class_online":
        return f"{element} (with the class in room {room} online)"
    if placement == "room":
        return f"{element} (room {room})"
    return element


@dataclass(frozen=True, slots=True)
class Bottleneck:
    """``message`` and the params are what the report renders from its locale catalogue;
    ``text_en`` is the English rendering of the same message (kept for older readers)."""

    dimension: str
    element: ElementRef
    room: str | None
    placement: Placement | None  # the element seen with a class placed in ``room``, or in it
    scenario: Scenario
    severity_ratio: float  # p90 demand / capacity; +inf (or NaN): no usable capacity

    @property
    def message(self) -> str:
        if not math.isfinite(self.severity_ratio):
            return "bottleneck.no_capacity"
        if self.severity_ratio >= 1.0:
            return "bottleneck.saturated"
        return "bottleneck.busiest"

    @property
    def text_en(self) -> str:
        severity = self.severity_ratio
        return BOTTLENECK_TEXT_EN[self.message].format(
            where=_where_en(element_text_en(self.element), self.room, self.placement),
            severity=f"{severity:.0%}" if math.isfinite(severity) else "",
            scenario=self.scenario.id,
            title=self.scenario.title,
        )

    def to_json(self) -> BottleneckJson:
        severity: float | Infinite = (
            round(self.severity_ratio, 3) if math.isfinite(self.severity_ratio) else "inf"
        )
        return {
            "dimension": self.dimension,
            "element": element_text_en(self.element),
            "room": self.room,
            "scenario": self.scenario.id,
            "severity": severity,
            "text": self.text_en,
            "message": self.message,
            "params": {
                "dimension": self.dimension,
                "element": self.element.to_json(),
                "room": self.room,
                "placement": self.placement,
                "scenario": self.scenario.id,
                "scenario_title_id": self.scenario.title_id,
                "severity_ratio": severity,
            },
        }


def bottleneck(chunk: ChunkResult, index: int) -> Bottleneck | None:
    """The most severe element over the must-pass scenarios; None when none was measured."""
    school = chunk.batch.schools[index]
    best: tuple[float, ScenarioResult, str, DimensionResult] | None = None
    for result in chunk.scenarios:
        if not result.scenario.must_pass:
            continue
        for name, dim in result.dimensions.items():
            if not dim.present[index]:
                continue
            severity = float(dim.severity_q[index])
            if best is None or severity > best[0]:
                best = (severity, result, name, dim)
    if best is None:
        return None
    severity, result, name, dim = best
    element_index = int(dim.severity_element[index])
    ref, room = element_ref(school, dim, element_index)
    placement: Placement | None = None
    if room and element_kind(dim, element_index).startswith("room_"):
        placement = "class_online"
    elif room:
        placement = "room"
    return Bottleneck(name, ref, room, placement, result.scenario, severity)
