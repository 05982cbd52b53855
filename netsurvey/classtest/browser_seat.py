"""One real browser seat for the lab: headless Chromium, driven by Selenium, opening
the very page pupils open. Run inside a seat namespace (chromedriver and Chromium
start there too). It waits until the page says the test is done; SIGUSR1 reloads
the page (a pupil pressing F5), SIGUSR2 closes the browser (a device dropping out).
Prints one JSON line: the seat's page state at the end.
"""

from __future__ import annotations

import argparse
import json
import shutil
import signal
import sys
import tempfile
import time
from pathlib import Path
from types import FrameType
from typing import Any

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
CHROMIUM_FLAGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
    "--no-first-run", "--no-default-browser-check", "--disable-default-apps",
    "--disable-extensions", "--disable-sync", "--disable-background-networking",
    "--disable-component-update", "--disable-domain-reliability", "--metrics-recording-only",
    "--disable-background-timer-throttling", "--disable-renderer-backgrounding",
    "--disable-backgrounding-occluded-windows", "--disable-features=Translate,MediaRouter,OptimizationHints",
)  # fmt: skip
POLL_S = 0.2


def chromium_paths() -> tuple[str, str] | None:
    """(chromium, chromedriver) when both are installed."""
    browser = shutil.which("chromium") or (CHROMIUM if Path(CHROMIUM).exists() else None)
    driver = shutil.which("chromedriver") or (CHROMEDRIVER if Path(CHROMEDRIVER).exists() else None)
    return (browser, driver) if browser and driver else None


class Signals:
    def __init__(self) -> None:
        self.reload = False
        self.close = False
        signal.signal(signal.SIGUSR1, self._on_reload)
        signal.signal(signal.SIGUSR2, self._on_close)
        signal.signal(signal.SIGTERM, self._on_close)

    def _on_reload(self, signum: int, frame: FrameType | None) -> None:
        self.reload = True

    def _on_close(self, signum: int, frame: FrameType | None) -> None:
        self.close = True


def run(url: str, timeout_s: float) -> dict[str, Any]:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    paths = chromium_paths()
    if paths is None:
        raise SystemExit("chromium and chromedriver are needed (Debian: chromium chromium-driver)")
    signals = Signals()
    profile = tempfile.mkdtemp(prefix="netsurvey-seat-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = paths[0]
    for flag in (*CHROMIUM_FLAGS, f"--user-data-dir={profile}"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(executable_path=paths[1]), options=options)
    outcome: dict[str, Any] = {"closed": False, "reloaded": False}
    try:
        driver.get(url)
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if signals.close:
                outcome["closed"] = True
                break
            if signals.reload:
                signals.reload = False
                outcome["reloaded"] = True
                driver.refresh()
            state = driver.execute_script(
                "return {done: window.classTestDone === true, error: window.classTestError || null,"
                " seat: document.getElementById('seat').textContent,"
                " status: document.getElementById('status').textContent};"
            )
            outcome.update(state)
            if state["done"] or state["error"]:
                break
            time.sleep(POLL_S)
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)
    return outcome


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m netsurvey.classtest.browser_seat")
    parser.add_argument("url")
    parser.add_argument("--timeout-s", type=float, default=300.0)
    args = parser.parse_args(argv)
    outcome = run(args.url, args.timeout_s)
    print(json.dumps(outcome))
    sys.stdout.flush()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
