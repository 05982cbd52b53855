"""Look-up tables the vectorised model gathers from, built once per profile.

Radio configurations are enumerated (standard x width x streams); every
per-desk quantity is then a gather from a small table indexed by
(configuration, MCS) or (configuration, quantised RSSI).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from statistics import NormalDist
from typing import Any

import numpy as np
from numpy.typing import NDArray

from netsurvey.scoring.mac import TrafficShape, bianchi_table, goodput_mbps
from netsurvey.scoring.phy import (
    MCS_COUNT,
    STANDARDS,
    STREAMS,
    WIDTHS_MHZ,
    RadioConfig,
    mcs_thresholds,
)
from netsurvey.scoring.profile import Profile

RSSI_FLOOR_DBM = -140.0
RSSI_CEILING_DBM = 20.0
SNR_FLOOR_DB = -40.0
SNR_CEILING_DB = 120.0
MAX_CONTENDERS = 1024

CONFIGS: tuple[RadioConfig, ...] = tuple(
    RadioConfig(standard, width, streams)
    for standard in STANDARDS
    for width in WIDTHS_MHZ
    for streams in STREAMS
)
CONFIG_INDEX = {config: index for index, config in enumerate(CONFIGS)}


def config_index(config: RadioConfig) -> int:
    return CONFIG_INDEX[config]


def traffic_shape(profile: Profile, application: str) -> TrafficShape:
    app = profile.applications[application]
    return TrafficShape(app.aggregation, app.msdu_bytes, app.tcp)


def desk_quantiles(points: int) -> tuple[float, ...]:
    """Stratified standard-normal positions of the desks in a room."""
    return tuple(NormalDist().inv_cdf((k + 0.5) / points) for k in range(points))


@dataclass(frozen=True)
class ModelTables:
    """Everything per profile the vectorised model and the reference share."""

    rssi_thresholds: NDArray[np.float64]  # (config, mcs)
    snr_thresholds: NDArray[np.float64]  # (config, mcs)
    rssi_lut: NDArray[np.int8]  # (config, rssi bin) -> best MCS by sensitivity
    snr_lut: NDArray[np.int8]  # (config, snr bin) -> best MCS by SNR
    step_db: float
    shapes: tuple[TrafficShape, ...]
    shape_of_app: dict[str, int]
    inverse_goodput: NDArray[np.float64]  # (config, mcs+1, shape) seconds per Mbit; col 0 = no link
    contention: NDArray[np.float64]  # (contenders,) Bianchi efficiency
    desk_z: NDArray[np.float64]  # (desk,)

    def rssi_bin(self, rssi_dbm: Any) -> Any:
        bins = self.rssi_lut.shape[1]
        return np.clip(np.floor((rssi_dbm - RSSI_FLOOR_DBM) / self.step_db), 0, bins - 1).astype(
            np.intp
        )

    def snr_bin(self, snr_db: Any) -> Any:
        bins = self.snr_lut.shape[1]
        return np.clip(np.floor((snr_db - SNR_FLOOR_DB) / self.step_db), 0, bins - 1).astype(
            np.intp
        )


def _lut(
    thresholds: NDArray[np.float64], floor: float, ceiling: float, step: float
) -> NDArray[np.int8]:
    grid = floor + step * np.arange(math.ceil((ceiling - floor) / step) + 1)
    counts = (grid[None, :, None] >= thresholds[:, None, :]).sum(axis=2)
    return np.asarray(counts - 1, dtype=np.int8)


def build_tables(profile: Profile) -> ModelTables:
    wifi = profile.wifi
    rssi_rows = []
    snr_rows = []
    for config in CONFIGS:
        thresholds = mcs_thresholds(
            config, wifi.impl_gain_db, wifi.fade_margin_db, wifi.he_extra_snr_db
        )
        rssi_rows.append(thresholds.rssi_dbm)
        snr_rows.append(thresholds.snr_db)
    rssi_thr = np.array(rssi_rows, dtype=np.float64)
    snr_thr = np.array(snr_rows, dtype=np.float64)
    shapes: list[TrafficShape] = []
    shape_of_app: dict[str, int] = {}
    for app_id in profile.applications:
        shape = traffic_shape(profile, app_id)
        if shape not in shapes:
            shapes.append(shape)
        shape_of_app[app_id] = shapes.index(shape)
    inverse = np.full((len(CONFIGS), MCS_COUNT + 1, len(shapes)), np.inf)
    for c, config in enumerate(CONFIGS):
        for s, shape in enumerate(shapes):
            for mcs in range(MCS_COUNT):
                rate = goodput_mbps(config, mcs, shape, profile.tcp_ack_share)
                if not math.isnan(rate):
                    inverse[c, mcs + 1, s] = 1.0 / rate
            inverse[c, 0, s] = inverse[c, 1, s]  # no link: charged at MCS0 airtime
    return ModelTables(
        rssi_thresholds=rssi_thr,
        snr_thresholds=snr_thr,
        rssi_lut=_lut(rssi_thr, RSSI_FLOOR_DBM, RSSI_CEILING_DBM, wifi.rssi_step_db),
        snr_lut=_lut(snr_thr, SNR_FLOOR_DB, SNR_CEILING_DB, wifi.rssi_step_db),
        step_db=wifi.rssi_step_db,
        shapes=tuple(shapes),
        shape_of_app=shape_of_app,
        inverse_goodput=inverse,
        contention=bianchi_table(MAX_CONTENDERS, wifi.contention_busy_us),
        desk_z=np.array(desk_quantiles(wifi.desk_points), dtype=np.float64),
    )
