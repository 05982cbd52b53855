"""Missing stays None in the features; the model takes the profile's default and says so."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np

from netsurvey.power.spec import Cart, Circuit
from netsurvey.scoring.batch import build_batch
from netsurvey.scoring.features import load_features, other_loads_notes
from netsurvey.scoring.profile import load_profile

SCHOOL = """\
schema_version: 1
schools:
  - id: quiet-school
    name: Quiet
    students: 60
    staff: 5
    carts: [{id: cart-1, slots: 30, charger_w: 45, slots_at_once: 10, circuit: c-1}]
    circuits:
      - {id: c-1, breaker_a: 16, rcd_ma: 30, measured_a: 7.5}
      - {id: c-2, breaker_a: 16, other_loads_w: 300}
"""


def test_undeclared_other_loads_stay_none_and_are_noted(tmp_path: Path) -> None:
    path = tmp_path / "features.yaml"
    path.write_text(SCHOOL, encoding="utf-8")
    (school,) = load_features(path)
    assert [c.other_loads_w for c in school.circuits] == [None, 300.0]
    assert school.measured_a == {"c-1": 7.5}
    assert school.carts[0].sequencing == "sequenced" and school.carts[0].concurrent_slots == 10
    # only c-1 feeds a cart, so only c-1's missing figure counts
    assert [(n.key, n.params) for n in school.missing] == [
        ("power_other_loads_assumed", {"items": "c-1"})
    ]
    profile = load_profile("lv-2024")
    batch = build_batch((school,), profile, seed=1)
    assert batch.circuit_other_w[0].tolist() == [profile.power.other_loads_w, 300.0]
    assert batch.circuit_measured_a[0, 0] == 7.5 and np.isnan(batch.circuit_measured_a[0, 1])


def test_a_missing_staff_count_takes_the_profile_default(tmp_path: Path) -> None:
    path = tmp_path / "features.yaml"
    path.write_text(SCHOOL, encoding="utf-8")
    (school,) = load_features(path)
    unknown = dataclasses.replace(school, staff=None)
    profile = load_profile("lv-2024")
    default = profile.background.staff_default
    assert unknown.users(default) == (school.students or 0) + default
    batch = build_batch((school, dataclasses.replace(unknown, id="other")), profile, seed=1)
    assert batch.staff.tolist() == [5.0, float(default)]


def test_no_note_when_every_fed_circuit_declares_its_loads() -> None:
    circuits = (Circuit(id="c-1", breaker_a=16, other_loads_w=0.0), Circuit(id="c-2", breaker_a=16))
    carts = (Cart(id="k", slots=30, circuit="c-1"),)
    assert other_loads_notes(carts, circuits) == ()


def test_sequencing_a_cart_never_powers_more_slots() -> None:
    cart = Cart(id="k", slots=30, circuit="c-1")
    assert cart.concurrent_slots == 30
    assert cart.sequenced(10).concurrent_slots == 10
    assert cart.sequenced(10).sequenced(20).concurrent_slots == 10
    assert Cart(id="k", slots=8, circuit="c-1").sequenced(10).concurrent_slots == 8


def test_a_visit_without_staff_or_pupils_keeps_them_unknown_and_says_so(tmp_path: Path) -> None:
    import json

    from netsurvey.scoring.from_visit import features_from_visit
    from netsurvey.scoring.pipeline import score_schools
    from tests.scoring.test_from_visit import write_visit

    directory = write_visit(tmp_path / "v")
    data = json.loads((directory / "visit.json").read_text())
    del data["school"]["staff"]
    data["school"]["pupils"] = {}
    (directory / "visit.json").write_text(json.dumps(data))
    school = features_from_visit(directory)
    assert school.staff is None
    assert school.students == 49  # the classrooms' pupils when grades are not given
    assert "staff_assumed" in {n.key for n in school.missing}
    for room in data["school"]["rooms"]:
        room.pop("pupils", None)
    (directory / "visit.json").write_text(json.dumps(data))
    school = features_from_visit(directory)
    assert school.students is None
    assert {"pupils_unknown", "staff_assumed"} <= {n.key for n in school.missing}
    (entry,) = score_schools((school,), load_profile("lv-2024"), draws=50, upgrades=False)
    notes = {n["message"] for n in entry["missing_notes"]}
    assert {"missing.pupils_unknown", "missing.staff_assumed"} <= notes


def test_the_power_assessment_and_the_scorer_assume_the_same_other_loads() -> None:
    from netsurvey.power.settings import PowerSettings

    assert PowerSettings().other_loads_w_assumed == load_profile("lv-2024").power.other_loads_w
