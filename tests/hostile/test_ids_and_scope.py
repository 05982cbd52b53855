"""One id rule for inventories and feature files (no duplicates, no look-alikes), and a
scope that is a school's subnets, never the whole Internet."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from netsurvey.errors import InventoryError, ProfileError
from netsurvey.inventory import load_inventory
from netsurvey.scoring.features import load_features

from .conftest import FEATURES, assert_one_line_error, inventory_text, run_cli

ZERO_WIDTH_SPACE = "\u200b"
CYRILLIC_A = "\u0430"  # looks like Latin 'a'


@pytest.mark.parametrize(
    ("rooms", "needle"),
    [
        ('[{id: "101"}, {id: "101"}]', "duplicate id '101'"),
        ('[{id: "101a"}, {id: "101A"}]', "apart from letter case"),
        (f'[{{id: "101"}}, {{id: "101{ZERO_WIDTH_SPACE}"}}]', "U+200B"),
        (f'[{{id: "101a"}}, {{id: "101{CYRILLIC_A}"}}]', "U+0430"),
        (f'[{{id: "{CYRILLIC_A}ula"}}]', "non-ASCII"),
        ('[{id: "room 101"}]', "ASCII letters, digits"),
    ],
)
def test_look_alike_room_ids_are_refused(tmp_path: Path, rooms: str, needle: str) -> None:
    inventory = tmp_path / "inv.yaml"
    inventory.write_text(inventory_text(rooms=rooms), encoding="utf-8")
    run = run_cli("inventory", "check", str(inventory))
    assert_one_line_error(run, 2, f"{inventory}:8:", "rooms[", needle)


def test_device_ids_follow_the_same_rule(tmp_path: Path) -> None:
    inventory = tmp_path / "inv.yaml"
    inventory.write_text(
        inventory_text() + "      - {id: SW-1, role: switch, mgmt_ip: 198.18.10.3}\n",
        encoding="utf-8",
    )
    with pytest.raises(InventoryError, match="same as 'sw-1' apart from letter case"):
        load_inventory(inventory)


@pytest.mark.parametrize(
    ("original", "hostile", "needle"),
    [
        ('{id: "202",', '{id: "201",', "duplicate room id '201'"),
        ('{id: "202",', f'{{id: "20{ZERO_WIDTH_SPACE}1",', "U+200B"),
        ("{id: ap-202,", f"{{id: {CYRILLIC_A}p-201,", "U+0430"),
        ("{id: ap-202,", "{id: AP-201,", "apart from letter case"),
    ],
)
def test_features_follow_the_inventory_id_rule(
    tmp_path: Path, original: str, hostile: str, needle: str
) -> None:
    features = tmp_path / "features.yaml"
    text = FEATURES.read_text(encoding="utf-8")
    assert original in text
    features.write_text(text.replace(original, hostile, 1), encoding="utf-8")
    with pytest.raises(ProfileError, match=re.escape(needle)):
        load_features(features)
    run = run_cli("score", "--features", str(features), "--json")
    assert_one_line_error(run, 2, str(features), needle)


@pytest.mark.parametrize("scope", ["[0.0.0.0/0]", "['::/0']", "[10.0.0.0/7]", "[128.0.0.0/1]"])
def test_scope_wider_than_a_slash_8_is_refused(tmp_path: Path, scope: str) -> None:
    inventory = tmp_path / "inv.yaml"
    inventory.write_text(inventory_text(scope=scope), encoding="utf-8")
    run = run_cli("inventory", "check", str(inventory))
    assert_one_line_error(run, 2, f"{inventory}:", "scope", "wider than a /8")


def test_a_slash_8_scope_is_accepted(tmp_path: Path) -> None:
    inventory = tmp_path / "inv.yaml"
    inventory.write_text(inventory_text(scope="[10.0.0.0/8, 'fd00:12::/48']"), encoding="utf-8")
    assert load_inventory(inventory).schools[0].scope == ("10.0.0.0/8", "fd00:12::/48")
