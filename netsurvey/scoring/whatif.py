"""Upgrade advice: the cheapest path of catalogue upgrades to the readiness bar.

Each candidate is a modified copy of the school's features.  Variants keep the
school id, so they get exactly the school's random draws (common random
numbers): a score gain is the change, never Monte-Carlo noise.  Variants are
stacked on the school axis and evaluated in vectorised passes: every compatible
subset of a few candidates (exact search), or one or two more upgrades per step
(greedy with look-ahead) when there are many.  docs/contracts.md §4 describes
``upgrade_plan``.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from statistics import median
from typing import Any

from netsurvey.scoring.batch import channel_span_mhz, poe_restricted
from netsurvey.scoring.features import AccessPoint, Cart, Circuit, Room, SchoolFeatures, Switch, Wan
from netsurvey.scoring.model import evaluate_indexed
from netsurvey.scoring.profile import Profile
from netsurvey.scoring.scores import dimension_scores
from netsurvey.scoring.tables import ModelTables

CHANNELS_40MHZ = (36, 44, 52, 60, 100, 108, 116, 124, 132)
CHANNEL_BLOCKS = {
    20: (36, 40, 44, 48, 52, 56, 60, 64, 100, 104, 108, 112, 116, 120, 124, 128, 132, 136, 140),
    40: CHANNELS_40MHZ,
    80: (36, 52, 100, 116),
    160: (36, 100),
}
Change = Callable[[SchoolFeatures], SchoolFeatures]


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
    message: str = ""
    params: dict[str, Any] = dataclasses.field(default_factory=dict)
    group: str | None = None
    covers: frozenset[str] = frozenset()
    composite: bool = False

    def conflicts(self, other: Candidate) -> bool:
        if self.group is not None and self.group == other.group:
            return True
        return bool(self.covers & other.covers)


def _number(option: dict[str, float | str], key: str) -> float:
    return float(option[key])


def _text(option: dict[str, float | str], key: str) -> str:
    return str(option[key])


def _worst_wifi_room(school: SchoolFeatures, result: dict[str, Any]) -> Room | None:
    wifi = result["dimensions"]["wifi"]
    if wifi["score"] is None or wifi["worst_scenario"] is None:
        return None
    for scenario in result["scenarios"]:
        if scenario["id"] == wifi["worst_scenario"]:
            room_text = scenario["dimensions"].get("wifi", {}).get("room")
            if room_text:
                room_id = str(room_text).split(",")[0].strip()
                return next((room for room in school.rooms if room.id == room_id), None)
    return None


def _crowded_rooms(school: SchoolFeatures, result: dict[str, Any], limit: int = 4) -> list[Room]:
    """Rooms whose radio cannot carry their class in a must-pass one-class scenario."""
    must_pass = {sc["id"] for sc in result["scenarios"] if sc["must_pass"]}
    ratio: dict[str, float] = {}
    for scenario_id, rooms in result["figures"]["max_pupils_per_radio"].items():
        if scenario_id not in must_pass:
            continue
        for room in school.rooms:
            fit = rooms.get(room.id)
            if fit is not None and room.pupils > fit:
                ratio[room.id] = max(ratio.get(room.id, 0.0), room.pupils / max(fit, 0.5))
    worst = _worst_wifi_room(school, result)
    if worst is not None and worst.id not in ratio:
        ratio[worst.id] = 1.0
    ordered = sorted(ratio, key=lambda room_id: -ratio[room_id])[:limit]
    return [room for room in school.rooms if room.id in ordered]


def _free_channel(school: SchoolFeatures) -> int:
    for channel in CHANNELS_40MHZ:
        low, high = channel_span_mhz(channel, 40)
        if all(
            not (high > a_low and a_high > low)
            for a_low, a_high in (channel_span_mhz(ap.channel, ap.width_mhz) for ap in school.aps)
        ):
            return channel
    return CHANNELS_40MHZ[0]


def _add_ap(room: Room, profile: Profile) -> Change:
    option = profile.upgrades.add_ap

    def change(school: SchoolFeatures) -> SchoolFeatures:
        old_ap = next((ap for ap in school.aps if ap.id == room.ap), None)
        switch = (
            old_ap.switch
            if old_ap is not None
            else (school.switches[0].id if school.switches else None)
        )
        new_ap = AccessPoint(
            id=f"new-ap-{room.id}",
            switch=switch,
            standard=_text(option, "standard"),
            streams=int(_number(option, "streams")),
            width_mhz=int(_number(option, "width_mhz")),
            channel=_free_channel(school),
            foreign_utilization_ratio=None,
            bssids=1,
            port_speed_mbps=1000.0,
            poe_class_required=int(_number(option, "poe_class")),
            poe_class_port=int(_number(option, "poe_class")),
            hears=(),
        )
        rooms = tuple(
            dataclasses.replace(
                r,
                ap=new_ap.id,
                rssi_dbm=max(r.rssi_dbm or -200.0, _number(option, "rssi_dbm")),
                rssi_sd_db=min(r.rssi_sd_db or 99.0, _number(option, "rssi_sd_db")),
            )
            if r.id == room.id
            else r
            for r in school.rooms
        )
        return dataclasses.replace(school, rooms=rooms, aps=(*school.aps, new_ap))

    return change


def _compose(changes: list[Change]) -> Change:
    def change(school: SchoolFeatures) -> SchoolFeatures:
        for step in changes:
            school = step(school)
        return school

    return change


def _channel_plan(profile: Profile) -> Change:
    """Distinct 5 GHz channels for every AP: 80 MHz if four blocks suffice, else narrower."""
    fallback = int(_number(profile.upgrades.channel_plan, "width_mhz"))

    def change(school: SchoolFeatures) -> SchoolFeatures:
        radios = [ap for ap in school.aps if ap.channel > 14]
        width = max((ap.width_mhz for ap in radios), default=fallback)
        while width > 20 and len(radios) > len(CHANNEL_BLOCKS[width]):
            width //= 2
        width = min(width, max(fallback, 20)) if len(radios) > len(CHANNEL_BLOCKS[80]) else width
        blocks = CHANNEL_BLOCKS[width]
        aps: list[AccessPoint] = []
        index = 0
        for ap in school.aps:
            if ap.channel <= 14:
                aps.append(ap)
                continue
            aps.append(
                dataclasses.replace(
                    ap,
                    width_mhz=min(ap.width_mhz, width) if ap.width_mhz > width else ap.width_mhz,
                    channel=blocks[index % len(blocks)],
                    hears=() if index < len(blocks) else None,
                )
            )
            index += 1
        return dataclasses.replace(school, aps=tuple(aps))

    return change


def _poe_switch(profile: Profile, switch_ids: set[str]) -> Change:
    option = profile.upgrades.poe_switch

    def change(school: SchoolFeatures) -> SchoolFeatures:
        switches = tuple(
            dataclasses.replace(sw, poe_budget_w=_number(option, "budget_w"))
            if sw.id in switch_ids
            else sw
            for sw in school.switches
        )
        aps = tuple(
            dataclasses.replace(ap, poe_class_port=int(_number(option, "port_class")))
            if ap.switch in switch_ids
            else ap
            for ap in school.aps
        )
        return dataclasses.replace(school, switches=switches, aps=aps)

    return change


def _sequence_carts(profile: Profile) -> Change:
    at_once = int(_number(profile.upgrades.cart_sequencing, "slots_at_once"))

    def change(school: SchoolFeatures) -> SchoolFeatures:
        carts = tuple(
            dataclasses.replace(cart, slots_at_once=min(cart.slots_at_once, at_once))
            for cart in school.carts
        )
        return dataclasses.replace(school, carts=carts)

    return change


def _new_circuits(profile: Profile) -> Change:
    breaker = _number(profile.upgrades.new_circuit, "breaker_a")

    def change(school: SchoolFeatures) -> SchoolFeatures:
        circuits = list(school.circuits)
        carts: list[Cart] = []
        for cart in school.carts:
            circuit = Circuit(
                id=f"new-{cart.id}", breaker_a=breaker, other_loads_w=0.0, rcd_ma=30.0
            )
            circuits.append(circuit)
            carts.append(dataclasses.replace(cart, circuit=circuit.id))
        return dataclasses.replace(school, carts=tuple(carts), circuits=tuple(circuits))

    return change


def _wan_tier(down_mbps: float, up_mbps: float, eth_ratio: float) -> Change:
    def change(school: SchoolFeatures) -> SchoolFeatures:
        return dataclasses.replace(
            school, wan=Wan(down_mbps=(down_mbps * eth_ratio,), up_mbps=(up_mbps * eth_ratio,))
        )

    return change


def _below(result: dict[str, Any], dimension: str) -> bool:
    score = result["dimensions"][dimension]["score"]
    return score is not None and score < 100.0


def candidates(school: SchoolFeatures, result: dict[str, Any], profile: Profile) -> list[Candidate]:
    """The upgrades worth trying for this school, with their prices from the profile."""
    upgrades = profile.upgrades
    found: list[Candidate] = []
    if _below(result, "wan") and school.wan is not None:
        current = median(school.wan.down_mbps)
        for tier in upgrades.wan_tiers:
            if tier.down_mbps > current * 1.2:
                found.append(
                    Candidate(
                        tier.id,
                        tier.title,
                        tier.cost_eur,
                        "wan",
                        _wan_tier(tier.down_mbps, tier.up_mbps, profile.ethernet_tcp_ratio),
                        message="upgrade.wan_tier",
                        params={
                            "tier": tier.id,
                            "down_mbps": tier.down_mbps,
                            "up_mbps": tier.up_mbps,
                        },
                        group="wan-tier",
                    )
                )
    crowded: list[Room] = []
    if _below(result, "wifi"):
        crowded = _crowded_rooms(school, result)
        ap_cost = _number(upgrades.add_ap, "cost_eur")
        for room in crowded:
            found.append(
                Candidate(
                    f"add-ap-{room.id}",
                    f"Add a Wi-Fi 6 AP in room {room.id}",
                    ap_cost,
                    "wifi",
                    _add_ap(room, profile),
                    message="upgrade.add_ap",
                    params={"rooms": [room.id], "count": 1},
                    covers=frozenset({f"room:{room.id}"}),
                )
            )
        if len(crowded) > 1:
            found.append(
                Candidate(
                    "add-ap-" + "-".join(room.id for room in crowded),
                    f"Add a Wi-Fi 6 AP in rooms {', '.join(room.id for room in crowded)}",
                    ap_cost * len(crowded),
                    "wifi",
                    _compose([_add_ap(room, profile) for room in crowded]),
                    message="upgrade.add_ap",
                    params={"rooms": [room.id for room in crowded], "count": len(crowded)},
                    covers=frozenset(f"room:{room.id}" for room in crowded),
                    composite=True,
                )
            )
    if _below(result, "wifi") and _co_channel(school):
        found.append(
            Candidate(
                "channel-plan",
                str(upgrades.channel_plan["title"]),
                _number(upgrades.channel_plan, "cost_eur"),
                "wifi",
                _channel_plan(profile),
                message="upgrade.channel_plan",
                params={"width_mhz": _number(upgrades.channel_plan, "width_mhz")},
            )
        )
    weak_switches = {ap.switch for ap in school.aps if ap.switch is not None and poe_restricted(ap)}
    if _below(result, "poe"):
        weak_switches |= {sw.id for sw in school.switches if _poe_tight(sw, school, profile)}
    weak_switches |= _hosts_of_new_aps(school, crowded)
    if weak_switches:
        found.append(
            Candidate(
                "poe-switch",
                f"{upgrades.poe_switch['title']} x{len(weak_switches)}",
                _number(upgrades.poe_switch, "cost_eur") * len(weak_switches),
                "poe",
                _poe_switch(profile, weak_switches),
                message="upgrade.poe_switch",
                params={
                    "count": len(weak_switches),
                    "switches": sorted(weak_switches),
                    "budget_w": _number(upgrades.poe_switch, "budget_w"),
                },
            )
        )
    at_once = int(_number(upgrades.cart_sequencing, "slots_at_once"))
    unsequenced = [cart for cart in school.carts if cart.slots_at_once > at_once]
    if _below(result, "power") and unsequenced:
        found.append(
            Candidate(
                "cart-sequencing",
                f"{upgrades.cart_sequencing['title']} x{len(unsequenced)}",
                _number(upgrades.cart_sequencing, "cost_eur") * len(unsequenced),
                "power",
                _sequence_carts(profile),
                message="upgrade.cart_sequencing",
                params={"count": len(unsequenced), "slots_at_once": at_once},
            )
        )
    if _below(result, "power") and school.carts:
        found.append(
            Candidate(
                "new-circuit",
                f"{upgrades.new_circuit['title']} x{len(school.carts)}",
                _number(upgrades.new_circuit, "cost_eur") * len(school.carts),
                "power",
                _new_circuits(profile),
                message="upgrade.new_circuit",
                params={
                    "count": len(school.carts),
                    "breaker_a": _number(upgrades.new_circuit, "breaker_a"),
                },
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


@dataclass(frozen=True)
class Outcome:
    overall: float | None
    dimensions: dict[str, float | None]

    @property
    def total(self) -> float:
        """Sum of the dimension scores: the tie-breaker when the overall minimum does not move."""
        return sum(score for score in self.dimensions.values() if score is not None)


def _outcomes(
    variants: list[SchoolFeatures],
    profile: Profile,
    draws: int,
    seed: int,
    tables: ModelTables | None,
) -> list[Outcome]:
    found: dict[int, Outcome] = {}
    for indices, chunk in evaluate_indexed(tuple(variants), profile, draws, seed, tables):
        for position, index in enumerate(indices):
            dims = dimension_scores(chunk, position, profile)
            scored = [v for v in dims.values() if v is not None]
            found[index] = Outcome(min(scored) if scored else None, dims)
    return [found[index] for index in range(len(variants))]


def _rate(gain: float, cost_eur: float) -> float:
    if cost_eur <= 0:
        return math.inf if gain > 0 else 0.0
    return gain / (cost_eur / 1000.0)


EXACT_SEARCH_MAX_CANDIDATES = 10  # more candidates: greedy search with look-ahead
EXACT_SEARCH_MAX_SUBSETS = 512  # compatible subsets scored per school in exact search
# ... and at most this many rooms x subsets: a very large school searches greedily, so its
# plan takes seconds rather than many minutes (each subset is a whole model run).
EXACT_SEARCH_MAX_ROOM_SUBSETS = 512 * 40
BEYOND_BAR_MAX_STEPS = 3
GREEDY_MAX_STEPS = 8


@dataclass
class _Search:
    """One school's plan search: every subset of candidates scored once, cached."""

    school: SchoolFeatures
    result: dict[str, Any]
    candidates: list[Candidate]
    base: Outcome
    bar: float
    cache: dict[frozenset[int], Outcome] = dataclasses.field(default_factory=dict)
    method: str = "exact"

    def variant(self, subset: frozenset[int]) -> SchoolFeatures:
        school = self.school
        for index in sorted(subset):
            school = self.candidates[index].change(school)
        return school

    def outcome(self, subset: frozenset[int]) -> Outcome:
        return self.base if not subset else self.cache[subset]

    def cost(self, subset: Iterable[int]) -> float:
        return sum(self.candidates[i].cost_eur for i in subset)

    def reaches(self, subset: frozenset[int]) -> bool:
        return _meets(self.outcome(subset), self.bar)

    def compatible(self, subset: frozenset[int], index: int) -> bool:
        candidate = self.candidates[index]
        return index not in subset and not any(
            candidate.conflicts(self.candidates[i]) for i in subset
        )

    def progress(self, subset: frozenset[int]) -> float:
        """Distance covered toward the bar: dimension scores capped at the bar, summed.

        It moves when any blocking dimension improves, even while the overall minimum
        (held by another dimension) does not, so multi-dimension paths are found."""
        return sum(
            min(score, self.bar)
            for score in self.outcome(subset).dimensions.values()
            if score is not None
        )


def _meets(outcome: Outcome, bar: float) -> bool:
    return outcome.overall is not None and outcome.overall >= bar


def _evaluate(
    wanted: list[tuple[_Search, frozenset[int]]],
    profile: Profile,
    draws: int,
    seed: int,
    tables: ModelTables | None,
) -> None:
    """Score every (school, subset) not scored yet, all schools in one vectorised pass."""
    todo: list[tuple[_Search, frozenset[int]]] = []
    seen: set[tuple[int, frozenset[int]]] = set()
    for search, subset in wanted:
        key = (id(search), subset)
        if subset and subset not in search.cache and key not in seen:
            seen.add(key)
            todo.append((search, subset))
    if not todo:
        return
    outcomes = _outcomes([s.variant(subset) for s, subset in todo], profile, draws, seed, tables)
    for (search, subset), outcome in zip(todo, outcomes, strict=True):
        search.cache[subset] = outcome


def _valid_subsets(search: _Search, pool: list[int]) -> list[frozenset[int]]:
    subsets: list[frozenset[int]] = [frozenset()]
    for index in pool:
        subsets += [s | {index} for s in subsets if search.compatible(s, index)]
    return subsets


def _exact_pool(search: _Search) -> list[int]:
    return [i for i, c in enumerate(search.candidates) if not c.composite]


def _cheapest_reaching(search: _Search, subsets: list[frozenset[int]]) -> frozenset[int] | None:
    reaching = [s for s in subsets if search.reaches(s)]
    if not reaching:
        return None
    return min(
        reaching,
        key=lambda s: (round(search.cost(s), 2), len(s), -(search.outcome(s).overall or 0.0)),
    )


def _order_steps(search: _Search, chosen: frozenset[int]) -> list[int]:
    """Order a chosen set so each step climbs most per euro (prefixes are all scored)."""
    order: list[int] = []
    done: frozenset[int] = frozenset()
    while len(order) < len(chosen):
        left = [i for i in chosen if i not in done]
        best = max(
            left,
            key=lambda i: (
                _gain(search.outcome(done).overall, search.outcome(done | {i}).overall) >= 0,
                _rate(
                    search.progress(done | {i}) - search.progress(done),
                    search.candidates[i].cost_eur,
                ),
                -search.candidates[i].cost_eur,
                -i,
            ),
        )
        order.append(best)
        done = done | {best}
    return order


def _prefixes(order: list[int]) -> list[frozenset[int]]:
    return [frozenset(order[: k + 1]) for k in range(len(order))]


def _greedy_options(search: _Search, chosen: frozenset[int]) -> list[frozenset[int]]:
    """One or two more upgrades on top of ``chosen`` (look-ahead of two steps)."""
    singles = [i for i in range(len(search.candidates)) if search.compatible(chosen, i)]
    options = [chosen | {i} for i in singles]
    for a_pos, a in enumerate(singles):
        for b in singles[a_pos + 1 :]:
            if search.compatible(chosen | {a}, b):
                options.append(chosen | {a, b})
    return options


def _pick_option(
    search: _Search, chosen: frozenset[int], options: list[frozenset[int]]
) -> frozenset[int] | None:
    reaching = _cheapest_reaching(search, options)
    if reaching is not None:
        return reaching
    here = search.progress(chosen)
    scored = [
        (_rate(search.progress(o) - here, search.cost(o - chosen)), o)
        for o in options
        if search.progress(o) > here + 1e-9
    ]
    if not scored:
        return None
    return max(scored, key=lambda item: (item[0], -search.cost(item[1])))[1]


def _prune(search: _Search, chosen: frozenset[int]) -> frozenset[int]:
    """Drop steps the path does not need (a greedy path can pick one that a later step
    made redundant); every candidate removal is scored before it is accepted."""
    for index in sorted(chosen, key=lambda i: -search.candidates[i].cost_eur):
        smaller = chosen - {index}
        if smaller in search.cache and search.reaches(smaller):
            chosen = smaller
    return chosen


def _blocking(
    search: _Search, closest: frozenset[int], subsets: list[frozenset[int]]
) -> list[dict[str, Any]]:
    """Why the bar is not reached: dimensions without enough evidence (an incomplete
    assessment), and dimensions still below the bar in the set of upgrades that gets
    closest to it, with the best score the catalogue reaches for each."""
    overall = search.result["overall"]
    blocking: list[dict[str, Any]] = []
    if overall.get("status") == "incomplete":
        for name in overall.get("missing_dimensions") or []:
            blocking.append(
                {"dimension": name, "message": "plan.blocked.not_measured", "params": {}}
            )
    for name, score in search.outcome(closest).dimensions.items():
        if score is None or score >= search.bar:
            continue
        if any(b["dimension"] == name for b in blocking):
            continue
        best = max([score] + [search.outcome(s).dimensions.get(name) or 0.0 for s in subsets])
        tried = [c.id for c in search.candidates if c.dimension == name]
        blocking.append(
            {
                "dimension": name,
                "message": "plan.blocked.not_enough" if tried else "plan.blocked.no_upgrade",
                "params": {"best_score": round(best, 1), "tried": tried},
            }
        )
    return blocking


def _step(
    search: _Search,
    before: frozenset[int],
    index: int,
    profile: Profile,
    beyond_bar: bool,
) -> dict[str, Any]:
    candidate = search.candidates[index]
    after = before | {index}
    outcome_before, outcome_after = search.outcome(before), search.outcome(after)
    gain = _gain(outcome_before.overall, outcome_after.overall)
    rate = _rate(gain, candidate.cost_eur)
    return {
        "id": candidate.id,
        "title": candidate.title,
        "message": candidate.message,
        "params": candidate.params,
        "dimension": candidate.dimension,
        "cost_eur": round(candidate.cost_eur, 2),
        "score_gain": gain,
        "dimension_gain": _gain(
            outcome_before.dimensions.get(candidate.dimension),
            outcome_after.dimensions.get(candidate.dimension),
        ),
        "gain_per_keur": round(rate, 2) if math.isfinite(rate) else None,
        "plan_cost_eur": round(search.cost(after), 2),
        "plan_score": outcome_after.overall,
        "plan_grade": profile.grade(outcome_after.overall)
        if outcome_after.overall is not None
        else None,
        "beyond_bar": beyond_bar,
    }


def recommend(
    schools: tuple[SchoolFeatures, ...],
    results: list[dict[str, Any]],
    profile: Profile,
    draws: int,
    seed: int,
    tables: ModelTables | None = None,
) -> None:
    """The upgrade plan per school: the cheapest path of catalogue upgrades to the bar.

    With few candidates every compatible subset is scored and the cheapest one that
    reaches the bar is taken (exact); with many, a greedy search adds the one or two
    upgrades that cover most distance to the bar per euro, then drops steps that became
    redundant.  Optional steps past the bar go to ``upgrade_plan.beyond_bar``.  All
    variants share the school's random draws, so a gain is never Monte-Carlo noise.
    """
    bar = float(profile.score.design_score)
    searches = [
        _Search(
            school=school,
            result=result,
            candidates=candidates(school, result, profile),
            base=_base_outcome(result),
            bar=bar,
        )
        for school, result in zip(schools, results, strict=True)
    ]
    subsets: dict[int, list[frozenset[int]]] = {}
    for search in searches:
        pool = _exact_pool(search)
        if len(pool) > EXACT_SEARCH_MAX_CANDIDATES:
            search.method = "greedy"
            continue
        subsets[id(search)] = _valid_subsets(search, pool)
        count = len(subsets[id(search)])
        rooms = max(1, len(search.school.rooms))
        if count > EXACT_SEARCH_MAX_SUBSETS or count * rooms > EXACT_SEARCH_MAX_ROOM_SUBSETS:
            search.method = "greedy"
    exact = [s for s in searches if s.method == "exact"]
    _evaluate([(s, sub) for s in exact for sub in subsets[id(s)]], profile, draws, seed, tables)
    chosen: dict[int, frozenset[int] | None] = {
        id(s): (frozenset() if s.reaches(frozenset()) else _cheapest_reaching(s, subsets[id(s)]))
        for s in exact
    }
    _greedy(
        [s for s in searches if s.method == "greedy"], chosen, subsets, profile, draws, seed, tables
    )
    plans = {id(s): _path(s, chosen[id(s)], subsets[id(s)]) for s in searches}
    beyond = _beyond_bar(searches, plans, profile, draws, seed, tables)
    for search in searches:
        order, reached = plans[id(search)]
        steps = []
        done: frozenset[int] = frozenset()
        for index in order:
            steps.append(_step(search, done, index, profile, beyond_bar=False))
            done = done | {index}
        final = search.outcome(done)
        extra = beyond.get(id(search), [])
        incomplete = search.result["overall"].get("status") == "incomplete"
        search.result["recommendations"] = steps
        search.result["upgrade_plan"] = {
            "bar_score": bar,
            "method": search.method,
            "reaches_bar": reached and not incomplete,
            "already_at_bar": not order and reached and not incomplete,
            "steps": steps,
            "total_cost_eur": round(search.cost(done), 2),
            "final_score": None if incomplete else final.overall,
            "final_grade": None
            if incomplete or final.overall is None
            else profile.grade(final.overall),
            "blocking": _blocking(search, done, subsets[id(search)])
            if incomplete or not reached
            else [],
            "beyond_bar": extra,
        }


def _base_outcome(result: dict[str, Any]) -> Outcome:
    """The school as scored; overall is the minimum of the measured dimensions (as for
    every variant), also where an incomplete assessment has no overall score."""
    dimensions = {name: entry["score"] for name, entry in result["dimensions"].items()}
    scored = [score for score in dimensions.values() if score is not None]
    return Outcome(min(scored) if scored else None, dimensions)


def _path(
    search: _Search, chosen: frozenset[int] | None, subsets: list[frozenset[int]]
) -> tuple[list[int], bool]:
    """(ordered steps, reaches the bar).  Without a reaching set: the set that gets
    closest to the bar, so the reader still sees how far the catalogue goes."""
    if chosen is not None:
        return _order_steps(search, chosen), True
    if not subsets:
        return [], False
    best = max(subsets, key=lambda s: (round(search.progress(s), 1), -search.cost(s)))
    if search.progress(best) <= search.progress(frozenset()) + 1e-9:
        return [], False
    for index in list(best):  # keep only steps that add progress
        smaller = best - {index}
        if smaller in subsets and search.progress(smaller) >= search.progress(best) - 1e-9:
            best = smaller
    return _order_steps(search, best), False


def _greedy(
    searches: list[_Search],
    chosen: dict[int, frozenset[int] | None],
    subsets: dict[int, list[frozenset[int]]],
    profile: Profile,
    draws: int,
    seed: int,
    tables: ModelTables | None,
) -> None:
    state = {id(s): frozenset[int]() for s in searches}
    active = [s for s in searches if not s.reaches(frozenset())]
    for s in searches:
        subsets[id(s)] = [frozenset()]
        if s.reaches(frozenset()):
            chosen[id(s)] = frozenset()
    _greedy_climb(active, state, chosen, subsets, profile, draws, seed, tables)
    _greedy_prune(searches, chosen, profile, draws, seed, tables)
    for search in searches:
        if chosen.get(id(search)) is None:
            subsets[id(search)].append(state[id(search)])
            _evaluate_prefixes(search, state[id(search)], profile, draws, seed, tables)


def _greedy_climb(
    active: list[_Search],
    state: dict[int, frozenset[int]],
    chosen: dict[int, frozenset[int] | None],
    subsets: dict[int, list[frozenset[int]]],
    profile: Profile,
    draws: int,
    seed: int,
    tables: ModelTables | None,
) -> None:
    """Add the best option step by step until each search reaches the bar, stalls or runs out."""
    for _ in range(GREEDY_MAX_STEPS):
        if not active:
            break
        options = {id(s): _greedy_options(s, state[id(s)]) for s in active}
        _evaluate([(s, o) for s in active for o in options[id(s)]], profile, draws, seed, tables)
        still: list[_Search] = []
        for search in active:
            picked = _pick_option(search, state[id(search)], options[id(search)])
            if picked is None:
                chosen[id(search)] = None
                continue
            state[id(search)] = picked
            subsets[id(search)].append(picked)
            if search.reaches(picked):
                chosen[id(search)] = picked
            else:
                still.append(search)
        active = still
    for search in active:
        chosen[id(search)] = None


def _greedy_prune(
    searches: list[_Search],
    chosen: dict[int, frozenset[int] | None],
    profile: Profile,
    draws: int,
    seed: int,
    tables: ModelTables | None,
) -> None:
    """Drop steps the reached plans do not need, then score every prefix of what is left."""
    reached = [s for s in searches if chosen.get(id(s))]
    removals = [
        (s, picked - {i}) for s in reached if (picked := chosen[id(s)]) is not None for i in picked
    ]
    _evaluate([(s, sub) for s, sub in removals if sub], profile, draws, seed, tables)
    for search in reached:
        picked = chosen[id(search)]
        if picked:
            pruned = _prune(search, picked)
            chosen[id(search)] = pruned
            # every prefix of the ordered path must be scored for the step table
            _evaluate_prefixes(search, pruned, profile, draws, seed, tables)


def _evaluate_prefixes(
    search: _Search,
    chosen: frozenset[int],
    profile: Profile,
    draws: int,
    seed: int,
    tables: ModelTables | None,
) -> None:
    """Score every subset of a (small) chosen set, so any step order can be shown."""
    everything = _valid_subsets(search, sorted(chosen))
    _evaluate([(search, s) for s in everything], profile, draws, seed, tables)


def _beyond_bar(
    searches: list[_Search],
    plans: dict[int, tuple[list[int], bool]],
    profile: Profile,
    draws: int,
    seed: int,
    tables: ModelTables | None,
) -> dict[int, list[dict[str, Any]]]:
    """Optional steps once the bar is reached: the best overall gain per euro, each
    marked ``beyond_bar: true``; never part of the path or its cost."""
    state = {id(s): frozenset(plans[id(s)][0]) for s in searches if plans[id(s)][1]}
    found: dict[int, list[dict[str, Any]]] = {key: [] for key in state}
    active = [s for s in searches if id(s) in state]
    for _ in range(BEYOND_BAR_MAX_STEPS):
        if not active:
            break
        wanted = [
            (s, state[id(s)] | {i})
            for s in active
            for i in range(len(s.candidates))
            if s.compatible(state[id(s)], i)
        ]
        _evaluate(wanted, profile, draws, seed, tables)
        still = []
        for search in active:
            here = search.outcome(state[id(search)])
            best: tuple[tuple[float, float], int] | None = None
            for s, subset in wanted:
                if s is not search:
                    continue
                (index,) = subset - state[id(search)]
                outcome = search.outcome(subset)
                gain = _gain(here.overall, outcome.overall)
                total_gain = round(outcome.total - here.total, 1)
                if gain < 0 or (gain == 0 and total_gain <= 0):
                    continue
                cost = search.candidates[index].cost_eur
                key = (_rate(gain, cost), _rate(total_gain, cost))
                if best is None or key > best[0]:
                    best = (key, index)
            if best is None:
                continue
            index = best[1]
            found[id(search)].append(_step(search, state[id(search)], index, profile, True))
            state[id(search)] = state[id(search)] | {index}
            still.append(search)
        active = still
    return found


def _gain(before: float | None, after: float | None) -> float:
    if before is None or after is None:
        return 0.0
    return round(after - before, 1)
