"""Everything a heatmap image shows besides the colours, placed once for both outputs
(PNG and SVG): texts, room plates, survey points and the legend.

Texts are measured with the same DejaVu fonts the PNG uses and the report prints with,
so the layout can promise two things a reader at print size needs:

* **legible**: every text is at least ``MIN_TEXT_PT`` when the image is printed in the
  report's heatmap box (``PRINT_BOX_MM``, report_templates/report.css
  ``figure.heatmap img`` on the landscape page); fonts grow with the image when needed;
* **no overlaps**: room plates, value labels and legend texts never cover each other
  or a survey point. A value label that finds no free place is left out (the point's
  colour and the SVG tooltip still carry the value); a room plate tries places around
  the room's centre.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np
from PIL import ImageFont

from netsurvey.wifi.colours import RGB, VERDICT_RGB, ColourScale
from netsurvey.wifi.floorplan import FloorMap, RoomBox
from netsurvey.wifi.heatmap import Sample
from netsurvey.wifi.labels import VERDICTS, HeatmapWords

log = logging.getLogger(__name__)

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
PRINT_BOX_MM = (261.0, 160.0)  # A4 landscape minus margins; max-height of the image
MIN_TEXT_PT = 7.0
PT_PER_MM = 72.0 / 25.4

MAP_MAX_W_PX = 1200
MAP_MAX_H_PX = 900
MARGIN_PX = 16
# design sizes at text factor 1 (grown together when the print size needs it)
LEGEND_W_PX = 300
TITLE_H_PX = 64
SIZE_TITLE, SIZE_SUBTITLE, SIZE_ROOM, SIZE_CAPTION = 22, 14, 17, 14
SIZE_VALUE, SIZE_HEADING, SIZE_TEXT = 13, 15, 13
SMALLEST_SIZE = min(SIZE_SUBTITLE, SIZE_CAPTION, SIZE_VALUE, SIZE_TEXT)
VALUE_LABELS_UP_TO = 40  # print each point's value when there are at most this many
GAP_PX = 3.0  # the least white space between two labels

Box = tuple[float, float, float, float]  # left, top, right, bottom


@lru_cache(maxsize=64)
def font(size: int, bold: bool = False) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    try:
        return ImageFont.truetype(str(FONT_DIR / name), size)
    except OSError:
        return ImageFont.load_default(size)


def text_size(text: str, size: int, bold: bool) -> tuple[float, float, float]:
    """(width, height, ascent) in px of one line of ``text``."""
    face = font(size, bold)
    if isinstance(face, ImageFont.FreeTypeFont):
        ascent, descent = face.getmetrics()
        return float(face.getlength(text)), float(ascent + descent), float(ascent)
    left, top, right, bottom = face.getbbox(text)
    return float(right - left), float(bottom - top), float(bottom - top)


@dataclass(frozen=True)
class Text:
    x: float  # left
    y: float  # top
    text: str
    size: int  # px
    bold: bool = False
    rgb: RGB = (40, 40, 40)
    halo: bool = False  # a white outline, for text on the map

    @property
    def ascent(self) -> float:
        return text_size(self.text, self.size, self.bold)[2]

    @property
    def box(self) -> Box:
        width, height, _ = text_size(self.text, self.size, self.bold)
        pad = 2.0 if self.halo else 0.0
        return (self.x - pad, self.y - pad, self.x + width + pad, self.y + height + pad)


@dataclass(frozen=True)
class Rect:
    box: Box
    fill: RGB | None = None
    outline: RGB | None = None
    width: int = 1
    radius: int = 0


@dataclass(frozen=True)
class Line:
    x0: float
    y0: float
    x1: float
    y1: float
    rgb: RGB = (0, 0, 0)
    width: int = 1


@dataclass(frozen=True)
class Dot:
    cx: float
    cy: float
    r: float
    fill: RGB
    title: str = ""  # the SVG tooltip
    swatch: bool = False  # the legend's sample, not a survey point


@dataclass(frozen=True)
class ColourBar:
    box: Box
    scale: ColourScale


Shape = Text | Rect | Line | Dot | ColourBar


@dataclass(frozen=True)
class Layout:
    scale_px_per_m: float
    map_w_px: int
    map_h_px: int
    text_factor: float = 1.0

    def px(self, design: float) -> int:
        return max(1, round(design * self.text_factor))

    @property
    def title_h_px(self) -> int:
        return self.px(TITLE_H_PX)

    @property
    def legend_w_px(self) -> int:
        return self.px(LEGEND_W_PX)

    @property
    def width_px(self) -> int:
        return MARGIN_PX * 3 + self.map_w_px + self.legend_w_px

    @property
    def map_box(self) -> Box:
        left, top = self.to_px(0, 0)
        return (left, top, left + self.map_w_px, top + self.map_h_px)

    @property
    def bar_h_px(self) -> int:
        return max(self.px(200), min(self.px(320), self.map_h_px - self.px(250)))

    def to_px(self, x_m: float, y_m: float) -> tuple[float, float]:
        return (
            MARGIN_PX + x_m * self.scale_px_per_m,
            self.title_h_px + MARGIN_PX + y_m * self.scale_px_per_m,
        )


def print_mm_per_px(width_px: float, height_px: float) -> float:
    """How large one pixel prints in the report's heatmap box."""
    return min(PRINT_BOX_MM[0] / width_px, PRINT_BOX_MM[1] / height_px)


def printed_pt(size_px: float, width_px: float, height_px: float) -> float:
    return size_px * print_mm_per_px(width_px, height_px) * PT_PER_MM


def layout_for(floor: FloorMap, text_factor: float = 1.0) -> Layout:
    """The map's scale (the longer side fills the map area) at ``text_factor``."""
    scale = min(MAP_MAX_W_PX / floor.width_m, MAP_MAX_H_PX / floor.height_m)
    return Layout(scale, round(floor.width_m * scale), round(floor.height_m * scale), text_factor)


# --------------------------------------------------------------------------- placing


@dataclass
class Placer:
    """Boxes already taken inside ``bounds``; a new box fits when it is inside the
    bounds and at least GAP_PX from every taken box."""

    bounds: Box
    taken: list[Box] = field(default_factory=list)

    def fits(self, box: Box) -> bool:
        left, top, right, bottom = self.bounds
        if box[0] < left or box[1] < top or box[2] > right or box[3] > bottom:
            return False
        return not any(overlap(box, other, GAP_PX) for other in self.taken)

    def take(self, box: Box) -> None:
        self.taken.append(box)


def overlap(a: Box, b: Box, gap: float = 0.0) -> bool:
    return a[0] < b[2] + gap and b[0] < a[2] + gap and a[1] < b[3] + gap and b[1] < a[3] + gap


def shift(box: Box, dx: float, dy: float) -> Box:
    return (box[0] + dx, box[1] + dy, box[2] + dx, box[3] + dy)


def fit_line(text: str, size: int, bold: bool, width: float) -> str:
    """``text`` cut with an ellipsis so that it is at most ``width`` px wide."""
    if text_size(text, size, bold)[0] <= width:
        return text
    while text and text_size(text + "…", size, bold)[0] > width:
        text = text[:-1]
    return text.rstrip() + "…"


def wrap(text: str, size: int, bold: bool, width: float) -> list[str]:
    lines: list[str] = []
    current = ""
    for word in text.split(" "):
        candidate = f"{current} {word}".strip()
        if current and text_size(candidate, size, bold)[0] > width:
            lines.append(current)
            current = word
        else:
            current = candidate
    lines.append(current)
    return [fit_line(line, size, bold, width) for line in lines if line]


# --------------------------------------------------------------------------- the map


@dataclass(frozen=True)
class Metric:
    key: str  # "signal", "snr", "rate"
    title: str
    unit: str
    scale: ColourScale
    decimals: int = 0

    def text(self, value: float) -> str:
        return f"{value:.{self.decimals}f} {self.unit}"


def point_radius(floor: FloorMap, layout: Layout) -> float:
    return float(layout.px(7 if len(floor.samples) <= 80 else 5))


def _plate(room: RoomBox, layout: Layout, placer: Placer) -> tuple[Rect, list[Text]]:
    """A room's name and caption on a white plate outlined in its verdict colour, at the
    first free place in the room; when there is none, with less caption (down to the
    name alone: the outline still shows the verdict)."""
    name_size, caption_size = layout.px(SIZE_ROOM), layout.px(SIZE_CAPTION)
    pad = layout.px(6)
    inside = _room_box(room, layout)
    room_w = inside[2] - inside[0] if inside is not None else layout.map_w_px
    max_w = min(layout.map_w_px / 3, room_w) - 3 * pad
    cx, cy = layout.to_px(room.x_m, room.y_m)
    for caption in caption_variants(room.caption, caption_size, max_w):
        lines = [(room.room, name_size, True)] + [(line, caption_size, False) for line in caption]
        sizes = [text_size(t, s, b) for t, s, b in lines]
        width = max(w for w, _, _ in sizes) + 3 * pad
        height = sum(h for _, h, _ in sizes) + pad * (len(lines) + 1) / 2 + pad / 2
        base: Box = (cx - width / 2, cy - height / 2, cx + width / 2, cy + height / 2)
        box = _free_place(base, inside, placer)
        if box is not None:
            break
    else:
        box = _clamp(base, placer.bounds)
        log.info("floor plan: no free place for the label of room %s", room.room)
    placer.take(box)
    colour = VERDICT_RGB.get(room.verdict, VERDICT_RGB["missing"])
    texts = []
    y = box[1] + pad
    for (text, size, bold), (w, h, _) in zip(lines, sizes, strict=True):
        rgb = (20, 20, 20) if bold else colour
        texts.append(Text((box[0] + box[2]) / 2 - w / 2, y, text, size, bold, rgb))
        y += h + pad / 2
    return Rect(box, (255, 255, 255), colour, layout.px(3), layout.px(6)), texts


def _free_place(base: Box, inside: Box | None, placer: Placer) -> Box | None:
    for dx, dy in _around(base[2] - base[0], base[3] - base[1]):
        box = shift(base, dx, dy)
        if (inside is None or _within(box, inside)) and placer.fits(box):
            return box
    return None


def caption_variants(caption: str, size: int, width: float) -> Iterator[list[str]]:
    """A room caption (``-47 dBm · fail: weak, busy``) from the most to the least it
    says, each variant only when every line fits ``width`` uncut; the last is none."""
    value, _, verdict_and_reasons = caption.partition(" · ")
    verdict = verdict_and_reasons.partition(": ")[0]
    variants = [[caption], [value, verdict_and_reasons], [value, verdict], [value]]
    for lines in variants:
        lines = [line for line in lines if line]
        if lines and all(text_size(line, size, False)[0] <= width for line in lines):
            yield lines
    yield []


def _clamp(box: Box, bounds: Box) -> Box:
    dx = max(bounds[0] - box[0], 0.0) + min(bounds[2] - box[2], 0.0)
    dy = max(bounds[1] - box[1], 0.0) + min(bounds[3] - box[3], 0.0)
    return shift(box, dx, dy)


def _room_box(room: RoomBox, layout: Layout) -> Box | None:
    """The room's walls (when its size is known), a little inside them."""
    if not room.width_m or not room.depth_m:
        return None
    cx, cy = layout.to_px(room.x_m, room.y_m)
    half_w = room.width_m * layout.scale_px_per_m / 2 - 2
    half_h = room.depth_m * layout.scale_px_per_m / 2 - 2
    return (cx - half_w, cy - half_h, cx + half_w, cy + half_h)


def _within(box: Box, outer: Box) -> bool:
    return box[0] >= outer[0] and box[1] >= outer[1] and box[2] <= outer[2] and box[3] <= outer[3]


PLATE_STEPS = 12  # candidate places on each side of the centre, per axis


def _around(width: float, height: float) -> Iterator[tuple[float, float]]:
    """Offsets from a room's centre on a grid, nearest first (vertical moves are
    cheaper: the name stays over its room's middle)."""
    step_x, step_y = max(6.0, width / 6), max(6.0, height / 4)
    offsets = [
        (ix * step_x, iy * step_y)
        for ix in range(-PLATE_STEPS, PLATE_STEPS + 1)
        for iy in range(-PLATE_STEPS, PLATE_STEPS + 1)
    ]
    offsets.sort(key=lambda o: (2 * o[0]) ** 2 + o[1] ** 2)
    yield from offsets


def _value_label(
    x: float, y: float, radius: float, text: str, size: int, placer: Placer
) -> Text | None:
    width, height, _ = text_size(text, size, True)
    gap = radius + GAP_PX + 4  # clear of its own point and the halo
    for left, top in (
        (x + gap, y - height / 2),
        (x - gap - width, y - height / 2),
        (x - width / 2, y - gap - height),
        (x - width / 2, y + gap),
    ):
        label = Text(left, top, text, size, True, (0, 0, 0), halo=True)
        if placer.fits(label.box):
            placer.take(label.box)
            return label
    return None


def map_shapes(
    floor: FloorMap, metric: Metric, layout: Layout, words: HeatmapWords
) -> tuple[list[Shape], list[Shape]]:
    """(shapes under the labels, labels): room outlines, points, plates, values."""
    under: list[Shape] = []
    labels: list[Shape] = []
    placer = Placer(layout.map_box)
    if not floor.plan_is_raster:  # no walls in the plan: draw the rooms' outlines
        for room in floor.rooms:
            if room.width_m and room.depth_m:
                cx, cy = layout.to_px(room.x_m, room.y_m)
                half_w = room.width_m * layout.scale_px_per_m / 2
                half_h = room.depth_m * layout.scale_px_per_m / 2
                box = (cx - half_w, cy - half_h, cx + half_w, cy + half_h)
                under.append(Rect(box, None, (60, 60, 60), 2))
    radius = point_radius(floor, layout)
    points = [(layout.to_px(s.x_m, s.y_m), s) for s in floor.samples]
    for (px, py), sample in points:
        under.append(Dot(px, py, radius, metric.scale.one(sample.value), _tooltip(sample, metric)))
        placer.take((px - radius, py - radius, px + radius, py + radius))
    for room in floor.rooms:
        plate, texts = _plate(room, layout, placer)
        labels += [plate, *texts]
    if len(floor.samples) <= VALUE_LABELS_UP_TO:
        size = layout.px(SIZE_VALUE)
        for (px, py), sample in points:
            text = words.number(sample.value, metric.decimals)
            label = _value_label(px, py, radius, text, size, placer)
            if label is not None:
                labels.append(label)
    return under, labels


def _tooltip(sample: Sample, metric: Metric) -> str:
    return f"{sample.label}: {metric.text(sample.value)}"


# --------------------------------------------------------------------------- legend


def legend_shapes(
    floor: FloorMap, metric: Metric, layout: Layout, words: HeatmapWords
) -> tuple[list[Shape], float]:
    """The legend's shapes and its bottom edge (px)."""
    left = MARGIN_PX * 2 + layout.map_w_px
    width = layout.legend_w_px
    top = layout.title_h_px + MARGIN_PX
    shapes: list[Shape] = []
    heading, text_px = layout.px(SIZE_HEADING), layout.px(SIZE_TEXT)
    y = float(top)
    for line in wrap(words.metric_title(metric.key, metric.title), heading, True, width):
        shapes.append(Text(left, y, line, heading, True, (20, 20, 20)))
        y += text_size(line, heading, True)[1]
    y += layout.px(8)
    bar_w, bar_h = layout.px(26), layout.bar_h_px
    shapes += _bar(metric, words, (left, y, left + bar_w, y + bar_h), layout, left + width)
    y += bar_h + layout.px(16)
    swatch = layout.px(16)
    indent = swatch + layout.px(10)
    rows: list[tuple[Shape | None, str, RGB, bool]] = [
        (Dot(0, 0, swatch / 2, (200, 200, 200)), words.t("legend_point"), (40, 40, 40), False),
        (Rect((0, 0, swatch, swatch), (255, 255, 255), (120, 120, 120)), words.t("legend_far"),
         (40, 40, 40), False),
        (None, words.t("legend_rooms"), (40, 40, 40), False),
    ]  # fmt: skip
    for verdict in VERDICTS:
        rgb = VERDICT_RGB[verdict]
        plate = Rect((0, 0, swatch, swatch), (255, 255, 255), rgb, layout.px(3), layout.px(3))
        rows.append((plate, words.verdict(verdict), rgb, True))
    for marker, text, rgb, bold in rows:
        lines = wrap(text, text_px, bold, width - (indent if marker else 0))
        line_h = text_size(lines[0], text_px, bold)[1]
        x = left + (indent if marker else 0)
        if marker is not None:
            shapes.append(_placed(marker, left, y + (line_h - swatch) / 2))
        for line in lines:
            shapes.append(Text(x, y, line, text_px, bold, rgb))
            y += line_h
        y += layout.px(6)
    y += layout.px(6)
    metres = scale_bar_m(floor.width_m)
    length = metres * layout.scale_px_per_m
    shapes.append(Line(left, y, left + min(length, width), y, (0, 0, 0), layout.px(3)))
    y += layout.px(6)
    shapes.append(Text(left, y, f"{words.number(metres)} m", text_px, False, (0, 0, 0)))
    return shapes, y + text_size("m", text_px, False)[1]


def _placed(marker: Shape, left: float, top: float) -> Shape:
    if isinstance(marker, Dot):
        return Dot(left + marker.r, top + marker.r, marker.r, marker.fill, swatch=True)
    assert isinstance(marker, Rect)
    return Rect(shift(marker.box, left, top), marker.fill, marker.outline, marker.width,
                marker.radius)  # fmt: skip


def _bar(
    metric: Metric, words: HeatmapWords, box: Box, layout: Layout, right_edge: float
) -> list[Shape]:
    scale = metric.scale
    left, top, right, bottom = box
    shapes: list[Shape] = [ColourBar(box, scale), Rect(box, None, (60, 60, 60))]

    def y_of(value: float) -> float:
        return top + (scale.hi - value) / (scale.hi - scale.lo) * (bottom - top)

    size = layout.px(SIZE_TEXT)
    tick_x = right + layout.px(8)
    widest = 0.0
    for tick in scale.ticks:
        y = y_of(tick)
        text = words.number(tick, 0 if float(tick).is_integer() else 1)
        label = Text(tick_x, y - text_size(text, size, False)[1] / 2, text, size)
        shapes += [Line(right, y, right + layout.px(5), y, (60, 60, 60)), label]
        widest = max(widest, label.box[2] - tick_x)
    mark_x = tick_x + widest + layout.px(12)
    below = -math.inf
    for value, verdict in sorted(scale.marks, key=lambda m: -m[0]):
        y = y_of(value)
        text = fit_line(words.mark(verdict, value, metric.unit), size, True, right_edge - mark_x)
        height = text_size(text, size, True)[1]
        label_top = max(y - height / 2, below + GAP_PX)  # marks close together: stack them
        shapes += [
            Line(left - 4, y, right + 4, y, (0, 0, 0), 2),
            Text(mark_x, label_top, text, size, True, (0, 0, 0)),
        ]
        below = label_top + height
    return shapes


def scale_bar_m(width_m: float) -> float:
    for candidate in (50.0, 20.0, 10.0, 5.0, 2.0, 1.0):
        if candidate * 4 <= width_m:
            return candidate
    return 1.0


# --------------------------------------------------------------------------- the scene


@dataclass(frozen=True)
class Scene:
    width_px: int
    height_px: int
    layout: Layout
    under: tuple[Shape, ...]  # drawn on the map, under the labels
    labels: tuple[Shape, ...]  # plates, texts and the legend

    def texts(self) -> list[Text]:
        return [s for s in (*self.under, *self.labels) if isinstance(s, Text)]


def build_scene(
    floor: FloorMap, metric: Metric, title: str, subtitle: str, words: HeatmapWords
) -> Scene:
    """All shapes of one map; the text factor grows until the smallest text prints at
    ``MIN_TEXT_PT`` in the report's heatmap box."""
    factor = 1.0
    for _ in range(40):
        layout = layout_for(floor, factor)
        legend, legend_bottom = legend_shapes(floor, metric, layout, words)
        height = math.ceil(max(layout.map_box[3], legend_bottom) + MARGIN_PX)
        if printed_pt(layout.px(SMALLEST_SIZE), layout.width_px, height) >= MIN_TEXT_PT:
            break
        factor *= 1.05
    under, labels = map_shapes(floor, metric, layout, words)
    usable = layout.width_px - 2 * MARGIN_PX
    title_px, subtitle_px = layout.px(SIZE_TITLE), layout.px(SIZE_SUBTITLE)
    heading = [
        Text(MARGIN_PX, layout.px(8), fit_line(title, title_px, True, usable), title_px, True,
             (20, 20, 20)),
        Text(MARGIN_PX, layout.px(38), fit_line(subtitle, subtitle_px, False, usable), subtitle_px,
             False, (80, 80, 80)),
    ]  # fmt: skip
    return Scene(layout.width_px, height, layout, tuple(under), (*heading, *labels, *legend))


def colour_rows(scale: ColourScale, rows: int) -> Sequence[RGB]:
    colours = scale.rgb(np.linspace(scale.hi, scale.lo, max(rows, 2)))
    return [(int(r), int(g), int(b)) for r, g, b in colours]
