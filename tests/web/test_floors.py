"""Two floors: each has its own plan, overlay and heat layer, and a tap on floor 2
takes its room from floor 2's rooms (over HTTP, as the page's script posts it)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from netsurvey.wifi.store import load_survey
from tests.web.conftest import REPO, FieldServer, start_field
from tests.web.test_phone_tabs_results import session

FIXTURES = REPO / "tests" / "fixtures" / "wifi"


def two_floor_school(tmp_path: Path) -> Path:
    shutil.copy(FIXTURES / "floor1.png", tmp_path / "floor1.png")
    shutil.copy(FIXTURES / "floor1.svg", tmp_path / "floor2.svg")
    text = (FIXTURES / "school.yaml").read_text(encoding="utf-8")
    text = text.replace(
        '      - {id: "1", plan_image: floor1.png, width_m: 30, height_m: 12}',
        '      - {id: "1", plan_image: floor1.png, width_m: 30, height_m: 12}\n'
        '      - {id: "2", plan_image: floor2.svg, width_m: 30, height_m: 12}',
    )
    text = text.replace('{id: "103", floor: "1"', '{id: "103", floor: "2"')
    path = tmp_path / "school.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_each_floor_has_its_plan_and_rooms(
    field_servers: list[FieldServer], tmp_path: Path
) -> None:
    server = start_field(
        [str(two_floor_school(tmp_path)), "--school", "wifi-test", "--visits",
         str(tmp_path / "v"), "--replay", str(FIXTURES / "walk")], tmp_path)  # fmt: skip
    field_servers.append(server)
    headers = session(server)
    status, page = server.request("GET", "/wifi?floor=2", headers)
    assert status == 200 and b'data-floor="2"' in page and b"/wifi/plan/2" in page
    status, plan = server.request("GET", "/wifi/plan/2", headers)
    assert status == 200 and plan.lstrip().startswith(b"<")
    status, answer = server.request("POST", "/wifi/point", headers, b"floor=2&x_m=25&y_m=4&room=")
    assert status == 200, answer
    assert json.loads(answer)["room"] == "103"  # room 103 is the one at (25, 4) on floor 2
    status, parts = server.request("GET", "/wifi/parts?floor=2", headers)
    assert json.loads(parts)["overlay"].count("<circle") == 1
    status, parts = server.request("GET", "/wifi/parts?floor=1", headers)
    assert json.loads(parts)["overlay"].count("<circle") == 0
    for floor in ("1", "2"):
        status, heat = server.request("GET", f"/wifi/heat/{floor}.png?metric=signal", headers)
        assert status == 200 and heat.startswith(b"\x89PNG")
    (point,) = load_survey(next((tmp_path / "v" / "wifi-test").iterdir())).points
    assert (point.room, point.x_m, point.y_m) == ("103", 25.0, 4.0)
