"""Heatmap images for people: PNG (Pillow) and SVG, with the plan, the interpolated
values, room labels with their verdict, the survey points and a legend.

The words come from ``words`` (wifi/labels.py: English by default, Latvian for the
Latvian report); what is drawn where is decided once in wifi/scene.py, so the PNG
and its SVG twin carry the same texts at the same places."""

from __future__ import annotations

import base64
import io
import logging
from pathlib import Path
from xml.sax.saxutils import escape

import numpy as np
from PIL import Image, ImageChops, ImageDraw

from netsurvey.errors import ReportError
from netsurvey.wifi.floorplan import FloorMap, load_plan
from netsurvey.wifi.heatmap import default_reach_m, idw_grid
from netsurvey.wifi.labels import HeatmapWords, heatmap_words
from netsurvey.wifi.scene import (
    ColourBar,
    Dot,
    Layout,
    Line,
    Metric,
    Rect,
    Shape,
    Text,
    build_scene,
    colour_rows,
    font,
    layout_for,
)

__all__ = ["GRID_CELLS", "Metric", "heat_layer", "hex_colour", "layout_for", "render_png",
           "render_svg"]  # fmt: skip

log = logging.getLogger(__name__)

GRID_CELLS = 160  # along the longer side; upsampled smoothly afterwards
HEAT_ALPHA = 0.8
SVG_BAR_SLICES = 64


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


# --------------------------------------------------------------------------- PNG


def render_png(
    floor: FloorMap,
    metric: Metric,
    title: str,
    subtitle: str,
    out: Path,
    words: HeatmapWords | None = None,
) -> Path:
    scene = build_scene(floor, metric, title, subtitle, words or heatmap_words())
    layout = scene.layout
    canvas = Image.new("RGB", (scene.width_px, scene.height_px), "white")
    plan = plan_layer(floor, layout)
    heat = heat_layer(floor, metric, layout)
    tinted = Image.new("RGB", plan.size, "white")
    blended = Image.blend(tinted, heat.convert("RGB"), HEAT_ALPHA)
    tinted.paste(blended, mask=heat.getchannel("A"))
    # Multiply keeps the plan's walls and text dark on top of the colours.
    left, top, right, bottom = layout.map_box
    canvas.paste(ImageChops.multiply(plan, tinted), (round(left), round(top)))
    draw = ImageDraw.Draw(canvas)
    draw.rectangle((left, top, right, bottom), outline=(90, 90, 90))
    for shape in (*scene.under, *scene.labels):
        _draw(draw, shape)
    out.parent.mkdir(parents=True, exist_ok=True)
    canvas.save(out, "PNG", compress_level=6)
    return out


def _draw(draw: ImageDraw.ImageDraw, shape: Shape) -> None:
    if isinstance(shape, Text):
        halo = {"stroke_width": 3, "stroke_fill": (255, 255, 255)} if shape.halo else {}
        face = font(shape.size, shape.bold)
        draw.text((shape.x, shape.y), shape.text, fill=shape.rgb, font=face, **halo)  # type: ignore[arg-type]
    elif isinstance(shape, Rect):
        if shape.radius:
            draw.rounded_rectangle(shape.box, radius=shape.radius, fill=shape.fill,
                                   outline=shape.outline, width=shape.width)  # fmt: skip
        else:
            draw.rectangle(shape.box, fill=shape.fill, outline=shape.outline, width=shape.width)
    elif isinstance(shape, Line):
        draw.line((shape.x0, shape.y0, shape.x1, shape.y1), fill=shape.rgb, width=shape.width)
    elif isinstance(shape, Dot):
        box = (shape.cx - shape.r, shape.cy - shape.r, shape.cx + shape.r, shape.cy + shape.r)
        draw.ellipse(box, fill=shape.fill, outline=(0, 0, 0), width=2)
    else:
        left, top, right, bottom = shape.box
        rows = max(round(bottom - top), 2)
        for row, colour in enumerate(colour_rows(shape.scale, rows)):
            draw.line((left, top + row, right, top + row), fill=colour)


# --------------------------------------------------------------------------- SVG


def hex_colour(rgb: tuple[int, int, int]) -> str:
    return "#{:02x}{:02x}{:02x}".format(*rgb)


def _data_uri(data: bytes, media_type: str) -> str:
    return f"data:{media_type};base64,{base64.b64encode(data).decode('ascii')}"


def _png_bytes(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "PNG", compress_level=6)
    return buffer.getvalue()


def render_svg(
    floor: FloorMap,
    metric: Metric,
    title: str,
    subtitle: str,
    out: Path,
    words: HeatmapWords | None = None,
) -> Path:
    scene = build_scene(floor, metric, title, subtitle, words or heatmap_words())
    layout = scene.layout
    x0, y0, _, _ = layout.map_box
    where = f'x="{x0}" y="{y0}" width="{layout.map_w_px}" height="{layout.map_h_px}"'
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{scene.width_px}" '
        f'height="{scene.height_px}" viewBox="0 0 {scene.width_px} {scene.height_px}" '
        f'font-family="DejaVu Sans, sans-serif" xml:lang="{escape((words or heatmap_words()).lang)}">',
        '<rect width="100%" height="100%" fill="white"/>',
    ]
    if floor.plan_path is not None:
        plan = load_plan(floor.plan_path)
        parts.append(
            f'<image {where} preserveAspectRatio="none" '
            f'href="{_data_uri(plan.data, plan.media_type)}" style="filter:grayscale(1)"/>'
        )
    heat_uri = _data_uri(_png_bytes(heat_layer(floor, metric, layout)), "image/png")
    parts.append(
        f'<image {where} preserveAspectRatio="none" opacity="{HEAT_ALPHA}" href="{heat_uri}" '
        'style="mix-blend-mode:multiply"/>'
    )
    parts.append(f'<rect {where} fill="none" stroke="#5a5a5a"/>')
    for shape in (*scene.under, *scene.labels):
        parts.extend(_svg(shape))
    parts.append("</svg>")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text("\n".join(parts), encoding="utf-8")
    return out


def _svg(shape: Shape) -> list[str]:
    if isinstance(shape, Text):
        return svg_text(shape)
    if isinstance(shape, Rect):
        left, top, right, bottom = shape.box
        fill = hex_colour(shape.fill) if shape.fill else "none"
        stroke = (
            f'stroke="{hex_colour(shape.outline)}" stroke-width="{shape.width}"'
            if shape.outline
            else 'stroke="none"'
        )
        return [
            f'<rect x="{left:.1f}" y="{top:.1f}" width="{right - left:.1f}" '
            f'height="{bottom - top:.1f}" rx="{shape.radius}" fill="{fill}" {stroke}/>'
        ]
    if isinstance(shape, Line):
        return [
            f'<line x1="{shape.x0:.1f}" y1="{shape.y0:.1f}" x2="{shape.x1:.1f}" '
            f'y2="{shape.y1:.1f}" stroke="{hex_colour(shape.rgb)}" stroke-width="{shape.width}"/>'
        ]
    if isinstance(shape, Dot):
        if shape.swatch:  # survey points are the only <circle>s (tools count them)
            return [
                f'<ellipse cx="{shape.cx:.1f}" cy="{shape.cy:.1f}" rx="{shape.r:.1f}" '
                f'ry="{shape.r:.1f}" fill="{hex_colour(shape.fill)}" stroke="black" '
                'stroke-width="2"/>'
            ]
        tooltip = f"<title>{escape(shape.title)}</title>" if shape.title else ""
        return [
            f'<circle cx="{shape.cx:.1f}" cy="{shape.cy:.1f}" r="{shape.r:.1f}" '
            f'fill="{hex_colour(shape.fill)}" stroke="black" stroke-width="2">{tooltip}</circle>'
        ]
    return _svg_bar(shape)


def _svg_bar(bar: ColourBar) -> list[str]:
    left, top, right, bottom = bar.box
    step = (bottom - top) / SVG_BAR_SLICES
    return [
        f'<rect x="{left:.1f}" y="{top + index * step:.1f}" width="{right - left:.1f}" '
        f'height="{step + 0.6:.1f}" fill="{hex_colour(colour)}"/>'
        for index, colour in enumerate(colour_rows(bar.scale, SVG_BAR_SLICES))
    ]


def svg_text(text: Text) -> list[str]:
    """One text at its baseline; a halo is a separate stroked copy underneath, so
    renderers without ``paint-order`` (WeasyPrint) draw it right too."""
    weight = ' font-weight="bold"' if text.bold else ""
    where = f'x="{text.x:.1f}" y="{text.y + text.ascent:.1f}" font-size="{text.size}"{weight}'
    body = escape(text.text)
    halo = (
        [f'<text {where} fill="white" stroke="white" stroke-width="4" class="halo">{body}</text>']
        if text.halo
        else []
    )
    return [*halo, f'<text {where} fill="{hex_colour(text.rgb)}">{body}</text>']
