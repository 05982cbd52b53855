"""`netsurvey devices` shows per device which facts were read and which are missing
and why, on records the snmp probe wrote from real walks (served by snmpsim)."""

from __future__ import annotations

import asyncio
import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from netsurvey.cli import main
from netsurvey.lab.snmpsim import SnmpsimAgent
from netsurvey.records import Measurement, VisitWriter, create_visit, iso, new_id, utc_now
from probes.base import Target
from probes.device import COVERAGE_SECTIONS, Device, device_coverage
from probes.snmp import poll_many
from tests.conftest import CORPUS

WALKS = {
    "ap-65-clients": "zyxelnwa",  # radios and a client total of 65
    "ap-0-clients": "routeros_ltap-mini",  # one radio, 0 clients: a reading
    "ap-no-count": "lcoslx_lw600",  # radios, but no client count anywhere
    "pdu": "apc_ap8853",
    "switch": "ios_2960x",
}
TRIMMED = "switch-no-alias"  # ios_2960x without entAliasMappingTable: PoE ports unmapped


@pytest.fixture(scope="module")
def visit_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    if not CORPUS.is_dir():
        pytest.skip(f"real-device corpus not found at {CORPUS}")
    data = tmp_path_factory.mktemp("walks")
    for device_id, walk in WALKS.items():
        shutil.copy(CORPUS / "snmprec" / f"{walk}.snmprec", data / f"{device_id}.snmprec")
    lines = (CORPUS / "snmprec" / "ios_2960x.snmprec").read_text(errors="surrogateescape")
    kept = [x for x in lines.splitlines(True) if not x.startswith("1.3.6.1.2.1.47.1.3.2.")]
    (data / f"{TRIMMED}.snmprec").write_text("".join(kept), errors="surrogateescape")
    device_ids = [*WALKS, TRIMMED]
    with SnmpsimAgent(data) as agent, pytest.MonkeyPatch.context() as patch:
        jobs = []
        for device_id in device_ids:
            patch.setenv(f"C_{device_id.replace('-', '_')}", device_id)
            target = Target("127.0.0.1", agent.port, device_id=device_id)
            params = {"community_env": f"C_{device_id.replace('-', '_')}", "interval_s": "0"}
            jobs.append((target, params))
        outcomes = asyncio.run(poll_many(jobs))
    root = tmp_path_factory.mktemp("visits")
    directory = create_visit(root, school_id="s", school_json={}, inventory_path="i",
                             inventory_sha256="0", operator=None)  # fmt: skip
    writer = VisitWriter.open(directory)
    for outcome in outcomes:
        assert outcome.result is not None, outcome.error
        now = iso(utc_now())
        writer.append(
            Measurement(id=new_id(), job_id=f"snmp:{outcome.target.device_id}", probe="snmp",
                        status="ok", started_at=now, finished_at=now, duration_s=1.0,
                        target={"host": "127.0.0.1", "device_id": outcome.target.device_id},
                        details=dict(outcome.result.details), warnings=outcome.result.warnings)
        )  # fmt: skip
    yield directory


def _devices_json(visit_dir: Path, capsys: pytest.CaptureFixture[str]) -> dict[str, Any]:
    assert main(["devices", str(visit_dir), "--json"]) == 0
    data: dict[str, Any] = json.loads(capsys.readouterr().out)
    return data


def test_coverage_in_json(visit_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    devices = _devices_json(visit_dir, capsys)
    for device in devices.values():
        assert list(device["coverage"]) == list(COVERAGE_SECTIONS)
    clients = {name: d["coverage"]["clients"] for name, d in devices.items()}
    assert clients["ap-65-clients"] == {"state": "read", "summary": "65 clients", "why": None,
                                        "source": "snmp"}  # fmt: skip
    assert clients["ap-0-clients"]["state"] == "read"
    assert clients["ap-0-clients"]["summary"] == "0 clients"
    assert clients["ap-no-count"]["state"] == "missing"
    assert clients["ap-no-count"]["why"] == "the device does not say how many clients"
    assert devices["ap-no-count"]["wireless"]["clients_total"] is None
    assert devices["ap-0-clients"]["wireless"]["clients_total"] == 0
    assert devices["pdu"]["coverage"]["power"]["summary"] == "pdu 1140 W 4.9 A"
    assert devices["pdu"]["coverage"]["radios"]["state"] == "missing"
    switch = devices["switch"]["coverage"]
    assert switch["poe"]["state"] == "read" and switch["lldp"]["state"] == "read"
    assert switch["power"]["why"].startswith("no UPS/PDU readings")


def test_partial_device_says_what_was_dropped(
    visit_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    device = _devices_json(visit_dir, capsys)[TRIMMED]
    assert device["partial"] is True
    poe = device["coverage"]["poe"]
    assert poe["state"] == "partial"
    assert "PoE port" in poe["why"] and "entAliasMapping" in poe["why"]
    assert device["coverage"]["ports"]["state"] == "read"


def test_text_output_tells_zero_from_unknown(
    visit_dir: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "160")
    assert main(["devices", str(visit_dir)]) == 0
    out = capsys.readouterr().out
    assert "0 clients" in out and "65 clients" in out
    assert "does not say how many clients" in out
    assert "partial" in out


def test_coverage_of_an_empty_device() -> None:
    coverage = device_coverage(Device())
    assert [c.state for c in coverage] == ["missing"] * len(COVERAGE_SECTIONS)
    assert all(c.why for c in coverage)
