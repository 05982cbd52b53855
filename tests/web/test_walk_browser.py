"""The issue's end-to-end browser test: open with the token, tap three points on a
demo floor plan in replay mode and watch the heatmap change, skip a room with a
reason, SIGKILL the server mid-walk, restart it and find every saved point."""

from __future__ import annotations

import hashlib
from functools import partial
from pathlib import Path

from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webdriver import WebDriver

from netsurvey.records import read_visit
from netsurvey.wifi.store import load_survey
from tests.web.conftest import DEMO_INVENTORY, DEMO_SCHOOL, FieldServer, start_field
from tests.web.walkpage import (
    element,
    heat_src,
    measure_at,
    open_with_token,
    points_shown,
    tap,
    wait,
    wait_for_row,
)

# Rujiena's floor 1 (40 m x 20 m): rooms 11-14 along the top, 15 and 16 below.
TAPS = [(4.0, 4.0, "11"), (7.5, 6.0, "11"), (16.0, 4.5, "12")]


def heat_digest(server: FieldServer, src: str) -> str:
    path = src.split(server.base, 1)[1]
    status, body = server.request(
        "GET", path, {"Cookie": f"netsurvey_field_{server.port}={server.token}"}
    )
    assert status == 200
    return hashlib.sha256(body).hexdigest()


def heat_changed(driver: WebDriver, before: str) -> bool:
    return heat_src(driver) != before


def test_walk_three_points_skip_kill_restart(
    browser: WebDriver, field_servers: list[FieldServer], replay_dir: Path, tmp_path: Path
) -> None:
    driver = browser
    visits = tmp_path / "visits"
    args = [str(DEMO_INVENTORY), "--school", DEMO_SCHOOL, "--visits", str(visits),
            "--replay", str(replay_dir)]  # fmt: skip
    server = start_field(args, tmp_path)
    field_servers.append(server)

    open_with_token(driver, server.url)
    assert "Rūjienas pamatskola" in driver.find_element(By.CSS_SELECTOR, "header").text
    driver.get(server.base + "/wifi")
    element(driver, "#map img.plan")
    assert points_shown(driver) == 0

    heats = [heat_digest(server, heat_src(driver))]
    for x_m, y_m, room in TAPS:
        src_before = heat_src(driver)
        outcome = measure_at(driver, x_m, y_m)
        assert outcome["room"] == room, outcome  # the room is taken from the tap
        assert outcome["text"].startswith("Saved ✓"), outcome
        wait(driver).until(partial(heat_changed, before=src_before))
        heats.append(heat_digest(server, heat_src(driver)))
    assert points_shown(driver) == 3
    assert len(set(heats)) == 4, "the heatmap must change after every point"

    # Skip a room with a reason.
    skip_room = driver.find_element(By.ID, "skip-room")
    skip_room.find_element(By.CSS_SELECTOR, "option[value='16']").click()
    driver.find_element(By.ID, "skip-reason").send_keys("library locked during exams")
    driver.find_element(By.CSS_SELECTOR, "#skip button[type=submit]").click()
    wait_for_row(driver, "16", "skipped", "library locked during exams")

    # Every point is on disk before the page says "Saved".
    visit_dir = next((visits / DEMO_SCHOOL).iterdir())
    survey = load_survey(visit_dir)
    assert [p.room for p in survey.points] == [room for _, _, room in TAPS]
    assert survey.skipped_rooms == {"16"}
    saved_ids = [p.measurement_id for p in survey.points]

    # Mid-walk: a fourth spot is chosen but not measured when the server dies.
    tap(driver, 25.0, 5.0)
    server.kill()
    restarted = start_field(args, tmp_path)
    field_servers.append(restarted)
    assert restarted.token != server.token

    open_with_token(driver, restarted.url)
    driver.get(restarted.base + "/wifi")
    element(driver, "#map img.plan")
    shown = [
        c.get_attribute("data-point")
        for c in driver.find_elements(By.CSS_SELECTOR, "#overlay circle.point")
    ]
    assert shown == saved_ids
    wait_for_row(driver, "16", "skipped", "library locked during exams")
    wait_for_row(driver, "12", "1/2")
    # The same visit continues: nothing lost, nothing torn, no second visit.
    assert [p.name for p in (visits / DEMO_SCHOOL).iterdir()] == [visit_dir.name]
    assert read_visit(visit_dir).skipped_lines == ()

    # And the walk goes on after the restart.
    outcome = measure_at(driver, 25.0, 5.0)
    assert outcome["room"] == "13" and outcome["text"].startswith("Saved ✓")
    assert len(load_survey(visit_dir).points) == 4


def open_walk(
    driver: WebDriver,
    field_servers: list[FieldServer],
    visits: Path,
    replay_dir: Path,
    tmp_path: Path,
) -> FieldServer:
    """A field server on the demo school in replay mode, its Wi-Fi walk open."""
    server = start_field(
        [str(DEMO_INVENTORY), "--school", DEMO_SCHOOL, "--visits", str(visits),
         "--replay", str(replay_dir)], tmp_path)  # fmt: skip
    field_servers.append(server)
    open_with_token(driver, server.url)
    driver.get(server.base + "/wifi")
    return server


def test_undo_takes_back_the_last_point_with_a_new_record(
    browser: WebDriver, field_servers: list[FieldServer], replay_dir: Path, tmp_path: Path
) -> None:
    driver = browser
    visits = tmp_path / "visits"
    open_walk(driver, field_servers, visits, replay_dir, tmp_path)
    measure_at(driver, 5.0, 5.0)
    tap(driver, 15.0, 5.0)  # the keyboard this time: Enter measures at the chosen spot
    driver.find_element(By.CSS_SELECTOR, "body").send_keys(Keys.ENTER)
    wait(driver).until(lambda d: points_shown(d) == 2)
    visit_dir = next((visits / DEMO_SCHOOL).iterdir())
    lines_before = (visit_dir / "measurements.jsonl").read_bytes()

    driver.find_element(By.CSS_SELECTOR, "body").send_keys("u")  # keyboard shortcut
    wait(driver).until(lambda d: points_shown(d) == 1)

    after = (visit_dir / "measurements.jsonl").read_bytes()
    assert after.startswith(lines_before), "records stay append-only"
    visit = read_visit(visit_dir)
    undo = visit.measurements[-1]
    assert undo.probe == "wifi_point" and undo.details["withdraws"] == visit.measurements[-2].id
    survey = load_survey(visit_dir)
    assert [p.room for p in survey.points] == ["11"]
    # Room 12 is "to do" again, in the checklist and for the scorer's reader.
    wait_for_row(driver, "12", "to do")


def test_room_from_the_tap_can_be_corrected(
    browser: WebDriver, field_servers: list[FieldServer], replay_dir: Path, tmp_path: Path
) -> None:
    """A tap in the corridor doorway of 12 that belongs to 11: the technician fixes it."""
    driver = browser
    visits = tmp_path / "visits"
    open_walk(driver, field_servers, visits, replay_dir, tmp_path)
    tap(driver, 10.5, 9.0)
    room = driver.find_element(By.ID, "room")
    assert room.get_attribute("value") == "12"
    room.find_element(By.CSS_SELECTOR, "option[value='11']").click()
    driver.find_element(By.ID, "measure-button").click()
    wait(driver).until(lambda d: points_shown(d) == 1)
    (point,) = load_survey(next((visits / DEMO_SCHOOL).iterdir())).points
    assert point.room == "11" and abs((point.x_m or 0) - 10.5) < 0.15
