"""The class test as an aiohttp application: seat page, technician page, protocol API.

``create_class_app(service)`` returns an application meant to be mounted at
``/class/`` (the field companion mounts it; ``standalone_app`` does the same for the
lab). Every URL below is relative to that mount point; the pages use relative URLs,
so they work wherever the application is mounted. The protocol is in
docs/class-test.md.

    GET  static/...                        page assets (shipped in the package)
    GET  {token}/                          the seat page pupils open
    POST {token}/api/join                  -> seat number and page-load instance
    GET  {token}/api/state?instance=       waiting / running (+ schedule) / done
    GET  {token}/api/download?instance=    bytes until the download phase ends
    POST {token}/api/upload?instance=      bytes counted here, on the server
    GET  {token}/api/video?instance=       a stream paced at the lesson-video rate
    GET  {token}/api/ping                  a tiny answer, for the RTT under load
    POST {token}/api/video-progress?instance=  received bytes, how far behind -> stop?
    POST {token}/api/result?instance=      the seat's own samples
    GET  tech/{tech_token}/                the technician's page (QR, seats, start)
    GET  tech/{tech_token}/api/state       session, seats, laptop link, result
    POST tech/{tech_token}/api/open        open a class test for a room
    POST tech/{tech_token}/api/start       start the test
    GET  tech/{tech_token}/qr.svg          the join URL as a QR code
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import logging
import os
import secrets
import socket
import struct
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2
import segno
from aiohttp import web

from netsurvey.classtest.laptop import check_laptop_link, laptop_link_json
from netsurvey.classtest.plan import ClassPlan, PhaseName
from netsurvey.classtest.session import ClassResult, ClassSession, ClassTestError, technician_token
from probes.linkinfo import LinkInfo

logger = logging.getLogger(__name__)

PACKAGE_DIR = Path(__file__).resolve().parent
STATIC_DIR = PACKAGE_DIR / "static"
TEMPLATE_DIR = PACKAGE_DIR / "templates"
CHUNK_BYTES = 64 * 1024
PAYLOAD_BYTES = 1 << 20
VIDEO_TICK_S = 0.02
TICK_S = 0.25
ROOM_MAX_CHARS = 40
NO_STORE = {"Cache-Control": "no-store"}
# Connections a client closed under us: not an error of the test.
_GONE = (ConnectionResetError, ConnectionError)

FinishedHook = Callable[[ClassResult], Awaitable[None] | None]


@dataclass
class ClassTestService:
    """What the class-test application serves: one technician, one session at a time.

    ``plan_for_room`` makes the plan for a newly opened room; ``record`` (if given)
    writes a finished result (the field app passes its visit's writer); ``join_base_url``
    is the LAN URL of the mount point as pupils reach it (``http://IP:PORT/class/``);
    without it the technician page uses the address it was opened on.
    """

    plan_for_room: Callable[[str], ClassPlan] = field(default=lambda room: ClassPlan())
    record: FinishedHook | None = None
    join_base_url: str | None = None
    goodput_limit_bps: float | None = None
    tech_token: str = field(default_factory=technician_token)
    session: ClassSession | None = None
    laptop_link: LinkInfo | None = None
    payload: bytes = field(default_factory=lambda: os.urandom(PAYLOAD_BYTES))
    listeners: list[FinishedHook] = field(default_factory=list)
    record_error: str | None = None  # shown on the technician page

    def open(self, room: str, *, token: str | None = None) -> ClassSession:
        room = room.strip()
        if not room or len(room) > ROOM_MAX_CHARS:
            raise ClassTestError(f"room must be 1-{ROOM_MAX_CHARS} characters", status=400)
        if self.session is not None and self.session.state == "running":
            raise ClassTestError(f"the class test in room {self.session.room} is still running")
        self.session = ClassSession(
            room, self.plan_for_room(room), goodput_limit_bps=self.goodput_limit_bps, token=token
        )
        self.laptop_link = None
        self.record_error = None
        return self.session

    def technician_path(self) -> str:
        """The technician page, relative to the mount point (``tech/<token>/``)."""
        return f"tech/{self.tech_token}/"

    def seat_session(self, token: str) -> ClassSession:
        session = self.session
        if session is None or not secrets.compare_digest(token, session.token):
            raise ClassTestError("unknown class test; check the address", status=404)
        return session

    def join_url(self, request: web.Request) -> str | None:
        if self.session is None:
            return None
        base = self.join_base_url or f"{request.scheme}://{request.host}{_mount(request)}"
        return f"{base.rstrip('/')}/{self.session.token}/"

    async def check_laptop(self) -> None:
        """The laptop's link towards the seats that joined (before the start, so the
        technician sees a Wi-Fi or 100 Mbit/s laptop before the class waits on it)."""
        session = self.session
        if session is None or not session.seats:
            return
        remote_ips = [seat.remote_ip for seat in session.seats.values() if seat.remote_ip]
        loop = asyncio.get_running_loop()
        self.laptop_link = await loop.run_in_executor(None, check_laptop_link, remote_ips)
        session.laptop_link = laptop_link_json(self.laptop_link, None)

    async def start(self) -> None:
        session = self.session
        if session is None:
            raise ClassTestError("open a class test first")
        await self.check_laptop()
        session.start(session.laptop_link)

    async def tick(self) -> None:
        session = self.session
        if session is None or not session.due_to_finish():
            return
        result = session.finish()
        if self.laptop_link is not None:
            figures = result.aggregates
            measured = [v for v in (figures.aggregate_download_bps,
                                    figures.aggregate_upload_bps) if v is not None]  # fmt: skip
            session.laptop_link = laptop_link_json(self.laptop_link, max(measured, default=None))
            result = session.result = _with_link(result, session.laptop_link)
        for hook in ([self.record] if self.record else []) + self.listeners:
            try:
                outcome = hook(result)
                if outcome is not None:
                    await outcome
            except Exception as exc:  # a failing hook must not stop the server
                logger.exception("class test: storing the result of room %s failed", result.room)
                self.record_error = (
                    f"the result of room {result.room} was not stored ({exc}); "
                    "note the figures on this page and check the visit folder"
                )


def _with_link(result: ClassResult, link: dict[str, Any]) -> ClassResult:
    from dataclasses import replace

    return replace(result, laptop_link=link)


def _mount(request: web.Request) -> str:
    """The path the class app is mounted at (``/class/``), from a technician URL."""
    path = request.path
    return path[: path.index("/tech/") + 1] if "/tech/" in path else "/class/"


SERVICE_KEY = web.AppKey("classtest_service", ClassTestService)
TEMPLATES_KEY = web.AppKey("classtest_templates", jinja2.Environment)
TICKER_KEY = web.AppKey("classtest_ticker", asyncio.Task[None])


def create_class_app(service: ClassTestService) -> web.Application:
    app = web.Application(middlewares=[_errors])
    app[SERVICE_KEY] = service
    app[TEMPLATES_KEY] = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATE_DIR), autoescape=True
    )
    app.router.add_get("/", _landing)
    app.router.add_static("/static/", STATIC_DIR)
    app.router.add_get("/tech/{tech}/", _tech_page)
    app.router.add_get("/tech/{tech}/api/state", _tech_state)
    app.router.add_post("/tech/{tech}/api/open", _tech_open)
    app.router.add_post("/tech/{tech}/api/start", _tech_start)
    app.router.add_get("/tech/{tech}/qr.svg", _tech_qr)
    app.router.add_get("/{token}", _seat_redirect)
    app.router.add_get("/{token}/", _seat_page)
    app.router.add_post("/{token}/api/join", _join)
    app.router.add_get("/{token}/api/state", _state)
    app.router.add_get("/{token}/api/download", _download)
    app.router.add_post("/{token}/api/upload", _upload)
    app.router.add_get("/{token}/api/video", _video)
    app.router.add_get("/{token}/api/ping", _ping)
    app.router.add_post("/{token}/api/video-progress", _video_progress)
    app.router.add_post("/{token}/api/result", _result)
    app.on_startup.append(_start_ticker)
    app.on_cleanup.append(_stop_ticker)
    return app


def standalone_app(service: ClassTestService) -> web.Application:
    """The class app mounted at ``/class/`` of an otherwise empty application."""
    root = web.Application()
    root.router.add_get("/", _to_class)
    root.add_subapp("/class/", create_class_app(service))
    return root


async def _to_class(request: web.Request) -> web.StreamResponse:
    raise web.HTTPFound("/class/")


# --------------------------------------------------------------------------- plumbing


@web.middleware
async def _errors(
    request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
) -> web.StreamResponse:
    try:
        return await handler(request)
    except ClassTestError as exc:
        return web.json_response({"error": exc.message}, status=exc.status, headers=NO_STORE)


async def _start_ticker(app: web.Application) -> None:
    service = app[SERVICE_KEY]

    async def run() -> None:
        while True:
            await asyncio.sleep(TICK_S)
            await service.tick()

    app[TICKER_KEY] = asyncio.create_task(run())


async def _stop_ticker(app: web.Application) -> None:
    task = app[TICKER_KEY]
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task


def _service(request: web.Request) -> ClassTestService:
    return request.app[SERVICE_KEY]


def _session(request: web.Request) -> ClassSession:
    return _service(request).seat_session(request.match_info["token"])


def _tech(request: web.Request) -> ClassTestService:
    service = _service(request)
    if not secrets.compare_digest(request.match_info["tech"], service.tech_token):
        raise ClassTestError("unknown technician link", status=404)
    return service


def _instance(request: web.Request) -> str:
    value = request.query.get("instance", "")
    if not value:
        raise ClassTestError("instance missing", status=400)
    return value


async def _json_body(request: web.Request) -> dict[str, Any]:
    try:
        data = await request.json()
    except ValueError:
        raise ClassTestError("expected a JSON body", status=400) from None
    if not isinstance(data, dict):
        raise ClassTestError("expected a JSON object", status=400)
    return data


def _render(request: web.Request, name: str, **context: Any) -> web.Response:
    template = request.app[TEMPLATES_KEY].get_template(name)
    return web.Response(
        text=template.render(**context), content_type="text/html", headers=NO_STORE
    )


# --------------------------------------------------------------------------- pages


async def _landing(request: web.Request) -> web.Response:
    """No session token: 401 (as every tokenless request to the field companion), with
    a page that tells a pupil to open the technician's link or QR code."""
    response = _render(request, "landing.html")
    response.set_status(401)
    return response


async def _seat_redirect(request: web.Request) -> web.StreamResponse:
    _session(request)
    raise web.HTTPFound(f"{request.match_info['token']}/")


async def _seat_page(request: web.Request) -> web.Response:
    session = _session(request)
    return _render(request, "seat.html", room=session.room, static="../static/")


async def _tech_page(request: web.Request) -> web.Response:
    _tech(request)
    return _render(request, "technician.html", static="../../static/")


# --------------------------------------------------------------------------- seats


async def _join(request: web.Request) -> web.Response:
    session = _session(request)
    body = await _json_body(request)
    seat, instance = session.join(
        str(body.get("seat_key", "")),
        client=str(body.get("client", "browser")),
        user_agent=body.get("user_agent") or request.headers.get("User-Agent"),
        connection_type=body.get("connection_type"),
        remote_ip=request.remote,
    )
    return web.json_response(
        {"seat": seat.seat, "instance": instance.id, "role": instance.role, "room": session.room},
        headers=NO_STORE,
    )


async def _state(request: web.Request) -> web.Response:
    session = _session(request)
    _, instance = session.lookup(_instance(request))
    answer = session.schedule_for(instance)
    if session.result is not None:
        seat_number = session.lookup(instance.id)[0].seat
        mine = next((s for s in session.result.seats if s.seat == seat_number), None)
        answer["mine"] = mine.to_json() if mine else None
    return web.json_response(answer, headers=NO_STORE)


async def _wait_until(moment_s: float) -> None:
    delay = moment_s - time.monotonic()
    if delay > 0:
        await asyncio.sleep(delay)


async def _stream_response(request: web.Request) -> web.StreamResponse:
    response = web.StreamResponse(
        headers={**NO_STORE, "Content-Type": "application/octet-stream"}
    )
    await response.prepare(request)
    return response


def _window(session: ClassSession, name: PhaseName) -> tuple[float, float]:
    start, end = session.phase_window(name)
    if time.monotonic() >= end:
        raise ClassTestError(f"the {name} phase is over")
    return start, end


def _reset(request: web.Request) -> None:
    """End a load connection at its phase end with a reset: whatever is still queued in
    either kernel is dropped instead of spilling into the next phase."""
    transport = request.transport
    if transport is None or transport.is_closing():
        return
    sock = transport.get_extra_info("socket")
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    transport.abort()


async def _download(request: web.Request) -> web.StreamResponse:
    session = _session(request)
    seat = session.participant(_instance(request))
    payload = _service(request).payload
    start, end = _window(session, "download")
    await _wait_until(start)
    response = await _stream_response(request)
    offset = secrets.randbelow(PAYLOAD_BYTES - CHUNK_BYTES)

    async def send() -> None:
        nonlocal offset
        while True:
            chunk = payload[offset : offset + CHUNK_BYTES]
            await response.write(chunk)
            seat.download_sent_bytes += len(chunk)
            offset = (offset + CHUNK_BYTES) % (PAYLOAD_BYTES - CHUNK_BYTES)

    with contextlib.suppress(*_GONE, TimeoutError):
        await asyncio.wait_for(send(), end - time.monotonic())
    _reset(request)
    return response


async def _upload(request: web.Request) -> web.Response:
    session = _session(request)
    seat = session.participant(_instance(request))
    _, end = _window(session, "upload")

    async def receive() -> None:
        async for chunk in request.content.iter_chunked(CHUNK_BYTES):
            session.add_upload_bytes(seat, len(chunk))

    try:
        await asyncio.wait_for(receive(), end - time.monotonic())
    except TimeoutError:
        _reset(request)
    except (*_GONE, web.HTTPException, OSError):
        pass
    return web.json_response({"ok": True}, headers=NO_STORE)


async def _video(request: web.Request) -> web.StreamResponse:
    """Bytes paced at the video rate: by t seconds into the phase, rate*t/8 bytes are
    due; a seat that cannot keep up receives the backlog as fast as it can."""
    session = _session(request)
    session.participant(_instance(request))
    payload = _service(request).payload
    start, end = _window(session, "video")
    bytes_per_s = session.plan.video_rate_bps / 8.0
    await _wait_until(start)
    response = await _stream_response(request)
    sent = 0

    async def send() -> None:
        nonlocal sent
        while (now := time.monotonic()) < end:
            due = int((now - start) * bytes_per_s)
            while sent < due:
                size = min(CHUNK_BYTES, due - sent)
                offset = sent % (PAYLOAD_BYTES - CHUNK_BYTES)
                await response.write(payload[offset : offset + size])
                sent += size
            await asyncio.sleep(VIDEO_TICK_S)

    with contextlib.suppress(*_GONE, TimeoutError):
        await asyncio.wait_for(send(), end - time.monotonic())
        await response.write_eof()  # the last phase: nothing left to spill into
    return response


async def _ping(request: web.Request) -> web.Response:
    _session(request)
    return web.json_response({}, headers=NO_STORE)


async def _video_progress(request: web.Request) -> web.Response:
    session = _session(request)
    body = await _json_body(request)
    stop = session.video_progress(_instance(request), body)
    return web.json_response({"stop": stop}, headers=NO_STORE)


async def _result(request: web.Request) -> web.Response:
    session = _session(request)
    body = await _json_body(request)
    session.post_result(_instance(request), body)
    return web.json_response({"ok": True}, headers=NO_STORE)


# --------------------------------------------------------------------------- technician


async def _tech_state(request: web.Request) -> web.Response:
    service = _tech(request)
    session = service.session
    if session is None:
        return web.json_response({"state": None}, headers=NO_STORE)
    link = service.laptop_link
    if session.state == "joining" and session.seats and (link is None or link.kind == "unknown"):
        await service.check_laptop()
    seats = [
        {
            "seat": seat.seat,
            "client": seat.client,
            "user_agent": seat.user_agent,
            "connection_type": seat.connection_type,
            "flags": sorted(seat.flags),
            "posted": (inst := seat.participant()) is not None and inst.result is not None,
        }
        for seat in sorted(session.seats.values(), key=lambda s: s.seat)
    ]
    return web.json_response(
        {
            "state": session.state,
            "room": session.room,
            "join_url": service.join_url(request),
            "elapsed_s": session.elapsed_s(),
            "total_s": session.plan.total_s,
            "seats": seats,
            "laptop_link": session.laptop_link,
            "result": session.result.to_json() if session.result else None,
            "record_error": service.record_error,
        },
        headers=NO_STORE,
    )


async def _tech_open(request: web.Request) -> web.Response:
    service = _tech(request)
    body = await _json_body(request)
    session = service.open(str(body.get("room", "")))
    return web.json_response({"room": session.room, "join_url": service.join_url(request)})


async def _tech_start(request: web.Request) -> web.Response:
    service = _tech(request)
    await service.start()
    link = service.session.laptop_link if service.session else None
    return web.json_response({"ok": True, "laptop_link": link}, headers=NO_STORE)


async def _tech_qr(request: web.Request) -> web.Response:
    service = _tech(request)
    url = service.join_url(request)
    if url is None:
        raise ClassTestError("open a class test first")
    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="svg", scale=8, border=2)
    return web.Response(body=buffer.getvalue(), content_type="image/svg+xml", headers=NO_STORE)
