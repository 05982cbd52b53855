"""The one serving-AP rule on typed points, and a point read back from its record JSON."""

from __future__ import annotations

from netsurvey.jsontypes import JsonObject
from netsurvey.wifi.pointiperf import PointIperf
from netsurvey.wifi.points import SurveyPoint
from netsurvey.wifi.serving import (
    BAND_STEERING_MIN_DBM,
    bssid_of,
    is_upper_band,
    room_serving,
    serving_bss,
)
from probes.wifi_parsers import Bss, Link

LOUD_24 = Bss("02:00:00:00:00:01", "Skola", 2412, 1, signal_dbm=-45.0)
QUIET_5 = Bss("02:00:00:00:00:02", "Skola", 5180, 36, signal_dbm=BAND_STEERING_MIN_DBM)
FAINT_5 = Bss("02:00:00:00:00:03", "Skola", 5500, 100, signal_dbm=-80.0)
NEIGHBOUR = Bss("02:00:00:00:00:04", "Kafejnica", 5180, 36, signal_dbm=-40.0)


def test_linked_bss_serves_when_connected() -> None:
    link = Link(connected=True, bssid="02:00:00:00:00:03".upper())
    assert serving_bss([LOUD_24, QUIET_5, FAINT_5], link, ("Skola",)) is FAINT_5
    gone = Link(connected=False, bssid="02:00:00:00:00:03")
    assert serving_bss([LOUD_24, QUIET_5, FAINT_5], gone, ("Skola",)) is QUIET_5


def test_band_steering_at_the_threshold_else_strongest() -> None:
    assert serving_bss([LOUD_24, QUIET_5], None, ("Skola",)) is QUIET_5  # -75 dBm still steers
    assert serving_bss([LOUD_24, FAINT_5], None, ("Skola",)) is LOUD_24
    assert serving_bss([NEIGHBOUR, LOUD_24], None, ("Skola",)) is LOUD_24
    assert serving_bss([NEIGHBOUR, LOUD_24], None) is NEIGHBOUR  # no SSIDs: every BSS counts
    assert serving_bss([NEIGHBOUR], None, ("Skola",)) is None
    assert is_upper_band(Bss("x", channel=36)) and not is_upper_band(Bss("x", channel=6))


def test_room_serving_most_points_then_strongest() -> None:
    weaker = Bss("02:00:00:00:00:01", "Skola", 2412, 1, signal_dbm=-60.0)
    assert room_serving([weaker, QUIET_5, LOUD_24]) is LOUD_24
    assert room_serving([QUIET_5, LOUD_24]) is LOUD_24  # a tie: the strongest
    assert room_serving([]) is None
    assert bssid_of(Bss("AA:BB:CC:DD:EE:FF")) == "aa:bb:cc:dd:ee:ff"


def test_point_read_back_defensively() -> None:
    details: JsonObject = {
        "room": "101",
        "x_m": 2,
        "y_m": "far",
        "bss": [
            {"bssid": "02:00:00:00:00:01", "ssid": "Skola", "freq_mhz": 2412, "channel": 1,
             "signal_dbm": -50, "noise_dbm": "n/a", "signal_min_dbm": -52.0, "seen_count": 3},
            "not a bss",
        ],
        "link": {"bssid": "02:00:00:00:00:01", "tx_bitrate_bps": 1.5e8},
        "iperf": {"server": "198.18.0.2:5201", "direction": "download", "status": "ok",
                  "throughput_bps": 9.1e7, "valid": True, "bssids_seen": ["02:00:00:00:00:01"]},
    }  # fmt: skip
    point = SurveyPoint.from_details("m-1", details)
    assert (point.x_m, point.y_m) == (2.0, None)
    (bss,) = point.bss
    assert (bss.signal_dbm, bss.noise_dbm, bss.channel) == (-50.0, None, 1)
    assert point.link is not None and point.link.connected  # no "connected": it was
    assert serving_bss(point.bss, point.link) is bss
    assert point.iperf is not None and point.iperf.valid_throughput_bps == 9.1e7


def test_iperf_record_shape_round_trips() -> None:
    failed = PointIperf("h:5201", "download", "failed", False, error="refused", bssids_seen=("a",))
    assert list(failed.to_json()) == [
        "server", "direction", "status", "throughput_bps", "error", "bssids_seen", "valid",
    ]  # fmt: skip
    roamed = PointIperf("h:5201", "download", "invalid", False, 5e7, ("slow",), None,
                        ("a", "b"), "the laptop roamed", ("link reading during failed",))  # fmt: skip
    assert PointIperf.from_json(roamed.to_json()) == roamed
    assert roamed.problem == "the laptop roamed" and roamed.valid_throughput_bps is None
