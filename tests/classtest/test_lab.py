"""`netsurvey lab class-test` in network namespaces: real headless Chromium seats and
Python seats behind a tbf-shaped access point (root; skipped otherwise)."""

from __future__ import annotations

import json
import math
import os
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from netsurvey.classtest.browser_seat import chromium_paths
from netsurvey.classtest.lab import ClassLabOptions, run_class_lab
from netsurvey.records import read_visit
from tests.conftest import requires_root

GOODPUT = 1448 / 1514
VIDEO_BPS = 2.5e6
pytestmark = [
    requires_root,
    pytest.mark.skipif(chromium_paths() is None, reason="needs chromium and chromedriver"),
    pytest.mark.timeout(240),
]


@pytest.fixture(scope="module")
def class_50(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """10 seats (2 browsers) behind 50 Mbit/s, through the command line."""
    work = tmp_path_factory.mktemp("class50")
    completed = subprocess.run(
        [sys.executable, "-m", "netsurvey", "lab", "class-test", "--clients", "10",
         "--browsers", "2", "--rate-mbit", "50", "--json", "--work", str(work)],
        capture_output=True, text=True, timeout=200, check=False,
    )  # fmt: skip
    assert completed.returncode == 0, completed.stderr
    result: dict[str, Any] = json.loads(completed.stdout.strip().splitlines()[-1])
    return result


@pytest.fixture(scope="module")
def class_20(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    work = tmp_path_factory.mktemp("class20")
    return run_class_lab(ClassLabOptions(clients=10, browsers=2, rate_mbit=20, work=work))


@pytest.fixture(scope="module")
def class_faults(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    work = tmp_path_factory.mktemp("faults")
    options = ClassLabOptions(clients=6, browsers=3, rate_mbit=50, work=work,
                              faults=("disconnect", "reload", "late"))  # fmt: skip
    return run_class_lab(options)


def test_json_contract(class_50: dict[str, Any]) -> None:
    for key in ("aggregate_download_bps", "aggregate_upload_bps", "goodput_limit_bps",
                "jain_fairness", "video_sustained_count", "seats"):  # fmt: skip
        assert key in class_50
    assert len(class_50["seats"]) == 10
    for seat in class_50["seats"]:
        assert {"seat", "client", "download_bps", "upload_bps", "video_sustained",
                "rtt_p50_s"} <= set(seat)  # fmt: skip
        assert seat["client"] in ("browser", "python")
    assert sum(seat["client"] == "browser" for seat in class_50["seats"]) == 2


def test_ten_seats_behind_50_mbit_reach_the_goodput_limit(class_50: dict[str, Any]) -> None:
    limit = 50e6 * GOODPUT
    assert class_50["goodput_limit_bps"] == pytest.approx(limit, abs=1)
    assert class_50["seats_full"] == 10
    assert class_50["aggregate_download_bps"] == pytest.approx(limit, rel=0.10)
    assert class_50["aggregate_upload_bps"] == pytest.approx(limit, rel=0.10)
    assert class_50["jain_fairness"] >= 0.9
    assert class_50["laptop_link"]["limited_by_laptop"] is False  # veth: 10 Gbit/s
    assert all(seat["rtt_p50_s"] and 0 < seat["rtt_p50_s"] < 0.5 for seat in class_50["seats"])


def test_all_ten_sustain_lesson_video_at_50_mbit(class_50: dict[str, Any]) -> None:
    assert class_50["video_rate_bps"] == VIDEO_BPS  # the lv-2024 profile's 720p rate
    assert class_50["video_sustained_count"] == 10


def test_video_count_at_20_mbit_matches_the_shaped_truth(class_20: dict[str, Any]) -> None:
    """Fair shares of 20 Mbit/s are below 2.5 Mbit/s each; seats that fall further behind
    than the player buffer give up (as a stalled player) and free their share, so
    floor(goodput / video rate) seats can keep watching."""
    truth = math.floor(20e6 * GOODPUT / VIDEO_BPS)
    assert truth == 7
    assert abs(class_20["video_sustained_count"] - truth) <= 1
    assert class_20["aggregate_download_bps"] == pytest.approx(20e6 * GOODPUT, rel=0.10)


def test_python_client_is_equivalent_to_the_browser(class_50: dict[str, Any]) -> None:
    """Same link, same moment: each browser seat's results match the Python seats'."""
    python = [s for s in class_50["seats"] if s["client"] == "python"]
    browsers = [s for s in class_50["seats"] if s["client"] == "browser"]
    for key in ("download_bps", "upload_bps"):
        reference = statistics.median(s[key] for s in python)
        for seat in browsers:
            assert seat[key] == pytest.approx(reference, rel=0.10), (key, seat)
    rtt_reference = statistics.median(s["rtt_p50_s"] for s in python)
    for seat in browsers:
        assert abs(seat["rtt_p50_s"] - rtt_reference) <= max(0.02, 0.5 * rtt_reference)
        assert seat["video_sustained"] is True
        assert "Chrome" in seat["user_agent"]


@pytest.mark.parametrize("fault", ["disconnect", "reload", "late"])
def test_faults_are_flagged_and_not_counted(class_faults: dict[str, Any], fault: str) -> None:
    flag = {"disconnect": "dropped", "reload": "reloaded", "late": "late"}[fault]
    flagged = [seat for seat in class_faults["seats"] if flag in seat["flags"]]
    assert len(flagged) == 1, class_faults["flagged"]
    (seat,) = flagged
    assert seat["client"] == "browser" and seat["full"] is False
    assert class_faults["flagged"][flag] == [seat["seat"]]
    assert class_faults["seats_full"] == 3
    assert class_faults["video_sustained_count"] == 3


def test_record_holds_seat_numbers_only(class_faults: dict[str, Any]) -> None:
    visit = read_visit(class_faults["lab"]["visit"])
    (record,) = visit.by_probe("class_test")
    assert record.id == class_faults["lab"]["record_id"]
    assert record.status == "ok"
    text = (Path(visit.directory) / "measurements.jsonl").read_text()
    for raw in record.raw:
        text += (Path(visit.directory) / raw.path).read_text()
    assert "198.18.0.1" in text  # the laptop's own address (its link check)
    verified = subprocess.run([sys.executable, "-m", "netsurvey", "verify", str(visit.directory)],
                              capture_output=True, text=True, timeout=60, check=False)  # fmt: skip
    assert verified.returncode == 0, verified.stdout + verified.stderr
    for seat_host in range(11, 17):
        assert f"198.18.0.{seat_host}\"" not in text  # no seat (pupil device) address


def test_everything_was_torn_down(class_50: dict[str, Any], class_faults: dict[str, Any]) -> None:
    names = subprocess.run(["ip", "netns", "list"], capture_output=True, text=True,
                           check=True).stdout  # fmt: skip
    assert f"-{os.getpid()}" not in names
    for result in (class_50, class_faults):
        assert not Path(f"/proc/{result['lab']['server_pid']}").exists()


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_interrupted_lab_tears_everything_down(tmp_path: Path, signum: int) -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "netsurvey", "lab", "class-test", "--clients", "3",
         "--browsers", "1", "--rate-mbit", "50", "--work", str(tmp_path)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )  # fmt: skip
    suffix = f"-{process.pid}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:  # wait until the seats run
        if list(tmp_path.glob("logs-*/seat3-*.log")):
            break
        time.sleep(0.2)
    time.sleep(2.0)
    process.send_signal(signum)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == (130 if signum == signal.SIGINT else 143), stderr
    assert "Traceback" not in stderr
    names = subprocess.run(["ip", "netns", "list"], capture_output=True, text=True,
                           check=True).stdout  # fmt: skip
    assert suffix not in names
    leftovers = subprocess.run(["pgrep", "-f", str(tmp_path)], capture_output=True,
                               text=True, check=False).stdout.split()  # fmt: skip
    assert leftovers == []
