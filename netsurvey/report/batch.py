"""One visit -> one PDF, and many visits -> many PDFs on a process pool.

Each pool task takes a chunk of jobs and builds its renderers once, so templates and
locales are loaded once per chunk, not once per PDF; no module-level state is needed.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from netsurvey.errors import NetsurveyError
from netsurvey.report.render import ReportRenderer
from netsurvey.report.scoresfile import ScoresFile, load_scores
from netsurvey.report.viewmodel import build_view
from netsurvey.report.visitfiles import read_visit_files

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class RenderJob:
    visit_dir: Path
    lang: str
    out: Path


@dataclass(frozen=True)
class RenderResult:
    job: RenderJob
    ok: bool
    message: str | None
    seconds: float


def render_visit(
    visit_dir: Path,
    scores: ScoresFile,
    renderer: ReportRenderer,
    out: Path,
    heatmap_dir: Path | None = None,
) -> Path:
    """Render the report for one visit; raises NetsurveyError with a one-line message.

    Heatmap images are taken from ``heatmap_dir`` (default: the visit's ``out/``).
    """
    visit = read_visit_files(visit_dir)
    school_id = visit.info.get("school_id")
    entry = scores.entry_for(visit.path, school_id if isinstance(school_id, str) else None)
    view = build_view(entry, scores, visit, heatmap_dir)
    return renderer.render_pdf(view, out)


def _render_chunk(jobs: Sequence[RenderJob], scores_path: Path) -> list[RenderResult]:
    scores = load_scores(scores_path)
    renderers: dict[str, ReportRenderer] = {}
    results = []
    for job in jobs:
        started = time.perf_counter()
        try:
            renderer = renderers.get(job.lang)
            if renderer is None:
                renderer = renderers[job.lang] = ReportRenderer(job.lang)
            render_visit(job.visit_dir, scores, renderer, job.out)
            results.append(RenderResult(job, True, None, time.perf_counter() - started))
        except NetsurveyError as exc:
            results.append(RenderResult(job, False, exc.one_line(), time.perf_counter() - started))
    return results


def default_workers() -> int:
    return max(1, min(os.cpu_count() or 1, 8))


def render_many(
    jobs: Sequence[RenderJob], scores_path: Path, workers: int | None = None
) -> list[RenderResult]:
    """Render every job; failures come back as results, one bad visit never stops the rest."""
    workers = max(1, workers or default_workers())
    if workers == 1 or len(jobs) <= 1:
        return _render_chunk(jobs, scores_path)
    chunks = [list(jobs[i::workers]) for i in range(workers) if jobs[i::workers]]
    results: list[RenderResult] = []
    with ProcessPoolExecutor(max_workers=len(chunks)) as pool:
        for chunk_results in pool.map(_render_chunk, chunks, [scores_path] * len(chunks)):
            results.extend(chunk_results)
    order = {job: i for i, job in enumerate(jobs)}
    return sorted(results, key=lambda r: order[r.job])
