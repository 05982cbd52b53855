"""`netsurvey wifi point` with recorded scans and a real iperf3 server on loopback."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from netsurvey.lab.iperf3_server import Iperf3Server
from tests.jsonread import num, obj, objs
from tests.wifi.conftest import RunCli
from tests.wifi.tests_wifi_helpers import points_of

pytestmark = pytest.mark.timeout(120)


@pytest.fixture(scope="module")
def iperf3_server() -> Iterator[Iperf3Server]:
    with Iperf3Server(bind="127.0.0.1") as server:
        yield server


def test_point_averages_scans_and_keeps_evidence(
    netsurvey: RunCli, visit: Path, wifi_fixtures: Path
) -> None:
    script = wifi_fixtures / "walk" / "101-1.json"
    result = netsurvey(
        "wifi",
        "point",
        "--visit",
        str(visit),
        "--room",
        "101",
        "--x",
        "3",
        "--y",
        "3",
        "--replay",
        str(script),
        "--scans",
        "2",
    )
    assert result.returncode == 0, result.stderr
    assert "Saved point in 101" in result.stdout
    (point,) = points_of(visit)
    details = point.details
    assert (details["room"], details["x_m"], details["y_m"]) == ("101", 3.0, 3.0)
    by_bssid = {b["bssid"]: b for b in objs(details["bss"])}
    ap = by_bssid["02:5a:00:00:01:20"]
    assert ap["signal_dbm"] == -51.0  # mean of -50 and -52 from the two recorded scans
    assert (ap["signal_min_dbm"], ap["signal_max_dbm"], ap["seen_count"]) == (-52.0, -50.0, 2)
    assert obj(details["link"])["bssid"] == "02:5a:00:00:01:20"
    assert details["iperf"] is None
    assert len(point.raw) == 3  # two scans + the link reading
    assert all((visit / ref.path).is_file() for ref in point.raw)
    assert any("BSS Load element malformed" in w and "2 of 2 scans" in w for w in point.warnings)


def test_point_with_iperf_is_valid_when_the_laptop_stays(
    netsurvey: RunCli, visit: Path, wifi_fixtures: Path, iperf3_server: Iperf3Server
) -> None:
    result = netsurvey(
        "wifi",
        "point",
        "--visit",
        str(visit),
        "--room",
        "101",
        "--replay",
        str(wifi_fixtures / "walk" / "101-2.json"),
        "--scans",
        "1",
        "--iperf",
        "--iperf-server",
        f"127.0.0.1:{iperf3_server.port}",
        "--iperf-seconds",
        "1",
    )
    assert result.returncode == 0, result.stderr
    (point,) = points_of(visit)
    iperf = obj(point.details["iperf"])
    assert iperf["valid"] is True and iperf["status"] == "ok"
    assert num(iperf["throughput_bps"]) > 1e6
    assert point.metrics["iperf_throughput_bps"] == iperf["throughput_bps"]
    assert (point.details["x_m"], point.details["y_m"]) == (5.0, 4.0)  # the room's centre


def test_point_with_iperf_is_invalid_when_the_laptop_roamed(
    netsurvey: RunCli, visit: Path, wifi_fixtures: Path, iperf3_server: Iperf3Server
) -> None:
    result = netsurvey(
        "wifi",
        "point",
        "--visit",
        str(visit),
        "--room",
        "103",
        "--replay",
        str(wifi_fixtures / "walk" / "103-2.json"),
        "--scans",
        "1",
        "--iperf",
        "--iperf-server",
        f"127.0.0.1:{iperf3_server.port}",
        "--iperf-seconds",
        "1",
    )
    assert result.returncode == 0, result.stderr
    assert "iperf3 INVALID" in result.stdout and "roamed" in result.stdout
    (point,) = points_of(visit)
    iperf = obj(point.details["iperf"])
    assert iperf["valid"] is False and iperf["status"] == "invalid"
    assert iperf["bssids_seen"] == ["02:5a:00:00:03:10", "02:5a:00:00:01:10"]
    assert point.metrics["iperf_throughput_bps"] is None


def test_bad_input_gets_one_line(
    netsurvey: RunCli, visit: Path, wifi_fixtures: Path, tmp_path: Path
) -> None:
    unknown_room = netsurvey(
        "wifi",
        "point",
        "--visit",
        str(visit),
        "--room",
        "999",
        "--replay",
        str(wifi_fixtures / "walk" / "101-2.iw"),
    )
    assert unknown_room.returncode == 2
    assert unknown_room.stderr.strip().splitlines() == [
        "netsurvey: error: --room 999: not a room of this school (rooms: 101, 102, 103)"
    ]
    outside = netsurvey(
        "wifi",
        "point",
        "--visit",
        str(visit),
        "--room",
        "101",
        "--iperf",
        "--iperf-server",
        "203.0.113.9",
        "--replay",
        str(wifi_fixtures / "walk" / "101-2.iw"),
    )
    assert outside.returncode == 2 and "outside the school's declared scope" in outside.stderr
    garbage = netsurvey(
        "wifi",
        "point",
        "--visit",
        str(visit),
        "--room",
        "102",
        "--scans",
        "1",
        "--replay",
        str(wifi_fixtures / "faults" / "garbage.bin"),
    )
    assert garbage.returncode == 1 and "Traceback" not in garbage.stderr
    assert "FAILED: cannot tell which tool wrote this file" in garbage.stdout
    (failed,) = points_of(visit)
    assert failed.status == "failed"  # kept as evidence; the walk can repeat it
    no_visit = netsurvey("wifi", "rooms", "--visit", str(tmp_path / "nowhere"))
    assert no_visit.returncode == 3 and len(no_visit.stderr.strip().splitlines()) == 1
