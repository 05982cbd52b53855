"""MAC goodput of an A-MPDU TXOP and Bianchi contention (docs/model.md §4.4, §4.5)."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from netsurvey.scoring.phy import RadioConfig, data_bits_per_symbol, mcs_valid, symbol_us

SLOT_US = 9.0
SIFS_US = 16.0
AIFS_BE_US = SIFS_US + 3 * SLOT_US
CW_MIN = 15
BLOCK_ACK_US = 32.0
PPDU_MAX_US = 5484.0
SERVICE_AND_TAIL_BITS = 16 + 6
MPDU_OVERHEAD_BYTES = 26 + 4 + 16 + 4  # QoS MAC header, FCS, CCMP, A-MPDU delimiter
TCP_PAYLOAD_RATIO = 1448 / 1500


@dataclass(frozen=True)
class TrafficShape:
    """How an application's frames look on the air."""

    aggregation: int
    msdu_bytes: int
    tcp: bool


def preamble_us(config: RadioConfig) -> float:
    """PHY preamble: HT-mixed 36+4(N-1), VHT 40+4(N-1), HE SU approximated as 36+8N (⚠A)."""
    if config.standard == "HT":
        return 36.0 + 4.0 * (config.streams - 1)
    if config.standard == "VHT":
        return 40.0 + 4.0 * (config.streams - 1)
    return 36.0 + 8.0 * config.streams


def mpdu_bytes(msdu_bytes: int) -> int:
    raw = msdu_bytes + MPDU_OVERHEAD_BYTES
    return (raw + 3) // 4 * 4


def txop_us(config: RadioConfig, mcs: int, aggregation: int, msdu_bytes: int) -> float:
    """Duration of one best-effort TXOP carrying ``aggregation`` MPDUs."""
    bits = SERVICE_AND_TAIL_BITS + 8 * aggregation * mpdu_bytes(msdu_bytes)
    symbols = math.ceil(bits / data_bits_per_symbol(config, mcs))
    return (
        AIFS_BE_US
        + CW_MIN / 2 * SLOT_US
        + preamble_us(config)
        + symbols * symbol_us(config)
        + SIFS_US
        + BLOCK_ACK_US
    )


def fitting_aggregation(config: RadioConfig, mcs: int, aggregation: int, msdu_bytes: int) -> int:
    """Largest aggregation up to the requested one whose PPDU fits aPPDUMaxTime."""
    per_mpdu_us = 8 * mpdu_bytes(msdu_bytes) / data_bits_per_symbol(config, mcs) * symbol_us(config)
    limit = int((PPDU_MAX_US - preamble_us(config)) // per_mpdu_us)
    return max(1, min(aggregation, limit))


def goodput_mbps(
    config: RadioConfig, mcs: int, shape: TrafficShape, tcp_ack_share: float = 0.08
) -> float:
    """Single-client goodput in Mbit/s; NaN for an MCS the configuration lacks."""
    if not mcs_valid(config, mcs):
        return math.nan
    aggregation = fitting_aggregation(config, mcs, shape.aggregation, shape.msdu_bytes)
    l4_ratio = TCP_PAYLOAD_RATIO * (1 - tcp_ack_share) if shape.tcp else 1.0
    payload_bits = aggregation * shape.msdu_bytes * 8 * l4_ratio
    return payload_bits / txop_us(config, mcs, aggregation, shape.msdu_bytes)


def bianchi_collision_and_tau(
    contenders: NDArray[np.floating], window: int = CW_MIN + 1, stages: int = 6, steps: int = 200
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Damped fixed point of Bianchi's (p, tau) for an array of contender counts."""
    n = np.asarray(contenders, dtype=np.float64)
    p = np.zeros_like(n)
    tau = np.full_like(n, 2.0 / (window + 1))
    for _ in range(steps):
        two_p = 2.0 * p
        tau_new = (
            2.0
            * (1.0 - two_p)
            / ((1.0 - two_p) * (window + 1) + p * window * (1.0 - two_p**stages))
        )
        tau = 0.5 * tau + 0.5 * tau_new
        p = 1.0 - (1.0 - tau) ** (n - 1.0)
    return p, tau


def bianchi_efficiency(
    contenders: NDArray[np.floating], busy_us: float, slot_us: float = SLOT_US
) -> NDArray[np.float64]:
    """Normalised saturation throughput S(n)/S(1) with T_s = T_c = ``busy_us``."""
    n = np.asarray(contenders, dtype=np.float64)
    _, tau = bianchi_collision_and_tau(n)
    p_tr = 1.0 - (1.0 - tau) ** n
    p_s = n * tau * (1.0 - tau) ** (n - 1.0) / p_tr
    throughput = p_s * p_tr / ((1.0 - p_tr) * slot_us + p_tr * busy_us)
    tau_1 = 2.0 / (CW_MIN + 2)
    single = tau_1 / ((1.0 - tau_1) * slot_us + tau_1 * busy_us)
    return np.asarray(throughput / single, dtype=np.float64)


def bianchi_table(max_contenders: int, busy_us: float) -> NDArray[np.float64]:
    """Efficiency for 0..max contenders (index = count; index 0 repeats 1)."""
    counts = np.arange(max_contenders + 1, dtype=np.float64)
    table = bianchi_efficiency(np.maximum(counts, 1.0), busy_us)
    return table
