"""Upgrade advice: the cheapest path of catalogue upgrades to the readiness bar.

Each candidate is a modified copy of the school's features.  Variants keep the
school id, so they get exactly the school's random draws (common random
numbers): a score gain is the change, never Monte-Carlo noise.  Variants are
stacked on the school axis and evaluated in vectorised passes: every compatible
subset of a few candidates (exact search), or one or two more upgrades per step
(greedy with look-ahead) when there are many.  docs/contracts.md §4 describes
``upgrade_plan``.

Here: which catalogue upgrades are worth trying for a school (``candidates``) and the
plan per school (``recommend``). What an upgrade does to the features is in
``upgrade_changes``, the search over candidate subsets in ``plan_search``, the typed
plan and its JSON form in ``upgrade_plan``.
"""

from __future__ import annotations

from statistics import median

from netsurvey.scoring import upgrade_changes as changes
from netsurvey.scoring.batch import channel_span_mhz, poe_restricted
from netsurvey.scoring.features import Room, SchoolFeatures, Switch
from netsurvey.scoring.plan_search import (
    ModelRun,
    Outcome,
    Search,
    best_path,
    beyond_bar,
    cheapest_reaching,
    evaluate,
    exact_pool,
    greedy,
    plan_step,
    valid_subsets,
)
from netsurvey.scoring.profile import Profile
from netsurvey.scoring.scores import SchoolScore
from netsurvey.scoring.tables import ModelTables
from netsurvey.scoring.upgrade_options import (
    AddApOption,
    CartSequencingOption,
    ChannelPlanOption,
    NewCircuitOption,
    PoeSwitchOption,
)
from netsurvey.scoring.upgrade_plan import (
    AddApParams,
    Blocking,
    Candidate,
    CartSequencingParams,
    ChannelPlanParams,
    NewCircuitParams,
    PlanStep,
    PoeSwitchParams,
    UpgradePlan,
    WanTierParams,
)

__all__ = ["Candidate", "Outcome", "candidates", "recommend"]

EXACT_SEARCH_MAX_CANDIDATES = 10  # more candidates: greedy search with look-ahead
EXACT_SEARCH_MAX_SUBSETS = 512  # compatible subsets scored per school in exact search
# ... and at most this many rooms x subsets: a very large school searches greedily, so its
# plan takes seconds rather than many minutes (each subset is a whole model run).
EXACT_SEARCH_MAX_ROOM_SUBSETS = 512 * 40


def _worst_wifi_room(school: SchoolFeatures, score: SchoolScore) -> Room | None:
    """The (first) room of the worst element in the Wi-Fi dimension's worst scenario."""
    wifi = score.dimensions.get("wifi")
    if wifi is None:
        return None
    scenario = score.scenario(wifi.worst_scenario)
    dimension = scenario.dimensions.get("wifi") if scenario is not None else None
    if dimension is None or not dimension.room:
        return None
    room_id = dimension.room.split(",")[0].strip()
    return next((room for room in school.rooms if room.id == room_id), None)


def _crowded_rooms(school: SchoolFeatures, score: SchoolScore, limit: int = 4) -> list[Room]:
    """Rooms whose radio cannot carry their class in a must-pass one-class scenario."""
    must_pass = {s.scenario.id for s in score.scenarios if s.scenario.must_pass}
    ratio: dict[str, float] = {}
    for scenario_id, rooms in score.figures.max_pupils_per_radio.items():
        if scenario_id not in must_pass:
            continue
        for room in school.rooms:
            fit = rooms.get(room.id)
            if fit is not None and room.pupils > fit:
                ratio[room.id] = max(ratio.get(room.id, 0.0), room.pupils / max(fit, 0.5))
    worst = _worst_wifi_room(school, score)
    if worst is not None and worst.id not in ratio:
        ratio[worst.id] = 1.0
    ordered = sorted(ratio, key=lambda room_id: -ratio[room_id])[:limit]
    return [room for room in school.rooms if room.id in ordered]


def _below(score: SchoolScore, dimension: str) -> bool:
    value = score.score_of(dimension)
    return value is not None and value < 100.0


def candidates(school: SchoolFeatures, score: SchoolScore, profile: Profile) -> list[Candidate]:
    """The upgrades worth trying for this school, with their prices from the profile."""
    crowded = _crowded_rooms(school, score) if _below(score, "wifi") else []
    return [
        *_wan_candidates(school, score, profile),
        *_wifi_candidates(school, score, profile, crowded),
        *_poe_candidates(school, score, profile, crowded),
        *_power_candidates(school, score, profile),
    ]


def _wan_candidates(
    school: SchoolFeatures, score: SchoolScore, profile: Profile
) -> list[Candidate]:
    if not _below(score, "wan") or school.wan is None:
        return []
    current = median(school.wan.down_mbps)
    return [
        Candidate(
            tier.id,
            tier.title,
            tier.cost_eur,
            "wan",
            changes.wan_tier(tier.down_mbps, tier.up_mbps, profile.ethernet_tcp_ratio),
            message="upgrade.wan_tier",
            params=WanTierParams(tier.id, tier.down_mbps, tier.up_mbps),
            group="wan-tier",
        )
        for tier in profile.upgrades.wan_tiers
        if tier.down_mbps > current * 1.2
    ]


def _wifi_candidates(
    school: SchoolFeatures, score: SchoolScore, profile: Profile, crowded: list[Room]
) -> list[Candidate]:
    if not _below(score, "wifi"):
        return []
    found: list[Candidate] = []
    add_ap = AddApOption.of(profile.upgrades.add_ap)
    for room in crowded:
        found.append(
            Candidate(
                f"add-ap-{room.id}",
                f"Add a Wi-Fi 6 AP in room {room.id}",
                add_ap.cost_eur,
                "wifi",
                changes.add_ap(room, add_ap),
                message="upgrade.add_ap",
                params=AddApParams((room.id,)),
                covers=frozenset({f"room:{room.id}"}),
            )
        )
    if len(crowded) > 1:
        found.append(
            Candidate(
                "add-ap-" + "-".join(room.id for room in crowded),
                f"Add a Wi-Fi 6 AP in rooms {', '.join(room.id for room in crowded)}",
                add_ap.cost_eur * len(crowded),
                "wifi",
                changes.compose([changes.add_ap(room, add_ap) for room in crowded]),
                message="upgrade.add_ap",
                params=AddApParams(tuple(room.id for room in crowded)),
                covers=frozenset(f"room:{room.id}" for room in crowded),
                composite=True,
            )
        )
    if _co_channel(school):
        plan = ChannelPlanOption.of(profile.upgrades.channel_plan)
        found.append(
            Candidate(
                "channel-plan",
                plan.title,
                plan.cost_eur,
                "wifi",
                changes.channel_plan(plan),
                message="upgrade.channel_plan",
                params=ChannelPlanParams(plan.width_mhz),
            )
        )
    return found


def _poe_candidates(
    school: SchoolFeatures, score: SchoolScore, profile: Profile, crowded: list[Room]
) -> list[Candidate]:
    weak_switches = {ap.switch for ap in school.aps if ap.switch is not None and poe_restricted(ap)}
    if _below(score, "poe"):
        weak_switches |= {sw.id for sw in school.switches if _poe_tight(sw, school, profile)}
    weak_switches |= _hosts_of_new_aps(school, crowded)
    if not weak_switches:
        return []
    option = PoeSwitchOption.of(profile.upgrades.poe_switch)
    return [
        Candidate(
            "poe-switch",
            f"{option.title} x{len(weak_switches)}",
            option.cost_eur * len(weak_switches),
            "poe",
            changes.poe_switch(option, weak_switches),
            message="upgrade.poe_switch",
            params=PoeSwitchParams(tuple(sorted(weak_switches)), option.budget_w),
        )
    ]


def _power_candidates(
    school: SchoolFeatures, score: SchoolScore, profile: Profile
) -> list[Candidate]:
    found: list[Candidate] = []
    sequencing = CartSequencingOption.of(profile.upgrades.cart_sequencing)
    at_once = sequencing.slots_at_once
    unsequenced = [cart for cart in school.carts if cart.concurrent_slots > at_once]
    if _below(score, "power") and unsequenced:
        found.append(
            Candidate(
                "cart-sequencing",
                f"{sequencing.title} x{len(unsequenced)}",
                sequencing.cost_eur * len(unsequenced),
                "power",
                changes.sequence_carts(sequencing),
                message="upgrade.cart_sequencing",
                params=CartSequencingParams(len(unsequenced), at_once),
            )
        )
    if _below(score, "power") and school.carts:
        circuit = NewCircuitOption.of(profile.upgrades.new_circuit)
        found.append(
            Candidate(
                "new-circuit",
                f"{circuit.title} x{len(school.carts)}",
                circuit.cost_eur * len(school.carts),
                "power",
                changes.new_circuits(circuit),
                message="upgrade.new_circuit",
                params=NewCircuitParams(len(school.carts), circuit.breaker_a),
            )
        )
    return found


def _hosts_of_new_aps(school: SchoolFeatures, rooms: list[Room]) -> set[str]:
    """Switches with a known PoE budget that would power an added AP: the plan may need
    a bigger PoE switch only because it adds APs."""
    budgets = {sw.id for sw in school.switches if sw.poe_budget_w is not None}
    hosts = {ap.switch for ap in school.aps if ap.id in {room.ap for room in rooms}}
    return {switch for switch in hosts if switch in budgets}


def _co_channel(school: SchoolFeatures) -> bool:
    for i, first in enumerate(school.aps):
        for second in school.aps[i + 1 :]:
            low_a, high_a = channel_span_mhz(first.channel, first.width_mhz)
            low_b, high_b = channel_span_mhz(second.channel, second.width_mhz)
            if high_a > low_b and high_b > low_a:
                return True
    return False


def _poe_tight(switch: Switch, school: SchoolFeatures, profile: Profile) -> bool:
    if switch.poe_budget_w is None:
        return False
    used = switch.poe_other_w + sum(
        profile.poe.class_w[ap.poe_class_port or ap.poe_class_required or 0]
        for ap in school.aps
        if ap.switch == switch.id
    )
    return used > profile.utilisation.poe * switch.poe_budget_w * 0.9


def _blocking(
    search: Search, closest: frozenset[int], subsets: list[frozenset[int]]
) -> list[Blocking]:
    """Why the bar is not reached: dimensions without enough evidence (an incomplete
    assessment), and dimensions still below the bar in the set of upgrades that gets
    closest to it, with the best score the catalogue reaches for each."""
    blocking = [
        Blocking(name, "plan.blocked.not_measured")
        for name in search.score.overall.missing_dimensions
    ]
    for name, score in search.outcome(closest).dimensions.items():
        if score is None or score >= search.bar:
            continue
        if any(b.dimension == name for b in blocking):
            continue
        best = max([score] + [search.outcome(s).dimensions.get(name) or 0.0 for s in subsets])
        tried = tuple(c.id for c in search.candidates if c.dimension == name)
        blocking.append(
            Blocking(
                name,
                "plan.blocked.not_enough" if tried else "plan.blocked.no_upgrade",
                best_score=best,
                tried=tried,
            )
        )
    return blocking


def recommend(
    schools: tuple[SchoolFeatures, ...],
    scores: list[SchoolScore],
    profile: Profile,
    draws: int,
    seed: int,
    tables: ModelTables | None = None,
) -> list[UpgradePlan]:
    """The upgrade plan per school: the cheapest path of catalogue upgrades to the bar.

    With few candidates every compatible subset is scored and the cheapest one that
    reaches the bar is taken (exact); with many, a greedy search adds the one or two
    upgrades that cover most distance to the bar per euro, then drops steps that became
    redundant.  Optional steps past the bar go to ``upgrade_plan.beyond_bar``.  All
    variants share the school's random draws, so a gain is never Monte-Carlo noise.
    """
    bar = float(profile.score.design_score)
    run = ModelRun(profile, draws, seed, tables)
    searches = [
        Search(
            school=school,
            score=score,
            candidates=candidates(school, score, profile),
            base=_base_outcome(score),
            bar=bar,
        )
        for school, score in zip(schools, scores, strict=True)
    ]
    subsets: dict[int, list[frozenset[int]]] = {}
    for search in searches:
        pool = exact_pool(search)
        if len(pool) > EXACT_SEARCH_MAX_CANDIDATES:
            search.method = "greedy"
            continue
        subsets[id(search)] = valid_subsets(search, pool)
        count = len(subsets[id(search)])
        rooms = max(1, len(search.school.rooms))
        if count > EXACT_SEARCH_MAX_SUBSETS or count * rooms > EXACT_SEARCH_MAX_ROOM_SUBSETS:
            search.method = "greedy"
    exact = [s for s in searches if s.method == "exact"]
    evaluate([(s, sub) for s in exact for sub in subsets[id(s)]], run)
    chosen: dict[int, frozenset[int] | None] = {
        id(s): (frozenset() if s.reaches(frozenset()) else cheapest_reaching(s, subsets[id(s)]))
        for s in exact
    }
    greedy([s for s in searches if s.method == "greedy"], chosen, subsets, run)
    plans = {id(s): best_path(s, chosen[id(s)], subsets[id(s)]) for s in searches}
    beyond = beyond_bar(searches, plans, run)
    return [
        _plan(search, plans[id(search)], subsets[id(search)], beyond.get(id(search), []), profile)
        for search in searches
    ]


def _plan(
    search: Search,
    path: tuple[list[int], bool],
    subsets: list[frozenset[int]],
    beyond: list[PlanStep],
    profile: Profile,
) -> UpgradePlan:
    """The school's plan: the ordered steps, where they lead, and why not further."""
    order, reached = path
    steps = []
    done: frozenset[int] = frozenset()
    for index in order:
        steps.append(plan_step(search, done, index, profile, beyond_bar=False))
        done = done | {index}
    final = search.outcome(done)
    incomplete = search.score.overall.status == "incomplete"
    return UpgradePlan(
        bar_score=search.bar,
        method=search.method,
        reaches_bar=reached and not incomplete,
        already_at_bar=not order and reached and not incomplete,
        steps=tuple(steps),
        total_cost_eur=search.cost(done),
        final_score=None if incomplete else final.overall,
        final_grade=None if incomplete or final.overall is None else profile.grade(final.overall),
        blocking=tuple(_blocking(search, done, subsets)) if incomplete or not reached else (),
        beyond_bar=tuple(beyond),
    )


def _base_outcome(score: SchoolScore) -> Outcome:
    """The school as scored; overall is the minimum of the measured dimensions (as for
    every variant), also where an incomplete assessment has no overall score."""
    dimensions = {
        name: entry.score if entry is not None else None for name, entry in score.dimensions.items()
    }
    scored = [value for value in dimensions.values() if value is not None]
    return Outcome(min(scored) if scored else None, dimensions)
