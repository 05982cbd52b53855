"""One visit -> one PDF, and many visits -> many PDFs on a process pool.

Each pool task takes a chunk of jobs and builds its renderers once, so templates and
locales are loaded once per chunk, not once per PDF; no module-level state is needed.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
import os
import signal
import time
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from netsurvey.errors import NetsurveyError
from netsurvey.integrity import open_visit
from netsurvey.report.render import ReportRenderer
from netsurvey.report.scoresfile import ScoresFile, load_scores
from netsurvey.report.viewmodel import build_view
from netsurvey.report.visitfiles import visit_files

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class RenderJob:
    visit_dir: Path
    lang: str
    out: Path
    allow_altered: bool = False


@dataclass(frozen=True)
class RenderResult:
    job: RenderJob
    ok: bool
    message: str | None
    seconds: float
    exit_code: int = 0  # the failure's NetsurveyError exit code (4: evidence altered)


def render_visit(
    visit_dir: Path,
    scores: ScoresFile,
    renderer: ReportRenderer,
    out: Path,
    heatmap_dir: Path | None = None,
    allow_altered: bool = False,
) -> Path:
    """Render the report for one visit; raises NetsurveyError with a one-line message.

    The visit is checked against its manifest first (exit 4 when altered or not sealed,
    unless ``allow_altered``: then every page is stamped). Heatmap images are taken
    from ``heatmap_dir`` (default: the visit's ``out/``).
    """
    checked, integrity = open_visit(visit_dir, allow_altered)
    visit = visit_files(checked)
    entry = scores.entry_for(visit.path, visit.info.school_id)
    view = build_view(entry, scores, visit, heatmap_dir)
    return renderer.render_pdf(view, out, integrity=integrity)


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
            render_visit(job.visit_dir, scores, renderer, job.out, allow_altered=job.allow_altered)
            results.append(RenderResult(job, True, None, time.perf_counter() - started))
        except NetsurveyError as exc:
            elapsed = time.perf_counter() - started
            results.append(RenderResult(job, False, exc.one_line(), elapsed, exc.exit_code))
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
    pool = ProcessPoolExecutor(
        max_workers=len(chunks), initializer=_worker_init, initargs=(os.getpid(),)
    )
    try:
        # Workers are forked while SIGINT and SIGTERM are blocked, so none can run this
        # process's handlers before _worker_init has set its own; a signal that arrives
        # meanwhile waits and is handled right after.
        blocked = signal.pthread_sigmask(signal.SIG_BLOCK, WORKER_SIGNALS)
        try:
            futures = [pool.submit(_render_chunk, chunk, scores_path) for chunk in chunks]
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
        for future in futures:
            results.extend(future.result())
    except BaseException:  # Ctrl-C, or SIGTERM (the CLI makes it a KeyboardInterrupt)
        _stop_workers(pool)
        raise
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
    order = {job: i for i, job in enumerate(jobs)}
    return sorted(results, key=lambda r: order[r.job])


WORKER_SIGNALS = {signal.SIGINT, signal.SIGTERM}


def _worker_init(parent_pid: int) -> None:
    """A worker leaves interrupts to its parent, dies on SIGTERM, and dies with the parent."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    die_with_parent(parent_pid)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, WORKER_SIGNALS)


def _stop_workers(pool: ProcessPoolExecutor) -> None:
    """Stop the workers now instead of letting them finish their chunks."""
    workers = list((pool._processes or {}).values())  # CPython keeps them here
    pool.shutdown(wait=False, cancel_futures=True)
    for worker in workers:
        worker.terminate()
    for worker in workers:
        worker.join(timeout=5)


PR_SET_PDEATHSIG = 1


def die_with_parent(parent_pid: int) -> None:
    """Ask Linux to SIGKILL this process when its parent dies (even by kill -9)."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):  # not Linux: the pool's own clean-up still applies
        return
    if os.getppid() != parent_pid:  # the parent died before prctl took effect
        os._exit(1)
