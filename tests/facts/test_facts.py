"""The facts layer: one typed reading of a visit that every consumer shares."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from netsurvey.errors import RecordsError
from netsurvey.facts import load_facts
from netsurvey.inventory import School
from netsurvey.records import read_visit, write_manifest
from netsurvey.report.visitfiles import visit_files
from tests.scoring.test_from_visit import SCHOOL, record, write_visit


def test_the_school_is_the_inventory_model_read_back(tmp_path: Path) -> None:
    facts = load_facts(read_visit(write_visit(tmp_path / "v")))
    assert isinstance(facts.school, School)
    assert facts.school.pupils == {7: 25, 8: 24}
    assert facts.school.staff == 9
    assert [c.id for c in facts.school.carts] == ["cart-1"]
    assert facts.school.circuits[0].breaker_a == 16.0
    assert facts.school.wifi.ssids == ("skola",)
    assert facts.school.devices[1].poe_class_required == 4


def test_a_key_an_older_visit_lacks_takes_the_default_and_nothing_becomes_zero(
    tmp_path: Path,
) -> None:
    directory = write_visit(tmp_path / "v")
    data = json.loads((directory / "visit.json").read_text())
    school = dict(SCHOOL)
    del school["staff"]
    school["circuits"] = [{"id": "c-1", "breaker_a": 16}]
    school["unknown_future_key"] = {"x": 1}
    data["school"] = school
    (directory / "visit.json").write_text(json.dumps(data))
    facts = load_facts(read_visit(directory))
    assert facts.school.staff is None
    assert facts.school.circuits[0].rcd_ma is None


def test_bandwidth_tests_are_typed_and_a_zero_download_is_not_a_reading(tmp_path: Path) -> None:
    directory = write_visit(tmp_path / "v")
    zero = record("m-zero", "speedtest", metrics={"download_bps": 0.0, "upload_bps": 0.0})
    with (directory / "measurements.jsonl").open("a") as handle:
        handle.write(zero + "\n")
    facts = load_facts(read_visit(directory))
    by_id = {t.measurement_id: t for t in facts.speed_tests}
    assert by_id["m-zero"].download_bps is None
    assert all(t.download_bps is None or t.download_bps > 0 for t in facts.speed_tests)


def test_what_is_missing_names_the_device_and_why(tmp_path: Path) -> None:
    directory = write_visit(tmp_path / "v")
    failed = json.loads(record("m-fail", "snmp", device="ap-201", status="failed"))
    failed["error"] = {"kind": "timeout", "message": "no SNMP answer in 2 s"}
    with (directory / "measurements.jsonl").open("a") as handle:
        handle.write(json.dumps(failed) + "\n")
    facts = load_facts(read_visit(directory))
    reasons = {(m.subject, m.reason) for m in facts.missing}
    assert ("ap-201", "no SNMP answer in 2 s") in reasons


def test_the_report_and_the_scorer_read_the_same_facts(tmp_path: Path) -> None:
    visit = read_visit(write_visit(tmp_path / "v"))
    files = visit_files(visit)
    assert files.school == load_facts(visit).school
    assert files.devices.keys() == load_facts(visit).devices.keys()


def test_a_required_field_is_never_guessed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from netsurvey.cli import main

    directory = write_visit(tmp_path / "v")
    data = json.loads((directory / "visit.json").read_text())
    del data["school"]["circuits"][0]["breaker_a"]
    (directory / "visit.json").write_text(json.dumps(data))
    with pytest.raises(RecordsError, match=r"school\.circuits\[0\]\.breaker_a: missing"):
        load_facts(read_visit(directory))
    write_manifest(directory)
    assert main(["score", str(directory), "--out", str(tmp_path / "s.json")]) == 3
    err = capsys.readouterr().err.strip().splitlines()
    assert any("school.circuits[0].breaker_a" in line for line in err)
    assert "Traceback" not in "\n".join(err)
