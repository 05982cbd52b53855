"""`netsurvey power assess` through the real command line."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

from netsurvey.power.recordio import POWER_ASSESSMENT, reading_record
from netsurvey.power.spec import MeasuredLoad
from netsurvey.records import VisitWriter, read_visit

Cli = Callable[..., subprocess.CompletedProcess[str]]
InProcess = Callable[..., Any]  # the `cli` fixture: returncode, stdout, stderr


def test_assess_from_inventory_text(cli: InProcess, power_inventory: Path) -> None:
    done = cli("power", "assess", "--inventory", str(power_inventory), "--school", "test-power")
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "Charging carts, school test-power: FAIL" in out
    assert "Sequence cart cart-101 to at most 19 slots at a time" in out
    assert "Charge these carts overnight" in out


def test_assess_from_inventory_json(cli: InProcess, power_inventory: Path) -> None:
    done = cli(
        "power", "assess", "--inventory", str(power_inventory), "--school", "test-power", "--json"
    )
    data = json.loads(done.stdout)
    verdicts = {c["circuit_id"]: c["verdict"] for c in data["circuits"]}
    assert verdicts == {"c-101": "fail", "c-102": "pass", "c-103": "pass"}
    assert data["carts_per_circuit"]["c-102"] == 1


def test_bad_inventory_is_one_line(run_cli: Cli, tmp_path: Path, power_inventory: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text(power_inventory.read_text().replace("breaker_a: 10,", "breaker_a: 400,"))
    done = run_cli("power", "assess", "--inventory", str(broken), "--school", "test-power")
    assert done.returncode == 2
    (line,) = done.stderr.strip().splitlines()
    assert "breaker_a" in line and "400" in line
    assert "Traceback" not in done.stderr


def test_usage_errors(cli: InProcess, power_inventory: Path) -> None:
    done = cli("power", "assess", "--inventory", str(power_inventory))
    assert done.returncode == 2
    assert "--inventory needs --school ID" in done.stderr
    done = cli("power", "assess", "--visit", "/nonexistent/visit")
    assert done.returncode == 3
    assert len(done.stderr.strip().splitlines()) == 1


def test_help_has_examples(cli: InProcess) -> None:
    done = cli("power", "assess", "--help")
    assert "examples:" in done.stdout and "--inventory" in done.stdout
    done = cli("power", "walk", "--help")
    assert "netsurvey power walk --visit" in done.stdout


def test_assess_visit_uses_clamp_and_writes_record(
    cli: InProcess, make_visit: Callable[..., Path]
) -> None:
    visit = make_visit()
    clamp = MeasuredLoad("circuit", "c-101", "clamp", "walk", current_a=7.5)
    VisitWriter.open(visit).append(reading_record(clamp, "101"))
    done = cli("power", "assess", "--visit", str(visit), "--json")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    c101 = next(c for c in data["circuits"] if c["circuit_id"] == "c-101")
    assert c101["measured_a"] == 7.5 and c101["verdict"] == "pass"
    assert c101["current_source"].startswith("clamp m-")
    # c-103 names pdu-103, which this visit never read over SNMP: estimate + a note.
    assert any("no SNMP reading of pdu-103" in n for n in data["notes"])
    (record,) = read_visit(visit).by_probe(POWER_ASSESSMENT)
    assert record.metrics["measured_circuits_count"] == 1
    assert record.details["evidence"] and record.details["verdict"] == "pass"


def test_settings_from_the_command_line(cli: InProcess, power_inventory: Path) -> None:
    base = ("power", "assess", "--inventory", str(power_inventory), "--school", "test-power")
    done = cli(*base, "--json", "--charger-pf", "0.95")  # PFC chargers: 34 per B10, not 19
    data = json.loads(done.stdout)
    c101 = next(c for c in data["circuits"] if c["circuit_id"] == "c-101")
    assert c101["chargers_capacity"] == 34 and c101["verdict"] == "pass"
    assert data["settings"]["charger_pf_mode"] == 0.95
    done = cli(*base, "--continuous-ratio", "8")
    assert done.returncode == 2
    assert "--continuous-ratio 8: expected 0.1-1.0" in done.stderr
