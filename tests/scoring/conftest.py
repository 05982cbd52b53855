"""Fixtures and hypothesis strategies for the scorer tests."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import strategies as st

from netsurvey.scoring.features import (
    AccessPoint,
    Cart,
    Circuit,
    Room,
    SchoolFeatures,
    Switch,
    Wan,
    load_features,
)
from netsurvey.scoring.profile import Profile, load_profile

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "features"
LATVIA = FIXTURES / "latvia-3-schools.yaml"


@pytest.fixture(scope="session")
def profile() -> Profile:
    return load_profile("lv-2024")


@pytest.fixture(scope="session")
def latvia() -> tuple[SchoolFeatures, ...]:
    return load_features(LATVIA)


CHANNELS = (36, 44, 52, 100)


@st.composite
def schools(draw: st.DrawFn, school_id: str = "s") -> SchoolFeatures:
    """Small random schools covering every branch: missing data, co-channel, restricted PoE."""
    n_switches = draw(st.integers(0, 2))
    switches = tuple(
        Switch(
            id=f"sw{w}",
            uplink_mbps=draw(st.sampled_from([None, 100.0, 1000.0, 10000.0])),
            uplink_busy_mbps=draw(st.one_of(st.none(), st.floats(0, 300))),
            poe_budget_w=draw(st.sampled_from([None, 30.0, 125.0, 370.0])),
            poe_other_w=draw(st.floats(0, 40)),
        )
        for w in range(n_switches)
    )
    n_aps = draw(st.integers(0, 3))
    aps = tuple(
        AccessPoint(
            id=f"ap{j}",
            switch=draw(st.sampled_from([None, *(s.id for s in switches)])),
            standard=(standard := draw(st.sampled_from(["HT", "VHT", "HE"]))),
            streams=draw(st.integers(1, 4)),
            width_mhz=draw(st.sampled_from([20, 40] if standard == "HT" else [20, 40, 80])),
            channel=draw(st.sampled_from(CHANNELS)),
            foreign_utilization_ratio=draw(st.one_of(st.none(), st.floats(0, 0.6))),
            bssids=draw(st.integers(1, 4)),
            port_speed_mbps=draw(st.sampled_from([None, 100.0, 1000.0, 2500.0])),
            poe_class_required=draw(st.sampled_from([None, 3, 4])),
            poe_class_port=draw(st.sampled_from([None, 2, 4, 6])),
            hears=draw(st.sampled_from([None, ()])),
        )
        for j in range(n_aps)
    )
    n_rooms = draw(st.integers(0, 4))
    rooms = []
    for r in range(n_rooms):
        ap = draw(st.sampled_from([None, *(a.id for a in aps)]))
        surveyed = ap is not None and draw(st.booleans())
        rooms.append(
            Room(
                id=f"r{r}",
                grade=draw(st.sampled_from([None, 6, 7, 8, 9, 11])),
                pupils=draw(st.integers(0, 32)),
                ap=ap,
                rssi_dbm=draw(st.floats(-85, -40)) if surveyed else None,
                rssi_sd_db=draw(st.one_of(st.none(), st.floats(0, 8))),
                noise_dbm=draw(st.one_of(st.none(), st.floats(-98, -85))),
            )
        )
    wan = draw(
        st.one_of(
            st.none(),
            st.builds(
                Wan,
                down_mbps=st.lists(st.floats(5, 1000), min_size=1, max_size=4).map(tuple),
                up_mbps=st.lists(st.floats(1, 1000), min_size=0, max_size=4).map(tuple),
            ),
        )
    )
    n_circuits = draw(st.integers(0, 2))
    circuits = tuple(
        Circuit(
            id=f"c{k}",
            breaker_a=draw(st.sampled_from([10.0, 16.0])),
            other_loads_w=draw(st.one_of(st.none(), st.floats(0, 1500))),
            rcd_ma=draw(st.sampled_from([None, 30.0])),
        )
        for k in range(n_circuits)
    )
    carts = []
    for c in range(draw(st.integers(0, 2))):
        slots = draw(st.integers(8, 36))
        carts.append(
            Cart(
                id=f"cart{c}",
                slots=slots,
                charger_w=draw(st.sampled_from([None, 45.0, 65.0])),
                sequencing="sequenced",
                slots_at_once=draw(st.integers(1, slots)),
                circuit=draw(st.sampled_from([None, *(k.id for k in circuits)])),
                battery_wh=None,
            )
        )
    return SchoolFeatures(
        id=school_id + draw(st.text("abcdef", min_size=1, max_size=4)),
        name="random school",
        municipality=None,
        students=sum(room.pupils for room in rooms),
        staff=draw(st.one_of(st.none(), st.integers(0, 40))),
        client_standard=draw(st.sampled_from(["VHT", "HE"])),
        client_streams=draw(st.integers(1, 2)),
        device_ratio=draw(st.sampled_from([0.5, 1.0])),
        rooms=tuple(rooms),
        aps=aps,
        switches=switches,
        wan=wan,
        carts=tuple(carts),
        circuits=circuits,
    )
