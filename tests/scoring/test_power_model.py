"""netsurvey.power.model against the worked numbers of docs/model.md §6."""

from __future__ import annotations

import math

import numpy as np
import pytest

from netsurvey.power.model import (
    cart_cycle_s,
    charge_time_s,
    charger_input_current_a,
    circuit_current_a,
    continuous_limit_a,
    rcd_leakage_ma,
)


@pytest.mark.parametrize(
    ("breaker_a", "charger_w", "power_factor", "laptops"),
    [
        (10, 45, 0.55, 19),
        (16, 45, 0.55, 31),
        (10, 30, 0.55, 29),
        (16, 30, 0.55, 47),
        (10, 45, 0.95, 34),
        (16, 45, 0.95, 54),
    ],
)
def test_laptops_per_circuit_table(
    breaker_a: float, charger_w: float, power_factor: float, laptops: int
) -> None:
    per_laptop = charger_input_current_a(charger_w, 0.88, power_factor)
    # the table's "34 W typical" column is 30 W out of a 88 % efficient adapter
    assert math.floor(float(continuous_limit_a(breaker_a) / per_laptop)) == laptops


def test_circuit_current_adds_other_loads_and_broadcasts() -> None:
    current = circuit_current_a(np.array([[10], [30]]), 45.0, 0.88, np.array([0.5, 0.6]), 230.0)
    assert current.shape == (2, 2)
    assert current[1, 0] == pytest.approx(30 * 45 / 0.88 / (230 * 0.5) + 230 / (230 * 0.95))
    assert float(continuous_limit_a(16)) == pytest.approx(12.8)


def test_charge_time_and_cart_cycle() -> None:
    per_device = float(charge_time_s(47, 0.2, 1.0, 30))
    assert per_device / 3600 == pytest.approx(1.7, abs=0.05)
    assert float(cart_cycle_s(30, 10, per_device)) / 3600 == pytest.approx(5.1, abs=0.2)
    assert float(cart_cycle_s(30, 30, per_device)) == pytest.approx(per_device)


def test_rcd_leakage_worst_case_limit() -> None:
    assert float(rcd_leakage_ma(36, 0.25)) == pytest.approx(9.0)
    assert float(rcd_leakage_ma(90, 0.1)) == pytest.approx(9.0)
