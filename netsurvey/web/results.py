"""Results at a glance: per-room Wi-Fi verdicts, the school's current score and
bottleneck from the same scorer as `netsurvey score`, and what is still missing."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from netsurvey.errors import NetsurveyError
from netsurvey.scoring.profile import DEFAULT_PROFILE
from netsurvey.web.context import FieldContext, context_of
from netsurvey.web.wifi import LIMITS, current_view

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Glance:
    rooms: Sequence[Any]  # wifi RoomResult
    score: Mapping[str, Any] | None  # the scorer's per-school result
    score_error: str | None
    missing: Sequence[str]  # what stands between this visit and a complete assessment
    coverage: Sequence[Mapping[str, Any]] = field(default_factory=tuple)


def score_visit(directory: str, profile_name: str = DEFAULT_PROFILE) -> Mapping[str, Any]:
    """The school's scores.json entry, computed as `netsurvey score VISIT` does (without
    the upgrade advice)."""
    from pathlib import Path

    from netsurvey.scoring.from_visit import features_from_visit
    from netsurvey.scoring.pipeline import score_schools
    from netsurvey.scoring.profile import DEFAULT_DRAWS, DEFAULT_SEED, load_profile

    profile = load_profile(profile_name)
    features = features_from_visit(Path(directory), profile)
    (result,) = score_schools(
        (features,), profile, draws=DEFAULT_DRAWS, seed=DEFAULT_SEED, upgrades=False
    )
    return result


def _missing(ctx: FieldContext, score: Mapping[str, Any] | None) -> list[str]:
    notes: list[str] = []
    view = current_view(ctx)
    to_do = [r.id for r in view.rooms if r.state in ("to do", "started")]
    skipped = [f"{r.id} ({r.skip_reason})" for r in view.rooms if r.state == "skipped"]
    if to_do:
        notes.append(f"Wi-Fi walk: rooms still to measure: {', '.join(to_do)}")
    if skipped:
        notes.append(f"Wi-Fi walk: skipped rooms: {', '.join(skipped)}")
    rows = ctx.survey.rows(ctx.visit.read().measurements)
    not_ok = [r.job_id for r in rows if r.state != "ok"]
    if not_ok:
        notes.append(
            f"Survey: {len(not_ok)} of {len(rows)} job(s) without an ok result "
            f"({', '.join(not_ok[:6])}{', …' if len(not_ok) > 6 else ''})"
        )
    if score is not None:
        overall = score.get("overall") or {}
        blocking = overall.get("missing_dimensions")
        if blocking:
            notes.append(f"Score: no grade until these have enough evidence: {', '.join(blocking)}")
        notes.extend(str(line) for line in score.get("missing") or ())
    return notes


def _coverage(score: Mapping[str, Any] | None) -> list[Mapping[str, Any]]:
    coverage = (score or {}).get("coverage")
    if not isinstance(coverage, Mapping):
        return []
    return [
        {"dimension": name, **entry}
        for name, entry in coverage.items()
        if isinstance(entry, Mapping)
    ]


def glance(ctx: FieldContext) -> Glance:
    from netsurvey.wifi.results import room_results
    from netsurvey.wifi.store import load_survey

    version = ctx.visit.version()
    cached = ctx.cache.get("glance")
    if cached is not None and cached[0] == version:
        found: Glance = cached[1]
        return found
    rooms = room_results(load_survey(ctx.visit.directory), LIMITS)
    score: Mapping[str, Any] | None = None
    error: str | None = None
    try:
        score = score_visit(str(ctx.visit.directory), ctx.config.profile)
    except NetsurveyError as exc:
        error = exc.one_line()
    except Exception as exc:  # a scorer bug must not take the walk's pages down
        log.exception("scoring the visit failed")
        error = f"the scorer failed ({type(exc).__name__}: {exc}); `netsurvey score` shows more"
    result = Glance(rooms, score, error, _missing(ctx, score), _coverage(score))
    ctx.cache["glance"] = (version, result)
    return result


def routes() -> list[web.RouteDef]:
    return [web.get("/results", page), web.get("/results/parts", parts)]


async def page(request: web.Request) -> web.Response:
    ctx = context_of(request)
    result = await asyncio.to_thread(glance, ctx)
    return ctx.page("results.html", active="results", glance=result, profile=ctx.config.profile)


async def parts(request: web.Request) -> web.Response:
    ctx = context_of(request)
    result = await asyncio.to_thread(glance, ctx)
    html = ctx.render("_results.html", glance=result, profile=ctx.config.profile)
    return web.json_response({"results": html})
