"""Undo is a new record that withdraws a point; every reader drops the point: the
survey store (rooms, heatmaps, walk progress) and the scorer's features."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from pathlib import Path

from netsurvey.inventory import load_inventory
from netsurvey.records import VisitWriter, create_visit, read_visit
from netsurvey.scoring.from_visit import features_from_visit
from netsurvey.wifi.collect import PointRequest, record_point, take_point, withdrawn_point
from netsurvey.wifi.results import room_results
from netsurvey.wifi.sources import ReplayScript, ReplaySource
from netsurvey.wifi.store import current_point_records, load_survey
from netsurvey.wifi.thresholds import WifiThresholds
from tests.web.conftest import DEMO_INVENTORY, DEMO_SCHOOL, REPO


def visit_with_points(tmp_path: Path, replay: Path, rooms: list[str]) -> Path:
    inventory = load_inventory(DEMO_INVENTORY)
    school = inventory.school(DEMO_SCHOOL)
    visit = create_visit(
        tmp_path, school_id=school.id, school_json=school.to_json(),
        inventory_path=str(DEMO_INVENTORY), inventory_sha256=inventory.sha256, operator=None,
    )  # fmt: skip
    writer = VisitWriter.open(visit)
    for room in rooms:
        source = ReplaySource(ReplayScript.load(replay / f"{room}-1.iw"))
        request = PointRequest(room=room, x_m=None, y_m=None, scans=1, scan_interval_s=0)
        record_point(writer, *asyncio.run(take_point(source, request)))
    return visit


def test_withdrawn_point_disappears_for_every_reader(tmp_path: Path, replay_dir: Path) -> None:
    visit = visit_with_points(tmp_path / "v", replay_dir, ["11", "12"])
    rooms_before = {
        r.room: r.points_count for r in room_results(load_survey(visit), WifiThresholds())
    }
    features_before = features_from_visit(visit)
    assert rooms_before["12"] == 1
    room_12 = next(r for r in features_before.rooms if r.id == "12")
    assert room_12.rssi_dbm is not None

    last = load_survey(visit).points[-1]
    VisitWriter.open(visit).append(withdrawn_point(last.measurement_id, last.room))

    survey = load_survey(visit)
    assert [p.room for p in survey.points] == ["11"]
    assert [m.details["room"] for m in current_point_records(read_visit(visit).measurements)] == [
        "11"
    ]
    rooms_after = {r.room: r for r in room_results(survey, WifiThresholds())}
    assert rooms_after["12"].points_count == 0 and rooms_after["12"].verdict == "missing"
    room_12 = next(r for r in features_from_visit(visit).rooms if r.id == "12")
    assert room_12.rssi_dbm is None  # the scorer no longer counts the withdrawn point
    cli = subprocess.run(
        [sys.executable, "-m", "netsurvey", "wifi", "rooms", "--visit", str(visit), "--json"],
        capture_output=True, text=True, timeout=60, cwd=REPO,
    )  # fmt: skip
    assert cli.returncode == 0, cli.stderr
    assert '"points_count": 0' in cli.stdout


def test_repeated_point_counts_once_for_the_scorer(tmp_path: Path, replay_dir: Path) -> None:
    """`wifi walk`'s "repeat" (details.replaces) was ignored by the scorer before."""
    visit = visit_with_points(tmp_path / "v", replay_dir, ["11"])
    first = load_survey(visit).points[0]
    source = ReplaySource(ReplayScript.load(replay_dir / "11-2.iw"))
    request = PointRequest(room="11", scans=1, scan_interval_s=0, replaces=first.measurement_id)
    record_point(VisitWriter.open(visit), *asyncio.run(take_point(source, request)))
    records = current_point_records(read_visit(visit).measurements)
    assert len(records) == 1 and records[0].details["replaces"] == first.measurement_id
