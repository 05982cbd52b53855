"""Score schools end to end: model -> per-school results -> upgrade advice."""

from __future__ import annotations

import logging
from typing import Any

from netsurvey.scoring.features import SchoolFeatures
from netsurvey.scoring.model import evaluate_indexed
from netsurvey.scoring.profile import DEFAULT_DRAWS, DEFAULT_SEED, Profile
from netsurvey.scoring.scores import school_result
from netsurvey.scoring.tables import build_tables
from netsurvey.scoring.whatif import recommend

logger = logging.getLogger(__name__)


def score_schools(
    schools: tuple[SchoolFeatures, ...],
    profile: Profile,
    draws: int = DEFAULT_DRAWS,
    seed: int = DEFAULT_SEED,
    upgrades: bool = True,
) -> list[dict[str, Any]]:
    """One scores.json entry per school, in input order."""
    tables = build_tables(profile)
    found: dict[int, dict[str, Any]] = {}
    for indices, chunk in evaluate_indexed(schools, profile, draws, seed, tables):
        for position, index in enumerate(indices):
            found[index] = school_result(chunk, position, profile)
    results = [found[index] for index in range(len(schools))]
    if upgrades:
        recommend(schools, results, profile, draws, seed, tables)
    logger.debug("scored %d schools x %d draws", len(schools), draws)
    return results
