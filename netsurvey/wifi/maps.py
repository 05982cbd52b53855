"""One visit's floor maps on disk, in one language: what `netsurvey wifi heatmap` writes
and the report embeds.

File names: ``floor-<id>-<metric>.png|svg`` in English (the default, as before) and
``floor-<id>-<metric>.<lang>.png|svg`` in another language (``floor-1-signal.lv.svg``);
report/sections.py ``find_heatmaps`` picks the one in the report's language.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from netsurvey.wifi.analysis import RoomResult
from netsurvey.wifi.labels import DEFAULT_HEATMAP_LANGUAGE, heatmap_words
from netsurvey.wifi.render import render_png, render_svg
from netsurvey.wifi.results import floor_inputs, floor_key, metric_for, point_value
from netsurvey.wifi.store import VisitSurvey
from netsurvey.wifi.tables import markdown_table
from netsurvey.wifi.thresholds import WifiThresholds


def map_stem(floor_id: str, metric_key: str, lang: str) -> str:
    stem = f"floor-{floor_id}-{metric_key}"
    return stem if lang == DEFAULT_HEATMAP_LANGUAGE else f"{stem}.{lang}"


@dataclass
class Written:
    paths: list[Path] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # for the operator, on stderr


def write_maps(
    survey: VisitSurvey,
    results: Sequence[RoomResult],
    out: Path,
    metrics: Sequence[str],
    limits: WifiThresholds,
    lang: str = DEFAULT_HEATMAP_LANGUAGE,
) -> Written:
    """PNG + SVG per floor and metric in ``lang``; a per-room Markdown table for a
    floor without a plan image."""
    words = heatmap_words(lang)
    written = Written()
    tables_done: set[str] = set()
    for key in metrics:
        values = [
            v
            for p in survey.points
            if (v := point_value(p, key, survey.school.ssids, limits)) is not None
        ]
        if key == "rate" and not values:
            written.notes.append("rate: no connected-link rates in the points; no rate map")
            continue
        metric = metric_for(key, limits, values)
        for floor in floor_inputs(survey, results, key, limits, words):
            if not floor.has_plan or floor.map is None:
                if floor.floor_id not in tables_done:
                    tables_done.add(floor.floor_id)
                    written.paths.append(_room_table(survey, results, out, floor.floor_id))
                    written.notes.append(
                        f"floor {floor.floor_id}: no floor plan; wrote a per-room table"
                    )
                continue
            if not floor.map.plan_is_raster and key == metrics[0]:
                written.notes.append(
                    f"floor {floor.floor_id}: the PNG shows room outlines (the plan is not a "
                    "raster image); the SVG embeds the plan itself"
                )
            ssids = ", ".join(survey.school.ssids) or words.t("ssids_from_link")
            title = words.t(
                "title",
                floor=floor.floor_id,
                metric=words.metric_title(key, metric.title),
                school=survey.school.name,
            )
            subtitle = words.t(
                "subtitle", visit=survey.visit_id, points=len(floor.map.samples), ssids=ssids
            )
            stem = out / map_stem(floor.floor_id, key, lang)
            for render, suffix in ((render_png, ".png"), (render_svg, ".svg")):
                path = Path(f"{stem}{suffix}")
                written.paths.append(render(floor.map, metric, title, subtitle, path, words))
    return written


def _room_table(
    survey: VisitSurvey, results: Sequence[RoomResult], out: Path, floor_id: str
) -> Path:
    rooms = [r for r in results if floor_key(r.floor) == floor_id]
    path = out / f"floor-{floor_id}-rooms.md"
    path.write_text(markdown_table(rooms, f"Wi-Fi per room · floor {floor_id}"))
    return path
