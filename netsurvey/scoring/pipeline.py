"""Score schools end to end: model -> per-school results -> upgrade advice.

``assess_schools`` gives the typed results (``SchoolScore`` and its ``UpgradePlan``);
``score_schools`` their scores.json entries (docs/contracts.md §4, ``scores_json``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from netsurvey.errors import UsageError
from netsurvey.scoring.features import SchoolFeatures
from netsurvey.scoring.model import CHUNK_BUDGET, evaluate_chunk, plan_chunks
from netsurvey.scoring.profile import DEFAULT_DRAWS, DEFAULT_SEED, Profile
from netsurvey.scoring.scores import SchoolScore, school_score
from netsurvey.scoring.scores_json import SchoolEntry
from netsurvey.scoring.tables import build_tables
from netsurvey.scoring.upgrade_plan import UpgradePlan
from netsurvey.scoring.whatif import recommend

logger = logging.getLogger(__name__)


MAX_ROOMS_PER_SCHOOL = 1000  # the largest Latvian schools have about 120 rooms
MAX_APS_PER_SCHOOL = 1000

Progress = Callable[[str, int, int], None]  # (stage, done, total)


def _no_progress(stage: str, done: int, total: int) -> None:
    return None


def check_size(school: SchoolFeatures) -> None:
    """Refuse a school the model cannot hold in memory (documented limits, README)."""
    for what, count, limit in (
        ("rooms", len(school.rooms), MAX_ROOMS_PER_SCHOOL),
        ("access points", len(school.aps), MAX_APS_PER_SCHOOL),
    ):
        if count > limit:
            raise UsageError(
                f"school {school.id}: {count} {what}; netsurvey scores at most {limit} "
                f"{what} per school",
                hint="describe a campus as one school entry per building",
            )


@dataclass(frozen=True, slots=True)
class SchoolAssessment:
    """One school's scores and, unless upgrades were not searched, its upgrade plan."""

    score: SchoolScore
    plan: UpgradePlan | None

    def to_json(self) -> SchoolEntry:
        """The school's scores.json entry."""
        entry = self.score.to_json()
        if self.plan is not None:
            entry["recommendations"] = [step.to_json() for step in self.plan.steps]
            entry["upgrade_plan"] = self.plan.to_json()
        return entry


def assess_schools(
    schools: tuple[SchoolFeatures, ...],
    profile: Profile,
    draws: int = DEFAULT_DRAWS,
    seed: int = DEFAULT_SEED,
    upgrades: bool = True,
    progress: Progress = _no_progress,
) -> list[SchoolAssessment]:
    """One typed result per school, in input order. ``progress`` hears of each chunk of
    schools the model finished, then of the upgrade search."""
    for school in schools:
        check_size(school)
    tables = build_tables(profile)
    found: dict[int, SchoolScore] = {}
    chunks = plan_chunks(schools, draws, CHUNK_BUDGET)
    progress("model", 0, len(schools))
    for indices in chunks:
        chunk = evaluate_chunk(tuple(schools[i] for i in indices), profile, tables, draws, seed)
        for position, index in enumerate(indices):
            found[index] = school_score(chunk, position, profile)
        progress("model", len(found), len(schools))
    scores = [found[index] for index in range(len(schools))]
    plans: list[UpgradePlan | None] = [None] * len(schools)
    if upgrades:
        progress("upgrades", 0, len(schools))
        plans = list(recommend(schools, scores, profile, draws, seed, tables))
        progress("upgrades", len(schools), len(schools))
    logger.debug("scored %d schools x %d draws", len(schools), draws)
    return [SchoolAssessment(score, plan) for score, plan in zip(scores, plans, strict=True)]


def score_schools(
    schools: tuple[SchoolFeatures, ...],
    profile: Profile,
    draws: int = DEFAULT_DRAWS,
    seed: int = DEFAULT_SEED,
    upgrades: bool = True,
    progress: Progress = _no_progress,
) -> list[SchoolEntry]:
    """One scores.json entry per school, in input order (see ``assess_schools``)."""
    assessed = assess_schools(schools, profile, draws, seed, upgrades, progress)
    return [assessment.to_json() for assessment in assessed]
