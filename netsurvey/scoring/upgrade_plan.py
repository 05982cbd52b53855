"""Upgrade candidates and the plan the search finds: typed, with their scores.json form
(``upgrade_plan`` and ``recommendations``, docs/contracts.md §4)."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal, TypeAlias

from netsurvey.scoring.features import SchoolFeatures
from netsurvey.scoring.scores_json import (
    AddApParamsJson,
    BlockingJson,
    CartSequencingParamsJson,
    ChannelPlanParamsJson,
    NewCircuitParamsJson,
    PoeSwitchParamsJson,
    StepJson,
    UpgradePlanJson,
    WanTierParamsJson,
)

Change = Callable[[SchoolFeatures], SchoolFeatures]
Method = Literal["exact", "greedy"]


@dataclass(frozen=True, slots=True)
class WanTierParams:
    tier: str
    down_mbps: float
    up_mbps: float

    def to_json(self) -> WanTierParamsJson:
        return {"tier": self.tier, "down_mbps": self.down_mbps, "up_mbps": self.up_mbps}


@dataclass(frozen=True, slots=True)
class AddApParams:
    rooms: tuple[str, ...]

    def to_json(self) -> AddApParamsJson:
        return {"rooms": list(self.rooms), "count": len(self.rooms)}


@dataclass(frozen=True, slots=True)
class ChannelPlanParams:
    width_mhz: float

    def to_json(self) -> ChannelPlanParamsJson:
        return {"width_mhz": self.width_mhz}


@dataclass(frozen=True, slots=True)
class PoeSwitchParams:
    switches: tuple[str, ...]  # sorted
    budget_w: float

    def to_json(self) -> PoeSwitchParamsJson:
        return {
            "count": len(self.switches),
            "switches": list(self.switches),
            "budget_w": self.budget_w,
        }


@dataclass(frozen=True, slots=True)
class CartSequencingParams:
    count: int
    slots_at_once: int

    def to_json(self) -> CartSequencingParamsJson:
        return {"count": self.count, "slots_at_once": self.slots_at_once}


@dataclass(frozen=True, slots=True)
class NewCircuitParams:
    count: int
    breaker_a: float

    def to_json(self) -> NewCircuitParamsJson:
        return {"count": self.count, "breaker_a": self.breaker_a}


UpgradeParams: TypeAlias = (
    "WanTierParams | AddApParams | ChannelPlanParams | PoeSwitchParams"
    " | CartSequencingParams | NewCircuitParams"
)


@dataclass(frozen=True)
class Candidate:
    """One catalogue upgrade for one school.

    ``message``/``params`` name it for the report's locale catalogue; ``title`` is the
    English text.  Two candidates conflict when they share an exclusive ``group`` (WAN
    tiers replace each other) or ``covers`` overlap (one AP per room); a ``composite``
    is the sum of other candidates (all crowded rooms at once), left out of exact search.
    """

    id: str
    title: str
    cost_eur: float
    dimension: str
    change: Change
    message: str
    params: UpgradeParams
    group: str | None = None
    covers: frozenset[str] = frozenset()
    composite: bool = False

    def conflicts(self, other: Candidate) -> bool:
        if self.group is not None and self.group == other.group:
            return True
        return bool(self.covers & other.covers)


@dataclass(frozen=True, slots=True)
class PlanStep:
    """One upgrade of a plan and where the plan stands after it."""

    candidate: Candidate
    score_gain: float  # overall, one decimal
    dimension_gain: float  # its own dimension, one decimal
    gain_per_keur: float  # score_gain per 1000 EUR; +inf for a free upgrade that gains
    plan_cost_eur: float  # this step and every earlier one
    plan_score: float | None
    plan_grade: str | None
    beyond_bar: bool  # an optional step once the bar is reached

    def to_json(self) -> StepJson:
        candidate, rate = self.candidate, self.gain_per_keur
        return {
            "id": candidate.id,
            "title": candidate.title,
            "message": candidate.message,
            "params": candidate.params.to_json(),
            "dimension": candidate.dimension,
            "cost_eur": round(candidate.cost_eur, 2),
            "score_gain": self.score_gain,
            "dimension_gain": self.dimension_gain,
            "gain_per_keur": round(rate, 2) if math.isfinite(rate) else None,
            "plan_cost_eur": round(self.plan_cost_eur, 2),
            "plan_score": self.plan_score,
            "plan_grade": self.plan_grade,
            "beyond_bar": self.beyond_bar,
        }


@dataclass(frozen=True, slots=True)
class Blocking:
    """Why the bar is not reached in one dimension (a ``plan.blocked.*`` message)."""

    dimension: str
    message: str
    best_score: float | None = None  # None: not measured (the message has no params)
    tried: tuple[str, ...] = ()  # candidate ids of this dimension

    def to_json(self) -> BlockingJson:
        if self.best_score is None:
            return {"dimension": self.dimension, "message": self.message, "params": {}}
        return {
            "dimension": self.dimension,
            "message": self.message,
            "params": {"best_score": round(self.best_score, 1), "tried": list(self.tried)},
        }


@dataclass(frozen=True, slots=True)
class UpgradePlan:
    bar_score: float
    method: Method
    reaches_bar: bool
    already_at_bar: bool
    steps: tuple[PlanStep, ...]
    total_cost_eur: float
    final_score: float | None  # None for an incomplete assessment
    final_grade: str | None
    blocking: tuple[Blocking, ...]
    beyond_bar: tuple[PlanStep, ...]

    def to_json(self) -> UpgradePlanJson:
        return {
            "bar_score": self.bar_score,
            "method": self.method,
            "reaches_bar": self.reaches_bar,
            "already_at_bar": self.already_at_bar,
            "steps": [step.to_json() for step in self.steps],
            "total_cost_eur": round(self.total_cost_eur, 2),
            "final_score": self.final_score,
            "final_grade": self.final_grade,
            "blocking": [entry.to_json() for entry in self.blocking],
            "beyond_bar": [step.to_json() for step in self.beyond_bar],
        }
