"""plan_image: a PNG, JPEG or self-contained SVG inside the inventory's folder. Nothing
outside it (by '..', an absolute path, a symlink, or an SVG reference) can reach a heatmap."""

from __future__ import annotations

import base64
import logging
import re
import shutil
from pathlib import Path

import pytest

from netsurvey.errors import InventoryError
from netsurvey.inventory import load_inventory
from netsurvey.wifi.colours import signal_scale
from netsurvey.wifi.floorplan import FloorMap, RoomBox
from netsurvey.wifi.heatmap import Sample
from netsurvey.wifi.render import Metric, render_png, render_svg
from netsurvey.wifi.thresholds import WifiThresholds

from .conftest import REPO, assert_one_line_error, inventory_text, run_cli

REAL_PNG = REPO / "inventories" / "demo" / "plans" / "rujiena-ps-1.png"
SECRET = "TOP-SECRET-4f1c"

CLEAN_SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="300" height="120" viewBox="0 0 300 120">'
    '<defs><linearGradient id="g"/></defs>'
    '<rect width="300" height="120" fill="url(#g)" stroke="black"/>'
    '<image href="data:image/png;base64,{png}" width="10" height="10"/>'
    '<use href="#g"/></svg>'
)
HOSTILE_SVGS = {
    "file-uri": '<svg xmlns="http://www.w3.org/2000/svg"><image href="file:///etc/passwd" '
    'width="100" height="100"/></svg>',
    "xlink-relative": '<svg xmlns="http://www.w3.org/2000/svg" '
    'xmlns:xlink="http://www.w3.org/1999/xlink"><image xlink:href="../../secret.png" '
    'width="10" height="10"/></svg>',
    "css-url": '<svg xmlns="http://www.w3.org/2000/svg"><rect width="9" height="9" '
    'style="fill: url(file:///etc/passwd)"/></svg>',
    "style-import": '<svg xmlns="http://www.w3.org/2000/svg"><style>@import "../secret.css";'
    "</style></svg>",
    "foreign-object": '<svg xmlns="http://www.w3.org/2000/svg"><foreignObject><img '
    'xmlns="http://www.w3.org/1999/xhtml" src="/etc/passwd"/></foreignObject></svg>',
    "entity": '<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY s SYSTEM "file:///etc/passwd">]>'
    '<svg xmlns="http://www.w3.org/2000/svg"><text>&s;</text></svg>',
}


def _inventory_with_plan(folder: Path, plan: str) -> Path:
    inventory = folder / "inv.yaml"
    inventory.write_text(
        inventory_text(floors=f"[{{id: '1', plan_image: '{plan}', width_m: 30, height_m: 12}}]"),
        encoding="utf-8",
    )
    return inventory


@pytest.fixture
def school_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "school"
    (folder / "plans").mkdir(parents=True)
    (tmp_path / "secret.png").write_bytes(REAL_PNG.read_bytes())  # outside the folder
    return folder


def test_png_and_clean_svg_inside_the_folder_are_accepted(school_dir: Path) -> None:
    shutil.copy(REAL_PNG, school_dir / "plans" / "floor-1.png")
    school = load_inventory(_inventory_with_plan(school_dir, "plans/floor-1.png")).schools[0]
    assert school.floors[0].plan_image == str((school_dir / "plans" / "floor-1.png").resolve())
    png64 = base64.b64encode(REAL_PNG.read_bytes()[:200]).decode()
    (school_dir / "plans" / "floor-1.svg").write_text(CLEAN_SVG.format(png=png64))
    assert load_inventory(_inventory_with_plan(school_dir, "plans/floor-1.svg")).schools[0].floors


@pytest.mark.parametrize("plan", ["../secret.png", "plans/../../secret.png", "/etc/passwd"])
def test_plan_outside_the_folder_is_refused(school_dir: Path, plan: str) -> None:
    inventory = _inventory_with_plan(school_dir, plan)
    run = run_cli("inventory", "check", str(inventory))
    assert_one_line_error(run, 2, f"{inventory}:", "plan_image", "outside the inventory's folder")


def test_symlink_escaping_the_folder_is_refused(school_dir: Path) -> None:
    (school_dir / "plans" / "floor-1.png").symlink_to(school_dir.parent / "secret.png")
    with pytest.raises(InventoryError, match="outside the inventory's folder"):
        load_inventory(_inventory_with_plan(school_dir, "plans/floor-1.png"))


@pytest.mark.parametrize(
    ("name", "content", "needle"),
    [
        ("floor.gif", b"GIF89a", "must be a .png, .jpg/.jpeg or .svg"),
        ("floor.png", b"root:x:0:0:root:/root:/bin/bash\n", "not a PNG image"),
        ("floor.jpg", REAL_PNG.read_bytes(), "not a JPEG image"),
        ("floor.svg", b"<html><body>hi</body></html>", "not an SVG document"),
    ],
)
def test_plan_must_be_png_jpeg_or_svg_by_content(
    school_dir: Path, name: str, content: bytes, needle: str
) -> None:
    (school_dir / "plans" / name).write_bytes(content)
    with pytest.raises(InventoryError, match=re.escape(needle)):
        load_inventory(_inventory_with_plan(school_dir, f"plans/{name}"))


@pytest.mark.parametrize("case", sorted(HOSTILE_SVGS))
def test_svg_exfiltration_attempt_is_refused(school_dir: Path, case: str) -> None:
    (school_dir / "plans" / "floor-1.svg").write_text(HOSTILE_SVGS[case], encoding="utf-8")
    inventory = _inventory_with_plan(school_dir, "plans/floor-1.svg")
    run = run_cli("inventory", "check", str(inventory))
    assert_one_line_error(run, 2, f"{inventory}:", "plan_image")
    assert "outside content" in run.stderr or "DOCTYPE" in run.stderr


def _floor(plan: Path) -> FloorMap:
    rooms = (RoomBox("101", 5, 4, 10, 8, "pass", "-47 dBm"),)
    samples = (Sample(3, 3, -45, "101"), Sample(7, 5, -49, "101"))
    return FloorMap("1", 30.0, 12.0, plan, rooms, samples)


def test_a_hostile_plan_named_by_a_visit_is_stripped_before_it_reaches_a_heatmap(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """A visit's school record is data too: a plan it names is checked again at drawing
    time, and what reaches outside the SVG is removed (with a warning)."""
    secret = tmp_path / "secret.txt"
    secret.write_text(SECRET)
    plan = tmp_path / "plan.svg"
    plan.write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
        'width="300" height="120"><rect width="300" height="120" fill="#eee"/>'
        f'<image href="file://{secret}" width="300" height="120"/>'
        f'<image xlink:href="{secret}" width="300" height="120"/></svg>'
    )
    metric = Metric("signal", "Signal (dBm)", "dBm", signal_scale(WifiThresholds()))
    with caplog.at_level(logging.WARNING):
        out = render_svg(_floor(plan), metric, "Floor 1", "test", tmp_path / "map.svg")
    embedded = [
        base64.b64decode(data).decode("utf-8", "replace")
        for data in re.findall(r"data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)", out.read_text())
    ]
    assert len(embedded) == 1 and re.search(r"<(ns0:)?rect ", embedded[0])
    assert str(secret) not in embedded[0] and SECRET not in embedded[0]
    assert "removed 2 reference(s) to outside content" in caplog.text


def test_a_plan_named_by_a_visit_that_is_no_image_is_a_report_error(tmp_path: Path) -> None:
    from netsurvey.errors import ReportError

    fake = tmp_path / "plan.png"
    fake.write_text("root:x:0:0:root:/root:/bin/bash\n")
    metric = Metric("signal", "Signal (dBm)", "dBm", signal_scale(WifiThresholds()))
    with pytest.raises(ReportError, match="not a PNG image"):
        render_png(_floor(fake), metric, "Floor 1", "test", tmp_path / "map.png")
