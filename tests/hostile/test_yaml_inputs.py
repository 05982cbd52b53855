"""Inventories, feature files and scoring profiles go through one safe YAML loader:
alias bombs, oversized files, non-finite numbers and endless nesting are refused with one
line and exit 2; ordinary scientific notation (2e3) is a number."""

from __future__ import annotations

from pathlib import Path

import pytest

from netsurvey.errors import InventoryError
from netsurvey.inventory import load_inventory
from netsurvey.yamlsource import DEFAULT_MAX_INPUT_BYTES, input_size_limit

from .conftest import ALIAS_BOMB, FEATURES, assert_one_line_error, inventory_text, run_cli


def test_inventory_check_answers_an_alias_bomb(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.yaml"
    bomb.write_text(ALIAS_BOMB, encoding="utf-8")
    assert len(ALIAS_BOMB.encode()) < 372
    run = run_cli("inventory", "check", str(bomb), timeout_s=10)
    assert_one_line_error(run, 2, f"{bomb}:6:", "alias", "fewer aliases")


def test_alias_bomb_inside_a_real_inventory(tmp_path: Path) -> None:
    inventory = tmp_path / "inv.yaml"
    inventory.write_text(inventory_text() + "    lab:\n" + _indent(ALIAS_BOMB, 6), encoding="utf-8")
    run = run_cli("inventory", "check", str(inventory), timeout_s=10)
    assert_one_line_error(run, 2, str(inventory), "aliases expand to more than")


def test_features_alias_bomb_is_refused_not_a_memory_error(tmp_path: Path) -> None:
    features = tmp_path / "features.yaml"
    features.write_text("schema_version: 1\n" + ALIAS_BOMB + "schools: *i\n", encoding="utf-8")
    run = run_cli("score", "--features", str(features), "--json", timeout_s=10)
    assert_one_line_error(run, 2, str(features), "alias")
    assert run.stdout == ""


def test_profile_alias_bomb_is_refused(tmp_path: Path) -> None:
    profile = tmp_path / "bomb-profile.yaml"
    profile.write_text("extends: lv-2024\n" + ALIAS_BOMB, encoding="utf-8")
    run = run_cli("score", "--features", str(FEATURES), "--profile", str(profile), "--json",
                  timeout_s=10)  # fmt: skip
    assert_one_line_error(run, 2, str(profile), "alias")


def test_alias_inside_its_own_anchor_is_refused(tmp_path: Path) -> None:
    inventory = tmp_path / "loop.yaml"
    inventory.write_text(inventory_text() + "    lab: &loop {self: *loop}\n", encoding="utf-8")
    with pytest.raises(InventoryError, match="refers to its own anchor"):
        load_inventory(inventory)


def test_ordinary_aliases_still_work(tmp_path: Path) -> None:
    inventory = tmp_path / "inv.yaml"
    inventory.write_text(
        inventory_text(
            rooms='[{id: "101", kind: &k classroom}, {id: "102", kind: *k}]',
        ),
        encoding="utf-8",
    )
    school = load_inventory(inventory).schools[0]
    assert [r.kind for r in school.rooms] == ["classroom", "classroom"]


def test_deep_nesting_is_one_line(tmp_path: Path) -> None:
    inventory = tmp_path / "deep.yaml"
    inventory.write_text(inventory_text() + "    lab: " + "[" * 5000 + "]" * 5000 + "\n")
    run = run_cli("inventory", "check", str(inventory), timeout_s=20)
    assert_one_line_error(run, 2, "nested too deeply")


# ---------------------------------------------------------------------------- sizes


def test_oversized_inventory_is_refused_and_the_limit_can_be_raised(tmp_path: Path) -> None:
    big = tmp_path / "big.yaml"
    big.write_text(inventory_text() + "# padding\n" * (DEFAULT_MAX_INPUT_BYTES // 10 + 1))
    refused = run_cli("inventory", "check", str(big), timeout_s=30)
    assert_one_line_error(refused, 2, str(big), "input limit", "--max-input-bytes")
    assert f"({big.stat().st_size} bytes)" in refused.stderr
    inventory = tmp_path / "padded.yaml"
    inventory.write_text(inventory_text() + "# padding\n" * 300, encoding="utf-8")
    small = run_cli("--max-input-bytes", "2K", "inventory", "check", str(inventory))
    assert_one_line_error(small, 2, str(inventory), "2048-byte input limit")
    raised = run_cli("--max-input-bytes", "4K", "inventory", "check", str(inventory))
    assert raised.code == 0, raised.stderr
    after_command = run_cli("inventory", "check", "--max-input-bytes", "4096", str(inventory))
    assert after_command.code == 0, after_command.stderr


def test_size_limit_applies_to_features_and_profiles(tmp_path: Path) -> None:
    padding = "# padding\n" * (DEFAULT_MAX_INPUT_BYTES // 10 + 1)
    features = tmp_path / "features.yaml"
    features.write_text(FEATURES.read_text(encoding="utf-8") + padding, encoding="utf-8")
    run = run_cli("score", "--features", str(features), "--json")
    assert_one_line_error(run, 2, str(features), "input limit", "--max-input-bytes")
    profile = tmp_path / "profile.yaml"
    profile.write_text("extends: lv-2024\n" + padding, encoding="utf-8")
    run = run_cli("score", "--features", str(FEATURES), "--profile", str(profile), "--json")
    assert_one_line_error(run, 2, str(profile), "input limit")


def test_size_limit_reads_no_more_than_the_limit(tmp_path: Path) -> None:
    """/dev/zero never ends: the loader stops at the limit instead of filling memory."""
    with input_size_limit(4096), pytest.raises(InventoryError, match="4096-byte input limit"):
        load_inventory(Path("/dev/zero"))


# ---------------------------------------------------------------------------- numbers


@pytest.mark.parametrize("literal", [".inf", "-.inf", ".nan", ".NaN", "1e999", "-1e999"])
def test_non_finite_numbers_are_refused_in_inventories(tmp_path: Path, literal: str) -> None:
    inventory = tmp_path / "inv.yaml"
    inventory.write_text(inventory_text(rooms=f'[{{id: "101", x_m: {literal}}}]'), encoding="utf-8")
    run = run_cli("inventory", "check", str(inventory))
    assert_one_line_error(run, 2, f"{inventory}:8:", "not a finite number", "2e3")


@pytest.mark.parametrize("literal", ['"inf"', '"nan"', "1" + "0" * 5000])
def test_quoted_and_huge_numbers_are_refused_too(tmp_path: Path, literal: str) -> None:
    inventory = tmp_path / "inv.yaml"
    inventory.write_text(inventory_text(rooms=f'[{{id: "101", x_m: {literal}}}]'))
    run = run_cli("inventory", "check", str(inventory))
    assert run.code == 2 and "Traceback" not in run.stderr, run.stderr
    assert len(run.error_lines) == 1 and len(run.stderr) < 400, run.stderr


def test_non_finite_numbers_are_refused_in_features_and_profiles(tmp_path: Path) -> None:
    features = tmp_path / "features.yaml"
    features.write_text(
        FEATURES.read_text(encoding="utf-8").replace("rssi_dbm: -50,", "rssi_dbm: .nan,", 1)
    )
    run = run_cli("score", "--features", str(features), "--json")
    assert_one_line_error(run, 2, str(features), "not a finite number")
    profile = tmp_path / "inf-profile.yaml"
    profile.write_text("extends: lv-2024\nwifi: {fade_margin_db: .inf}\n", encoding="utf-8")
    run = run_cli("score", "--features", str(FEATURES), "--profile", str(profile), "--json")
    assert_one_line_error(run, 2, f"{profile}:2:", "not a finite number")


def test_scientific_notation_is_a_number(tmp_path: Path) -> None:
    inventory = tmp_path / "inv.yaml"
    inventory.write_text(
        inventory_text(
            rooms='[{id: "101", x_m: 2e1, y_m: 1.5E+1, width_m: 8e0}]',
            extra="    wan: {down_bps: 3e8, up_bps: 1E8}\n",
        ),
        encoding="utf-8",
    )
    school = load_inventory(inventory).schools[0]
    assert (school.rooms[0].x_m, school.rooms[0].y_m, school.rooms[0].width_m) == (20, 15, 8)
    assert school.wan is not None and (school.wan.down_bps, school.wan.up_bps) == (3e8, 1e8)


def test_scientific_notation_in_features(tmp_path: Path) -> None:
    from netsurvey.scoring.features import load_features

    features = tmp_path / "features.yaml"
    features.write_text(
        FEATURES.read_text(encoding="utf-8").replace("uplink_mbps: 10000,", "uplink_mbps: 1e4,", 1),
        encoding="utf-8",
    )
    schools = load_features(features)
    assert schools[0].switches[0].uplink_mbps == 10_000


def test_ids_keep_the_text_as_written(tmp_path: Path) -> None:
    """YAML 1.1 reads 0101 as the octal number 65 and 2e3 as 2000.0: ids keep their text."""
    inventory = tmp_path / "inv.yaml"
    inventory.write_text(inventory_text(rooms="[{id: 0101}, {id: 2e3}]"), encoding="utf-8")
    assert [r.id for r in load_inventory(inventory).schools[0].rooms] == ["0101", "2e3"]


def _indent(text: str, spaces: int) -> str:
    return "".join(" " * spaces + line + "\n" for line in text.splitlines())
