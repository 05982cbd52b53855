"""Per-room analysis from points taken with the real point command on our recordings."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from netsurvey.errors import ProfileError
from netsurvey.records import Measurement, VisitWriter, iso, new_id, utc_now
from netsurvey.wifi.analysis import analyse_room
from netsurvey.wifi.aps import ApIndex
from netsurvey.wifi.averaging import average_scans
from netsurvey.wifi.channels import occupied_mhz, overlapping, same_radio
from netsurvey.wifi.points import SurveyPoint
from netsurvey.wifi.results import room_results
from netsurvey.wifi.store import load_survey
from netsurvey.wifi.thresholds import WifiThresholds
from probes.base import JSONValue
from probes.wifi_parsers import Bss, Link
from tests.wifi.conftest import RunCli

POINTS = [
    ("101", "3", "3"),
    ("101", "7", "5"),
    ("102", "13", "3"),
    ("102", "17", "5"),
    ("103", "23", "3"),
    ("103", "27", "5"),
]


@pytest.fixture
def surveyed(visit: Path, wifi_fixtures: Path, netsurvey: RunCli) -> Path:
    for room, x, y in POINTS:
        number = sum(1 for r, _, _ in POINTS[: POINTS.index((room, x, y))] if r == room) + 1
        script = wifi_fixtures / "walk" / f"{room}-{number}.json"
        result = netsurvey(
            "wifi",
            "point",
            "--visit",
            str(visit),
            "--room",
            room,
            "--x",
            x,
            "--y",
            y,
            "--replay",
            str(script),
            "--scans",
            "1",
        )
        assert result.returncode == 0, result.stderr
    return visit


def add_ap_inventory(visit: Path) -> None:
    """What the SNMP probe records for the two APs (their radio MACs)."""
    writer = VisitWriter.open(visit)
    for device_id, mac in (("ap-101", "02:5a:00:00:01:00"), ("ap-103", "02:5a:00:00:03:00")):
        now = iso(utc_now())
        device: dict[str, JSONValue] = {
            "system": {"sys_name": device_id},
            "interfaces": [{"if_index": 1, "name": "radio0", "mac": mac}],
            "wireless": {"radios": [{"name": "radio0"}]},
        }
        writer.append(
            Measurement(
                id=new_id(),
                job_id=f"snmp:{device_id}",
                probe="snmp",
                status="ok",
                started_at=now,
                finished_at=now,
                duration_s=0.1,
                target={"host": "127.0.0.1", "device_id": device_id},
                details={"device": device},
            )
        )


def test_rooms_pass_warn_fail(surveyed: Path) -> None:
    add_ap_inventory(surveyed)
    results = {r.room: r for r in room_results(load_survey(surveyed), WifiThresholds())}
    good, middle, bad = results["101"], results["102"], results["103"]
    assert (good.verdict, middle.verdict, bad.verdict) == ("pass", "warn", "fail")
    assert good.best_signal_dbm == -44.0 and good.median_signal_dbm == -46.5
    assert good.serving_bssid == "02:5a:00:00:01:20" and good.serving_ap == "ap-101"
    assert (good.serving_channel, good.serving_width_mhz) == (36, 80)
    assert good.co_channel_count == 1  # the hidden WPA3 network on channel 36
    assert [n.bssid for n in good.co_channel] == ["b4:fb:e4:00:00:07"]
    assert good.adjacent_channel_count == 1  # ap-103's 80 MHz channel 44 shares 36-48
    assert good.channel_utilization_ratio == pytest.approx(64 / 255, abs=1e-3)
    assert good.link_tx_bitrate_bps == 585e6
    assert bad.serving_ap == "ap-103" and bad.best_5ghz_dbm == -89.0  # best of -90 and -89
    verdicts = {c.name: c.verdict for c in bad.checks}
    assert verdicts == {
        "signal": "fail",
        "snr": "warn",
        "co_channel": "pass",
        "adjacent_channel": "pass",
        "utilization": "warn",
        "5ghz": "warn",
    }
    assert bad.snr_estimated


def test_missing_room_and_custom_thresholds(visit: Path) -> None:
    results = room_results(load_survey(visit), WifiThresholds())
    assert [r.verdict for r in results] == ["missing"] * 3
    strict = WifiThresholds.from_mapping({"pass_signal_dbm": -60, "want_5ghz": False})
    assert strict.pass_signal_dbm == -60.0 and not strict.want_5ghz
    with pytest.raises(ProfileError, match="unknown Wi-Fi threshold 'pass_signal'"):
        WifiThresholds.from_mapping({"pass_signal": -60})
    with pytest.raises(ProfileError, match="not a number"):
        WifiThresholds.from_mapping({"pass_snr_db": "loud"})


def test_school_ssids_unknown_uses_the_connected_ssid() -> None:
    bss = Bss(
        bssid="02:5a:00:00:01:20",
        ssid="Skola",
        signal_dbm=-60.0,
        freq_mhz=5180,
        channel=36,
        width_mhz=80,
        band="5GHz",
        noise_dbm=-90.0,
    )
    point = SurveyPoint(
        "m-1",
        "101",
        1.0,
        1.0,
        (bss,),
        Link(connected=True, bssid="02:5a:00:00:01:20", ssid="Skola"),
        None,
    )
    result = analyse_room("101", "1", [point], (), ApIndex(), WifiThresholds())
    assert result.median_signal_dbm == -60.0 and result.snr_db == 30.0 and not result.snr_estimated
    assert "using the SSID the laptop was connected to" in result.notes[0]
    assert result.verdict == "pass"
    assert "utilization" not in {c.name for c in result.checks}  # no BSS Load: not judged


def test_averaging_counts_sightings() -> None:
    first = [Bss("aa:bb:cc:dd:ee:01", "Skola", 2412, 1, signal_dbm=-60.0)]
    second = [
        Bss("aa:bb:cc:dd:ee:01", "Skola", 2412, 1, signal_dbm=-64.0),
        Bss("aa:bb:cc:dd:ee:02", "Other", 2437, 6, signal_dbm=-80.0),
    ]
    averaged = {a.bss.bssid: a for a in average_scans([first, second])}
    assert averaged["aa:bb:cc:dd:ee:01"].bss.signal_dbm == -62.0
    assert averaged["aa:bb:cc:dd:ee:01"].signal_min_dbm == -64.0
    assert averaged["aa:bb:cc:dd:ee:02"].seen_count == 1
    assert averaged["aa:bb:cc:dd:ee:02"].scans_count == 2
    written = averaged["aa:bb:cc:dd:ee:01"].to_json()
    assert (written["signal_dbm"], written["signal_max_dbm"], written["seen_count"]) == (
        -62.0,
        -60.0,
        2,
    )
    assert "warnings" not in written


def test_channel_geometry() -> None:
    ch36_80 = Bss("a", freq_mhz=5180, channel=36, width_mhz=80)
    ch44_20 = Bss("b", freq_mhz=5220, channel=44, width_mhz=20)
    ch52_20 = Bss("c", freq_mhz=5260, channel=52, width_mhz=20)
    assert occupied_mhz(ch36_80) == (5170.0, 5250.0)
    assert overlapping(ch36_80, ch44_20) and not overlapping(ch36_80, ch52_20)
    assert overlapping(Bss("d", freq_mhz=2412), Bss("e", freq_mhz=2422)) and not overlapping(
        Bss("d", freq_mhz=2412), Bss("f", freq_mhz=2437)
    )
    assert same_radio("02:5a:00:00:01:10", "02:5a:00:00:01:11")
    assert not same_radio("02:5a:00:00:01:10", "02:5a:00:00:01:20")
    index = ApIndex.from_mapping({"02-5A-00-00-01-00": "ap-101"})
    entry = index.lookup("02:5a:00:00:01:0e")
    assert entry is not None and entry.ap_name == "ap-101"
    assert index.lookup("02:5a:00:00:01:20") is not None  # same AP, another radio
    assert index.lookup("02:5a:00:00:02:20") is None
    assert dataclasses.is_dataclass(WifiThresholds) and WifiThresholds.__dataclass_params__.frozen  # type: ignore[attr-defined]
