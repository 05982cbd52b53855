"""Unit anchors of docs/model.md §4 and §5.1: PHY tables, the MCS rule, MAC goodput, Bianchi."""

from __future__ import annotations

import math

import numpy as np
import pytest

from netsurvey.scoring.mac import (
    TrafficShape,
    bianchi_collision_and_tau,
    bianchi_efficiency,
    goodput_mbps,
)
from netsurvey.scoring.phy import (
    MIN_SENSITIVITY_20MHZ_DBM,
    RadioConfig,
    mcs_thresholds,
    phy_rate_mbps,
    select_mcs,
    select_mcs_array,
)
from netsurvey.scoring.profile import Profile
from netsurvey.scoring.tables import build_tables, desk_quantiles

# docs/model.md §4.1, 1 spatial stream, Mbit/s (SemFio / H3C).
PUBLISHED_1SS = {
    ("HT", 20): [6.5, 13, 19.5, 26, 39, 52, 58.5, 65],
    ("HT", 40): [13.5, 27, 40.5, 54, 81, 108, 121.5, 135],
    ("VHT", 20): [6.5, 13, 19.5, 26, 39, 52, 58.5, 65, 78],
    ("VHT", 40): [13.5, 27, 40.5, 54, 81, 108, 121.5, 135, 162, 180],
    ("VHT", 80): [29.3, 58.5, 87.8, 117, 175.5, 234, 263.3, 292.5, 351, 390],
    ("HE", 20): [8.6, 17.2, 25.8, 34.4, 51.6, 68.8, 77.4, 86.0, 103.2, 114.7, 129.0, 143.4],
    ("HE", 40): [17.2, 34.4, 51.6, 68.8, 103.2, 137.6, 154.9, 172.1, 206.5, 229.4, 258.1, 286.8],
    ("HE", 80): [36.0, 72.1, 108.1, 144.1, 216.2, 288.2, 324.3, 360.3, 432.4, 480.4, 540.4, 600.5],
}


@pytest.mark.parametrize(("standard", "width"), sorted(PUBLISHED_1SS))
@pytest.mark.parametrize("streams", [1, 2])
def test_phy_rates_reproduce_published_tables(standard: str, width: int, streams: int) -> None:
    config = RadioConfig(standard, width, streams)
    for mcs, published in enumerate(PUBLISHED_1SS[(standard, width)]):
        rate = phy_rate_mbps(config, mcs)
        # published values are rounded to one decimal (half up)
        assert abs(rate - published * streams) <= 0.051 * streams, (standard, width, mcs)


def test_phy_masks_and_short_gi() -> None:
    assert math.isnan(phy_rate_mbps(RadioConfig("VHT", 20, 1), 9))
    assert math.isnan(phy_rate_mbps(RadioConfig("VHT", 20, 2), 9))
    assert phy_rate_mbps(RadioConfig("VHT", 20, 3), 9) == pytest.approx(260.0)
    assert math.isnan(phy_rate_mbps(RadioConfig("HT", 40, 1), 8))
    assert phy_rate_mbps(RadioConfig("HT", 40, 2), 7, short_gi=True) == pytest.approx(300.0)
    assert phy_rate_mbps(RadioConfig("VHT", 80, 2), 9, short_gi=True) == pytest.approx(
        866.67, abs=0.01
    )
    assert phy_rate_mbps(RadioConfig("HE", 80, 2), 11) == pytest.approx(1201.0, abs=0.1)


@pytest.mark.parametrize("width", [20, 40, 80])
def test_mcs_rule_reproduces_the_sensitivity_table(width: int) -> None:
    """With no margins and a quiet channel, MCS m decodes exactly at S_min20[m] + 3 dB per doubling."""
    config = RadioConfig("HE", width, 1)
    thresholds = mcs_thresholds(config, impl_gain_db=0, fade_margin_db=0, he_extra_snr_db=(3, 5))
    offset = 3 * math.log2(width / 20)
    very_quiet = -200.0
    for mcs, sensitivity in enumerate(MIN_SENSITIVITY_20MHZ_DBM):
        at = sensitivity + offset
        assert select_mcs(at, very_quiet, thresholds) == mcs
        assert select_mcs(at - 0.01, very_quiet, thresholds) == mcs - 1


# docs/model.md §4.2 worked check of the rule: noise -93 dBm, G_impl 5, M_fade 3, TCP n_agg 32.
SENSITIVITY_TABLE = {
    ("VHT", 20): [
        (8, 156, 124),
        (8, 156, 124),
        (8, 156, 124),
        (6, 117, 95),
        (4, 78, 64),
        (3, 52, 41),
        (2, 39, 32),
        (0, 13, 9),
        None,
    ],
    ("VHT", 40): [
        (9, 360, 261),
        (9, 360, 261),
        (8, 324, 238),
        (7, 270, 204),
        (5, 216, 167),
        (3, 108, 88),
        (2, 81, 67),
        (0, 27, 21),
        None,
    ],
    ("VHT", 80): [
        (9, 780, 477),
        (9, 780, 477),
        (8, 702, 443),
        (7, 585, 386),
        (4, 351, 255),
        (3, 234, 179),
        (1, 117, 95),
        None,
        None,
    ],
    ("HE", 40): [
        (11, 574, 377),
        (10, 516, 346),
        (8, 413, 290),
        (7, 344, 250),
        (5, 275, 205),
        (3, 138, 110),
        (2, 103, 84),
        (0, 34, 28),
        None,
    ],
    ("HE", 80): [
        (11, 1201, 619),
        (10, 1081, 577),
        (8, 865, 507),
        (7, 721, 444),
        (4, 432, 300),
        (3, 288, 213),
        (1, 144, 115),
        None,
        None,
    ],
}


@pytest.mark.parametrize(("standard", "width"), sorted(SENSITIVITY_TABLE))
def test_sensitivity_table_mcs_phy_and_goodput(standard: str, width: int) -> None:
    config = RadioConfig(standard, width, 2)
    thresholds = mcs_thresholds(config, 5, 3, (3, 5))
    shape = TrafficShape(32, 1500, True)
    for rssi, expected in zip(
        range(-45, -86, -5), SENSITIVITY_TABLE[(standard, width)], strict=True
    ):
        mcs = select_mcs(float(rssi), -93.0, thresholds)
        if expected is None:
            assert mcs == -1, rssi
            continue
        want_mcs, want_phy, want_tcp = expected
        assert mcs == want_mcs, rssi
        assert phy_rate_mbps(config, mcs) == pytest.approx(want_phy, abs=1.0)
        # the published TCP column rounds and caps aggregation slightly differently at low MCS
        assert goodput_mbps(config, mcs, shape) == pytest.approx(want_tcp, rel=0.05, abs=2.5)


def test_vectorised_mcs_rule_matches_scalar_rule() -> None:
    config = RadioConfig("VHT", 40, 2)
    thresholds = mcs_thresholds(config, 5, 3, (3, 5))
    rssi = np.linspace(-95, -35, 241)
    noise = np.full_like(rssi, -91.0)
    got = select_mcs_array(rssi, noise, np.array(thresholds.rssi_dbm), np.array(thresholds.snr_db))
    assert got.tolist() == [select_mcs(float(r), -91.0, thresholds) for r in rssi]


# docs/model.md §4.4 results table.
@pytest.mark.parametrize(
    ("config", "mcs", "shape", "published"),
    [
        (RadioConfig("VHT", 40, 2), 9, TrafficShape(64, 1500, True), 283),
        (RadioConfig("VHT", 80, 2), 9, TrafficShape(64, 1500, True), 558),
        (RadioConfig("HE", 80, 2), 11, TrafficShape(128, 1500, True), 884),
        (RadioConfig("VHT", 80, 2), 9, TrafficShape(64, 1500, False), 628),
        (RadioConfig("VHT", 40, 2), 9, TrafficShape(1, 1500, True), 45),
        (RadioConfig("VHT", 40, 2), 7, TrafficShape(4, 1200, False), 108),
        (RadioConfig("VHT", 40, 2), 7, TrafficShape(8, 1200, False), 153),
        (RadioConfig("VHT", 40, 2), 7, TrafficShape(8, 1200, True), 136),
    ],
)
def test_mac_goodput_table(
    config: RadioConfig, mcs: int, shape: TrafficShape, published: float
) -> None:
    assert goodput_mbps(config, mcs, shape) == pytest.approx(published, abs=1.0)


def test_bianchi_table() -> None:
    counts = np.array([1, 2, 5, 10, 15, 25, 30, 50], dtype=float)
    collision, _ = bianchi_collision_and_tau(counts)
    np.testing.assert_allclose(
        collision, [0, 0.105, 0.272, 0.384, 0.442, 0.510, 0.533, 0.595], atol=0.001
    )
    np.testing.assert_allclose(
        bianchi_efficiency(counts, 500.0), [1, 1.00, 0.93, 0.86, 0.82, 0.76, 0.75, 0.69], atol=0.006
    )
    np.testing.assert_allclose(
        bianchi_efficiency(counts, 1500.0),
        [1, 0.96, 0.88, 0.80, 0.76, 0.71, 0.69, 0.64],
        atol=0.006,
    )


def test_ethernet_tcp_goodput_is_941_on_gigabit(profile: Profile) -> None:
    assert round(profile.ethernet_tcp_ratio * 1000) == 941
    assert round(profile.ethernet_tcp_ratio * 100, 1) == 94.1
    assert round(profile.ethernet_tcp_ratio * 10_000) == 9415


def test_watchguard_classroom_case_within_ten_percent(profile: Profile) -> None:
    """30 active 11ac 1x1 clients on 80 MHz, RSSI ~ N(-62, 5), noise -93, n_eff = 7: ~139 Mbit/s."""
    config = RadioConfig("VHT", 80, 1)
    thresholds = mcs_thresholds(
        config, profile.wifi.impl_gain_db, profile.wifi.fade_margin_db, profile.wifi.he_extra_snr_db
    )
    video = profile.applications["video_720p"]
    shape = TrafficShape(video.aggregation, video.msdu_bytes, video.tcp)
    goodputs = []
    for z in desk_quantiles(400):
        mcs = max(select_mcs(-62.0 + 5.0 * z, -93.0, thresholds), 0)
        goodputs.append(goodput_mbps(config, mcs, shape, profile.tcp_ack_share))
    contenders = 1 + math.ceil(30 * video.uplink_share)
    assert contenders == 7
    eta = float(build_tables(profile).contention[contenders])
    airtime_fair = float(np.mean(goodputs)) * eta
    assert airtime_fair == pytest.approx(139.0, rel=0.10)
    # each device at 4 Mbit/s then uses about 2.9 % of the airtime (WatchGuard: 2.88 %)
    assert 4.0 / airtime_fair == pytest.approx(0.0288, rel=0.10)
