"""The padded arrays of a batch of schools (leading axis = school).

The shape ``build_batch`` fills and the model and the draws read; kept apart from
``batch`` so ``draws`` can name it without importing the builder.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from netsurvey.scoring.features import SchoolFeatures

F64 = NDArray[np.float64]
I64 = NDArray[np.int64]
B = NDArray[np.bool_]


@dataclass(frozen=True)
class Batch:
    schools: tuple[SchoolFeatures, ...]
    keys: NDArray[np.uint64]
    students: F64
    staff: F64
    device_ratio: F64
    # rooms (S, R)
    room_mask: B
    pupils: F64
    grade: I64
    room_ap: I64
    wifi_room: B
    rssi_dbm: F64
    rssi_sd_db: F64
    noise_dbm: F64
    room_config: I64
    # APs (S, A) and (S, A, A)
    ap_mask: B
    ap_switch: I64
    foreign_ratio: F64
    beacon_ratio: F64
    port_mbps: F64
    poe_alloc_w: F64
    hearing: F64
    room_to_ap: F64  # (S, R, A) one-hot, rooms with a Wi-Fi survey only
    room_on_ap: F64  # (S, R, A) one-hot, every room with an AP (wired load)
    # switches (S, W)
    switch_mask: B
    uplink_mbps: F64
    uplink_busy_mbps: F64
    poe_budget_w: F64
    poe_switch_alloc_w: F64
    ap_to_switch: F64  # (S, A, W) one-hot
    # WAN (S, T)
    wan_down_mbps: F64
    wan_down_count: I64
    wan_up_mbps: F64
    wan_up_count: I64
    # carts (S, C) and circuits (S, K)
    cart_mask: B
    cart_powered: F64
    cart_charger_w: F64
    cart_to_circuit: F64  # (S, C, K) one-hot
    circuit_mask: B
    breaker_a: F64
    circuit_other_w: F64
    circuit_measured_a: F64  # NaN where not measured
    rcd_ma: F64

    @property
    def size(self) -> int:
        return len(self.schools)
