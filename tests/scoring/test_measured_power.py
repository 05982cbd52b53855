"""A measured circuit current (PDU, UPS, clamp) replaces the modelled one in the power dimension."""

from __future__ import annotations

from pathlib import Path

from netsurvey.scoring.features import load_features
from netsurvey.scoring.pipeline import score_schools
from netsurvey.scoring.profile import load_profile

SCHOOL = """\
schema_version: 1
schools:
  - id: measured-school
    name: Measured
    municipality: Test
    students: 60
    staff: 5
    carts: [{id: cart-1, slots: 30, charger_w: 45, slots_at_once: 10, circuit: c-1}]
    circuits: [{id: c-1, breaker_a: 16, rcd_ma: 30{measured}}]
"""


def power_score(tmp_path: Path, measured: str) -> float | None:
    path = tmp_path / f"f{len(measured)}.yaml"
    path.write_text(SCHOOL.replace("{measured}", measured), encoding="utf-8")
    (result,) = score_schools(
        load_features(path), load_profile("lv-2024"), draws=200, seed=1, upgrades=False
    )
    score: float | None = result["dimensions"]["power"]["score"]
    return score


def test_measured_current_replaces_the_estimate(tmp_path: Path) -> None:
    estimated = power_score(tmp_path, "")
    quiet = power_score(tmp_path, ", measured_a: 2.0")
    overloaded = power_score(tmp_path, ", measured_a: 15.5")
    assert estimated == 100.0  # 10 chargers at a time fit a B16 comfortably
    assert quiet == 100.0
    assert overloaded is not None and overloaded < 40  # 15.5 A on a B16 (12.8 A continuous)
