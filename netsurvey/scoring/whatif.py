"""Upgrade advice: candidate changes scored with the same draws, ranked by gain per euro.

Each candidate is a modified copy of the school's features.  Variants keep the
school id, so they get exactly the school's random draws (common random
numbers): a score gain is the change, never Monte-Carlo noise.  Variants are
stacked on the school axis and evaluated in one vectorised pass; a second
pass scores the greedy plan (best candidate first, then the next on top).
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable
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
    id: str
    title: str
    cost_eur: float
    dimension: str
    change: Change


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
                    )
                )
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
            )
        )
    weak_switches = {ap.switch for ap in school.aps if ap.switch is not None and poe_restricted(ap)}
    if _below(result, "poe"):
        weak_switches |= {sw.id for sw in school.switches if _poe_tight(sw, school, profile)}
    if weak_switches:
        found.append(
            Candidate(
                "poe-switch",
                f"{upgrades.poe_switch['title']} x{len(weak_switches)}",
                _number(upgrades.poe_switch, "cost_eur") * len(weak_switches),
                "poe",
                _poe_switch(profile, weak_switches),
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
            )
        )
    return found


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


@dataclass
class _Plan:
    school: SchoolFeatures
    outcome: Outcome
    remaining: list[Candidate]
    spent_eur: float = 0.0
    steps: list[dict[str, Any]] = dataclasses.field(default_factory=list)


def recommend(
    schools: tuple[SchoolFeatures, ...],
    results: list[dict[str, Any]],
    profile: Profile,
    draws: int,
    seed: int,
    tables: ModelTables | None = None,
    max_steps: int = 6,
) -> None:
    """Greedy upgrade plan per school: each step takes the candidate with the best gain per euro.

    Gain is the overall score; when the overall minimum does not move, the sum of the
    dimension scores breaks the tie.  Candidates that help nothing are left out.
    """
    plans = [
        _Plan(
            school,
            Outcome(
                result["overall"]["score"],
                {name: entry["score"] for name, entry in result["dimensions"].items()},
            ),
            candidates(school, result, profile),
        )
        for school, result in zip(schools, results, strict=True)
    ]
    for _ in range(max_steps):
        active = [plan for plan in plans if plan.remaining]
        if not active:
            break
        variants = [c.change(plan.school) for plan in active for c in plan.remaining]
        outcomes = iter(_outcomes(variants, profile, draws, seed, tables))
        for plan in active:
            best: tuple[tuple[float, float], Candidate, Outcome] | None = None
            for candidate in plan.remaining:
                outcome = next(outcomes)
                overall_gain = _gain(plan.outcome.overall, outcome.overall)
                total_gain = round(outcome.total - plan.outcome.total, 1)
                key = (
                    _rate(overall_gain, candidate.cost_eur),
                    _rate(total_gain, candidate.cost_eur),
                )
                if overall_gain < 0 or (overall_gain == 0 and total_gain <= 0):
                    continue
                if best is None or key > best[0]:
                    best = (key, candidate, outcome)
            if best is None:
                plan.remaining = []
                continue
            _, candidate, outcome = best
            plan.steps.append(_step(plan, candidate, outcome, profile))
            plan.school = candidate.change(plan.school)
            plan.outcome = outcome
            plan.remaining = [c for c in plan.remaining if c.id != candidate.id]
    for plan, result in zip(plans, results, strict=True):
        result["recommendations"] = plan.steps


def _step(plan: _Plan, candidate: Candidate, outcome: Outcome, profile: Profile) -> dict[str, Any]:
    gain = _gain(plan.outcome.overall, outcome.overall)
    before = plan.outcome.dimensions.get(candidate.dimension)
    after = outcome.dimensions.get(candidate.dimension)
    plan.spent_eur += candidate.cost_eur
    rate = _rate(gain, candidate.cost_eur)
    return {
        "id": candidate.id,
        "title": candidate.title,
        "dimension": candidate.dimension,
        "cost_eur": round(candidate.cost_eur, 2),
        "score_gain": gain,
        "dimension_gain": _gain(before, after),
        "gain_per_keur": round(rate, 2) if math.isfinite(rate) else None,
        "plan_cost_eur": round(plan.spent_eur, 2),
        "plan_score": outcome.overall,
        "plan_grade": profile.grade(outcome.overall) if outcome.overall is not None else None,
    }


def _gain(before: float | None, after: float | None) -> float:
    if before is None or after is None:
        return 0.0
    return round(after - before, 1)
