"""Score schools end to end: model -> per-school results -> upgrade advice."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from netsurvey.errors import UsageError
from netsurvey.scoring.features import SchoolFeatures
from netsurvey.scoring.model import CHUNK_BUDGET, evaluate_chunk, plan_chunks
from netsurvey.scoring.profile import DEFAULT_DRAWS, DEFAULT_SEED, Profile
from netsurvey.scoring.scores import school_result
from netsurvey.scoring.tables import build_tables
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


def score_schools(
    schools: tuple[SchoolFeatures, ...],
    profile: Profile,
    draws: int = DEFAULT_DRAWS,
    seed: int = DEFAULT_SEED,
    upgrades: bool = True,
    progress: Progress = _no_progress,
) -> list[dict[str, Any]]:
    """One scores.json entry per school, in input order. ``progress`` hears of each
    chunk of schools the model finished, then of the upgrade search."""
    for school in schools:
        check_size(school)
    tables = build_tables(profile)
    found: dict[int, dict[str, Any]] = {}
    chunks = plan_chunks(schools, draws, CHUNK_BUDGET)
    progress("model", 0, len(schools))
    for indices in chunks:
        chunk = evaluate_chunk(tuple(schools[i] for i in indices), profile, tables, draws, seed)
        for position, index in enumerate(indices):
            found[index] = school_result(chunk, position, profile)
        progress("model", len(found), len(schools))
    results = [found[index] for index in range(len(schools))]
    if upgrades:
        progress("upgrades", 0, len(schools))
        recommend(schools, results, profile, draws, seed, tables)
        progress("upgrades", len(schools), len(schools))
    logger.debug("scored %d schools x %d draws", len(schools), draws)
    return results
