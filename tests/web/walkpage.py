"""Selenium helpers for the field companion's pages (no test logic here)."""

from __future__ import annotations

import time
from typing import Any

from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait

WAIT_S = 30.0


def wait(driver: WebDriver, timeout: float = WAIT_S) -> WebDriverWait[WebDriver]:
    """Live parts are swapped in by server-sent events: an element found a moment ago
    may be gone, so the condition is simply asked again."""
    return WebDriverWait(
        driver, timeout, ignored_exceptions=(StaleElementReferenceException, NoSuchElementException)
    )


def element(driver: WebDriver, css: str) -> WebElement:
    return wait(driver).until(ec.presence_of_element_located((By.CSS_SELECTOR, css)))


def points_shown(driver: WebDriver) -> int:
    return len(driver.find_elements(By.CSS_SELECTOR, "#overlay circle.point"))


def heat_src(driver: WebDriver) -> str:
    return str(driver.find_element(By.ID, "heat").get_attribute("src"))


def tap(driver: WebDriver, x_m: float, y_m: float) -> None:
    """Click the plan where (x_m, y_m) metres lie (Selenium offsets are from the centre)."""
    plan = element(driver, "#map")
    walk = driver.find_element(By.ID, "walk")
    width_m = float(walk.get_attribute("data-width-m") or 0)
    height_m = float(walk.get_attribute("data-height-m") or 0)
    size = plan.size
    dx = round((x_m / width_m - 0.5) * size["width"])
    dy = round((y_m / height_m - 0.5) * size["height"])
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", plan)
    ActionChains(driver).move_to_element_with_offset(plan, dx, dy).click().perform()


def measure_at(driver: WebDriver, x_m: float, y_m: float) -> dict[str, Any]:
    """Tap, check the room the page picked, press Measure, wait for 'Saved'."""
    before = points_shown(driver)
    tap(driver, x_m, y_m)
    room = driver.find_element(By.ID, "room").get_attribute("value")
    button = driver.find_element(By.ID, "measure-button")
    wait(driver).until(lambda d: button.is_enabled())
    started = time.monotonic()
    button.click()
    result = driver.find_element(By.ID, "measure-result")
    wait(driver).until(lambda d: result.text.startswith(("Saved", "Not saved")))
    saved_s = time.monotonic() - started
    text = result.text
    if text.startswith("Saved"):
        wait(driver).until(lambda d: points_shown(d) == before + 1)
    return {"room": room, "text": text, "saved_s": saved_s}


def open_with_token(driver: WebDriver, url: str) -> None:
    driver.get(url)
    wait(driver).until(lambda d: "?t=" not in d.current_url)
    element(driver, "header.top")


def room_row(driver: WebDriver, room: str) -> tuple[str, str]:
    """(classes, text) of a room in the checklist, read in one go."""
    row = driver.find_element(By.CSS_SELECTOR, f".room-row[data-room='{room}']")
    return str(row.get_attribute("class") or ""), str(row.text)


def wait_for_row(driver: WebDriver, room: str, *words: str) -> tuple[str, str]:
    """Wait until the room's checklist row (classes + text) holds every word."""
    found: list[tuple[str, str]] = []

    def holds(d: WebDriver) -> bool:
        classes, text = room_row(d, room)
        found[:] = [(classes, text)]
        return all(w in classes or w in text for w in words)

    wait(driver).until(holds)
    return found[0]


def click_when(driver: WebDriver, css: str, *words: str) -> None:
    """Click the element once it is enabled and shows every word (retried if a live
    refresh replaces it meanwhile)."""

    def clicked(d: WebDriver) -> bool:
        target = d.find_element(By.CSS_SELECTOR, css)
        if not target.is_enabled() or not all(w in target.text for w in words):
            return False
        target.click()
        return True

    wait(driver).until(clicked)
