"""A browser walk and the terminal walk on the same replayed scans write records of
the same shape, and the scorer gives the same scores either way."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from netsurvey.inventory import load_inventory
from netsurvey.records import Measurement, create_visit, read_visit
from netsurvey.web.results import score_visit
from netsurvey.wifi.points import POINT_PROBE
from tests.jsonread import num
from tests.web.conftest import DEMO_INVENTORY, DEMO_SCHOOL, REPO, FieldServer, start_field
from tests.web.walkpage import measure_at, open_with_token

if TYPE_CHECKING:
    from selenium.webdriver.remote.webdriver import WebDriver

# (x, y, room, the recording the walk's naming picks for that room's n-th point)
WALK = [(5.0, 5.0, "11", "11-1.iw"), (2.0, 7.5, "11", "11-2.iw"), (15.0, 5.0, "12", "12-1.iw"),
        (25.0, 5.0, "13", "13-1.iw"), (10.0, 15.0, "15", "15-1.iw")]  # fmt: skip
VOLATILE = {"id", "started_at", "finished_at", "duration_s"}


def shape(value: Any) -> Any:
    """Keys and types, recursively (lists by their first element)."""
    if isinstance(value, Mapping):
        return {k: shape(v) for k, v in sorted(value.items())}
    if isinstance(value, list):
        return [shape(value[0])] if value else []
    return type(value).__name__


def stable(record: Measurement) -> dict[str, Any]:
    data = {k: v for k, v in record.to_json().items() if k not in VOLATILE}
    data["raw"] = [{**r, "path": r["path"].split("-", 3)[-1]} for r in data["raw"]]
    return data


def terminal_walk(tmp_path: Path, replay: Path, spots: list[tuple[float, float]]) -> Path:
    """`netsurvey wifi point` at the spots the browser saved (a tap lands within a
    pixel of the aimed spot), on the same recordings."""
    inventory = load_inventory(DEMO_INVENTORY)
    school = inventory.school(DEMO_SCHOOL)
    visit = create_visit(
        tmp_path / "terminal", school_id=school.id, school_json=school.to_json(),
        inventory_path=str(DEMO_INVENTORY), inventory_sha256=inventory.sha256, operator=None,
    )  # fmt: skip
    for (x_m, y_m), (_, _, room, recording) in zip(spots, WALK, strict=True):
        result = subprocess.run(
            [sys.executable, "-m", "netsurvey", "wifi", "point", "--visit", str(visit),
             "--room", room, "--x", f"{x_m:g}", "--y", f"{y_m:g}",
             "--replay", str(replay / recording), "--scans", "3", "--interval", "0"],
            capture_output=True, text=True, timeout=60, cwd=REPO,
        )  # fmt: skip
        assert result.returncode == 0, result.stderr
    return visit


def test_browser_and_terminal_walks_agree(
    browser: WebDriver, field_servers: list[FieldServer], replay_dir: Path, tmp_path: Path
) -> None:
    server = start_field(
        [str(DEMO_INVENTORY), "--school", DEMO_SCHOOL, "--visits", str(tmp_path / "web"),
         "--replay", str(replay_dir)], tmp_path)  # fmt: skip
    field_servers.append(server)
    driver = browser
    open_with_token(driver, server.url)
    driver.get(server.base + "/wifi")
    for x_m, y_m, room, _ in WALK:
        outcome = measure_at(driver, x_m, y_m)
        assert outcome["room"] == room and outcome["text"].startswith("Saved ✓")
    web_visit = next((tmp_path / "web" / DEMO_SCHOOL).iterdir())
    web_points = read_visit(web_visit).by_probe(POINT_PROBE)
    spots = [(num(p.details["x_m"]), num(p.details["y_m"])) for p in web_points]
    for (x_m, y_m), (aim_x, aim_y, _, _) in zip(spots, WALK, strict=True):
        assert abs(x_m - aim_x) < 0.15 and abs(y_m - aim_y) < 0.15
    term_visit = terminal_walk(tmp_path, replay_dir, spots)

    term_points = read_visit(term_visit).by_probe(POINT_PROBE)
    assert len(web_points) == len(term_points) == len(WALK)
    for web, term in zip(web_points, term_points, strict=True):
        assert shape(web.to_json()) == shape(term.to_json())
        assert stable(web) == stable(term)  # same values too, bar ids and times
        assert web.details["source"] == term.details["source"]

    web_score, term_score = score_visit(str(web_visit)), score_visit(str(term_visit))
    for key in ("overall", "dimensions", "bottleneck", "missing"):
        assert web_score[key] == term_score[key], key
    assert web_score["dimensions"]["wifi"]["score"] is not None
