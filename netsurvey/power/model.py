"""Electrical model of charging carts (docs/model.md §6), as pure numpy functions.

Every function broadcasts over any leading axes, so the scorer can evaluate
schools x scenarios x Monte-Carlo draws in one call and the cart assessment can
call the same code with plain floats.  Inputs are SI units named in the
argument: watts, amperes, volts, seconds, watt-hours, ratios in 0..1.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

FloatArray = NDArray[np.floating[Any]]

MAINS_VOLTAGE_V = 230.0
SECONDS_PER_HOUR = 3600.0


def charger_input_current_a(
    charger_w: ArrayLike,
    efficiency: ArrayLike,
    power_factor: ArrayLike,
    voltage_v: ArrayLike = MAINS_VOLTAGE_V,
) -> FloatArray:
    """RMS mains current of one charger delivering ``charger_w`` at its output.

    Input power is ``charger_w / efficiency``; breakers trip on rms current, so
    the current is ``P_in / (V * PF)`` (docs/model.md §6.1).
    """
    input_w = np.asarray(charger_w, dtype=np.float64) / np.asarray(efficiency, dtype=np.float64)
    return np.asarray(
        input_w / (np.asarray(voltage_v, dtype=np.float64) * np.asarray(power_factor)),
        dtype=np.float64,
    )


def circuit_current_a(
    concurrent_chargers: ArrayLike,
    charger_w: ArrayLike,
    efficiency: ArrayLike,
    power_factor: ArrayLike,
    other_loads_w: ArrayLike,
    other_pf: ArrayLike = 0.95,
    voltage_v: ArrayLike = MAINS_VOLTAGE_V,
) -> FloatArray:
    """RMS current of a circuit: the chargers energised together plus other loads.

    ``I = N * P_in / (V * PF) + P_other / (V * PF_other)`` (docs/model.md §6.1).
    """
    per_charger_a = charger_input_current_a(charger_w, efficiency, power_factor, voltage_v)
    other_a = np.asarray(other_loads_w, dtype=np.float64) / (
        np.asarray(voltage_v, dtype=np.float64) * np.asarray(other_pf, dtype=np.float64)
    )
    return np.asarray(np.asarray(concurrent_chargers) * per_charger_a + other_a, dtype=np.float64)


def continuous_limit_a(breaker_a: ArrayLike, continuous_ratio: ArrayLike = 0.8) -> FloatArray:
    """Design continuous current of a breaker: ``k * I_n`` (12.8 A on a B16 at k = 0.8)."""
    return np.asarray(
        np.asarray(breaker_a, dtype=np.float64) * np.asarray(continuous_ratio), dtype=np.float64
    )


def charge_time_s(
    battery_wh: ArrayLike,
    soc_start: ArrayLike,
    soc_end: ArrayLike,
    battery_charge_w: ArrayLike,
    taper_factor: ArrayLike = 0.4,
) -> FloatArray:
    """Time to charge one device from ``soc_start`` to ``soc_end`` (docs/model.md §6.3).

    Constant current at ``battery_charge_w`` up to 80 % state of charge, then a
    constant-voltage taper above 80 % at ``taper_factor`` of that power.  The
    worked example (47 Wh, 0.2 -> 1.0, 30 W) gives about 1.7 h.
    """
    battery = np.asarray(battery_wh, dtype=np.float64)
    start = np.asarray(soc_start, dtype=np.float64)
    end = np.asarray(soc_end, dtype=np.float64)
    power_w = np.asarray(battery_charge_w, dtype=np.float64)
    knee = 0.8
    cc_share = np.clip(np.minimum(end, knee) - start, 0.0, None)
    cv_share = np.clip(end - np.maximum(start, knee), 0.0, None)
    hours = battery * cc_share / power_w + battery * cv_share / (np.asarray(taper_factor) * power_w)
    return np.asarray(hours * SECONDS_PER_HOUR, dtype=np.float64)


def cart_cycle_s(slots: ArrayLike, slots_at_once: ArrayLike, per_device_s: ArrayLike) -> FloatArray:
    """Time to charge a whole cart when only ``slots_at_once`` slots are powered together.

    The cart runs ``ceil(slots / slots_at_once)`` banks one after another; a
    30-slot cart at 10 at a time and 1.7 h per device needs about 5 h.
    """
    slots_arr = np.asarray(slots, dtype=np.float64)
    at_once = np.minimum(np.asarray(slots_at_once, dtype=np.float64), slots_arr)
    banks = np.ceil(slots_arr / np.where(at_once > 0, at_once, np.nan))
    return np.asarray(banks * np.asarray(per_device_s, dtype=np.float64), dtype=np.float64)


def rcd_leakage_ma(adapters: ArrayLike, leakage_ma_each: ArrayLike) -> FloatArray:
    """Protective-conductor current of adapters energised together on one RCD, in mA.

    Compare with 30 % of the RCD's rated residual current (9 mA on 30 mA).
    """
    return np.asarray(
        np.asarray(adapters, dtype=np.float64) * np.asarray(leakage_ma_each, dtype=np.float64),
        dtype=np.float64,
    )
