"""The upgrade plan is a path to the readiness bar (issue #17, item 2).

The rural fixture school (tests/fixtures/features/latvia-3-schools.yaml) needs several
upgrades in different dimensions; its path must be the cheapest set of catalogue
upgrades that reaches the bar, checked here against a brute-force search over every
subset of the school's catalogue candidates, scored with the same draws.
"""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from netsurvey.scoring import plan_search, whatif
from netsurvey.scoring.features import SchoolFeatures
from netsurvey.scoring.model import evaluate_indexed
from netsurvey.scoring.pipeline import score_schools
from netsurvey.scoring.profile import Profile, load_profile
from netsurvey.scoring.scores import school_score
from netsurvey.scoring.scores_json import SchoolEntry
from netsurvey.scoring.tables import build_tables

DRAWS = 200
SEED = 11
RURAL = 2  # lv-latgale-rural in the fixture


def _plans(schools: tuple[SchoolFeatures, ...], profile: Profile) -> list[SchoolEntry]:
    return score_schools(schools, profile, draws=DRAWS, seed=SEED)


def _brute_force_cheapest(school: SchoolFeatures, profile: Profile) -> tuple[float, float]:
    """(cheapest cost reaching the bar, its overall score) over every subset of the
    catalogue's candidates for this school, each applied in catalogue order."""
    tables = build_tables(profile)
    (base,) = [
        school_score(chunk, position, profile)
        for _indices, chunk in evaluate_indexed((school,), profile, DRAWS, SEED, tables)
        for position in range(len(_indices))
    ]
    found = whatif.candidates(school, base, profile)
    assert len(found) >= 3
    subsets = [
        combo
        for size in range(len(found) + 1)
        for combo in itertools.combinations(range(len(found)), size)
    ]
    variants = []
    for combo in subsets:
        variant = school
        for index in combo:
            variant = found[index].change(variant)
        variants.append(variant)
    outcomes = plan_search.score_variants(variants, profile, DRAWS, SEED, tables)
    bar = profile.score.design_score
    reaching = [
        (sum(found[i].cost_eur for i in combo), outcome.overall or 0.0)
        for combo, outcome in zip(subsets, outcomes, strict=True)
        if outcome.overall is not None and outcome.overall >= bar
    ]
    assert reaching, "the catalogue reaches the bar for this fixture school"
    return min(reaching)


@pytest.fixture(scope="module")
def rural_results(latvia: tuple[SchoolFeatures, ...], profile: Profile) -> list[SchoolEntry]:
    return _plans(latvia, profile)


def test_rural_path_is_the_cheapest_over_the_catalogue(
    rural_results: list[SchoolEntry], latvia: tuple[SchoolFeatures, ...], profile: Profile
) -> None:
    plan = rural_results[RURAL]["upgrade_plan"]
    assert plan["reaches_bar"] is True and plan["method"] == "exact"
    assert len(plan["steps"]) >= 3
    cheapest_eur, _score = _brute_force_cheapest(latvia[RURAL], profile)
    assert plan["total_cost_eur"] == pytest.approx(cheapest_eur)
    final = plan["final_score"]
    assert final is not None and final >= profile.score.design_score
    assert plan["final_grade"] == profile.grade(final)


def test_each_step_shows_the_score_after_it_and_only_the_last_reaches_the_bar(
    rural_results: list[SchoolEntry], profile: Profile
) -> None:
    plan = rural_results[RURAL]["upgrade_plan"]
    steps = plan["steps"]
    bar = profile.score.design_score
    assert rural_results[RURAL]["recommendations"] == steps
    assert all(step["beyond_bar"] is False for step in steps)
    assert [s["plan_cost_eur"] for s in steps] == sorted(s["plan_cost_eur"] for s in steps)
    assert steps[-1]["plan_cost_eur"] == plan["total_cost_eur"]
    assert steps[-1]["plan_score"] == plan["final_score"]
    before_last = [step["plan_score"] for step in steps[:-1]]
    assert all(score is not None and score < bar for score in before_last)  # else cheaper
    for step in steps:
        assert step["message"].startswith("upgrade.") and isinstance(step["params"], dict)


def test_steps_past_the_bar_only_in_the_optional_list(
    rural_results: list[SchoolEntry],
) -> None:
    for result in rural_results:
        plan = result["upgrade_plan"]
        for step in plan["beyond_bar"]:
            assert step["beyond_bar"] is True
            assert step["id"] not in {s["id"] for s in plan["steps"]}
        if plan["already_at_bar"]:
            assert plan["steps"] == [] and plan["total_cost_eur"] == 0


def test_greedy_with_look_ahead_also_reaches_the_bar(
    latvia: tuple[SchoolFeatures, ...], profile: Profile, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(whatif, "EXACT_SEARCH_MAX_CANDIDATES", 2)
    results = _plans(latvia[RURAL:], profile)
    plan = results[0]["upgrade_plan"]
    assert plan["method"] == "greedy"
    assert plan["reaches_bar"] is True
    final = plan["final_score"]
    assert final is not None and final >= profile.score.design_score
    cheapest_eur, _score = _brute_force_cheapest(latvia[RURAL], profile)
    assert plan["total_cost_eur"] >= cheapest_eur - 1e-6
    assert plan["total_cost_eur"] <= 2 * cheapest_eur  # a sane path, not everything at once


def test_a_catalogue_that_cannot_reach_the_bar_says_which_dimension_blocks(
    latvia: tuple[SchoolFeatures, ...], tmp_path: Path
) -> None:
    small = tmp_path / "small-wan.yaml"
    small.write_text(
        "name: small-wan\nversion: '1.0'\nextends: lv-2024\n"
        "title: Only a slow WAN upgrade in the catalogue\n"
        "upgrades:\n  wan_tiers:\n"
        "    - {id: wan-12, title: WAN 12 Mbit/s, down_mbps: 12, up_mbps: 12, cost_eur: 300}\n",
        encoding="utf-8",
    )
    profile = load_profile(str(small))
    (result,) = _plans(latvia[RURAL:], profile)
    plan = result["upgrade_plan"]
    assert plan["reaches_bar"] is False
    blocking = {b["dimension"]: b for b in plan["blocking"]}
    assert "wan" in blocking
    assert blocking["wan"]["message"] in ("plan.blocked.not_enough", "plan.blocked.no_upgrade")
    params = blocking["wan"]["params"]
    assert "best_score" in params and params["best_score"] < profile.score.design_score


def test_every_fixture_school_below_the_bar_gets_a_path_or_a_reason(
    rural_results: list[SchoolEntry], profile: Profile
) -> None:
    for result in rural_results:
        plan = result["upgrade_plan"]
        overall = result["overall"]["score"]
        below = result["overall"]["status"] != "complete" or (
            overall is None or overall < profile.score.design_score
        )
        if below:
            assert plan["reaches_bar"] or plan["blocking"], result["school_id"]
        else:
            assert plan["already_at_bar"] and plan["steps"] == []


def test_a_radio_with_no_usable_airtime_is_stored_as_infinite(
    latvia: tuple[SchoolFeatures, ...], profile: Profile
) -> None:
    """rho = inf is "cannot carry this class", never null (which means no evidence)."""
    import dataclasses
    import json

    school = latvia[1]
    busy = tuple(dataclasses.replace(ap, foreign_utilization_ratio=0.99) for ap in school.aps)
    (result,) = score_schools(
        (dataclasses.replace(school, aps=busy),), profile, draws=100, seed=SEED, upgrades=False
    )
    assert result["dimensions"]["wifi"]["rho_p90"] == "inf"
    wifi = [s["dimensions"]["wifi"] for s in result["scenarios"] if "wifi" in s["dimensions"]]
    assert any("rho_p90" in d and d["rho_p90"] == "inf" for d in wifi)
    json.dumps(result, allow_nan=False)  # "inf" is a string: the file stays strict JSON
