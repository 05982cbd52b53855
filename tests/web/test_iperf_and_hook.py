"""A point with iperf3 when asked (a real iperf3 server on loopback, recorded scans
of the Wi-Fi test floor), and the hook that mounts a sub-application (the class test)
behind the same token and Host checks."""

from __future__ import annotations

import asyncio
import http.client
import shutil
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from aiohttp import web
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver

from netsurvey.lab.iperf3_server import Iperf3Server
from netsurvey.records import read_visit
from netsurvey.web.app import CLASS_TEST_PREFIX, create_app, mount_subapp
from netsurvey.web.config import FieldConfig
from netsurvey.web.context import CONTEXT
from tests.conftest import requires_tool
from tests.jsonread import num, obj
from tests.web.conftest import REPO, FieldServer, start_field
from tests.web.walkpage import measure_at, open_with_token

WIFI_FIXTURES = REPO / "tests" / "fixtures" / "wifi"


@pytest.fixture
def iperf3_server() -> Iterator[Iperf3Server]:
    with Iperf3Server(bind="127.0.0.1") as server:
        yield server


def wifi_school(tmp_path: Path, iperf3_port: int) -> Path:
    """The Wi-Fi test school, with its iperf3 server on the port the test got."""
    shutil.copy(WIFI_FIXTURES / "floor1.png", tmp_path / "floor1.png")
    text = (WIFI_FIXTURES / "school.yaml").read_text(encoding="utf-8")
    text = text.replace(
        "test_servers: {iperf3: 127.0.0.1}",
        f"test_servers: {{iperf3: 127.0.0.1, iperf3_port: {iperf3_port}}}",
    )
    path = tmp_path / "school.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@requires_tool("iperf3")
def test_point_with_iperf3(
    browser: WebDriver, field_servers: list[FieldServer], iperf3_server: Iperf3Server,
    tmp_path: Path,
) -> None:  # fmt: skip
    inventory = wifi_school(tmp_path, iperf3_server.port)
    server = start_field(
        [str(inventory), "--school", "wifi-test", "--visits", str(tmp_path / "v"),
         "--replay", str(WIFI_FIXTURES / "walk"), "--iperf-seconds", "1"], tmp_path)  # fmt: skip
    field_servers.append(server)
    driver = browser
    open_with_token(driver, server.url)
    driver.get(server.base + "/wifi")
    driver.find_element(By.CSS_SELECTOR, "input[name=iperf]").click()
    outcome = measure_at(driver, 5.0, 4.0)
    assert outcome["room"] == "101" and outcome["text"].startswith("Saved ✓"), outcome
    (point,) = read_visit(next((tmp_path / "v" / "wifi-test").iterdir())).by_probe("wifi_point")
    iperf = obj(point.details["iperf"])
    assert iperf["valid"] is True and num(iperf["throughput_bps"]) > 0
    assert iperf["server"] == f"127.0.0.1:{iperf3_server.port}"
    assert point.metrics["iperf_throughput_bps"] == iperf["throughput_bps"]


def test_class_test_hook_mounts_behind_the_same_checks(tmp_path: Path) -> None:
    config = FieldConfig(
        inventory=WIFI_FIXTURES / "school.yaml", school_id="wifi-test", visits=tmp_path / "v"
    )

    async def scenario() -> list[tuple[int, str]]:
        async def hello(request: web.Request) -> web.Response:
            return web.Response(
                text=f"class test at {request.config_dict[CONTEXT].visit.school.id}"
            )

        results: list[tuple[int, str]] = []
        runner: web.AppRunner | None = None
        try:
            sock = socket.socket()  # bound first to learn the port, as `netsurvey field` does
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
            app = create_app(config, allowed_hosts={f"127.0.0.1:{port}"}, port=port)
            sub = web.Application()
            sub.router.add_get("/", hello)
            mount_subapp(app, CLASS_TEST_PREFIX, sub)
            seats = web.Application()  # pupils' devices: their own tokens, not the field's
            seats.router.add_get("/", hello)
            mount_subapp(app, "/seats/", seats, own_auth=True)
            runner = web.AppRunner(app)
            await runner.setup()
            sock.listen(8)
            await web.SockSite(runner, sock).start()

            def get(headers: dict[str, str], path: str = CLASS_TEST_PREFIX) -> tuple[int, str]:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
                connection.request("GET", path, headers=headers)
                response = connection.getresponse()
                answer = (response.status, response.read().decode())
                connection.close()
                return answer

            cookie = {"Cookie": f"netsurvey_field_{port}={config.token}"}
            for headers in ({}, cookie, {**cookie, "Host": "evil.example"}):
                results.append(await asyncio.to_thread(get, headers))
            results.append(await asyncio.to_thread(get, {}, "/seats/"))
            results.append(await asyncio.to_thread(get, {"Host": "evil.example"}, "/seats/"))
        finally:
            if runner is not None:
                await runner.cleanup()
        return results

    without, with_cookie, foreign, seat, seat_foreign = asyncio.run(scenario())
    assert without[0] == 401
    assert with_cookie == (200, "class test at wifi-test")
    assert foreign[0] == 421
    assert seat == (200, "class test at wifi-test")  # own_auth: no field token needed
    assert seat_foreign[0] == 421  # but the Host check stays
