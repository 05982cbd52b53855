"""Features of many schools -> padded numpy arrays (leading axis = school).

Ragged lists (rooms, APs, switches, WAN samples, carts, circuits) are padded
to the batch maximum and carry a mask.  Missing numbers are NaN.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

from netsurvey.scoring.batch_arrays import F64
from netsurvey.scoring.batch_arrays import Batch as Batch
from netsurvey.scoring.draws import keys_array
from netsurvey.scoring.features import AccessPoint, SchoolFeatures
from netsurvey.scoring.phy import link_config
from netsurvey.scoring.profile import Profile
from netsurvey.scoring.tables import config_index


def channel_span_mhz(channel: int, width_mhz: int) -> tuple[float, float]:
    """Frequency range a radio occupies, from its primary channel and width."""
    if channel <= 14:
        centre = 2407.0 + 5.0 * channel if channel < 14 else 2484.0
        return centre - width_mhz / 2, centre + width_mhz / 2
    base = 149 if channel >= 149 else 36
    block = width_mhz // 5
    first = base + (channel - base) // block * block if width_mhz > 20 else channel
    low = 5000.0 + 5.0 * first - 10.0
    return low, low + width_mhz


def hears(listener: AccessPoint, talker: AccessPoint) -> bool:
    """Co-channel hearing H_jk: overlapping channels, and listed in ``hears`` if given."""
    if listener.id == talker.id:
        return False
    low_a, high_a = channel_span_mhz(listener.channel, listener.width_mhz)
    low_b, high_b = channel_span_mhz(talker.channel, talker.width_mhz)
    if high_a <= low_b or high_b <= low_a:
        return False
    return listener.hears is None or talker.id in listener.hears


def poe_restricted(ap: AccessPoint) -> bool:
    return (
        ap.poe_class_required is not None
        and ap.poe_class_port is not None
        and ap.poe_class_port < ap.poe_class_required
    )


def effective_streams(ap: AccessPoint, profile: Profile) -> int:
    if poe_restricted(ap):
        return max(1, ap.streams // profile.poe.restricted_stream_divisor)
    return ap.streams


def nan_if_none(value: float | None) -> float:
    return float("nan") if value is None else float(value)


def _pad(rows: list[list[Any]], fill: Any, dtype: Any) -> NDArray[Any]:
    width = max((len(row) for row in rows), default=0)
    out = np.full((len(rows), max(width, 1)), fill, dtype=dtype)
    for index, row in enumerate(rows):
        out[index, : len(row)] = row
    return out


_ROWS = (
    "pupils",
    "grade",
    "room_ap",
    "wifi_room",
    "measured",
    "rssi",
    "rssi_sd",
    "noise",
    "config",
    "ap_switch",
    "foreign",
    "beacon",
    "port",
    "poe_alloc",
    "uplink",
    "busy",
    "budget",
    "sw_alloc",
    "down",
    "up",
    "powered",
    "charger",
    "breaker",
    "other",
    "rcd",
)
Rows = dict[str, list[list[Any]]]


def _widest(counts: list[int]) -> int:
    return max(1, max(counts, default=1))


def _granted_class(ap: AccessPoint) -> int | None:
    """The PoE class an AP gets: the lower of what it needs and what its port gives."""
    if ap.poe_class_port is None:
        return ap.poe_class_required
    if ap.poe_class_required is None:
        return ap.poe_class_port
    return min(ap.poe_class_port, ap.poe_class_required)


def _poe_alloc_w(school: SchoolFeatures, profile: Profile) -> list[float]:
    class_w = profile.poe.class_w
    alloc_w = []
    for ap in school.aps:
        granted = _granted_class(ap)
        alloc_w.append(float("nan") if granted is None else class_w[granted])
    return alloc_w


def _link_configs(school: SchoolFeatures, profile: Profile) -> list[int]:
    return [
        config_index(
            link_config(
                ap.standard,
                ap.width_mhz,
                effective_streams(ap, profile),
                school.client_standard,
                school.client_streams,
            )
        )
        for ap in school.aps
    ]


def _add_ap_rows(
    rows: Rows,
    school: SchoolFeatures,
    profile: Profile,
    alloc_w: list[float],
    hearing: F64,
    ap_to_switch: F64,
) -> None:
    """One school's AP rows; fills its (A, A) hearing and (A, W) switch matrices in place."""
    sw_ids = {sw.id: w for w, sw in enumerate(school.switches)}
    for j, listener in enumerate(school.aps):
        for k, talker in enumerate(school.aps):
            hearing[j, k] = 1.0 if hears(listener, talker) else 0.0
        if listener.switch is not None:
            ap_to_switch[j, sw_ids[listener.switch]] = 1.0
    bssids = np.array([ap.bssids for ap in school.aps], dtype=float)
    cochannel_bssids = bssids + hearing[: len(school.aps), : len(school.aps)] @ bssids
    rows["ap_switch"].append([sw_ids.get(ap.switch or "", -1) for ap in school.aps])
    rows["foreign"].append(
        [
            profile.wifi.foreign_default_ratio
            if ap.foreign_utilization_ratio is None
            else ap.foreign_utilization_ratio
            for ap in school.aps
        ]
    )
    rows["beacon"].append(list(cochannel_bssids * profile.wifi.beacon_airtime_ratio))
    rows["port"].append([nan_if_none(ap.port_speed_mbps) for ap in school.aps])
    rows["poe_alloc"].append(alloc_w)


def _add_room_rows(
    rows: Rows, school: SchoolFeatures, profile: Profile, room_to_ap: F64, room_on_ap: F64
) -> None:
    """One school's room rows; fills its (R, A) one-hot room -> AP matrices in place."""
    ap_ids = {ap.id: a for a, ap in enumerate(school.aps)}
    configs = _link_configs(school, profile)
    room_ap, wifi_room, config = [], [], []
    for r, room in enumerate(school.rooms):
        a = ap_ids[room.ap] if room.ap is not None else -1
        room_ap.append(a)
        has_wifi = a >= 0 and room.rssi_dbm is not None
        wifi_room.append(has_wifi)
        config.append(configs[a] if a >= 0 else 0)
        if a >= 0:
            room_on_ap[r, a] = 1.0
        if has_wifi:
            room_to_ap[r, a] = 1.0
    rows["pupils"].append([float(room.pupils) for room in school.rooms])
    rows["grade"].append([-1 if room.grade is None else room.grade for room in school.rooms])
    rows["room_ap"].append(room_ap)
    rows["wifi_room"].append(wifi_room)
    rows["config"].append(config)
    rows["rssi"].append([nan_if_none(room.rssi_dbm) for room in school.rooms])
    rows["rssi_sd"].append(
        [0.0 if room.rssi_sd_db is None else room.rssi_sd_db for room in school.rooms]
    )
    rows["noise"].append(
        [
            profile.wifi.default_noise_dbm if room.noise_dbm is None else room.noise_dbm
            for room in school.rooms
        ]
    )


def _add_switch_and_wan_rows(rows: Rows, school: SchoolFeatures, alloc_w: list[float]) -> None:
    sw_ids = {sw.id: w for w, sw in enumerate(school.switches)}
    rows["uplink"].append([nan_if_none(sw.uplink_mbps) for sw in school.switches])
    rows["busy"].append([nan_if_none(sw.uplink_busy_mbps) for sw in school.switches])
    rows["budget"].append([nan_if_none(sw.poe_budget_w) for sw in school.switches])
    sw_alloc = [sw.poe_other_w for sw in school.switches]
    for a, ap in enumerate(school.aps):
        if ap.switch is not None:
            sw_alloc[sw_ids[ap.switch]] += alloc_w[a]
    rows["sw_alloc"].append(sw_alloc)
    rows["down"].append(list(school.wan.down_mbps) if school.wan else [])
    rows["up"].append(list(school.wan.up_mbps) if school.wan else [])


def _add_power_rows(
    rows: Rows, school: SchoolFeatures, profile: Profile, cart_to_circuit: F64
) -> None:
    """One school's cart and circuit rows; fills its (C, K) cart -> circuit matrix in place."""
    circuit_ids = {c.id: k for k, c in enumerate(school.circuits)}
    rows["powered"].append([float(cart.concurrent_slots) for cart in school.carts])
    rows["charger"].append(
        [
            profile.power.charger_w if cart.charger_w is None else cart.charger_w
            for cart in school.carts
        ]
    )
    for c, cart in enumerate(school.carts):
        if cart.circuit is not None:
            cart_to_circuit[c, circuit_ids[cart.circuit]] = 1.0
    rows["breaker"].append([c.breaker_a for c in school.circuits])
    other_default_w = profile.power.other_loads_w  # not declared: the profile's default
    rows["other"].append(
        [other_default_w if c.other_loads_w is None else c.other_loads_w for c in school.circuits]
    )
    rows["measured"].append([nan_if_none(school.measured_a.get(c.id)) for c in school.circuits])
    rows["rcd"].append([nan_if_none(c.rcd_ma) for c in school.circuits])


def build_batch(schools: tuple[SchoolFeatures, ...], profile: Profile, seed: int) -> Batch:
    """Pad a list of schools into arrays (a per-school loop over *input*, not the model)."""
    count = len(schools)
    r_max = _widest([len(s.rooms) for s in schools])
    a_max = _widest([len(s.aps) for s in schools])
    w_max = _widest([len(s.switches) for s in schools])
    c_max = _widest([len(s.carts) for s in schools])
    k_max = _widest([len(s.circuits) for s in schools])
    room_to_ap = np.zeros((count, r_max, a_max))
    room_on_ap = np.zeros((count, r_max, a_max))
    hearing = np.zeros((count, a_max, a_max))
    ap_to_switch = np.zeros((count, a_max, w_max))
    cart_to_circuit = np.zeros((count, c_max, k_max))
    rows: Rows = {name: [] for name in _ROWS}
    for s, school in enumerate(schools):
        alloc_w = _poe_alloc_w(school, profile)
        _add_ap_rows(rows, school, profile, alloc_w, hearing[s], ap_to_switch[s])
        _add_room_rows(rows, school, profile, room_to_ap[s], room_on_ap[s])
        _add_switch_and_wan_rows(rows, school, alloc_w)
        _add_power_rows(rows, school, profile, cart_to_circuit[s])
    nan = float("nan")
    return Batch(
        schools=schools,
        keys=keys_array(seed, [s.id for s in schools]),
        students=np.array([s.students or 0 for s in schools], dtype=float),
        staff=np.array([s.staff_or(profile.background.staff_default) for s in schools], float),
        device_ratio=np.array([s.device_ratio for s in schools], dtype=float),
        room_mask=_pad([[True] * len(s.rooms) for s in schools], False, bool),
        pupils=_pad(rows["pupils"], 0.0, float),
        grade=_pad(rows["grade"], -1, np.int64),
        room_ap=_pad(rows["room_ap"], -1, np.int64),
        wifi_room=_pad(rows["wifi_room"], False, bool),
        rssi_dbm=_pad(rows["rssi"], nan, float),
        rssi_sd_db=_pad(rows["rssi_sd"], 0.0, float),
        noise_dbm=_pad(rows["noise"], -95.0, float),
        room_config=_pad(rows["config"], 0, np.int64),
        ap_mask=_pad([[True] * len(s.aps) for s in schools], False, bool),
        ap_switch=_pad(rows["ap_switch"], -1, np.int64),
        foreign_ratio=_pad(rows["foreign"], 0.0, float),
        beacon_ratio=_pad(rows["beacon"], 0.0, float),
        port_mbps=_pad(rows["port"], nan, float),
        poe_alloc_w=_pad(rows["poe_alloc"], nan, float),
        hearing=hearing,
        room_to_ap=room_to_ap,
        room_on_ap=room_on_ap,
        switch_mask=_pad([[True] * len(s.switches) for s in schools], False, bool),
        uplink_mbps=_pad(rows["uplink"], nan, float),
        uplink_busy_mbps=_pad(rows["busy"], nan, float),
        poe_budget_w=_pad(rows["budget"], nan, float),
        poe_switch_alloc_w=_pad(rows["sw_alloc"], nan, float),
        ap_to_switch=ap_to_switch,
        wan_down_mbps=_pad(rows["down"], nan, float),
        wan_down_count=np.array([len(r) for r in rows["down"]], dtype=np.int64),
        wan_up_mbps=_pad(rows["up"], nan, float),
        wan_up_count=np.array([len(r) for r in rows["up"]], dtype=np.int64),
        cart_mask=_pad([[True] * len(s.carts) for s in schools], False, bool),
        cart_powered=_pad(rows["powered"], 0.0, float),
        cart_charger_w=_pad(rows["charger"], 0.0, float),
        cart_to_circuit=cart_to_circuit,
        circuit_mask=_pad([[True] * len(s.circuits) for s in schools], False, bool),
        breaker_a=_pad(rows["breaker"], nan, float),
        circuit_other_w=_pad(rows["other"], 0.0, float),
        circuit_measured_a=_pad(rows["measured"], nan, float),
        rcd_ma=_pad(rows["rcd"], nan, float),
    )
