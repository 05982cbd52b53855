"""No grade without evidence: a visit whose SNMP and speed probes all failed is an
incomplete assessment in scores.json, in the PDF, in the summary and in planning mode."""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from .conftest import netsurvey


def score_json(*args: str) -> dict[str, Any]:
    result = netsurvey("score", *args, "--json", "--draws", "50")
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    (school,) = document["schools"]
    assert isinstance(school, dict)
    return school


def test_failed_visit_gets_no_grade(failed_visit: Path) -> None:
    school = score_json(str(failed_visit))
    overall = school["overall"]
    assert overall == {
        "score": None,
        "grade": None,
        "status": "incomplete",
        "missing_dimensions": ["wifi", "lan", "wan", "poe"],
    }
    coverage = school["coverage"]
    assert coverage["wifi"]["missing_items"] == ["7a"]
    assert coverage["lan"] == {
        "measure": "switches_read",
        "measured": 0,
        "expected": 1,
        "required": 1,
        "complete": False,
        "optional": False,
        "missing_items": ["sw-1"],
    }
    assert coverage["wan"]["measured"] == 0 and coverage["wan"]["required"] == 3
    # What is known is still shown: the cart circuit is scored from the inventory.
    assert coverage["power"]["complete"] is True
    assert school["dimensions"]["power"]["score"] is not None


def test_optional_dimension_does_not_block(failed_visit: Path, tmp_path: Path) -> None:
    profile = tmp_path / "lenient.yaml"
    profile.write_text(
        "name: lenient\nversion: '1'\nextends: lv-2024\ntitle: Power only\n"
        "coverage:\n"
        "  wifi: {min_ratio: 1.0, optional: true}\n  lan: {min_ratio: 1.0, optional: true}\n"
        "  wan: {min_count: 3, optional: true}\n  poe: {min_ratio: 1.0, optional: true}\n",
        encoding="utf-8",
    )
    school = score_json(str(failed_visit), "--profile", str(profile))
    assert school["overall"]["status"] == "complete"
    assert school["overall"]["grade"] is not None
    assert school["overall"]["score"] == school["dimensions"]["power"]["score"]


def test_planning_mode_follows_the_same_rules(tmp_path: Path) -> None:
    features = tmp_path / "plan.yaml"
    features.write_text(
        """\
schools:
  - id: planned
    name: Plānotā skola
    students: 60
    staff: 8
    rooms:
      - {id: "1", grade: 7, pupils: 30, ap: ap-1, rssi_dbm: -55, rssi_sd_db: 3}
      - {id: "2", grade: 8, pupils: 30, skipped: "locked during the visit"}
    aps:
      - {id: ap-1, switch: sw-1, standard: VHT, streams: 2, width_mhz: 40, channel: 36,
         port_speed_mbps: 1000, poe_class_required: 4, poe_class_port: 4}
    switches: [{id: sw-1, uplink_mbps: 1000, uplink_busy_mbps: 50, poe_budget_w: 370}]
    wan: {down_mbps: [400, 420], up_mbps: [200, 210]}
""",
        encoding="utf-8",
    )
    school = score_json("--features", str(features))
    assert school["overall"]["status"] == "incomplete"
    assert school["overall"]["missing_dimensions"] == ["wan"]  # two samples, three needed
    assert school["coverage"]["wifi"]["complete"] is True  # room 2 skipped with a reason
    text = features.read_text(encoding="utf-8").replace("[400, 420]", "[400, 420, 410]")
    text = text.replace("[200, 210]", "[200, 210, 205]")
    features.write_text(text, encoding="utf-8")
    school = score_json("--features", str(features))
    assert school["overall"]["status"] == "complete" and school["overall"]["grade"] is not None


@pytest.fixture(scope="module")
def failed_outputs(failed_visit: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("failed-out")
    scored = netsurvey("score", str(failed_visit), "--out", str(out / "scores.json"))
    assert scored.returncode == 0, scored.stderr
    assert "incomplete" in scored.stderr
    return out


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs pdftotext")
def test_pdf_cover_says_incomplete(failed_visit: Path, failed_outputs: Path) -> None:
    pdf = failed_outputs / "failed.lv.pdf"
    result = netsurvey(
        "report", str(failed_visit), "--lang", "lv", "--scores",
        str(failed_outputs / "scores.json"), "--out", str(pdf),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    first_page = subprocess.run(
        ["pdftotext", "-f", "1", "-l", "1", "-enc", "UTF-8", str(pdf), "-"],
        capture_output=True, check=True, timeout=60,
    ).stdout.decode("utf-8")  # fmt: skip
    assert "Novērtējums nav pabeigts" in first_page
    assert "sw-1" in first_page  # what is left to measure is listed


def test_summary_counts_only_complete_assessments(failed_visit: Path, failed_outputs: Path) -> None:
    sheet = failed_outputs / "summary.csv"
    result = netsurvey(
        "summary", str(failed_visit), "--scores", str(failed_outputs / "scores.json"),
        "--out", str(sheet), "--lang", "lv",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    (row,) = csv.DictReader(sheet.open(encoding="utf-8-sig"))
    assert row["Sasniedz slieksni"] == "nav novērtēts"
    assert row["Vērtējums"] in ("", "—", "nav novērtēts")
