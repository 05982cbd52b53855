"""Properties: more capacity never lowers a score; more demand never raises one."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from netsurvey.scoring.features import SchoolFeatures, Wan
from netsurvey.scoring.model import evaluate
from netsurvey.scoring.profile import Profile

from .conftest import schools

DRAWS = 30
SLACK = 1e-9
Change = Callable[[SchoolFeatures], SchoolFeatures]


def all_scores(batch: list[SchoolFeatures], profile: Profile) -> list[dict[tuple[str, str], float]]:
    chunk = evaluate(tuple(batch), profile, DRAWS, 5)[0]
    found: list[dict[tuple[str, str], float]] = []
    for index in range(len(batch)):
        scores = {}
        for result in chunk.scenarios:
            for name, dim in result.dimensions.items():
                if dim.present[index]:
                    scores[(result.scenario.id, name)] = float(dim.score[index])
        found.append(scores)
    return found


def faster_wan(school: SchoolFeatures) -> SchoolFeatures:
    if school.wan is None:
        return school
    return dataclasses.replace(
        school,
        wan=Wan(
            tuple(x * 2.5 for x in school.wan.down_mbps), tuple(x * 2.5 for x in school.wan.up_mbps)
        ),
    )


def faster_links(school: SchoolFeatures) -> SchoolFeatures:
    aps = tuple(
        dataclasses.replace(ap, port_speed_mbps=ap.port_speed_mbps * 10)
        if ap.port_speed_mbps
        else ap
        for ap in school.aps
    )
    switches = tuple(
        dataclasses.replace(sw, uplink_mbps=sw.uplink_mbps * 10) if sw.uplink_mbps else sw
        for sw in school.switches
    )
    return dataclasses.replace(school, aps=aps, switches=switches)


def more_poe_and_breakers(school: SchoolFeatures) -> SchoolFeatures:
    switches = tuple(
        dataclasses.replace(sw, poe_budget_w=sw.poe_budget_w + 200)
        if sw.poe_budget_w is not None
        else sw
        for sw in school.switches
    )
    circuits = tuple(dataclasses.replace(c, breaker_a=c.breaker_a + 16) for c in school.circuits)
    return dataclasses.replace(school, switches=switches, circuits=circuits)


def better_signal(school: SchoolFeatures) -> SchoolFeatures:
    rooms = tuple(
        dataclasses.replace(r, rssi_dbm=r.rssi_dbm + 6) if r.rssi_dbm is not None else r
        for r in school.rooms
    )
    aps = tuple(
        dataclasses.replace(ap, foreign_utilization_ratio=(ap.foreign_utilization_ratio or 0) / 2)
        for ap in school.aps
    )
    return dataclasses.replace(school, rooms=rooms, aps=aps)


def more_pupils(school: SchoolFeatures) -> SchoolFeatures:
    rooms = tuple(dataclasses.replace(r, pupils=r.pupils + 7) for r in school.rooms)
    return dataclasses.replace(school, rooms=rooms, staff=(school.staff or 0) + 10)


def more_loads(school: SchoolFeatures) -> SchoolFeatures:
    circuits = tuple(
        dataclasses.replace(c, other_loads_w=(c.other_loads_w or 0.0) + 400) for c in school.circuits
    )
    carts = tuple(
        dataclasses.replace(c, slots=c.slots + 5, slots_at_once=c.concurrent_slots + 5)
        for c in school.carts
    )
    switches = tuple(
        dataclasses.replace(
            sw,
            poe_other_w=sw.poe_other_w + 15,
            uplink_busy_mbps=(sw.uplink_busy_mbps + 50)
            if sw.uplink_busy_mbps is not None
            else None,
        )
        for sw in school.switches
    )
    return dataclasses.replace(school, circuits=circuits, carts=carts, switches=switches)


CAPACITY = [faster_wan, faster_links, more_poe_and_breakers, better_signal]
DEMAND = [more_pupils, more_loads]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(school=schools(), change=st.sampled_from(CAPACITY))
def test_more_capacity_never_lowers_a_score(
    school: SchoolFeatures, change: Change, profile: Profile
) -> None:
    before, after = all_scores([school, change(school)], profile)
    assert before.keys() == after.keys()
    for key, score in before.items():
        assert after[key] >= score - SLACK, (change.__name__, key, score, after[key])


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(school=schools(), change=st.sampled_from(DEMAND))
def test_more_demand_never_raises_a_score(
    school: SchoolFeatures, change: Change, profile: Profile
) -> None:
    before, after = all_scores([school, change(school)], profile)
    for key, score in before.items():
        if key in after:
            assert after[key] <= score + SLACK, (change.__name__, key, score, after[key])


def test_fixture_upgrades_are_monotone(
    latvia: tuple[SchoolFeatures, ...], profile: Profile
) -> None:
    rural = latvia[2]
    before, after = all_scores([rural, faster_wan(more_poe_and_breakers(rural))], profile)
    assert after[("S6", "power")] > before[("S6", "power")]
    assert after[("S2", "wan")] > before[("S2", "wan")]
