"""The field companion under test: a real `netsurvey field` subprocess on a free
port (the url line tells where), and headless Debian chromium driven by Selenium."""

from __future__ import annotations

import http.client
import os
import select
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import pytest

if TYPE_CHECKING:
    from selenium.webdriver.remote.webdriver import WebDriver

REPO = Path(__file__).resolve().parents[2]
DEMO_INVENTORY = REPO / "inventories" / "demo" / "rujiena-ps.yaml"
DEMO_SCHOOL = "rujiena-ps"
CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
URL_TIMEOUT_S = 30.0


@dataclass
class FieldServer:
    argv: list[str]
    process: subprocess.Popen[str]
    url: str  # with the token
    stderr_path: Path
    lines: list[str] = field(default_factory=list)

    @property
    def base(self) -> str:
        parts = urlsplit(self.url)
        return f"{parts.scheme}://{parts.netloc}"

    @property
    def host(self) -> str:
        return str(urlsplit(self.url).hostname)

    @property
    def port(self) -> int:
        return int(urlsplit(self.url).port or 80)

    @property
    def token(self) -> str:
        return self.url.split("?t=", 1)[1]

    def kill(self, sig: int = signal.SIGKILL) -> None:
        if self.process.poll() is None:
            os.kill(self.process.pid, sig)
            self.process.wait(timeout=20)

    def request(
        self, method: str, path: str, headers: dict[str, str] | None = None, body: bytes = b""
    ) -> tuple[int, bytes]:
        """A raw request: the path and Host header go out exactly as given."""
        connection = http.client.HTTPConnection(self.host, self.port, timeout=20)
        try:
            connection.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
            sent = {"Host": f"{self.host}:{self.port}", **(headers or {})}
            for key, value in sent.items():
                connection.putheader(key, value)
            if body:
                connection.putheader("Content-Length", str(len(body)))
            connection.endheaders(body or None)
            response = connection.getresponse()
            return response.status, response.read()
        finally:
            connection.close()


def start_field(args: list[str], tmp_path: Path) -> FieldServer:
    argv = [sys.executable, "-m", "netsurvey", "field", *args, "--port", "0"]
    stderr_path = tmp_path / f"field-{time.monotonic_ns()}.err"
    with stderr_path.open("w") as stderr:
        process = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=stderr, text=True, cwd=REPO)
    assert process.stdout is not None
    deadline = time.monotonic() + URL_TIMEOUT_S
    while time.monotonic() < deadline:
        ready, _, _ = select.select([process.stdout], [], [], 0.5)
        if ready:
            line = process.stdout.readline()
            if line.startswith("url: "):
                return FieldServer(argv, process, line[5:].strip(), stderr_path)
            if not line:
                break
        if process.poll() is not None:
            break
    if process.poll() is None:
        os.kill(process.pid, signal.SIGKILL)
        process.wait()
    raise AssertionError(f"no url line from {argv}: {stderr_path.read_text()}")


@pytest.fixture
def field_servers(tmp_path: Path) -> Iterator[list[FieldServer]]:
    """Servers a test started; each is killed by its PID afterwards."""
    started: list[FieldServer] = []
    yield started
    for server in started:
        server.kill()
        if server.process.stdout is not None:
            server.process.stdout.close()


def demo_replay(folder: Path) -> Path:
    """Recorded scans for the demo school, one ROOM-N.iw per point (the lab's
    simulator, as `make demo` replays them), for `--replay`."""
    from netsurvey.inventory import load_inventory
    from netsurvey.lab.wifi_sim import survey_points

    school = load_inventory(DEMO_INVENTORY).school(DEMO_SCHOOL)
    folder.mkdir(parents=True, exist_ok=True)
    counts: dict[str, int] = {}
    for point in survey_points(school):
        counts[point.room] = counts.get(point.room, 0) + 1
        (folder / f"{point.room}-{counts[point.room]}.iw").write_text(point.scan_text)
    return folder


@pytest.fixture
def replay_dir(tmp_path: Path) -> Path:
    return demo_replay(tmp_path / "replay")


def chromium_missing() -> str | None:
    for path in (CHROMIUM, CHROMEDRIVER):
        if not Path(path).exists() and shutil.which(Path(path).name) is None:
            return f"{path} not installed (make setup installs chromium and chromium-driver)"
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "selenium not installed (pip install -e '.[dev]')"
    return None


def make_browser(width: int, height: int, mobile: bool = False) -> WebDriver:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM if Path(CHROMIUM).exists() else str(shutil.which("chromium"))
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--no-first-run", "--disable-extensions", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-proxy-server",
                 "--disable-features=MediaRouter,OptimizationHints,Translate",
                 "--disable-domain-reliability", "--disable-client-side-phishing-detection",
                 # No name is ever resolved: the tests talk to 127.0.0.1 only.
                 "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
                 f"--window-size={width},{height}"):  # fmt: skip
        options.add_argument(flag)
    if mobile:
        options.add_experimental_option(
            "mobileEmulation",
            {"deviceMetrics": {"width": width, "height": height, "pixelRatio": 2.0, "touch": True}},
        )
    service = Service(CHROMEDRIVER if Path(CHROMEDRIVER).exists() else shutil.which("chromedriver"))
    return webdriver.Chrome(options=options, service=service)


@pytest.fixture
def browser() -> Iterator[WebDriver]:
    reason = chromium_missing()
    if reason:
        pytest.skip(reason)
    driver = make_browser(1280, 900)
    yield driver
    driver.quit()


@pytest.fixture
def phone() -> Iterator[WebDriver]:
    reason = chromium_missing()
    if reason:
        pytest.skip(reason)
    driver = make_browser(390, 844, mobile=True)
    yield driver
    driver.quit()
