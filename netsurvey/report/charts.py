"""Vector charts as small SVG documents, embedded in the PDF as data: URIs.

Only DejaVu Sans (a system font) is named, so nothing is fetched. Labels are escaped:
they may come from data.
"""

from __future__ import annotations

import base64
import math
from collections.abc import Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

FONT = "DejaVu Sans, sans-serif"
GREEN = "#2e7d32"
AMBER = "#f9a825"
ORANGE = "#ef6c00"
RED = "#c62828"
GREY = "#9e9e9e"
INK = "#212121"


@dataclass(frozen=True)
class Bar:
    label: str
    value: float | None  # score 0..100; None = no data


@dataclass(frozen=True)
class RhoRow:
    label: str
    p10: float | None
    p50: float | None
    p90: float | None


def score_colour(score: float | None) -> str:
    if score is None:
        return GREY
    if score >= 70:
        return GREEN
    if score >= 55:
        return AMBER
    if score >= 40:
        return ORANGE
    return RED


def rho_colour(rho: float | None) -> str:
    if rho is None:
        return GREY
    if rho <= 0.6:
        return GREEN
    if rho <= 1.0:
        return AMBER
    return RED


def _text(
    x: float, y: float, body: str, size: float = 11, anchor: str = "start", fill: str = INK
) -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" font-family={quoteattr(FONT)} font-size="{size}" '
        f'text-anchor="{anchor}" fill="{fill}">{escape(body)}</text>'
    )


def _label_width(labels: Sequence[str], size: float, minimum: float) -> float:
    """Room for the longest label (DejaVu Sans averages ~0.6 em per character)."""
    longest = max((len(label) for label in labels), default=0)
    return max(minimum, min(240.0, longest * size * 0.6 + 12))


def _svg(width: float, height: float, body: list[str]) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0f}" height="{height:.0f}" '
        f'viewBox="0 0 {width:.0f} {height:.0f}">' + "".join(body) + "</svg>"
    )


def score_bars(bars: Sequence[Bar], no_data_label: str, width: float = 480) -> str:
    """Horizontal bars of 0..100 scores with grade-band guides at 40, 55, 70, 85."""
    label_w = _label_width([b.label for b in bars], 11, 90.0)
    row_h, top = 26.0, 18.0
    plot_w = width - label_w - 50
    height = top + row_h * len(bars) + 8
    body = [
        _text(label_w + plot_w * s / 100, 12, str(s), 9, "middle", GREY)
        for s in (0, 40, 55, 70, 85, 100)
    ]
    for s in (40, 55, 70, 85):
        x = label_w + plot_w * s / 100
        body.append(
            f'<line x1="{x:.1f}" y1="{top - 2}" x2="{x:.1f}" y2="{height - 6:.1f}" stroke="#e0e0e0"/>'
        )
    for i, bar in enumerate(bars):
        y = top + i * row_h
        body.append(_text(label_w - 8, y + 16, bar.label, 11, "end"))
        if bar.value is None:
            body.append(
                f'<rect x="{label_w}" y="{y + 4}" width="{plot_w:.1f}" height="16" fill="none" '
                f'stroke="{GREY}" stroke-dasharray="4 3"/>'
            )
            body.append(_text(label_w + 8, y + 16, no_data_label, 10, fill=GREY))
            continue
        value = max(0.0, min(100.0, bar.value))
        body.append(
            f'<rect x="{label_w}" y="{y + 4}" width="{plot_w * value / 100:.1f}" height="16" '
            f'fill="{score_colour(bar.value)}"/>'
        )
        body.append(_text(label_w + plot_w * value / 100 + 6, y + 16, f"{bar.value:.0f}", 10))
    return _svg(width, height, body)


def rho_chart(
    rows: Sequence[RhoRow],
    target_label: str,
    no_data_label: str,
    width: float = 480,
    cannot_carry_label: str = "∞",
) -> str:
    """Demand / design capacity per scenario and dimension: p50 bar, p10..p90 whisker, 1.0 line.

    An infinite rho (the element cannot carry the load at all) is drawn as a red bar to the
    edge with ``cannot_carry_label`` on it, never as "no data"."""
    label_w = _label_width([r.label for r in rows], 10, 100.0)
    row_h, top = 20.0, 22.0
    plot_w = width - label_w - 20
    highest = max([r.p90 for r in rows if r.p90 is not None and math.isfinite(r.p90)] + [1.5])
    x_max = min(max(2.0, highest * 1.1), 10.0)

    def x_of(rho: float) -> float:
        return label_w + plot_w * min(rho, x_max) / x_max

    height = top + row_h * len(rows) + 10
    body = [
        f'<line x1="{x_of(1.0):.1f}" y1="{top - 8}" x2="{x_of(1.0):.1f}" y2="{height - 6:.1f}" '
        f'stroke="{RED}" stroke-dasharray="5 3"/>',
        _text(x_of(1.0) + 4, 12, target_label, 9, fill=RED),
    ]
    for i, row in enumerate(rows):
        y = top + i * row_h
        body.append(_text(label_w - 8, y + 13, row.label, 10, "end"))
        if row.p50 is None:
            body.append(_text(label_w + 4, y + 13, no_data_label, 9, fill=GREY))
            continue
        if row.p90 is not None and math.isinf(row.p90):
            body.append(
                f'<rect x="{label_w}" y="{y + 4}" width="{plot_w:.1f}" height="11" '
                f'fill="{RED}" opacity="0.25"/>'
            )
            body.append(_text(label_w + 4, y + 13, cannot_carry_label, 9, fill=RED))
            continue
        body.append(
            f'<rect x="{label_w}" y="{y + 4}" width="{x_of(row.p50) - label_w:.1f}" height="11" '
            f'fill="{rho_colour(row.p90 if row.p90 is not None else row.p50)}" opacity="0.85"/>'
        )
        if row.p10 is not None and row.p90 is not None:
            mid = y + 9.5
            body.append(
                f'<line x1="{x_of(row.p10):.1f}" y1="{mid}" x2="{x_of(row.p90):.1f}" y2="{mid}" '
                f'stroke="{INK}" stroke-width="1.2"/>'
                f'<line x1="{x_of(row.p90):.1f}" y1="{mid - 4}" x2="{x_of(row.p90):.1f}" '
                f'y2="{mid + 4}" stroke="{INK}" stroke-width="1.2"/>'
            )
    return _svg(width, height, body)


def data_uri(svg: str) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")
