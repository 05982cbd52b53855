"""Interpolation and the images people read (the PNG was also looked at by eye)."""

from __future__ import annotations

import math
from pathlib import Path
from typing import cast

import numpy as np
import pytest
from PIL import Image

from netsurvey.inventory import load_inventory
from netsurvey.records import create_visit
from netsurvey.wifi.colours import signal_scale
from netsurvey.wifi.floorplan import FloorMap, RoomBox, floor_extent_m, svg_aspect
from netsurvey.wifi.heatmap import Sample, default_reach_m, idw_grid
from netsurvey.wifi.labels import heatmap_words
from netsurvey.wifi.render import Metric, render_png, render_svg
from netsurvey.wifi.scene import build_scene
from netsurvey.wifi.thresholds import WifiThresholds
from tests.wifi.conftest import RunCli


def _rgb(image: Image.Image, xy: tuple[int, int]) -> tuple[int, int, int]:
    return cast(tuple[int, int, int], image.getpixel(xy))  # an RGB image's pixel


def test_idw_is_exact_at_points_and_blank_far_away() -> None:
    samples = [Sample(0.5, 0.5, -50.0), Sample(9.5, 0.5, -80.0)]
    grid = idw_grid(samples, 10.0, 1.0, 10, 1, reach_m=3.0)
    assert grid[0, 0] == pytest.approx(-50.0, abs=1e-6)
    assert grid[0, 9] == pytest.approx(-80.0, abs=1e-6)
    assert math.isnan(grid[0, 5])  # 4.5 m from both points: not interpolated
    full = idw_grid(samples, 10.0, 1.0, 10, 1)
    assert -80.0 < full[0, 5] < -50.0
    assert np.isnan(idw_grid([], 5.0, 5.0, 4, 4)).all()


def test_reach_follows_point_spacing() -> None:
    dense = [Sample(x, 1.0, -60.0) for x in range(0, 30, 2)]
    assert default_reach_m(dense, 30.0, 12.0) == 4.0
    sparse = [Sample(0.0, 0.0, -60.0), Sample(20.0, 0.0, -60.0)]
    assert default_reach_m(sparse, 30.0, 12.0) == 10.0


def floor_map(plan: Path | None) -> FloorMap:
    rooms = (
        RoomBox("101", 5, 4, 10, 8, "pass", "-47 dBm · pass"),
        RoomBox("102", 15, 4, 10, 8, "warn", "-70 dBm · warn"),
    )
    samples = (Sample(3, 3, -45, "101"), Sample(7, 5, -49, "101"), Sample(15, 6, -70, "102"))
    return FloorMap("1", 30.0, 12.0, plan, rooms, samples)


def signal_metric() -> Metric:
    return Metric("signal", "Signal (dBm)", "dBm", signal_scale(WifiThresholds()))


def test_png_shows_plan_colours_points_and_legend(wifi_fixtures: Path, tmp_path: Path) -> None:
    out = render_png(
        floor_map(wifi_fixtures / "floor1.png"),
        signal_metric(),
        "Floor 1",
        "test",
        tmp_path / "a.png",
    )
    scene = build_scene(floor_map(None), signal_metric(), "Floor 1", "test", heatmap_words())
    left, top = scene.layout.map_box[:2]  # the title grows with the fonts (print size)
    with Image.open(out) as image:
        rgb = image.convert("RGB")
        assert image.width > 1200 and image.height > 500
        # 101 is green (pass), the wall between 101 and 102 stays dark, 102 is warm.
        red, green, _ = _rgb(rgb, (round(left + 60), round(top + 80)))
        assert green > red
        wall = _rgb(rgb, (round(left + 400), round(top + 200)))
        assert max(wall) < 90
        red, green, _ = _rgb(rgb, (round(left + 640), round(top + 300)))  # under its point
        assert red > green


def test_svg_floor_plan_is_embedded(wifi_fixtures: Path, tmp_path: Path) -> None:
    plan = wifi_fixtures / "floor1.svg"
    assert svg_aspect(plan) == 2.5
    assert floor_extent_m(30.0, None, plan, (), ()) == (30.0, 12.0)
    svg = render_svg(
        floor_map(plan), signal_metric(), "Floor 1", "test", tmp_path / "a.svg"
    ).read_text()
    assert "data:image/svg+xml;base64," in svg and svg.count("<circle") == 3
    assert "pass ≥ -67 dBm" in svg and "102" in svg
    png = render_png(floor_map(plan), signal_metric(), "Floor 1", "test", tmp_path / "a.png")
    assert png.stat().st_size > 5_000  # raster output draws the room boxes instead of the plan


def test_floor_without_plan_gets_a_room_table(
    tmp_path: Path, wifi_fixtures: Path, netsurvey: RunCli
) -> None:
    inventory = load_inventory(wifi_fixtures / "school.yaml")
    school = inventory.schools[0].to_json()
    school["floors"] = [{"id": "1", "plan_image": None, "width_m": 30, "height_m": 12}]
    visit = create_visit(
        tmp_path / "visits",
        school_id="wifi-test",
        school_json=school,
        inventory_path=inventory.path,
        inventory_sha256=inventory.sha256,
        operator=None,
        visit_id="v1",
    )
    point = netsurvey(
        "wifi",
        "point",
        "--visit",
        str(visit),
        "--room",
        "101",
        "--scans",
        "1",
        "--replay",
        str(wifi_fixtures / "walk" / "101-1.json"),
    )
    assert point.returncode == 0, point.stderr
    out = tmp_path / "maps"
    result = netsurvey("wifi", "heatmap", "--visit", str(visit), "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert "no floor plan" in result.stderr
    table = (out / "floor-1-rooms.md").read_text()
    assert "| 101 | 1 | pass |" in table and "| 103 | 0 | not measured |" in table
    assert not list(out.glob("*.png"))
