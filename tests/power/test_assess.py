"""Measured loads replace estimates, and failing circuits get concrete fixes."""

from __future__ import annotations

import json
from typing import Any

import pytest

from netsurvey.power.assess import assess_site
from netsurvey.power.settings import PowerSettings
from netsurvey.power.spec import Cart, Circuit, MeasuredLoad, Site

ONE_CHARGER_A = 45 / 0.88 / (230 * 0.55)


def b(breaker_a: float, circuit_id: str, room: str = "1", **kw: Any) -> Circuit:
    return Circuit(
        id=circuit_id, breaker_a=breaker_a, rcd_ma=30, room=room, other_loads_w=0, **kw
    )


def cart(cart_id: str, circuit: str, slots: int = 30, room: str = "1") -> Cart:
    return Cart(id=cart_id, slots=slots, circuit=circuit, charger_w=45, room=room)


def test_clamp_on_circuit_replaces_estimate_and_names_source() -> None:
    clamp = MeasuredLoad("circuit", "c1", "clamp", "m-7", current_a=7.2, measurement_ids=("m-7",))
    result = assess_site(Site("s", (b(10, "c1"),), (cart("k1", "c1"),), (clamp,)))
    c1 = result.circuit("c1")
    assert c1.used_a == 7.2 and c1.measured_a == 7.2
    assert c1.estimated_a == pytest.approx(30 * ONE_CHARGER_A)
    assert c1.current_source == "clamp m-7"
    assert c1.verdict == "pass"  # the measurement, not the estimate, decides
    assert result.measurement_ids == ("m-7",)


def test_clamp_power_and_pf_give_current() -> None:
    clamp = MeasuredLoad("cart", "k1", "clamp", "m-1", power_w=1265, power_factor_ratio=0.55)
    result = assess_site(Site("s", (b(16, "c1"),), (cart("k1", "c1"),), (clamp,)))
    assert result.cart("k1").used_a == pytest.approx(10.0)
    assert result.circuit("c1").used_a == pytest.approx(10.0)


def test_highest_of_several_readings_counts() -> None:
    readings = (
        MeasuredLoad("circuit", "c1", "clamp", "m-1", current_a=6.0),
        MeasuredLoad("circuit", "c1", "clamp", "m-2", current_a=11.0),
    )
    c1 = assess_site(Site("s", (b(16, "c1"),), (cart("k1", "c1"),), readings)).circuit("c1")
    assert c1.used_a == 11.0
    assert c1.current_source == "clamp m-2 (highest of 2 readings)"


def test_low_reading_gets_a_caveat() -> None:
    clamp = MeasuredLoad("circuit", "c1", "clamp", "m-1", current_a=1.0)
    c1 = assess_site(Site("s", (b(16, "c1"),), (cart("k1", "c1"),), (clamp,))).circuit("c1")
    assert any("re-measure with every cart on c1 charging" in w for w in c1.warnings)


def test_move_to_same_room_circuit_with_headroom_first() -> None:
    site = Site("s", (b(10, "c1"), b(16, "c2")), (cart("k1", "c1"),))
    result = assess_site(site)
    (move,) = [r for r in result.recommendations if r.kind == "move"]
    assert move.subject == "k1"
    assert move.text.startswith("Move cart k1 from circuit c1 to circuit c2 in room 1 (B16)")


def test_moves_do_not_double_book_headroom() -> None:
    circuits = (b(10, "c1"), b(10, "c2"), b(16, "c3"))
    carts = (cart("k1", "c1", slots=28), cart("k2", "c2", slots=28))
    result = assess_site(Site("s", circuits, carts))
    moves = [r for r in result.recommendations if r.kind == "move"]
    assert len(moves) == 1  # c3 takes one 28-slot cart, not two
    assert any(r.kind == "sequence" for r in result.recommendations)


def test_add_circuit_when_nothing_else_works() -> None:
    # A B10 already carrying 1.5 kW: two slots at a time would not finish overnight.
    loaded = Circuit(id="c1", breaker_a=10, rcd_ma=30, room="1", other_loads_w=1500)
    site = Site("s", (loaded,), (cart("k1", "c1"),))
    result = assess_site(site)
    (fix,) = [r for r in result.recommendations if r.subject == "k1" and r.severity == "must"]
    assert fix.kind == "add_circuit"
    assert "dedicated B16" in fix.text


def test_other_loads_reduce_cart_capacity() -> None:
    circuit = Circuit(id="c1", breaker_a=16, rcd_ma=30, other_loads_w=400)
    c1 = assess_site(Site("s", (circuit,), (cart("k1", "c1"),))).circuit("c1")
    assert c1.other_loads_a == pytest.approx(400 / (230 * 0.95))
    assert c1.verdict == "fail"  # 12.1 A of carts + 1.8 A projector > 12.8 A


def test_undeclared_other_loads_and_missing_rcd_are_flagged() -> None:
    circuit = Circuit(id="c1", breaker_a=16)
    result = assess_site(Site("s", (circuit,), (cart("k1", "c1", slots=10),)))
    warnings = result.circuit("c1").warnings
    assert "other loads not declared; assumed none" in warnings
    assert any("no RCD declared" in w for w in warnings)
    assert result.rcds == ()


def test_continuous_ratio_is_configurable() -> None:
    site = Site("s", (b(16, "c1"),), (cart("k1", "c1"),))
    strict = assess_site(site, PowerSettings(continuous_ratio=0.7))
    assert strict.circuit("c1").limit_a == pytest.approx(11.2)
    assert strict.circuit("c1").verdict == "fail"


def test_round_robin_slot_time_rounds_charge_up() -> None:
    sequenced = Cart(
        id="k1", slots=30, circuit="c1", sequencing="sequenced", slots_at_once=10, slot_time_s=900
    )
    verdict = assess_site(Site("s", (b(16, "c1"),), (sequenced,))).cart("k1")
    assert verdict.per_device_s == 7 * 900  # 1.72 h -> seven 15-minute slots
    assert verdict.cycle_s == 3 * 7 * 900
    assert verdict.assumed == ("charger 45 W", "battery 47 Wh")


def test_json_and_metrics_have_no_nan() -> None:
    result = assess_site(Site("s", (b(10, "c1"), b(16, "c2")), (cart("k1", "c1"),)))
    data = json.loads(json.dumps(result.to_json(), allow_nan=False))
    assert data["verdict"] == "fail"
    assert data["carts_per_circuit"] == {"c1": 0, "c2": 1}
    assert data["metrics"]["worst_circuit_rho"] == pytest.approx(30 * ONE_CHARGER_A / 8)
    assert data["metrics"]["circuits_failing_count"] == 1


def test_empty_site_has_no_verdict() -> None:
    result = assess_site(Site("s"))
    assert result.verdict is None
    assert result.metrics()["worst_circuit_rho"] is None
