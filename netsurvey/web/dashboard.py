"""Routes of the survey dashboard: the plan's jobs with their state and reasons,
start/resume and stop, and the event stream every page listens to."""

from __future__ import annotations

import asyncio
from typing import Any

from aiohttp import web

from netsurvey.web.context import FieldContext, context_of


def routes() -> list[web.RouteDef]:
    return [
        web.get("/", page),
        web.get("/survey/parts", parts),
        web.post("/survey/start", start),
        web.post("/survey/stop", stop),
        web.get("/events", events),
    ]


def _values(ctx: FieldContext) -> dict[str, Any]:
    rows = ctx.survey.rows(ctx.visit.read().measurements)
    counts: dict[str, int] = {}
    for row in rows:
        counts[row.state] = counts.get(row.state, 0) + 1
    return {
        "rows": rows,
        "counts": counts,
        "running": ctx.survey.active,
        "left": sum(1 for r in rows if r.state != "ok"),
        "visit_dir": str(ctx.visit.directory),
    }


async def page(request: web.Request) -> web.Response:
    ctx = context_of(request)
    values = await asyncio.to_thread(_values, ctx)
    qr_svg = None
    if ctx.lan_url:
        from netsurvey.web.qr import qr_svg as make_qr

        qr_svg = make_qr(ctx.lan_url)
    from netsurvey.commands.survey import missing_secrets

    return ctx.page(
        "dashboard.html",
        active="survey",
        qr_svg=qr_svg,
        lan_url=ctx.lan_url,
        unset_secrets=missing_secrets(ctx.survey.jobs),
        **values,
    )


async def parts(request: web.Request) -> web.Response:
    ctx = context_of(request)
    values = await asyncio.to_thread(_values, ctx)
    return web.json_response({"jobs": ctx.render("_jobs.html", **values)})


async def start(request: web.Request) -> web.Response:
    ctx = context_of(request)
    if not ctx.survey.start():
        return web.json_response(
            {"ok": False, "error": "a survey run is already going"}, status=409
        )
    return web.json_response({"ok": True, "summary": ["Survey started."]})


async def stop(request: web.Request) -> web.Response:
    ctx = context_of(request)
    await ctx.survey.stop()
    return web.json_response(
        {"ok": True, "summary": ["Survey stopped; finished jobs are saved. Resume any time."]}
    )


async def events(request: web.Request) -> web.StreamResponse:
    return await context_of(request).broker.stream(request)
