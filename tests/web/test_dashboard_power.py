"""The survey dashboard drives the same runner as `netsurvey survey` (live progress,
failures with reasons, resume), and the power walk's forms write the same records as
`netsurvey power walk`, photos as raw evidence with their sha256."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver

from netsurvey.power.recordio import walk_entries
from netsurvey.records import read_visit
from tests.jsonread import obj
from tests.web.conftest import DEMO_INVENTORY, DEMO_SCHOOL, REPO, FieldServer, start_field
from tests.web.walkpage import click_when, element, open_with_token, wait

PHOTO = REPO / "inventories" / "demo" / "plans" / "rujiena-ps-1.png"  # any real image file


def small_inventory(tmp_path: Path) -> Path:
    """Three devices on loopback and one outside the scope (refused before any packet)."""
    path = tmp_path / "inv.yaml"
    path.write_text(
        "schema_version: 1\nschools:\n  - id: test-school\n    name: Testa pamatskola\n"
        "    municipality: Cēsis\n    scope: [198.18.0.0/15]\n    survey: {reachability_count: 2}\n"
        "    devices:\n"
        + "".join(
            f"      - {{id: sw-{i}, role: switch, mgmt_ip: 127.0.1.{i + 1}}}\n" for i in range(3)
        )
        + "      - {id: rogue, role: switch, mgmt_ip: 192.0.2.77}\n",
        encoding="utf-8",
    )
    return path


def progress(driver: WebDriver) -> str:
    return str(driver.find_element(By.ID, "progress").text)


def test_dashboard_runs_the_plan_live_and_resumes(
    browser: WebDriver, field_servers: list[FieldServer], tmp_path: Path
) -> None:
    inventory = small_inventory(tmp_path)
    server = start_field(
        [str(inventory), "--school", "test-school", "--visits", str(tmp_path / "v"),
         "--only", "reachability"], tmp_path)  # fmt: skip
    field_servers.append(server)
    driver = browser
    open_with_token(driver, server.url)
    assert "4 to do" in progress(driver)
    click_when(driver, "#survey-start", "Start survey")
    # No reload: the table follows the run through server-sent events.
    wait(driver).until(lambda d: "3 ok · 1 failed" in progress(d))
    row = driver.find_element(By.CSS_SELECTOR, "tr[data-job='reachability:rogue']")
    assert "failed" in row.text and "ScopeViolation" in row.text and "scope" in row.text

    visit = next((tmp_path / "v" / "test-school").iterdir())
    records = read_visit(visit).measurements
    planned = subprocess.run(
        [sys.executable, "-m", "netsurvey", "plan", str(inventory), "--school", "test-school",
         "--only", "reachability", "--json"], capture_output=True, text=True, timeout=60, cwd=REPO,
    )  # fmt: skip
    assert planned.returncode == 0, planned.stderr
    assert sorted(m.job_id for m in records) == sorted(
        line.split('"job_id": "')[1].split('"')[0]
        for line in planned.stdout.splitlines() if '"job_id"' in line
    )  # fmt: skip
    assert {m.tool for m in records if m.status == "ok"} != {None}

    # Resume re-runs only the job without an ok record.
    click_when(driver, "#survey-start", "Resume survey")
    wait(driver).until(lambda d: len(read_visit(visit).measurements) == 5)
    assert read_visit(visit).measurements[-1].job_id == "reachability:rogue"


def fill(driver: WebDriver, form_id: str, values: dict[str, str]) -> str:
    form = driver.find_element(By.ID, form_id)
    for name, value in values.items():
        field = form.find_element(By.NAME, name)
        if field.tag_name == "select":
            field.find_element(By.XPATH, f".//option[normalize-space()='{value}']").click()
        else:
            field.clear()
            field.send_keys(value)
    result = form.find_element(By.CSS_SELECTOR, ".result")
    form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    wait(driver).until(lambda d: result.text.startswith(("Saved", "Not saved")))
    return str(result.text)


def test_power_walk_forms_and_photo(
    browser: WebDriver, field_servers: list[FieldServer], tmp_path: Path
) -> None:
    server = start_field(
        [str(DEMO_INVENTORY), "--school", DEMO_SCHOOL, "--visits", str(tmp_path / "v")], tmp_path
    )
    field_servers.append(server)
    driver = browser
    open_with_token(driver, server.url)
    driver.get(server.base + "/power")
    element(driver, "#form-circuit")
    driver.find_element(By.CSS_SELECTOR, "#power-room option[value='15']").click()

    refused = fill(driver, "form-cart", {"id": "cart-2", "slots": "30", "circuit": "c-new"})
    assert (
        refused.startswith("Not saved")
        and "c-new" in refused
        and "not a declared circuit" in refused
    )
    assert fill(driver, "form-circuit", {"id": "c-new", "breaker_a": "10"}).startswith("Saved ✓")
    saved = fill(driver, "form-cart", {"id": "cart-2", "slots": "30", "sequencing": "sequenced",
                                      "slots_at_once": "10", "circuit": "c-new"})  # fmt: skip
    assert saved.startswith("Saved ✓"), saved
    too_much = fill(
        driver, "form-reading", {"subject": "c-new", "current_a": "2", "power_w": "900"}
    )
    assert too_much.startswith("Not saved") and "re-read the meter" in too_much
    assert fill(driver, "form-reading", {"subject": "c-new", "current_a": "6.5"}).startswith(
        "Saved ✓"
    )
    photo_form = driver.find_element(By.ID, "form-photo")
    photo_form.find_element(By.NAME, "photo").send_keys(str(PHOTO))
    assert fill(driver, "form-photo", {"subject": "c-new"}).startswith("Saved ✓ Photo saved")
    assert fill(driver, "form-room_done", {}).startswith("Saved ✓")
    wait(driver).until(lambda d: "cart-2" in d.find_element(By.ID, "power-entries").text)

    visit_dir = next((tmp_path / "v" / DEMO_SCHOOL).iterdir())
    visit = read_visit(visit_dir)
    entries = {(e.kind, e.entry_id): e for e in walk_entries(visit)}
    assert entries[("circuit", "c-new")].fields["breaker_a"] == 10.0
    assert entries[("circuit", "c-new")].fields["curve"] == "B"  # the form's default
    cart = entries[("cart", "cart-2")]
    assert cart.complete and cart.room == "15" and cart.fields["slots_at_once"] == 10
    assert ("room_done", "15") in entries
    (reading,) = visit.by_probe("power_reading")
    assert reading.metrics["current_a"] == 6.5 and reading.details["circuit"] == "c-new"
    photo = next(m for m in visit.by_probe("cart_inventory") if m.details.get("kind") == "photo")
    (ref,) = photo.raw
    assert ref.sha256 == hashlib.sha256(PHOTO.read_bytes()).hexdigest()
    assert (visit_dir / ref.path).read_bytes() == PHOTO.read_bytes()
    assert obj(photo.details["fields"])["path"] == ref.path
    # The terminal's assessment reads what the forms wrote.
    assessed = subprocess.run(
        [sys.executable, "-m", "netsurvey", "power", "assess", "--visit", str(visit_dir),
         "--json", "--no-record"], capture_output=True, text=True, timeout=60, cwd=REPO,
    )  # fmt: skip
    assert assessed.returncode == 0, assessed.stderr
    assert "c-new" in assessed.stdout and "cart-2" in assessed.stdout
