"""802.11 PHY rates and the RSSI/SNR -> MCS rule (docs/model.md §4.1, §4.2).

Everything here is a small table indexed by a radio configuration
(standard, channel width, spatial streams) and an MCS 0..11.  The scorer
builds the tables once per profile and then only gathers from them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

STANDARDS = ("HT", "VHT", "HE")
WIDTHS_MHZ = (20, 40, 80, 160)
STREAMS = (1, 2, 3, 4)
MCS_COUNT = 12

DATA_SUBCARRIERS = {
    "HT": {20: 52, 40: 108, 80: 234, 160: 468},
    "VHT": {20: 52, 40: 108, 80: 234, 160: 468},
    "HE": {20: 234, 40: 468, 80: 980, 160: 1960},
}
MAX_MCS = {"HT": 7, "VHT": 9, "HE": 11}
MAX_WIDTH_MHZ = {"HT": 40, "VHT": 160, "HE": 160}
BITS_PER_SUBCARRIER = (1, 2, 2, 4, 4, 6, 6, 6, 8, 8, 10, 10)
CODING_RATE = (1 / 2, 1 / 2, 3 / 4, 1 / 2, 3 / 4, 2 / 3, 3 / 4, 5 / 6, 3 / 4, 5 / 6, 3 / 4, 5 / 6)
SYMBOL_US = {"HT": 4.0, "VHT": 4.0, "HE": 13.6}
SHORT_GI_SYMBOL_US = {"HT": 3.6, "VHT": 3.6, "HE": 13.6}

# Minimum receiver sensitivity at 20 MHz (dBm), 802.11n/ac/ax, MCS 0..11.
MIN_SENSITIVITY_20MHZ_DBM = (-82, -79, -77, -74, -70, -66, -65, -64, -59, -57, -54, -52)

# Qualcomm Atheros estimator SNR table (dB) for MCS 0..9, keyed by (streams, width).
VENDOR_SNR_DB = {
    (1, 20): (7, 10, 13, 14, 18, 22, 23, 25, 31, 32),
    (1, 40): (6, 9, 12, 13, 17, 21, 22, 24, 30, 31),
    (1, 80): (5, 8, 11, 12, 16, 20, 21, 23, 29, 30),
    (2, 20): (7, 11, 14, 18, 21, 26, 28, 31, 35, 37),
    (2, 40): (6, 10, 13, 17, 21, 25, 27, 30, 34, 36),
    (2, 80): (5, 9, 12, 16, 20, 24, 26, 29, 33, 35),
}


@dataclass(frozen=True)
class RadioConfig:
    """The link configuration both ends agree on."""

    standard: str
    width_mhz: int
    streams: int

    def label(self) -> str:
        return f"{self.standard}{self.width_mhz} {self.streams}SS"


def link_config(
    ap_standard: str, ap_width_mhz: int, ap_streams: int, client_standard: str, client_streams: int
) -> RadioConfig:
    """The configuration a client and an AP radio negotiate: the lesser of both."""
    standard = STANDARDS[min(STANDARDS.index(ap_standard), STANDARDS.index(client_standard))]
    width = min(ap_width_mhz, MAX_WIDTH_MHZ[standard])
    return RadioConfig(standard, width, max(1, min(ap_streams, client_streams)))


def mcs_valid(config: RadioConfig, mcs: int) -> bool:
    """Whether the MCS exists for this configuration (VHT MCS9 at 20 MHz needs 3 or 6 SS)."""
    if mcs < 0 or mcs > MAX_MCS[config.standard]:
        return False
    return not (
        config.standard == "VHT"
        and config.width_mhz == 20
        and mcs == 9
        and config.streams not in (3, 6)
    )


def data_bits_per_symbol(config: RadioConfig, mcs: int) -> float:
    """N_DBPS = N_SD * N_BPSCS * R * N_SS."""
    subcarriers = DATA_SUBCARRIERS[config.standard][config.width_mhz]
    return subcarriers * BITS_PER_SUBCARRIER[mcs] * CODING_RATE[mcs] * config.streams


def symbol_us(config: RadioConfig, short_gi: bool = False) -> float:
    table = SHORT_GI_SYMBOL_US if short_gi else SYMBOL_US
    return table[config.standard]


def phy_rate_mbps(config: RadioConfig, mcs: int, short_gi: bool = False) -> float:
    """PHY rate in Mbit/s, NaN for an MCS the configuration does not have."""
    if not mcs_valid(config, mcs):
        return math.nan
    return data_bits_per_symbol(config, mcs) / symbol_us(config, short_gi)


def vendor_snr_db(config: RadioConfig, mcs: int, he_extra_snr_db: tuple[float, float]) -> float:
    """SNR needed for an MCS; widths and streams beyond the vendor table use its nearest row.

    MCS 10 and 11 are the MCS9 value plus the profile's extrapolation (⚠A +3/+5 dB).
    """
    streams = min(config.streams, 2)
    width = min(config.width_mhz, 80)
    row = VENDOR_SNR_DB[(streams, width)]
    if mcs <= 9:
        return float(row[mcs])
    return float(row[9]) + he_extra_snr_db[mcs - 10]


def width_offset_db(width_mhz: int) -> float:
    """Sensitivity loss against 20 MHz: +3 dB per doubling of width."""
    return 3.0 * math.log2(width_mhz / 20)


@dataclass(frozen=True)
class McsThresholds:
    """RSSI and SNR (dB) at or above which each MCS decodes; +inf where it does not exist."""

    rssi_dbm: tuple[float, ...]
    snr_db: tuple[float, ...]


def mcs_thresholds(
    config: RadioConfig,
    impl_gain_db: float,
    fade_margin_db: float,
    he_extra_snr_db: tuple[float, float],
) -> McsThresholds:
    """Per-MCS thresholds of the rule in docs/model.md §4.2, fade margin folded in.

    ``ok[m] = RSSI - M_fade >= S_min20[m] + bw_off - G_impl`` and
    ``RSSI - noise - M_fade >= SNR_vendor[m]``.
    """
    offset = width_offset_db(config.width_mhz)
    rssi: list[float] = []
    snr: list[float] = []
    for mcs in range(MCS_COUNT):
        if mcs_valid(config, mcs):
            rssi.append(MIN_SENSITIVITY_20MHZ_DBM[mcs] + offset - impl_gain_db + fade_margin_db)
            snr.append(vendor_snr_db(config, mcs, he_extra_snr_db) + fade_margin_db)
        else:
            rssi.append(math.inf)
            snr.append(math.inf)
    return McsThresholds(tuple(rssi), tuple(snr))


def select_mcs(rssi_dbm: float, noise_dbm: float, thresholds: McsThresholds) -> int:
    """Highest MCS whose two thresholds are met; -1 means no link (scalar form of the rule)."""
    best = -1
    for mcs in range(MCS_COUNT):
        if rssi_dbm >= thresholds.rssi_dbm[mcs] and rssi_dbm - noise_dbm >= thresholds.snr_db[mcs]:
            best = mcs
    return best


def select_mcs_array(
    rssi_dbm: NDArray[np.floating[Any]],
    noise_dbm: NDArray[np.floating[Any]],
    rssi_thresholds: NDArray[np.floating[Any]],
    snr_thresholds: NDArray[np.floating[Any]],
) -> NDArray[np.int8]:
    """Vectorised rule: thresholds have a trailing MCS axis that broadcasts against the inputs."""
    ok = (rssi_dbm[..., None] >= rssi_thresholds) & (
        (rssi_dbm - noise_dbm)[..., None] >= snr_thresholds
    )
    ranks = np.where(ok, np.arange(MCS_COUNT, dtype=np.int8), np.int8(-1))
    return np.asarray(ranks.max(axis=-1), dtype=np.int8)
