"""Heatmap images for people: PNG (Pillow) and SVG, with the plan, the interpolated
values, room labels with their verdict, the survey points and a legend."""

from __future__ import annotations

import base64
import io
import logging
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from xml.sax.saxutils import escape

import numpy as np
from PIL import Image, ImageChops, ImageDraw, ImageFont

from netsurvey.errors import ReportError
from netsurvey.wifi.colours import VERDICT_RGB, ColourScale
from netsurvey.wifi.floorplan import FloorMap, load_plan
from netsurvey.wifi.heatmap import default_reach_m, idw_grid

log = logging.getLogger(__name__)

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
MAP_MAX_W_PX = 1200
MAP_MAX_H_PX = 900
LEGEND_W_PX = 270
LEGEND_MIN_H_PX = 500  # colour bar, markers, verdicts, scale bar
TITLE_H_PX = 64
MARGIN_PX = 16
GRID_CELLS = 160  # along the longer side; upsampled smoothly afterwards
HEAT_ALPHA = 0.8
VALUE_LABELS_UP_TO = 40  # print each point's value when there are at most this many


@dataclass(frozen=True)
class Metric:
    key: str  # "signal", "snr", "rate"
    title: str
    unit: str
    scale: ColourScale
    decimals: int = 0

    def text(self, value: float) -> str:
        return f"{value:.{self.decimals}f} {self.unit}"


@dataclass(frozen=True)
class Layout:
    scale_px_per_m: float
    map_w_px: int
    map_h_px: int

    @property
    def width_px(self) -> int:
        return MARGIN_PX * 2 + self.map_w_px + LEGEND_W_PX

    @property
    def height_px(self) -> int:
        return TITLE_H_PX + max(self.map_h_px, LEGEND_MIN_H_PX) + MARGIN_PX * 2

    @property
    def bar_h_px(self) -> int:
        return max(200, min(320, self.map_h_px - 250))

    def to_px(self, x_m: float, y_m: float) -> tuple[float, float]:
        return (
            MARGIN_PX + x_m * self.scale_px_per_m,
            TITLE_H_PX + MARGIN_PX + y_m * self.scale_px_per_m,
        )


def layout_for(floor: FloorMap) -> Layout:
    scale = min(MAP_MAX_W_PX / floor.width_m, MAP_MAX_H_PX / floor.height_m)
    return Layout(scale, round(floor.width_m * scale), round(floor.height_m * scale))


@lru_cache(maxsize=8)
def font(size: int, bold: bool = False) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    try:
        return ImageFont.truetype(str(FONT_DIR / name), size)
    except OSError:
        return ImageFont.load_default(size)


def heat_values(floor: FloorMap, cells: int = GRID_CELLS) -> np.ndarray:
    longer = max(floor.width_m, floor.height_m)
    cells_x = max(8, round(cells * floor.width_m / longer))
    cells_y = max(8, round(cells * floor.height_m / longer))
    reach = default_reach_m(floor.samples, floor.width_m, floor.height_m)
    return idw_grid(floor.samples, floor.width_m, floor.height_m, cells_x, cells_y, reach_m=reach)


def heat_layer(floor: FloorMap, metric: Metric, layout: Layout) -> Image.Image:
    """RGBA image of the map area: colours where interpolated, transparent elsewhere.
    The values (not the colours) are upsampled, so band edges stay smooth."""
    values = heat_values(floor)
    size = (layout.map_w_px, layout.map_h_px)
    known = ~np.isnan(values)
    filled = np.where(known, values, np.nanmean(values) if known.any() else 0.0)
    fine = np.asarray(
        Image.fromarray(filled.astype(np.float32), "F").resize(size, Image.Resampling.BILINEAR)
    ).astype(np.float64)
    mask = Image.fromarray((known * 255).astype(np.uint8), "L").resize(
        size, Image.Resampling.BILINEAR
    )
    layer = Image.fromarray(metric.scale.rgb(fine), "RGB").convert("RGBA")
    layer.putalpha(mask.point(lambda v: 255 if v >= 128 else 0))
    return layer


def plan_layer(floor: FloorMap, layout: Layout) -> Image.Image:
    """The plan in greys (so the heat colours read true); white when there is none."""
    size = (layout.map_w_px, layout.map_h_px)
    if floor.plan_path is None or not floor.plan_is_raster:
        return Image.new("RGB", size, "white")
    try:
        with Image.open(io.BytesIO(load_plan(floor.plan_path).data)) as image:
            grey = image.convert("L").resize(size, Image.Resampling.LANCZOS)
    except OSError as exc:
        raise ReportError(f"floor plan {floor.plan_path}: cannot read ({exc})") from None
    return grey.convert("RGB")


def render_png(floor: FloorMap, metric: Metric, title: str, subtitle: str, out: Path) -> Path:
    layout = layout_for(floor)
    canvas = Image.new("RGB", (layout.width_px, layout.height_px), "white")
    plan = plan_layer(floor, layout)
    heat = heat_layer(floor, metric, layout)
    tinted = Image.new("RGB", plan.size, "white")
    blended = Image.blend(tinted, heat.convert("RGB"), HEAT_ALPHA)
    tinted.paste(blended, mask=heat.getchannel("A"))
    # Multiply keeps the plan's walls and text dark on top of the colours.
    canvas.paste(ImageChops.multiply(plan, tinted), (MARGIN_PX, TITLE_H_PX + MARGIN_PX))
    draw = ImageDraw.Draw(canvas)
    x0, y0 = layout.to_px(0, 0)
    draw.rectangle((x0, y0, x0 + layout.map_w_px, y0 + layout.map_h_px), outline=(90, 90, 90))
    draw.text((MARGIN_PX, 10), title, fill=(20, 20, 20), font=font(22, bold=True))
    draw.text((MARGIN_PX, 38), subtitle, fill=(80, 80, 80), font=font(14))
    _draw_rooms(draw, floor, layout)
    _draw_points(draw, floor, metric, layout)
    _draw_legend(draw, floor, metric, layout)
    out.parent.mkdir(parents=True, exist_ok=True)
    canvas.save(out, "PNG", compress_level=6)
    return out


def label_centre_y(
    floor: FloorMap, layout: Layout, cx: float, cy: float, box_w: float, box_h: float
) -> float:
    """A room label sits on the room's centre unless a survey point is there; then
    just above it, or below, so that no point is hidden under a label."""
    points = [layout.to_px(s.x_m, s.y_m) for s in floor.samples]
    margin = 10.0
    for y in (cy, cy - box_h - 6, cy + box_h + 6, cy - 2 * box_h, cy + 2 * box_h):
        covered = any(
            abs(px - cx) < box_w / 2 + margin and abs(py - y) < box_h / 2 + margin
            for px, py in points
        )
        if not covered:
            return y
    return cy


def _draw_rooms(draw: ImageDraw.ImageDraw, floor: FloorMap, layout: Layout) -> None:
    for room in floor.rooms:
        cx, cy = layout.to_px(room.x_m, room.y_m)
        if room.width_m and room.depth_m and not floor.plan_is_raster:  # the plan has walls
            half_w = room.width_m * layout.scale_px_per_m / 2
            half_h = room.depth_m * layout.scale_px_per_m / 2
            draw.rectangle(
                (cx - half_w, cy - half_h, cx + half_w, cy + half_h), outline=(60, 60, 60), width=2
            )
    for room in floor.rooms:
        cx, cy = layout.to_px(room.x_m, room.y_m)
        name_font, caption_font = font(17, bold=True), font(13)
        lines = [(room.room, name_font, (20, 20, 20))]
        if room.caption:
            lines.append((room.caption, caption_font, VERDICT_RGB.get(room.verdict, (60, 60, 60))))
        widths = [draw.textlength(text, font=f) for text, f, _ in lines]
        box_w = max(widths) + 14
        box_h = 22 * len(lines) + 6
        cy = label_centre_y(floor, layout, cx, cy, box_w, box_h)
        left, top = cx - box_w / 2, cy - box_h / 2
        draw.rounded_rectangle(
            (left, top, left + box_w, top + box_h),
            radius=6,
            fill=(255, 255, 255),
            outline=VERDICT_RGB.get(room.verdict, (60, 60, 60)),
            width=3,
        )
        for index, (text, text_font, colour) in enumerate(lines):
            width = widths[index]
            draw.text((cx - width / 2, top + 4 + 22 * index), text, fill=colour, font=text_font)


def _draw_points(
    draw: ImageDraw.ImageDraw, floor: FloorMap, metric: Metric, layout: Layout
) -> None:
    label_values = len(floor.samples) <= VALUE_LABELS_UP_TO
    radius = 7 if len(floor.samples) <= 80 else 5
    for sample in floor.samples:
        px, py = layout.to_px(sample.x_m, sample.y_m)
        draw.ellipse(
            (px - radius, py - radius, px + radius, py + radius),
            fill=metric.scale.one(sample.value),
            outline=(0, 0, 0),
            width=2,
        )
        if label_values:
            draw.text(
                (px + radius + 3, py - 8),
                f"{sample.value:.{metric.decimals}f}",
                fill=(0, 0, 0),
                font=font(13, bold=True),
                stroke_width=3,
                stroke_fill=(255, 255, 255),
            )


def _draw_legend(
    draw: ImageDraw.ImageDraw, floor: FloorMap, metric: Metric, layout: Layout
) -> None:
    left = MARGIN_PX * 2 + layout.map_w_px
    top = TITLE_H_PX + MARGIN_PX
    draw.text((left, top), f"{metric.title}", fill=(20, 20, 20), font=font(15, bold=True))
    bar_top, bar_h, bar_w = top + 30, layout.bar_h_px, 26
    scale = metric.scale
    steps = np.linspace(scale.hi, scale.lo, max(bar_h, 2))
    colours = scale.rgb(steps)
    for row, colour in enumerate(colours):
        draw.line(
            (left, bar_top + row, left + bar_w, bar_top + row), fill=tuple(int(c) for c in colour)
        )
    draw.rectangle((left, bar_top, left + bar_w, bar_top + bar_h), outline=(60, 60, 60))

    def y_of(value: float) -> float:
        return bar_top + (scale.hi - value) / (scale.hi - scale.lo) * bar_h

    for tick in scale.ticks:
        y = y_of(tick)
        draw.line((left + bar_w, y, left + bar_w + 5, y), fill=(60, 60, 60))
        draw.text((left + bar_w + 8, y - 8), f"{tick:g}", fill=(40, 40, 40), font=font(13))
    for value, label in scale.marks:
        y = y_of(value)
        draw.line((left - 4, y, left + bar_w + 4, y), fill=(0, 0, 0), width=2)
        draw.text((left + bar_w + 48, y - 8), label, fill=(0, 0, 0), font=font(12, bold=True))
    y = bar_top + bar_h + 24
    draw.ellipse((left + 6, y, left + 20, y + 14), fill=(200, 200, 200), outline=(0, 0, 0), width=2)
    draw.text(
        (left + 28, y - 1), "survey point, filled with its value", fill=(40, 40, 40), font=font(13)
    )
    y += 24
    draw.rectangle((left + 4, y, left + 22, y + 14), fill=(255, 255, 255), outline=(120, 120, 120))
    draw.text((left + 28, y - 1), "white: too far from any point", fill=(40, 40, 40), font=font(13))
    y += 30
    draw.text((left, y), "Room labels: median value", fill=(40, 40, 40), font=font(13))
    y += 18
    for verdict in ("pass", "warn", "fail", "missing"):
        draw.rounded_rectangle(
            (left + 4, y + 2, left + 22, y + 16),
            radius=3,
            fill="white",
            outline=VERDICT_RGB[verdict],
            width=3,
        )
        label = "not measured" if verdict == "missing" else verdict
        draw.text((left + 28, y + 1), label, fill=VERDICT_RGB[verdict], font=font(13, bold=True))
        y += 20
    y += 10
    metres = _scale_bar_m(floor.width_m)
    length = metres * layout.scale_px_per_m
    draw.line((left, y + 8, left + length, y + 8), fill=(0, 0, 0), width=3)
    draw.text((left, y + 14), f"{metres:g} m", fill=(0, 0, 0), font=font(13))


def _scale_bar_m(width_m: float) -> float:
    for candidate in (50.0, 20.0, 10.0, 5.0, 2.0, 1.0):
        if candidate * 4 <= width_m:
            return candidate
    return 1.0


# --------------------------------------------------------------------------- SVG


def hex_colour(rgb: tuple[int, int, int]) -> str:
    return "#{:02x}{:02x}{:02x}".format(*rgb)


def _data_uri(data: bytes, media_type: str) -> str:
    return f"data:{media_type};base64,{base64.b64encode(data).decode('ascii')}"


def _png_bytes(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "PNG", compress_level=6)
    return buffer.getvalue()


def svg_text(
    x: float, y: float, text: str, *, size: int, anchor: str = "start", fill: str = "#000000"
) -> list[str]:
    """Bold text on a white halo: the halo is a separate stroked copy underneath, so
    renderers without ``paint-order`` (WeasyPrint) draw it right too."""
    where = f'x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" font-size="{size}" font-weight="bold"'
    return [
        f'<text {where} fill="white" stroke="white" stroke-width="4">{escape(text)}</text>',
        f'<text {where} fill="{fill}">{escape(text)}</text>',
    ]


def render_svg(floor: FloorMap, metric: Metric, title: str, subtitle: str, out: Path) -> Path:
    layout = layout_for(floor)
    x0, y0 = layout.to_px(0, 0)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{layout.width_px}" '
        f'height="{layout.height_px}" viewBox="0 0 {layout.width_px} {layout.height_px}" '
        'font-family="DejaVu Sans, sans-serif">',
        '<rect width="100%" height="100%" fill="white"/>',
        f'<text x="{MARGIN_PX}" y="32" font-size="22" font-weight="bold">{escape(title)}</text>',
        f'<text x="{MARGIN_PX}" y="54" font-size="14" fill="#505050">{escape(subtitle)}</text>',
    ]
    if floor.plan_path is not None:
        plan = load_plan(floor.plan_path)
        plan_uri = _data_uri(plan.data, plan.media_type)
        parts.append(
            f'<image x="{x0}" y="{y0}" width="{layout.map_w_px}" height="{layout.map_h_px}" '
            f'preserveAspectRatio="none" href="{plan_uri}" style="filter:grayscale(1)"/>'
        )
    heat_uri = _data_uri(_png_bytes(heat_layer(floor, metric, layout)), "image/png")
    parts.append(
        f'<image x="{x0}" y="{y0}" width="{layout.map_w_px}" height="{layout.map_h_px}" '
        f'preserveAspectRatio="none" opacity="{HEAT_ALPHA}" href="{heat_uri}" '
        'style="mix-blend-mode:multiply"/>'
    )
    parts.append(
        f'<rect x="{x0}" y="{y0}" width="{layout.map_w_px}" height="{layout.map_h_px}" '
        'fill="none" stroke="#5a5a5a"/>'
    )
    for room in floor.rooms:
        cx, cy = layout.to_px(room.x_m, room.y_m)
        colour = hex_colour(VERDICT_RGB.get(room.verdict, (60, 60, 60)))
        if room.width_m and room.depth_m and floor.plan_path is None:
            w, h = room.width_m * layout.scale_px_per_m, room.depth_m * layout.scale_px_per_m
            parts.append(
                f'<rect x="{cx - w / 2:.1f}" y="{cy - h / 2:.1f}" width="{w:.1f}" height="{h:.1f}" '
                'fill="none" stroke="#3c3c3c" stroke-width="2"/>'
            )
        cy = label_centre_y(floor, layout, cx, cy, 8.0 * max(len(room.caption), 4) + 14, 50)
        parts += svg_text(cx, cy - 2, room.room, size=17, anchor="middle")
        parts += svg_text(cx, cy + 16, room.caption, size=13, anchor="middle", fill=colour)
    label_values = len(floor.samples) <= VALUE_LABELS_UP_TO
    for sample in floor.samples:
        px, py = layout.to_px(sample.x_m, sample.y_m)
        fill = hex_colour(metric.scale.one(sample.value))
        parts.append(
            f'<circle cx="{px:.1f}" cy="{py:.1f}" r="7" fill="{fill}" stroke="black" '
            f'stroke-width="2"><title>{escape(sample.label)}: {escape(metric.text(sample.value))}'
            "</title></circle>"
        )
        if label_values:
            parts += svg_text(px + 10, py + 4, f"{sample.value:.{metric.decimals}f}", size=13)
    parts.extend(_svg_legend(metric, layout))
    parts.append("</svg>")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text("\n".join(parts), encoding="utf-8")
    return out


def _svg_legend(metric: Metric, layout: Layout) -> list[str]:
    left = MARGIN_PX * 2 + layout.map_w_px
    top = TITLE_H_PX + MARGIN_PX
    bar_top, bar_h, bar_w = top + 30, layout.bar_h_px, 26
    scale = metric.scale
    parts = [
        f'<text x="{left}" y="{top + 14}" font-size="15" font-weight="bold">{escape(metric.title)}</text>'
    ]
    slices = 64
    for index, value in enumerate(np.linspace(scale.hi, scale.lo, slices)):
        colour = hex_colour(scale.one(float(value)))
        y = bar_top + index * bar_h / slices
        parts.append(
            f'<rect x="{left}" y="{y:.1f}" width="{bar_w}" height="{bar_h / slices + 0.6:.1f}" fill="{colour}"/>'
        )
    parts.append(
        f'<rect x="{left}" y="{bar_top}" width="{bar_w}" height="{bar_h}" fill="none" stroke="#3c3c3c"/>'
    )

    def y_of(value: float) -> float:
        return bar_top + (scale.hi - value) / (scale.hi - scale.lo) * bar_h

    for tick in scale.ticks:
        parts.append(
            f'<text x="{left + bar_w + 8}" y="{y_of(tick) + 5:.1f}" font-size="13">{tick:g}</text>'
        )
    for value, label in scale.marks:
        y = y_of(value)
        parts.append(
            f'<line x1="{left - 4}" y1="{y:.1f}" x2="{left + bar_w + 4}" y2="{y:.1f}" stroke="black" stroke-width="2"/>'
        )
        parts.append(
            f'<text x="{left + bar_w + 48}" y="{y + 4:.1f}" font-size="12" font-weight="bold">{escape(label)}</text>'
        )
    y = bar_top + bar_h + 30
    parts.append(f'<text x="{left}" y="{y}" font-size="13">Room labels: median value</text>')
    for verdict in ("pass", "warn", "fail", "missing"):
        y += 20
        colour = hex_colour(VERDICT_RGB[verdict])
        label = "not measured" if verdict == "missing" else verdict
        parts.append(
            f'<rect x="{left + 4}" y="{y - 12}" width="18" height="14" rx="3" fill="white" '
            f'stroke="{colour}" stroke-width="3"/>'
        )
        parts.append(
            f'<text x="{left + 28}" y="{y}" font-size="13" font-weight="bold" fill="{colour}">'
            f"{label}</text>"
        )
    return parts
