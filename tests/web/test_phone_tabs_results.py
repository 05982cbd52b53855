"""A phone-sized screen, two tabs at once, and the results at a glance."""

from __future__ import annotations

import json
import threading
from pathlib import Path

from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver

from netsurvey.records import read_visit
from netsurvey.wifi.store import load_survey
from tests.web.conftest import DEMO_INVENTORY, DEMO_SCHOOL, FieldServer, start_field
from tests.web.walkpage import element, measure_at, open_with_token, points_shown, wait

FORM = {"Content-Type": "application/x-www-form-urlencoded"}


def start_demo(field_servers: list[FieldServer], replay: Path, tmp_path: Path) -> FieldServer:
    server = start_field(
        [str(DEMO_INVENTORY), "--school", DEMO_SCHOOL, "--visits", str(tmp_path / "v"),
         "--replay", str(replay)], tmp_path)  # fmt: skip
    field_servers.append(server)
    return server


def session(server: FieldServer) -> dict[str, str]:
    status, body = server.request(
        "GET", "/", {"Cookie": f"netsurvey_field_{server.port}={server.token}"}
    )
    assert status == 200
    text = body.decode()
    start = text.index('name="csrf" content="') + len('name="csrf" content="')
    return {
        "Cookie": f"netsurvey_field_{server.port}={server.token}",
        "X-CSRF-Token": text[start : text.index('"', start)],
        **FORM,
    }


def test_phone_sized_walk(phone: WebDriver, field_servers: list[FieldServer], replay_dir: Path,
                          tmp_path: Path) -> None:  # fmt: skip
    server = start_demo(field_servers, replay_dir, tmp_path)
    driver = phone
    open_with_token(driver, server.url)
    driver.get(server.base + "/wifi")
    element(driver, "#map img.plan")
    width = driver.execute_script("return window.innerWidth")
    assert width <= 420
    overflow = driver.execute_script(
        "return document.documentElement.scrollWidth - window.innerWidth"
    )
    assert overflow <= 0, "nothing may stick out sideways on a phone"
    plan = driver.find_element(By.ID, "map")
    assert plan.size["width"] >= 0.9 * width  # the plan takes the screen's width
    for selector in ("#measure-button", "#skip button", "header nav a"):
        for target in driver.find_elements(By.CSS_SELECTOR, selector):
            assert target.size["height"] >= 40, selector  # thumb-sized targets
    nav = driver.find_elements(By.CSS_SELECTOR, "header nav a")
    assert len({a.location["y"] for a in nav}) == 1, "the four pages fit on one row"
    outcome = measure_at(driver, 15.0, 5.0)
    assert outcome["room"] == "12" and outcome["text"].startswith("Saved ✓")
    assert len(load_survey(next((tmp_path / "v" / DEMO_SCHOOL).iterdir())).points) == 1


def test_two_tabs_at_once(browser: WebDriver, field_servers: list[FieldServer], replay_dir: Path,
                          tmp_path: Path) -> None:  # fmt: skip
    server = start_demo(field_servers, replay_dir, tmp_path)
    driver = browser
    open_with_token(driver, server.url)
    driver.get(server.base + "/wifi")
    element(driver, "#map img.plan")
    headers = session(server)

    answers: list[tuple[int, bytes]] = []

    def post(path: str, body: str) -> None:
        answers.append(server.request("POST", path, headers, body.encode()))

    jobs = [("/wifi/point", f"floor=1&x_m={x}&y_m=5&room=") for x in (4, 6, 14, 16, 24, 34)]
    jobs += [("/wifi/skip", "room=16&reason=exam"), ("/power/room_done", "room=15")]
    threads = [threading.Thread(target=post, args=job) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert [status for status, _ in answers] == [200] * len(jobs)

    # The open tab follows (server-sent events) without a reload.
    wait(driver).until(lambda d: points_shown(d) == 6)
    visit_dir = next((tmp_path / "v" / DEMO_SCHOOL).iterdir())
    visit = read_visit(visit_dir)
    assert visit.skipped_lines == ()
    lines = (visit_dir / "measurements.jsonl").read_bytes().splitlines()
    assert len(lines) == len(jobs) and all(json.loads(line) for line in lines)
    survey = load_survey(visit_dir)
    assert sorted(p.room for p in survey.points) == ["11", "11", "12", "12", "13", "14"]

    # Both tabs press Undo on the same last point: one undo, one polite refusal.
    last = survey.points[-1].measurement_id
    answers.clear()
    threads = [threading.Thread(target=post, args=("/wifi/undo", f"point_id={last}"))
               for _ in range(2)]  # fmt: skip
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sorted(status for status, _ in answers) == [200, 409]
    assert len(load_survey(visit_dir).points) == 5
    wait(driver).until(lambda d: points_shown(d) == 5)


def test_results_at_a_glance(browser: WebDriver, field_servers: list[FieldServer],
                             replay_dir: Path, tmp_path: Path) -> None:  # fmt: skip
    server = start_demo(field_servers, replay_dir, tmp_path)
    driver = browser
    open_with_token(driver, server.url)
    driver.get(server.base + "/wifi")
    measure_at(driver, 5.0, 5.0)
    measure_at(driver, 25.0, 5.0)
    driver.get(server.base + "/results")

    def verdicts_now(d: WebDriver) -> dict[str, str]:
        rows = d.find_elements(By.CSS_SELECTOR, "#room-verdicts tbody tr")
        return {str(r.get_attribute("data-room")): r.find_element(By.CSS_SELECTOR, ".verdict").text
                for r in rows}  # fmt: skip

    verdicts = wait(driver).until(verdicts_now)
    assert set(verdicts) == {"11", "12", "13", "14", "15", "16"}
    assert verdicts["12"] == "not measured" and verdicts["11"] in ("pass", "warn", "fail")
    assert "Bottleneck" in driver.find_element(By.ID, "bottleneck").text
    assert driver.find_element(By.ID, "overall").text
    missing = driver.find_element(By.ID, "missing").text
    assert "rooms still to measure: 11, 12, 13, 14, 15, 16" in missing  # 1 of 2 points each
    assert "Survey:" in missing

    # A point taken in another tab updates this page by itself.
    server.request("POST", "/wifi/point", session(server), b"floor=1&x_m=15&y_m=5&room=")
    wait(driver).until(
        lambda d: (
            d.find_element(By.CSS_SELECTOR, "#room-verdicts tr[data-room='12'] .verdict").text
            != "not measured"
        )
    )
