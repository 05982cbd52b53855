"""End to end: a PDU answering over SNMP (snmpsim) -> snmp probe record -> assessment.

The corpus AP7900B reports a total load (2.8 A) but no per-outlet metering; our
AP8858 fixture meters each outlet. The measured load replaces the estimate.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from netsurvey.inventory import load_inventory
from netsurvey.lab.snmpsim import SnmpsimAgent
from netsurvey.power.recordio import POWER_ASSESSMENT
from netsurvey.records import VisitWriter, read_visit
from netsurvey.runner import Job, run_jobs
from probes.base import Target
from probes.registry import load_probe
from tests.jsonread import arr

SCHOOL_ID = "test-power"
ONE_CHARGER_A = 45 / 0.88 / (230 * 0.55)


def school_with_pdus(power_inventory: Path) -> dict[str, Any]:
    school: dict[str, Any] = json.loads(
        json.dumps(load_inventory(power_inventory).school(SCHOOL_ID).to_json())
    )
    school["circuits"] += [
        {
            "id": "c-104",
            "breaker_a": 16,
            "curve": "B",
            "rcd_ma": 30,
            "room": "104",
            "other_loads_w": 0,
            "pdu": "pdu-204",
            "pdu_outlets": ["1", "2"],
        },
        {
            "id": "c-105",
            "breaker_a": 16,
            "curve": "B",
            "rcd_ma": 30,
            "room": "104",
            "other_loads_w": 0,
            "pdu": "pdu-103",
            "pdu_outlets": ["1"],
        },
    ]
    school["circuits"].append(
        {
            "id": "c-106",
            "breaker_a": 16,
            "curve": "B",
            "rcd_ma": 30,
            "room": "106",
            "other_loads_w": 0,
            "pdu": "ups-106",
        }
    )
    school["carts"] += [
        {
            "id": "cart-104",
            "room": "104",
            "slots": 30,
            "charger_w": 45,
            "circuit": "c-104",
            "sequencing": "all",
        },
    ]
    return school


def snmp_job(agent: SnmpsimAgent, device_id: str, community_env: str) -> Job:
    return Job(
        job_id=f"snmp:{device_id}",
        probe="snmp",
        target=Target(host="127.0.0.1", port=agent.port, device_id=device_id),
        params={"community_env": community_env, "interval_s": "0"},
        timeout_s=30,
    )


@pytest.fixture
def surveyed_visit(
    pdu_agent: SnmpsimAgent,
    make_visit: Callable[..., Path],
    power_inventory: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> Path:
    visit = make_visit(school_json=school_with_pdus(power_inventory))
    monkeypatch.setenv("NETSURVEY_TEST_PDU_A", "apc_ap7900b")
    monkeypatch.setenv("NETSURVEY_TEST_PDU_B", "apc_ap8858_metered")
    monkeypatch.setenv("NETSURVEY_TEST_UPS", "eaton-mgeups_5px")
    jobs = [
        snmp_job(pdu_agent, "pdu-103", "NETSURVEY_TEST_PDU_A"),
        snmp_job(pdu_agent, "pdu-204", "NETSURVEY_TEST_PDU_B"),
        snmp_job(pdu_agent, "ups-106", "NETSURVEY_TEST_UPS"),
    ]
    outcome = run_jobs(jobs, VisitWriter.open(visit), load_probe)
    assert outcome.all_ok, [m.error for m in outcome.measurements]
    return visit


def test_pdu_load_replaces_the_estimate(surveyed_visit: Path, cli: Callable[..., Any]) -> None:
    done = cli("power", "assess", "--visit", str(surveyed_visit), "--json")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    circuits = {c["circuit_id"]: c for c in data["circuits"]}
    snmp_ids = {m.device_id: m.id for m in read_visit(surveyed_visit).by_probe("snmp")}

    whole = circuits["c-103"]  # corpus AP7900B, whole PDU: rPDULoadStatusLoad 28 -> 2.8 A
    assert whole["measured_a"] == pytest.approx(2.8)
    assert whole["used_a"] == pytest.approx(2.8)
    assert whole["estimated_a"] == pytest.approx(10 * ONE_CHARGER_A)
    assert whole["current_source"] == f"pdu pdu-103 total load ({snmp_ids['pdu-103']})"

    outlets = circuits["c-104"]  # our AP8858: outlets 1 + 2 = 6.0 A + 5.7 A
    assert outlets["measured_a"] == pytest.approx(11.7)
    assert outlets["verdict"] == "pass"
    assert outlets["current_source"] == f"pdu pdu-204 outlets 1, 2 ({snmp_ids['pdu-204']})"

    ups = circuits["c-106"]  # corpus Eaton 5PX: 7.8 A output load, no carts declared on it
    assert ups["measured_a"] == pytest.approx(7.8)
    assert ups["current_source"].startswith("ups ups-106 total load")

    # The AP7900B has no outlet metering: a circuit mapped to its outlets keeps the estimate.
    assert circuits["c-105"]["measured_a"] is None
    assert any(
        n.startswith("circuit c-105: pdu_outlets: pdu-103 answered without outlet data")
        for n in data["notes"]
    )
    (record,) = read_visit(surveyed_visit).by_probe(POWER_ASSESSMENT)
    assert set(snmp_ids.values()) <= set(arr(record.details["evidence"]))

    # The text report names the source; --no-record leaves the visit as it was.
    done = cli("power", "assess", "--visit", str(surveyed_visit), "--no-record")
    assert done.returncode == 0, done.stderr
    assert "c-103 measured: pdu pdu-103 total load" in done.stdout
    assert "pdu-103 answered without outlet data" in done.stdout
    assert len(read_visit(surveyed_visit).by_probe(POWER_ASSESSMENT)) == 1
