"""What a heatmap is drawn on: a floor's size in metres, its plan image, its rooms
and the survey points with their values."""

from __future__ import annotations

import io
import logging
import re
from dataclasses import dataclass
from pathlib import Path

from netsurvey.errors import ReportError
from netsurvey.wifi.heatmap import Sample
from netsurvey.wifi.planimage import PlanImage, PlanImageProblem, read_plan

logger = logging.getLogger(__name__)

RASTER_SUFFIXES = {".png", ".jpg", ".jpeg", ".gif", ".bmp", ".webp"}


@dataclass(frozen=True)
class RoomBox:
    """A room's label position (its centre) and, when known, its size."""

    room: str
    x_m: float
    y_m: float
    width_m: float | None = None
    depth_m: float | None = None
    verdict: str = "missing"
    caption: str = ""


@dataclass(frozen=True)
class FloorMap:
    floor_id: str
    width_m: float
    height_m: float
    plan_path: Path | None
    rooms: tuple[RoomBox, ...]
    samples: tuple[Sample, ...]

    @property
    def plan_is_raster(self) -> bool:
        return self.plan_path is not None and self.plan_path.suffix.lower() in RASTER_SUFFIXES


def svg_aspect(path: Path) -> float | None:
    """width/height of an SVG from its viewBox or width/height attributes."""
    try:
        head = path.read_text(encoding="utf-8", errors="replace")[:4096]
    except OSError as exc:
        raise ReportError(f"floor plan {path}: cannot read ({exc.strerror})") from None
    box = re.search(r'viewBox="\s*[-\d.]+[\s,]+[-\d.]+[\s,]+([\d.]+)[\s,]+([\d.]+)', head)
    if box and float(box.group(2)) > 0:
        return float(box.group(1)) / float(box.group(2))
    width = re.search(r'<svg[^>]*\swidth="([\d.]+)', head)
    height = re.search(r'<svg[^>]*\sheight="([\d.]+)', head)
    if width and height and float(height.group(1)) > 0:
        return float(width.group(1)) / float(height.group(1))
    return None


def load_plan(path: Path) -> PlanImage:
    """A plan recorded in a visit, checked again before it is drawn: PNG or JPEG by
    content, or an SVG with every reference to outside content removed."""
    try:
        plan = read_plan(path, strip_outside=True)
    except PlanImageProblem as exc:
        raise ReportError(f"floor plan {exc}", hint="use a PNG, JPEG or SVG file") from None
    if plan.removed:
        logger.warning(
            "floor plan %s: removed %d reference(s) to outside content (%s)",
            path, len(plan.removed), plan.removed[0],
        )  # fmt: skip
    return plan


def plan_aspect(path: Path) -> float | None:
    if path.suffix.lower() == ".svg":
        return svg_aspect(path)
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(load_plan(path).data)) as image:
            return image.width / image.height
    except (OSError, UnidentifiedImageError) as exc:
        raise ReportError(
            f"floor plan {path}: not a readable image ({exc})",
            hint="use a PNG, JPEG or SVG file",
        ) from None


def floor_extent_m(
    width_m: float | None,
    height_m: float | None,
    plan: Path | None,
    rooms: tuple[RoomBox, ...],
    samples: tuple[Sample, ...],
) -> tuple[float, float]:
    """The floor's size: as the inventory says, else from the plan's aspect ratio, else
    what the rooms and points span plus a margin."""
    aspect = plan_aspect(plan) if plan is not None else None
    if width_m and height_m:
        return width_m, height_m
    if width_m and aspect:
        return width_m, width_m / aspect
    if height_m and aspect:
        return height_m * aspect, height_m
    xs = [r.x_m + (r.width_m or 0) / 2 for r in rooms] + [s.x_m for s in samples]
    ys = [r.y_m + (r.depth_m or 0) / 2 for r in rooms] + [s.y_m for s in samples]
    span_w = max(xs, default=10.0) + 2.0
    span_h = max(ys, default=10.0) + 2.0
    if aspect:
        return (span_w, span_w / aspect) if span_w / aspect >= span_h else (span_h * aspect, span_h)
    return span_w, span_h
