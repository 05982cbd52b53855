"""A real class test (loopback, Python seats) in a visit: `netsurvey score` sets it beside
the model for that room, and the report shows "Measured with the class's own devices"."""

from __future__ import annotations

import asyncio
import json
import shutil
import subprocess
import sys
from pathlib import Path

import aiohttp
import pytest

from netsurvey.classtest.client import SeatClient
from netsurvey.classtest.server import ClassTestService
from netsurvey.classtest.session import ClassResult
from netsurvey.classtest.store import write_class_test
from netsurvey.records import VisitWriter
from tests.classtest.test_server_loopback import PLAN, running

pytestmark = pytest.mark.timeout(180)


def class_test_in(visit: Path, room: str, seats: int) -> None:
    writer = VisitWriter.open(visit)
    finished: list[ClassResult] = []

    def record(result: ClassResult) -> None:
        write_class_test(writer, result)
        writer.seal()
        finished.append(result)

    service = ClassTestService(plan_for_room=lambda _: PLAN, record=record)

    async def scenario() -> None:
        async with running(service) as base, aiohttp.ClientSession() as http:
            tech = f"{base}tech/{service.tech_token}/"
            async with http.post(tech + "api/open", json={"room": room}) as response:
                join_url = (await response.json())["join_url"]
            tasks = [asyncio.create_task(SeatClient(join_url).run()) for _ in range(seats)]
            while True:
                async with http.get(tech + "api/state") as response:
                    if len((await response.json())["seats"]) == seats:
                        break
                await asyncio.sleep(0.05)
            async with http.post(tech + "api/start", json={}) as response:
                assert response.status == 200
            await asyncio.gather(*tasks)
            while not finished:
                await asyncio.sleep(0.05)

    asyncio.run(scenario())


def netsurvey(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "netsurvey", *args], capture_output=True,
                          text=True, timeout=120, check=False)  # fmt: skip


def model_beside_measurement(visit_source: Path, room: str, tmp_path: Path) -> None:
    """Run a class test in a copy of ``visit_source``, score it, render both reports."""
    visit = tmp_path / "visits" / visit_source.parent.name / visit_source.name
    shutil.copytree(visit_source, visit)
    class_test_in(visit, room, seats=3)
    scores = tmp_path / "scores.json"
    result = netsurvey("score", str(visit), "--out", str(scores), "--draws", "100")
    assert result.returncode == 0, result.stderr
    (school,) = json.loads(scores.read_text())["schools"]
    (entry,) = school["class_tests"]
    assert entry["room"] == room and entry["measurement_id"].startswith("m-")
    assert entry["measured"]["seats_full"] == 3
    assert entry["measured"]["video_sustained_count"] == 3
    assert entry["modelled"]["scenario_id"] == "S1"
    assert entry["modelled"]["max_pupils"] >= 3 and entry["modelled"]["passes"] is True
    assert entry["predicted_sustained"] == 3 and entry["agreement"] == "agree"
    if shutil.which("pdftotext") is None:
        pytest.skip("needs pdftotext for the report part")
    for lang, title in (("lv", "Izmērīts ar klases pašas ierīcēm"),
                        ("en", "Measured with the class's own devices")):  # fmt: skip
        pdf = tmp_path / f"r.{lang}.pdf"
        rendered = netsurvey("report", str(visit), "--scores", str(scores), "--lang", lang,
                             "--out", str(pdf))  # fmt: skip
        assert rendered.returncode == 0, rendered.stderr
        text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"],
                              capture_output=True, check=True).stdout.decode()  # fmt: skip
        assert title in text and "3/3" in text
