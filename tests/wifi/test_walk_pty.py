"""The guided walk, driven the way a technician uses it: the real CLI in a
pseudo-terminal (pexpect), typing answers, quitting, Ctrl-C, resuming."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pexpect
import pytest

from netsurvey.wifi.store import load_survey
from tests.wifi.conftest import RunCli
from tests.wifi.tests_wifi_helpers import points_of

pytestmark = pytest.mark.timeout(180)


def start_walk(visit: Path, replay: Path) -> pexpect.spawn:
    child = pexpect.spawn(
        sys.executable,
        [
            "-m",
            "netsurvey",
            "wifi",
            "walk",
            "--visit",
            str(visit),
            "--replay",
            str(replay),
            "--points-per-room",
            "2",
            "--scans",
            "2",
        ],
        encoding="utf-8",
        timeout=60,
        dimensions=(40, 160),
        env={"TERM": "dumb", "PATH": "/usr/bin:/bin", "COLUMNS": "160"},
    )
    return child


def finish(child: pexpect.spawn) -> int:
    child.expect(pexpect.EOF)
    child.close()
    return int(
        child.exitstatus if child.exitstatus is not None else 128 + (child.signalstatus or 0)
    )


def test_walk_three_rooms_with_quit_interrupt_and_resume(
    visit: Path, wifi_fixtures: Path, netsurvey: RunCli, tmp_path: Path
) -> None:
    replay = wifi_fixtures / "walk"

    # First session: two points in 101, one in 102, ask what is missing, quit.
    child = start_walk(visit, replay)
    child.expect("3 rooms to survey, 2 points each")
    child.expect(r"Next: room 101, floor 1 – point 1 of 2")
    child.expect("wifi 101> ")
    child.sendline("3 3")
    child.expect("Saved point in 101: 8 network")
    child.expect("wifi 101> ")
    child.sendline("m")
    child.expect(r"Missing: 101 \(1 of 2 points\), 102 \(0 of 2 points\), 103 \(0 of 2 points\)")
    child.expect("wifi 101> ")
    child.sendline("7,5 5")  # a comma decimal, as a Latvian keyboard gives it
    child.expect("Saved point in 101")
    child.expect(r"Next: room 102, floor 1 – point 1 of 2")
    child.expect("wifi 102> ")
    child.sendline("what?")
    child.expect("Not understood")
    child.expect("wifi 102> ")
    child.sendline("13 3")
    child.expect("Saved point in 102")
    child.expect("wifi 102> ")
    child.sendline("q")
    child.expect(r"Stopped\. 3 point\(s\) saved this time")
    assert finish(child) == 0
    assert len(points_of(visit)) == 3

    # Second session resumes at 102: skip it, measure 103, repeat that point, Ctrl-C.
    child = start_walk(visit, replay)
    child.expect(r"Resuming: 3 point\(s\) already saved, 1 of 3 rooms done\.")
    child.expect(r"Next: room 102, floor 1 – point 2 of 2")
    child.expect("wifi 102> ")
    child.sendline("s")
    child.expect("Skipped room 102")
    child.expect("wifi 103> ")
    child.sendline("23 3")
    child.expect("Saved point in 103")
    child.expect("wifi 103> ")
    child.sendline("r")
    child.expect("Repeating the last point in 103 at 23 3")
    child.expect("Saved point in 103")
    child.expect("iperf3|wifi 103> ")
    child.sendintr()
    child.expect(r"Interrupted\. 2 point\(s\) saved this time; run the same command to continue\.")
    assert finish(child) == 130

    survey = load_survey(visit)
    assert [p.room for p in survey.points] == [
        "101",
        "101",
        "102",
        "103",
    ]  # the repeat replaced one
    assert survey.skipped_rooms == frozenset({"102"})

    # Third session: last point of 103, then back to the skipped room from the summary.
    child = start_walk(visit, replay)
    child.expect("wifi 103> ")
    child.sendline("27 5")
    child.expect("Saved point in 103")
    child.expect(r"Missing: 102 \(skipped\)")
    child.expect("wifi> ")
    child.sendline("g 102")
    child.expect("wifi 102> ")
    child.sendline("l")
    child.expect("✓ 101 floor 1: 2 point")
    child.expect("wifi 102> ")
    child.sendline("")  # Enter: measure at the room's centre
    child.expect("Measuring in 102 at 15 4")
    child.expect("Saved point in 102")
    child.expect("All 3 rooms measured")
    assert finish(child) == 0

    # Nothing was lost: every answer that measured left a record.
    records = points_of(visit)
    assert [r.status for r in records].count("ok") == 7  # 6 current points + the replaced one
    assert [r.details["room"] for r in records if r.status == "skipped"] == ["102"]
    rooms = netsurvey("wifi", "rooms", "--visit", str(visit), "--json")
    assert rooms.returncode == 0, rooms.stderr
    verdicts = {r["room"]: r["verdict"] for r in json.loads(rooms.stdout)["rooms"]}
    assert verdicts == {"101": "pass", "102": "warn", "103": "fail"}
    out = tmp_path / "maps"
    heatmap = netsurvey(
        "wifi", "heatmap", "--visit", str(visit), "--out", str(out), "--metric", "signal"
    )
    assert heatmap.returncode == 0, heatmap.stderr
    assert (out / "floor-1-signal.png").stat().st_size > 10_000
    assert (out / "floor-1-signal.svg").read_text().count("<circle") == 6


def test_walk_goes_on_after_a_failed_scan_and_a_missing_recording(
    visit: Path, wifi_fixtures: Path, tmp_path: Path
) -> None:
    replay = tmp_path / "recorded"
    replay.mkdir()
    (replay / "101.txt").write_bytes((wifi_fixtures / "faults" / "garbage.bin").read_bytes())
    child = start_walk(visit, replay)
    child.expect("wifi 101> ")
    child.sendline("")
    child.expect("Point in 101 FAILED: cannot tell which tool wrote this file")
    child.expect("The failed point is saved as evidence")
    child.expect("point 1 of 2")  # a failed point does not count
    child.expect("wifi 101> ")
    child.sendline("s")
    child.expect("wifi 102> ")
    child.sendline("")
    child.expect("Cannot measure here: --replay .*no recording for room 102 point 1")
    child.expect("wifi 102> ")
    child.sendeof()
    child.expect(r"Stopped\. 1 point\(s\) saved this time")
    assert finish(child) == 0
    (failed, skipped) = points_of(visit)
    assert (failed.status, skipped.status) == ("failed", "skipped")
