"""Heatmap images in the report's language, legible at print size, with no label over
another (issue #17, items 1 and 5).

The maps are made by the real `netsurvey wifi heatmap` from points recorded with the
real `netsurvey wifi point --replay` (tests/fixtures/wifi). The PNG and its SVG twin are
drawn from one scene (wifi/scene.py), so the SVG's texts are the PNG's texts.
"""

from __future__ import annotations

import re
from itertools import combinations
from pathlib import Path

import pytest

from netsurvey.report.heatmaps import find_heatmaps, heatmaps_in_language
from netsurvey.wifi.colours import signal_scale, snr_scale
from netsurvey.wifi.floorplan import FloorMap, RoomBox
from netsurvey.wifi.heatmap import Sample
from netsurvey.wifi.labels import heatmap_words
from netsurvey.wifi.render import render_svg
from netsurvey.wifi.scene import (
    MIN_TEXT_PT,
    Dot,
    Metric,
    Rect,
    Scene,
    Text,
    build_scene,
    overlap,
    printed_pt,
)
from netsurvey.wifi.thresholds import WifiThresholds
from tests.report.test_language import english_words
from tests.wifi.conftest import RunCli

SVG_TEXT = re.compile(r"<text [^>]*>([^<]*)</text>")


def svg_texts(path: Path) -> list[str]:
    import html

    return [html.unescape(t) for t in SVG_TEXT.findall(path.read_text(encoding="utf-8"))]


@pytest.fixture
def surveyed(visit: Path, wifi_fixtures: Path, netsurvey: RunCli) -> Path:
    for room, replay in (("101", "101-1.json"), ("102", "102-1.json"), ("103", "103-1.json")):
        result = netsurvey(
            "wifi", "point", "--visit", str(visit), "--room", room, "--scans", "1",
            "--replay", str(wifi_fixtures / "walk" / replay),
        )  # fmt: skip
        assert result.returncode == 0, result.stderr
    return visit


def test_latvian_maps_carry_latvian_words_and_english_maps_english(
    surveyed: Path, tmp_path: Path, netsurvey: RunCli
) -> None:
    out = tmp_path / "maps"
    result = netsurvey(
        "wifi", "heatmap", "--visit", str(surveyed), "--out", str(out),
        "--lang", "lv", "--lang", "en", "--metric", "signal", "--metric", "snr",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    names = sorted(p.name for p in out.iterdir())
    assert "floor-1-signal.lv.svg" in names and "floor-1-signal.lv.png" in names
    assert "floor-1-signal.svg" in names and "floor-1-snr.svg" in names

    lv = " \n".join(
        svg_texts(out / "floor-1-signal.lv.svg") + svg_texts(out / "floor-1-snr.lv.svg")
    )
    assert not english_words(lv), english_words(lv)
    for words in ("stāvs", "mērījumu punkts", "atbilst ≥ -67 dBm", "nav mērīts", "Signāls (dBm)"):
        assert words in lv, words
    en = " \n".join(svg_texts(out / "floor-1-signal.svg"))
    for words in ("Floor 1", "survey point", "pass ≥ -67 dBm", "not measured", "Signal (dBm)"):
        assert words in en, words
    assert 'xml:lang="lv"' in (out / "floor-1-signal.lv.svg").read_text(encoding="utf-8")


def test_unknown_language_is_refused_with_a_usage_error(
    surveyed: Path, tmp_path: Path, netsurvey: RunCli
) -> None:
    result = netsurvey(
        "wifi", "heatmap", "--visit", str(surveyed), "--out", str(tmp_path), "--lang", "de"
    )
    assert result.returncode == 2 and "invalid choice: 'de'" in result.stderr


def test_png_and_svg_are_drawn_from_the_same_texts(tmp_path: Path) -> None:
    words = heatmap_words("lv")
    floor = _floor(rooms=4, points_per_room=3)
    scene = build_scene(floor, _signal(), "1. stāvs", "apsekojums v1", words)
    svg = render_svg(floor, _signal(), "1. stāvs", "apsekojums v1", tmp_path / "m.svg", words)
    assert sorted(set(svg_texts(svg))) == sorted({t.text for t in scene.texts()})


def _signal() -> Metric:
    return Metric("signal", "Signal (dBm)", "dBm", signal_scale(WifiThresholds()))


def _floor(
    rooms: int,
    points_per_room: int,
    width_m: float = 40.0,
    height_m: float = 10.0,
    captions: str = "-47 dBm · neatbilst: vājš signāls, noslogots kanāls",
) -> FloorMap:
    """``rooms`` side by side, each with points spread around its centre."""
    room_w = width_m / rooms
    boxes = tuple(
        RoomBox(f"R{i + 1:02d}", room_w * (i + 0.5), height_m / 2, room_w, height_m,
                ("pass", "warn", "fail", "missing")[i % 4], captions)
        for i in range(rooms)
    )  # fmt: skip
    samples = tuple(
        Sample(
            room_w * (i + 0.5) + room_w * 0.3 * ((k % 3) - 1),
            height_m * (0.3 + 0.4 * (k % 2)),
            -45.0 - 3 * k - i,
            f"R{i + 1:02d}",
        )
        for i in range(rooms)
        for k in range(points_per_room)
    )
    return FloorMap("1", width_m, height_m, None, boxes, samples)


def _labels(scene: Scene) -> list[tuple[str, tuple[float, float, float, float]]]:
    """Every box that must stand alone: texts outside plates, plates, survey points."""
    plates = [
        s.box
        for s in scene.labels
        if isinstance(s, Rect) and s.radius and _inside(s.box, scene.layout.map_box)
    ]
    boxes: list[tuple[str, tuple[float, float, float, float]]] = []
    for shape in (*scene.under, *scene.labels):
        if isinstance(shape, Text) and not any(_inside(shape.box, p) for p in plates):
            boxes.append((shape.text, shape.box))
        elif isinstance(shape, Dot) and not shape.swatch:
            boxes.append(("point", (shape.cx - shape.r, shape.cy - shape.r,
                                    shape.cx + shape.r, shape.cy + shape.r)))  # fmt: skip
    boxes += [("plate", p) for p in plates]
    return boxes


def _inside(box: tuple[float, ...], outer: tuple[float, ...]) -> bool:
    return box[0] >= outer[0] and box[1] >= outer[1] and box[2] <= outer[2] and box[3] <= outer[3]


FLOORS = {
    "wide floor, 4 rooms": _floor(4, 3),
    "square floor": _floor(3, 4, 20.0, 20.0),
    "tall narrow floor": _floor(2, 5, 8.0, 40.0),
    "small rooms, many points": _floor(10, 4, 60.0, 8.0),
    "tiny floor": _floor(1, 2, 4.0, 3.0),
}


@pytest.mark.parametrize("lang", ["lv", "en"])
@pytest.mark.parametrize("name", sorted(FLOORS))
def test_labels_are_legible_at_print_size_and_never_overlap(name: str, lang: str) -> None:
    scene = build_scene(FLOORS[name], _signal(), "Title", "subtitle", heatmap_words(lang))
    texts = scene.texts()
    assert texts
    for text in texts:
        pt = printed_pt(text.size, scene.width_px, scene.height_px)
        assert pt >= MIN_TEXT_PT, (text.text, round(pt, 2))
        left, top, right, bottom = text.box
        assert left >= 0 and top >= 0, text.text
        assert right <= scene.width_px and bottom <= scene.height_px, text.text
    boxes = _labels(scene)
    clashes = [(a, b) for (a, box_a), (b, box_b) in combinations(boxes, 2) if overlap(box_a, box_b)]
    assert not clashes, clashes[:5]
    plates = [b for kind, b in boxes if kind == "plate"]
    assert len(plates) == len(FLOORS[name].rooms), "every room keeps its label"


def test_threshold_marks_close_together_do_not_overlap() -> None:
    limits = WifiThresholds(pass_snr_db=21.0, warn_snr_db=20.0)
    metric = Metric("snr", "SNR (dB)", "dB", snr_scale(limits))
    scene = build_scene(_floor(2, 2), metric, "Title", "subtitle", heatmap_words("lv"))
    marks = [t for t in scene.texts() if t.text.startswith(("atbilst ≥", "neatbilst <"))]
    assert len(marks) == 2
    assert not overlap(marks[0].box, marks[1].box)


def test_the_report_takes_the_map_in_its_own_language(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    for name in (
        "floor-1-signal.svg",
        "floor-1-signal.lv.svg",
        "floor-1-signal.lv.png",
        "floor-2-signal.png",
        "heatmap-3.png",
        "heatmap-4.en.svg",
        "floor-1-snr.svg",
    ):
        (tmp_path / name).write_text("<svg/>")  # fmt: skip
    found = find_heatmaps(tmp_path)
    assert [h.floor for h in found] == ["1", "2", "3", "4"]
    lv = {floor: path.name for floor, path in heatmaps_in_language(found, "lv")}
    assert lv == {"1": "floor-1-signal.lv.svg", "3": "heatmap-3.png"}
    assert "floor 2: the heatmap is not in this report's language (lv)" in caplog.text
    assert "--lang lv" in caplog.text
    en = {floor: path.name for floor, path in heatmaps_in_language(found, "en")}
    assert en == {
        "1": "floor-1-signal.svg",
        "2": "floor-2-signal.png",
        "3": "heatmap-3.png",
        "4": "heatmap-4.en.svg",
    }
