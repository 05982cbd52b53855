"""Routes of the Wi-Fi walk: the page, its live parts, tap-to-measure, undo, skip,
the floor plan image and the heat layer."""

from __future__ import annotations

import asyncio
import dataclasses
import math
from typing import Any

from aiohttp import web

from netsurvey.errors import NetsurveyError
from netsurvey.web.context import FieldContext, context_of
from netsurvey.web.wifi_view import HEAT_METRICS, WalkView, heat_png, room_at, walk_view
from netsurvey.wifi.collect import (
    IperfPlan,
    PointRequest,
    record_point,
    skipped_room,
    take_point,
    withdrawn_point,
)
from netsurvey.wifi.sources import (
    LiveSource,
    PointSource,
    ReplayScript,
    ReplaySource,
    replay_file,
)
from netsurvey.wifi.store import VisitSurvey, load_survey
from netsurvey.wifi.summary import point_summary
from netsurvey.wifi.thresholds import WifiThresholds

LIMITS = WifiThresholds()
PLAN_POLICY = "default-src 'none'; img-src data:; style-src 'unsafe-inline'; sandbox"
MAX_REASON_CHARS = 300
PLAN_MEDIA = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg",
              ".gif": "image/gif", ".webp": "image/webp", ".svg": "image/svg+xml"}  # fmt: skip


def routes() -> list[web.RouteDef]:
    return [
        web.get("/wifi", page),
        web.get("/wifi/parts", parts),
        web.get("/wifi/plan/{floor}", plan_image),
        web.get("/wifi/heat/{floor}.png", heat_image),
        web.post("/wifi/point", measure),
        web.post("/wifi/undo", undo),
        web.post("/wifi/skip", skip),
    ]


def _fail(status: int, message: str) -> web.Response:
    return web.json_response({"ok": False, "error": message}, status=status)


async def _form(request: web.Request) -> dict[str, str]:
    if request.content_type == "application/json":
        data = await request.json()
        return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}
    return {k: v for k, v in (await request.post()).items() if isinstance(v, str)}


def _survey(ctx: FieldContext) -> VisitSurvey:
    return load_survey(ctx.visit.directory)


def current_view(ctx: FieldContext) -> WalkView:
    """Derived from the records; recomputed only when a record was appended."""
    version = ctx.visit.version()
    cached = ctx.cache.get("walk")
    if cached is not None and cached[0] == version:
        view: WalkView = cached[1]
        return view
    view = walk_view(
        _survey(ctx), ctx.visit.read().measurements, LIMITS, ctx.config.points_per_room
    )
    ctx.cache["walk"] = (version, view)
    return view


def _values(ctx: FieldContext, floor_id: str | None) -> dict[str, Any]:
    view = current_view(ctx)
    floor = view.floor(floor_id)
    last = view.last_point
    return {
        "view": view,
        "floor": floor,
        "version": ctx.visit.version(),
        "last": last,
        "last_lines": point_summary(last, ctx.visit.school.wifi.ssids) if last else [],
        "metrics": HEAT_METRICS,
        "replay": ctx.config.replay,
        "scans": ctx.config.scans,
        "iperf_host": ctx.visit.school.test_servers.iperf3,
        "unavailable": ctx.wifi_unavailable,
        "rooms_json": [dataclasses.asdict(r) for r in floor.rooms] if floor else [],
    }


async def page(request: web.Request) -> web.Response:
    ctx = context_of(request)
    values = await asyncio.to_thread(_values, ctx, request.query.get("floor"))
    return ctx.page("wifi.html", active="wifi", **values)


async def parts(request: web.Request) -> web.Response:
    """The parts of the page that change after a point: overlay, checklist, last point."""
    ctx = context_of(request)
    values = await asyncio.to_thread(_values, ctx, request.query.get("floor"))
    return web.json_response(
        {
            "version": values["version"],
            "overlay": ctx.render("_overlay.svg", **values),
            "checklist": ctx.render("_checklist.html", **values),
            "last": ctx.render("_last_point.html", **values),
            "points": values["view"].points_count,
        }
    )


async def plan_image(request: web.Request) -> web.StreamResponse:
    """Only the plan files the visit's school names, looked up by floor id: a request
    can never choose a path."""
    ctx = context_of(request)
    floor_id = request.match_info["floor"]
    spec = next((f for f in ctx.visit.school.floors if f.id == floor_id), None)
    if spec is None or not spec.plan_image:
        raise web.HTTPNotFound(text="no floor plan for this floor\n")
    from pathlib import Path

    path = Path(spec.plan_image)
    media = PLAN_MEDIA.get(path.suffix.lower())
    if media is None or not path.is_file():
        raise web.HTTPNotFound(text="floor plan file missing or not an image\n")
    # An SVG plan opened on its own must not run anything in this origin.
    headers = {"Content-Type": media, "Content-Security-Policy": PLAN_POLICY}
    return web.FileResponse(path, headers=headers)


async def heat_image(request: web.Request) -> web.Response:
    ctx = context_of(request)
    metric = request.query.get("metric", "signal")
    if metric not in HEAT_METRICS:
        raise web.HTTPBadRequest(text=f"metric must be one of {', '.join(HEAT_METRICS)}\n")
    floor_id = request.match_info["floor"]
    key = f"heat:{floor_id}:{metric}"
    version = ctx.visit.version()
    cached = ctx.cache.get(key)
    if cached is not None and cached[0] == version:
        data: bytes = cached[1]
    else:
        data = await asyncio.to_thread(heat_png, _survey(ctx), floor_id, metric, LIMITS)
        ctx.cache[key] = (version, data)
    if not data:
        raise web.HTTPNotFound(text="no such floor\n")
    return web.Response(body=data, content_type="image/png")


def _number(text: str | None, name: str) -> float:
    try:
        value = float((text or "").replace(",", "."))
    except ValueError:
        raise ValueError(f"{name} must be a number of metres") from None
    if not math.isfinite(value):
        raise ValueError(f"{name} must be a number of metres")
    return value


def _source(ctx: FieldContext, room: str, number: int) -> PointSource:
    if ctx.config.replay is not None:
        return ReplaySource(ReplayScript.load(replay_file(ctx.config.replay, room, number)))
    params = {"interface": ctx.config.interface} if ctx.config.interface else {}
    return LiveSource(params)


def _iperf(ctx: FieldContext, survey: VisitSurvey) -> IperfPlan:
    school = survey.school
    if not school.iperf3_host:
        raise ValueError("no iperf3 server: set test_servers.iperf3 in the inventory")
    if not school.scope.allows(school.iperf3_host):
        raise ValueError(f"iperf3 server {school.iperf3_host} is outside the school's scope")
    return IperfPlan(
        host=school.iperf3_host,
        port=school.iperf3_port,
        scope=school.scope,
        seconds=ctx.config.iperf_seconds,
    )


async def measure(request: web.Request) -> web.Response:
    """Tap-to-measure: scans (and iperf3 when asked) at the tapped spot, saved as the
    same ``wifi_point`` record as `netsurvey wifi point`; answers after the fsync."""
    ctx = context_of(request)
    if ctx.wifi_unavailable:
        return _fail(409, ctx.wifi_unavailable)
    form = await _form(request)
    try:
        x_m = _number(form.get("x_m"), "x_m")
        y_m = _number(form.get("y_m"), "y_m")
    except ValueError as exc:
        return _fail(400, str(exc))
    view = current_view(ctx)
    floor = view.floor(form.get("floor"))
    if floor is not None and not (
        -1 <= x_m <= floor.width_m + 1 and -1 <= y_m <= floor.height_m + 1
    ):
        return _fail(400, f"({x_m:g}, {y_m:g}) m is outside floor {floor.id}")
    room_id = (form.get("room") or "").strip()
    if not room_id:
        tapped = room_at(floor.rooms if floor else view.rooms, x_m, y_m)
        room_id = tapped.id if tapped else ""
    async with ctx.visit.lock:  # one adapter: one point at a time, whichever tab asks
        survey = _survey(ctx)
        if survey.school.room(room_id) is None:
            return _fail(400, f"room {room_id!r} is not a room of this school")
        wants_iperf = form.get("iperf") in ("1", "on", "true")
        if wants_iperf and ctx.survey.active:
            return _fail(
                409,
                "the survey is running: an iperf3 test now would compete with its own tests "
                "(measure without iperf3, or wait until it finishes)",
            )
        try:
            iperf = _iperf(ctx, survey) if wants_iperf else None
            source = _source(ctx, room_id, len(survey.points_in(room_id)) + 1)
        except (ValueError, NetsurveyError) as exc:
            text = exc.one_line() if isinstance(exc, NetsurveyError) else str(exc)
            return _fail(422, text)
        request_ = PointRequest(
            room=room_id,
            x_m=round(x_m, 2),
            y_m=round(y_m, 2),
            scans=ctx.config.scans,
            scan_interval_s=0.0 if ctx.config.replay else ctx.config.scan_interval_s,
            iperf=iperf,
        )
        measurement, artifacts = await take_point(source, request_)
        saved = record_point(ctx.visit.writer, measurement, artifacts)  # fsynced here
    await ctx.visit.seal_async()
    ctx.broker.publish("visit", {"version": ctx.visit.version()})
    return web.json_response(
        {
            "ok": saved.status == "ok",
            "saved": True,
            "id": saved.id,
            "room": room_id,
            "status": saved.status,
            "summary": point_summary(saved, survey.school.ssids),
        }
    )


async def undo(request: web.Request) -> web.Response:
    """Take back the last point with a new record (the file stays append-only)."""
    ctx = context_of(request)
    form = await _form(request)
    wanted = form.get("point_id", "")
    async with ctx.visit.lock:
        survey = _survey(ctx)
        last = survey.points[-1] if survey.points else None
        if last is None:
            return _fail(409, "there is no point to undo")
        if wanted != last.measurement_id:
            return _fail(
                409, "the last point changed meanwhile (another tab?); the page now shows it"
            )
        record = withdrawn_point(last.measurement_id, last.room)
        ctx.visit.append_locked(record)
    await ctx.visit.seal_async()
    ctx.broker.publish("visit", {"version": ctx.visit.version()})
    return web.json_response(
        {
            "ok": True,
            "saved": True,
            "id": record.id,
            "undone": last.measurement_id,
            "summary": [f"Point in {last.room} undone (a new record replaces it)."],
        }
    )


async def skip(request: web.Request) -> web.Response:
    ctx = context_of(request)
    form = await _form(request)
    room = (form.get("room") or "").strip()
    reason = " ".join((form.get("reason") or "").split())[:MAX_REASON_CHARS]
    if ctx.visit.school and room not in {r.id for r in ctx.visit.school.rooms}:
        return _fail(400, f"room {room!r} is not a room of this school")
    if not reason:
        return _fail(400, "say why the room is skipped (locked, exam, no access...)")
    await ctx.visit.append(skipped_room(room, reason))
    await ctx.visit.seal_async()
    ctx.broker.publish("visit", {"version": ctx.visit.version()})
    return web.json_response(
        {"ok": True, "saved": True, "summary": [f"Room {room} skipped: {reason}"]}
    )
