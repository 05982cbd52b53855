"""Scoring profiles and features files: loading, inheritance and one-line errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from netsurvey.errors import ProfileError
from netsurvey.scoring.features import load_features
from netsurvey.scoring.profile import available_profiles, load_profile

from .conftest import LATVIA


def test_builtin_profiles_load_and_name_themselves() -> None:
    assert {"lv-2024", "uk-dfe", "us-fcc-setda"} <= set(available_profiles())
    lv = load_profile("lv-2024")
    assert (lv.name, lv.version) == ("lv-2024", "1.2")
    assert [s.id for s in lv.scenarios] == ["S1", "S2", "S3", "S3b", "S4", "S5", "S6", "S7"]
    assert lv.utilisation.wan == 0.8 and lv.wifi.impl_gain_db == 5 and lv.wifi.fade_margin_db == 3
    assert lv.grade(85) == "A" and lv.grade(69.9) == "C" and lv.grade(39.9) == "F"
    uk = load_profile("uk-dfe")
    assert uk.name == "uk-dfe" and uk.utilisation.lan == 0.6
    assert uk.wifi == lv.wifi  # inherited
    us = load_profile("us-fcc-setda")
    assert us.power.voltage_v == 120 and us.test_target_s == 15
    assert lv.sha256 != us.sha256


def test_profile_benchmark_targets_match_the_worked_example() -> None:
    benchmarks = {b.id: b for b in load_profile().benchmarks}
    users, students = 355, 320
    assert benchmarks["fcc-short"].target_bps(users, students) == pytest.approx(35.5e6)
    assert benchmarks["esh-video"].target_bps(users, students) == pytest.approx(320e6)
    assert benchmarks["setda-2023"].target_bps(users, students) == pytest.approx(994e6)
    assert benchmarks["eu-gigabit"].target_bps(users, students) == pytest.approx(1e9)


def test_profile_errors_name_file_line_and_key(tmp_path: Path) -> None:
    bad = tmp_path / "mine.yaml"
    bad.write_text("name: mine\nversion: '2'\nextends: lv-2024\nutilisation:\n  wan: 1.7\n")
    with pytest.raises(ProfileError) as error:
        load_profile(str(bad))
    assert error.value.one_line().startswith(f"{bad}:5: utilisation.wan: 1.7 is outside 0..1")
    with pytest.raises(ProfileError, match="unknown scoring profile 'nope'"):
        load_profile("nope")
    typo = tmp_path / "typo.yaml"
    typo.write_text("name: t\nversion: '1'\nextends: lv-2024\nutilisation:\n  wann: 0.5\n")
    with pytest.raises(ProfileError) as unknown:
        load_profile(str(typo))
    assert "typo.yaml:5: utilisation.wann: unknown key (did you mean 'wan'?)" in (
        unknown.value.one_line()
    )
    broken = tmp_path / "broken.yaml"
    broken.write_text("name: [unclosed\n")
    with pytest.raises(ProfileError, match=r"broken.yaml:\d+"):
        load_profile(str(broken))


def test_features_fixture_loads() -> None:
    schools = load_features(LATVIA)
    assert [s.id for s in schools] == ["lv-valmiera-vg", "lv-jelgava-psk", "lv-latgale-rural"]
    rural = schools[2]
    assert rural.wan is not None and max(rural.wan.down_mbps) < 25
    assert sum(c.slots for c in rural.carts) == 52


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "schools:\n  - id: a\n    name: A\n    students: 1\n    staff: 0\n    rooms:\n"
            "      - {id: r1, pupils: 20, ap: ghost}\n",
            ":7: schools[0].rooms[0].ap: room r1 names unknown AP 'ghost'",
        ),
        (
            "schools:\n  - id: a\n    name: A\n    students: 1\n    staff: 0\n    aps:\n"
            "      - {id: x, standard: HT, streams: 2, width_mhz: 80, channel: 36}\n",
            ":7: schools[0].aps[0].width_mhz: HT has no 80 MHz channels",
        ),
        (
            "schools:\n  - id: a\n    name: A\n    students: 1\n    staff: 0\n    colour: red\n",
            ":6: schools[0].colour: unknown key (known keys: aps, carts,",
        ),
        ("schools: []\n", ":1: schools: no schools listed"),
    ],
)
def test_features_errors_are_one_line_with_location(
    tmp_path: Path, text: str, message: str
) -> None:
    path = tmp_path / "plan.yaml"
    path.write_text(text)
    with pytest.raises(ProfileError) as error:
        load_features(path)
    assert message in error.value.one_line()
    assert "\n" not in error.value.one_line()
