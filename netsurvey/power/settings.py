"""Assumptions of the charging-cart assessment, with the defaults of docs/model.md §6, §12.

Deterministic verdicts use the mode of each assumed distribution (PF 0.55 of the
triangular 0.5/0.55/0.7); the scorer samples the whole range itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType

# Magnetic (instantaneous) trip band of IEC 60898-1 curves, as multiples of I_n.
MAGNETIC_TRIP_MULTIPLES = MappingProxyType({"B": (3.0, 5.0), "C": (5.0, 10.0), "D": (10.0, 20.0)})


@dataclass(frozen=True)
class PowerSettings:
    voltage_v: float = 230.0
    charger_w: float = 45.0
    charger_efficiency_ratio: float = 0.88
    charger_pf_low: float = 0.5
    charger_pf_mode: float = 0.55
    charger_pf_high: float = 0.7
    other_loads_pf: float = 0.95
    other_loads_w_assumed: float = 0.0  # a circuit that declares none (= lv-2024 power.other_loads_w)
    continuous_ratio: float = 0.8
    rcd_design_ratio: float = 0.3  # BS 7671 531.3.2: 9 mA on a 30 mA RCD
    leakage_typical_ma: float = 0.1
    leakage_worst_ma: float = 0.25
    inrush_peak_a_each: float = 30.0  # upper bound for a small adapter at 230 V cold start
    battery_wh: float = 47.0
    battery_charge_w: float = 30.0
    soc_start_ratio: float = 0.2
    soc_end_ratio: float = 1.0
    taper_factor: float = 0.4
    overnight_window_s: float = 14 * 3600.0  # 17:00 to 07:00
    between_lessons_window_s: float = 45 * 60.0  # one lesson while the cart is back
    measured_low_ratio: float = 0.5  # a reading below half the estimate gets a caveat

    @property
    def charger_pf(self) -> float:
        return self.charger_pf_mode

    def rcd_budget_ma(self, rcd_ma: float) -> float:
        return rcd_ma * self.rcd_design_ratio

    def to_json(self) -> dict[str, float]:
        return {name: float(getattr(self, name)) for name in self.__dataclass_fields__}


DEFAULT_SETTINGS = PowerSettings()
