"""Bad input gets one line that names the field, its value and what to do."""

from __future__ import annotations

import pytest

from netsurvey.power.assess import assess_site
from netsurvey.power.spec import Cart, Circuit, MeasuredLoad, Site
from netsurvey.power.validate import PowerInputError, field_problem, site_problems

B16 = Circuit(id="c1", breaker_a=16, rcd_ma=30)
CART = Cart(id="k1", slots=30, circuit="c1", charger_w=45)


def test_absurd_breaker_rating_is_named() -> None:
    message = field_problem("circuit", "breaker_a", 400)
    assert message is not None
    assert message.startswith("breaker_a: 400 A is outside 2-63 A")
    assert "breaker label" in message


@pytest.mark.parametrize(
    ("kind", "name", "value", "start"),
    [
        ("cart", "charger_w", 2, "charger_w: 2 W is outside 10-200 W"),
        ("circuit", "breaker_a", -16, "breaker_a: -16 A is outside"),
        ("circuit", "other_loads_w", -5, "other_loads_w: -5 W is outside"),
        ("cart", "slots", 12.5, "slots: must be a whole number"),
        ("reading", "power_factor_ratio", 1.7, "power_factor_ratio: 1.7 is outside 0.1-1"),
        ("circuit", "breaker_a", float("nan"), "breaker_a: not a number"),
    ],
)
def test_implausible_values(kind: str, name: str, value: float, start: str) -> None:
    message = field_problem(kind, name, value)
    assert message is not None and message.startswith(start)


def test_plausible_and_missing_values_pass() -> None:
    assert field_problem("circuit", "breaker_a", 16) is None
    assert field_problem("cart", "charger_w", None) is None


def test_cart_on_undeclared_circuit() -> None:
    site = Site("s", (B16,), (Cart(id="k1", slots=30, circuit="c9"),))
    (problem,) = site_problems(site)
    assert problem.startswith("cart k1: circuit: 'c9' is not a declared circuit (declared: c1)")


def test_assessment_refuses_bad_input_with_one_line() -> None:
    site = Site("s", (Circuit(id="c1", breaker_a=400),), (CART,))
    with pytest.raises(PowerInputError) as caught:
        assess_site(site)
    line = caught.value.one_line()
    assert "\n" not in line
    assert line.startswith("school s: circuit c1: breaker_a: 400 A is outside")
    assert caught.value.exit_code == 2


def test_problem_count_is_reported() -> None:
    site = Site(
        "s",
        (Circuit(id="c1", breaker_a=400), Circuit(id="c1", breaker_a=16)),
        (Cart(id="k1", slots=30, circuit="c1", charger_w=2),),
    )
    with pytest.raises(PowerInputError, match=r"and 2 more problem"):
        assess_site(site)


def test_sequenced_cart_needs_slots_at_once() -> None:
    cart = Cart(id="k1", slots=30, circuit="c1", sequencing="sequenced")
    (problem,) = site_problems(Site("s", (B16,), (cart,)))
    assert problem.startswith("cart k1: slots_at_once: missing for a sequenced cart")


def test_reading_without_numbers_or_subject() -> None:
    empty = MeasuredLoad("circuit", "c1", "clamp", "m-1")
    stranger = MeasuredLoad("cart", "k9", "clamp", "m-2", current_a=3.0)
    problems = site_problems(Site("s", (B16,), (CART,), (empty, stranger)))
    assert any("current_a: no current and no power" in p for p in problems)
    assert any("cart 'k9', which is not declared" in p for p in problems)
