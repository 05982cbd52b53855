"""The worked cases of docs/model.md §6.2-6.3 give the verdicts derived there."""

from __future__ import annotations

from typing import Any

import pytest

from netsurvey.power.assess import assess_site
from netsurvey.power.spec import Cart, Circuit, Site


def cart(cart_id: str, circuit: str, *, sequenced: bool = False, room: str = "204") -> Cart:
    return Cart(
        id=cart_id,
        slots=30,
        circuit=circuit,
        room=room,
        charger_w=45,
        sequencing="sequenced" if sequenced else "all",
        slots_at_once=10 if sequenced else None,
    )


def circuit(circuit_id: str, breaker_a: float, **kw: Any) -> Circuit:
    return Circuit(
        id=circuit_id, breaker_a=breaker_a, rcd_ma=30, other_loads_w=0, room="204", **kw
    )


def test_unsequenced_30_slot_cart_fails_on_b10() -> None:
    result = assess_site(Site("s", (circuit("c1", 10),), (cart("k1", "c1"),)))
    c1 = result.circuit("c1")
    assert c1.verdict == "fail"
    assert c1.limit_a == pytest.approx(8.0)
    assert c1.used_a == pytest.approx(30 * 45 / 0.88 / (230 * 0.55), rel=1e-9)
    assert c1.chargers_capacity == 19  # docs/model.md §6.2 table: B10 at PF 0.55, 51 W
    assert result.cart("k1").verdict == "fail"
    assert result.verdict == "fail"
    kinds = {r.kind for r in result.recommendations}
    assert kinds & {"sequence", "add_circuit", "move"}


def test_unsequenced_30_slot_cart_passes_on_b16() -> None:
    result = assess_site(Site("s", (circuit("c1", 16),), (cart("k1", "c1"),)))
    c1 = result.circuit("c1")
    assert c1.verdict == "pass"
    assert c1.limit_a == pytest.approx(12.8)
    assert c1.chargers_capacity == 31  # docs/model.md §6.2: 31 per B16 at PF 0.55 / 51 W
    assert c1.carts_capacity == 1
    assert result.verdict == "pass"
    assert c1.inrush_risk  # unsequenced: a warning, not a failure
    assert any(r.kind == "stagger" for r in result.recommendations)


def test_three_sequenced_carts_share_one_b16_and_one_rcd() -> None:
    carts = tuple(cart(f"k{i}", "c1", sequenced=True) for i in range(3))
    result = assess_site(Site("s", (circuit("c1", 16),), carts))
    c1 = result.circuit("c1")
    assert c1.concurrent_chargers == 30
    assert c1.verdict == "pass"
    assert c1.carts_capacity == 3  # docs/model.md §6.2: 3 sequenced carts per B16 by current
    (rcd,) = result.rcds
    assert rcd.adapters == 30
    assert rcd.max_adapters_worst == 36
    assert rcd.leakage_worst_ma == pytest.approx(7.5)
    assert rcd.verdict == "pass"
    assert not c1.inrush_risk
    for verdict in result.carts:
        assert verdict.cycle_s / 3600 == pytest.approx(5.2, abs=0.1)  # about 5 h: overnight
        assert verdict.fits_overnight and not verdict.fits_between_lessons
    assert result.verdict == "pass"


def test_three_unsequenced_carts_on_one_rcd_fail_the_rcd() -> None:
    circuits = tuple(circuit(f"c{i}", 16, rcd_group="rcd-1") for i in range(3))
    carts = tuple(cart(f"k{i}", f"c{i}") for i in range(3))
    result = assess_site(Site("s", circuits, carts))
    assert all(c.verdict == "pass" for c in result.circuits)
    (rcd,) = result.rcds
    assert rcd.adapters == 90
    assert rcd.leakage_worst_ma == pytest.approx(22.5)
    assert rcd.verdict == "fail"
    assert result.verdict == "fail"
    (fix,) = [r for r in result.recommendations if r.kind == "rcd"]
    assert "12 slots at a time" in fix.text


def test_single_device_charge_time_is_about_1_7_h() -> None:
    result = assess_site(Site("s", (circuit("c1", 16),), (cart("k1", "c1"),)))
    assert result.cart("k1").per_device_s / 3600 == pytest.approx(1.72, abs=0.01)
