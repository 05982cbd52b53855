"""Regenerate the README's screenshots of the field companion (docs/img/field-*.png):
the demo school in replay mode, a dozen points, one skipped room, headless chromium.

    .venv/bin/python tests/web/screenshot.py
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from selenium.webdriver.common.by import By  # noqa: E402

from tests.web.conftest import (  # noqa: E402
    DEMO_INVENTORY,
    DEMO_SCHOOL,
    demo_replay,
    make_browser,
    start_field,
)
from tests.web.walkpage import element, measure_at, open_with_token, tap  # noqa: E402

IMG = REPO / "docs" / "img"
SPOTS = [(5, 5), (2, 7.5), (8, 2.5), (15, 5), (12, 7.5), (25, 5), (22, 7.5), (28, 2.5),
         (35, 5), (38, 8), (10, 15), (16, 13), (4, 17)]  # fmt: skip


def main() -> None:
    with tempfile.TemporaryDirectory() as scratch:
        tmp = Path(scratch)
        server = start_field(
            [str(DEMO_INVENTORY), "--school", DEMO_SCHOOL, "--visits", str(tmp / "visits"),
             "--replay", str(demo_replay(tmp / "replay"))], tmp)  # fmt: skip
        try:
            laptop: Any = make_browser(1400, 1000)
            open_with_token(laptop, server.url)
            laptop.get(server.base + "/wifi")
            element(laptop, "#map img.plan")
            for x_m, y_m in SPOTS:
                measure_at(laptop, x_m, y_m)
            laptop.find_element(By.CSS_SELECTOR, "#skip-room option[value='16']").click()
            laptop.find_element(By.ID, "skip-reason").send_keys("library locked during exams")
            laptop.find_element(By.CSS_SELECTOR, "#skip button[type=submit]").click()
            time.sleep(1.0)
            tap(laptop, 31.5, 12.5)  # the next spot, chosen but not yet measured
            time.sleep(6.5)  # let the "saved" toast fade
            laptop.save_screenshot(str(IMG / "field-walk.png"))
            laptop.get(server.base + "/results")
            element(laptop, "#room-verdicts")
            laptop.save_screenshot(str(IMG / "field-results.png"))
            laptop.quit()
            phone: Any = make_browser(390, 844, mobile=True)
            open_with_token(phone, server.url)
            phone.get(server.base + "/wifi")
            element(phone, "#map img.plan")
            time.sleep(0.5)
            phone.save_screenshot(str(IMG / "field-phone.png"))
            phone.quit()
        finally:
            server.kill()
    for name in ("field-walk.png", "field-results.png", "field-phone.png"):
        print(IMG / name)


if __name__ == "__main__":
    main()
