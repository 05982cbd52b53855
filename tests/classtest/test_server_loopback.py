"""The class app on 127.0.0.1 with Python seats: the technician's flow over HTTP, the
record it writes, and what the pages load (no root, no namespaces)."""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp import web

from netsurvey.classtest.client import SeatClient
from netsurvey.classtest.plan import ClassPlan
from netsurvey.classtest.server import STATIC_DIR, ClassTestService, standalone_app
from netsurvey.classtest.session import ClassResult
from netsurvey.classtest.store import write_class_test
from netsurvey.records import VisitWriter, create_visit, read_visit

pytestmark = pytest.mark.timeout(90)

PLAN = ClassPlan(download_s=1.5, upload_s=1.5, video_s=2.0, warmup_s=0.3, gap_s=0.2, lead_s=0.8,
                 video_rate_bps=2.5e6, player_buffer_s=1.0, result_grace_s=3.0)  # fmt: skip
# Keys a class_test record may hold about a seat: its number and device facts.
SEAT_KEYS = {
    "seat", "client", "download_bps", "upload_bps", "video_sustained", "rtt_p50_s", "full",
    "flags", "video_max_lag_s", "video_stalled_at_s", "rtt_p90_s", "user_agent",
    "connection_type",
}  # fmt: skip


@asynccontextmanager
async def running(service: ClassTestService) -> AsyncIterator[str]:
    runner = web.AppRunner(standalone_app(service), access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    assert site._server is not None
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[attr-defined]
    try:
        yield f"http://127.0.0.1:{port}/class/"
    finally:
        await runner.cleanup()


def run(coroutine: Callable[[], Awaitable[Any]]) -> Any:
    return asyncio.run(coroutine())  # type: ignore[arg-type]


def test_technician_opens_starts_and_the_record_is_written(tmp_path: Path) -> None:
    visit = create_visit(tmp_path, school_id="s", school_json={"id": "s"}, inventory_path="x",
                         inventory_sha256="", operator=None)  # fmt: skip
    writer = VisitWriter.open(visit)
    finished: list[ClassResult] = []

    def record(result: ClassResult) -> None:
        write_class_test(writer, result)
        finished.append(result)

    service = ClassTestService(plan_for_room=lambda room: PLAN, record=record)

    async def scenario() -> dict[str, Any]:
        async with running(service) as base, aiohttp.ClientSession() as http:
            tech = f"{base}tech/{service.tech_token}/"
            async with http.get(f"{base}tech/wrong-token/api/state") as response:
                assert response.status == 404
            async with http.post(tech + "api/open", json={"room": "207"}) as response:
                opened = await response.json()
            join_url = opened["join_url"]
            assert join_url.startswith(base) and len(join_url.rstrip("/").rsplit("/", 1)[1]) == 8
            async with http.get(tech + "qr.svg") as response:
                assert response.content_type == "image/svg+xml"
                assert b"<svg" in await response.read()
            async with http.post(tech + "api/start", json={}) as response:
                assert response.status == 409  # nobody joined yet
            seats = [SeatClient(join_url) for _ in range(3)]
            tasks = [asyncio.create_task(seat.run()) for seat in seats]
            while True:
                async with http.get(tech + "api/state") as response:
                    state = await response.json()
                if len(state["seats"]) == 3:
                    break
                await asyncio.sleep(0.05)
            async with http.get(tech + "api/state") as response:
                before = await response.json()
            # The laptop's own link is checked before the start (here: loopback).
            assert before["laptop_link"]["kind"] == "loopback"
            assert before["laptop_link"]["may_limit_class"] is False
            async with http.post(tech + "api/start", json={}) as response:
                assert response.status == 200
            mine = await asyncio.gather(*tasks)
            while not finished:
                await asyncio.sleep(0.05)
            async with http.get(tech + "api/state") as response:
                state = await response.json()
            return {"mine": mine, "state": state}

    outcome = run(scenario)
    assert all(item["mine"]["full"] for item in outcome["mine"])
    result = outcome["state"]["result"]
    assert outcome["state"]["state"] == "done"
    assert result["seats_full"] == 3 and result["video_sustained_count"] == 3
    assert result["laptop_link"]["kind"] == "loopback"
    assert result["laptop_link"]["limited_by_laptop"] is False

    stored = read_visit(visit)
    (measurement,) = stored.by_probe("class_test")
    assert measurement.status == "ok"
    assert measurement.metrics["seats_full"] == 3
    assert measurement.target == {"room": "207"}
    (raw,) = measurement.raw
    raw_samples = json.loads((visit / raw.path).read_text())
    assert len(raw_samples["seats"]) == 3
    assert all(s["upload_bins_server"] and s["client_result"]["download_bins"]
               for s in raw_samples["seats"])  # fmt: skip
    # Nothing about pupils beyond seat numbers: no addresses, no names, no keys.
    for seat in measurement.details["seats"]:  # type: ignore[union-attr]
        assert set(seat) <= SEAT_KEYS
    line = (visit / "measurements.jsonl").read_text() + (visit / raw.path).read_text()
    assert "127.0.0.1" not in line.replace('"source_ip": "127.0.0.1"', "")
    assert not any(seat.seat_key in line for seat in service.session.seats.values())  # type: ignore[union-attr]


def test_pages_load_only_from_netsurvey(tmp_path: Path) -> None:
    """Offline and private: the seat page, technician page and their assets name no
    other host (the only absolute URLs are the SVG namespace and the join URL)."""
    service = ClassTestService(plan_for_room=lambda room: PLAN)

    async def scenario() -> dict[str, str]:
        async with running(service) as base, aiohttp.ClientSession() as http:
            session = service.open("207")
            pages = {}
            for name, url in (
                ("seat", f"{base}{session.token}/"),
                ("technician", f"{base}tech/{service.tech_token}/"),
                ("landing", base),
                ("qr", f"{base}tech/{service.tech_token}/qr.svg"),
            ):
                async with http.get(url) as response:
                    assert response.status == (401 if name == "landing" else 200), name
                    pages[name] = await response.text()
            for asset in sorted(STATIC_DIR.iterdir()):
                async with http.get(f"{base}static/{asset.name}") as response:
                    assert response.status == 200
                    pages[asset.name] = await response.text()
            pages["join_url"] = f"{base}{session.token}/"
            return pages

    pages = run(scenario)
    join_url = pages.pop("join_url")
    assert {"seat.js", "technician.js", "style.css"} <= set(pages)
    for name, text in pages.items():
        text = text.replace("http://www.w3.org/2000/svg", "").replace(join_url, "")
        assert not re.search(r"(https?:)?//[a-z0-9.-]+\.[a-z]{2,}", text, re.I), name
        assert "@import" not in text and "url(" not in text, name
    assert 'src="../static/seat.js"' in pages["seat"]
    assert "fetch(\"api/" in pages["seat.js"]


def test_unknown_token_and_late_requests(tmp_path: Path) -> None:
    service = ClassTestService(plan_for_room=lambda room: PLAN)

    async def scenario() -> list[int]:
        async with running(service) as base, aiohttp.ClientSession() as http:
            session = service.open("207")
            codes = []
            async with http.get(f"{base}abcdefgh/") as response:
                codes.append(response.status)
            async with http.post(f"{base}{session.token}/api/join", data="not json") as response:
                codes.append(response.status)
            async with http.post(f"{base}{session.token}/api/join",
                                 json={"seat_key": "seat-key-aaaa"}) as response:  # fmt: skip
                instance = (await response.json())["instance"]
            async with http.get(f"{base}{session.token}/api/download",
                                params={"instance": instance}) as response:  # fmt: skip
                codes.append(response.status)  # not started: no load
            return codes

    assert run(scenario) == [404, 400, 409]


def test_a_record_that_cannot_be_stored_is_shown_to_the_technician() -> None:
    def record(result: ClassResult) -> None:
        raise OSError("disk full")

    service = ClassTestService(plan_for_room=lambda room: PLAN, record=record)

    async def scenario() -> dict[str, Any]:
        async with running(service) as base, aiohttp.ClientSession() as http:
            session = service.open("207")
            seat = asyncio.create_task(SeatClient(f"{base}{session.token}/").run())
            while not session.seats:
                await asyncio.sleep(0.05)
            await service.start()
            await seat
            tech = f"{base}tech/{service.tech_token}/api/state"
            while True:
                async with http.get(tech) as response:
                    state: dict[str, Any] = await response.json()
                if state["state"] == "done":
                    return state
                await asyncio.sleep(0.05)

    state = run(scenario)
    assert "was not stored (disk full)" in state["record_error"]
    assert state["result"]["seats_full"] == 1


def test_mounted_for_a_visit_under_another_app(tmp_path: Path) -> None:
    """The field companion's way: a sub-app at /class/ of a parent app, writing into the
    visit (record appended, manifest resealed)."""
    from netsurvey.classtest.mount import class_test_for_visit

    visit = create_visit(tmp_path, school_id="s", school_json={"id": "s"}, inventory_path="x",
                         inventory_sha256="", operator=None)  # fmt: skip
    service, subapp = class_test_for_visit(visit, join_base_url=None, video_rate_bps=2.5e6)
    assert service.technician_path().startswith("tech/")
    service.plan_for_room = lambda room: PLAN

    async def scenario() -> None:
        parent = web.Application()
        parent.add_subapp("/class/", subapp)
        runner = web.AppRunner(parent, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        try:
            session = service.open("207")
            seat = asyncio.create_task(
                SeatClient(f"http://127.0.0.1:{port}/class/{session.token}/").run()
            )
            while not session.seats:
                await asyncio.sleep(0.05)
            await service.start()
            await seat
            while not sealed(visit):  # the record is appended, then the visit resealed
                await asyncio.sleep(0.05)
        finally:
            await runner.cleanup()

    run(scenario)
    assert read_visit(visit).by_probe("class_test")[0].status == "ok"


def sealed(visit: Path) -> bool:
    from netsurvey.records import read_manifest

    manifest = read_manifest(visit)
    return manifest is not None and any(name.startswith("raw/") for name in manifest["files"])
