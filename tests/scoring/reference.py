"""A plain per-school, per-draw Python implementation of the scoring model (test oracle).

It follows docs/model.md and the simplifications documented in
netsurvey/scoring/model.py with scalar arithmetic and explicit loops, sharing only
the inputs with the vectorised model: the physics tables (phy/mac), the feature
parsing helpers and the counter-based random numbers.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from netsurvey.power import model as power_model
from netsurvey.scoring import draws as rng
from netsurvey.scoring.batch import effective_streams, hears
from netsurvey.scoring.features import Circuit, SchoolFeatures
from netsurvey.scoring.mac import bianchi_efficiency, goodput_mbps
from netsurvey.scoring.phy import link_config, mcs_thresholds
from netsurvey.scoring.profile import PowerParams, Profile, Scenario
from netsurvey.scoring.tables import (
    MAX_CONTENDERS,
    RSSI_CEILING_DBM,
    RSSI_FLOOR_DBM,
    SNR_CEILING_DB,
    SNR_FLOOR_DB,
    desk_quantiles,
    traffic_shape,
)

# rho, severity and saturation rows of one dimension, one list per draw
Rows = tuple[list[list[float]], list[list[float]], list[list[float]]]


@dataclass
class RefDimension:
    present: bool
    rho_p10: float
    rho_p50: float
    rho_q: float
    rho_sat: float
    score: float
    p_pass: float
    element: int
    severity_q: float
    severity_element: int
    element_pass: list[bool]


@dataclass
class RefScenario:
    dimensions: dict[str, RefDimension]
    max_pupils: list[float] | None = None
    room_pass: dict[str, list[bool]] = field(default_factory=dict)
    test_start_s: float | None = None


@dataclass
class RefSchool:
    scenarios: list[RefScenario]
    wan_down_p10_mbps: float
    carts_per_circuit: list[float]
    poe_headroom_aps: list[float]


def order_index(quantile: float, draws: int) -> int:
    return max(0, min(draws - 1, math.ceil(quantile * draws) - 1))


def score_of(rho: float, sat: float, full: float, design: float) -> float:
    if not math.isfinite(rho):
        return 0.0
    if rho <= 1.0:
        value = min(100.0 - (100.0 - design) / (1.0 - full) * (rho - full), 100.0)
    else:
        value = design * (sat - rho) / (sat - 1.0) if math.isfinite(sat) else math.nan
    if math.isnan(value):
        return 0.0
    return min(100.0, max(0.0, value))


def moments(tri: tuple[float, float, float]) -> tuple[float, float]:
    a, c, b = tri
    mean = (a + c + b) / 3.0
    var = (a * a + c * c + b * b - a * c - a * b - c * b) / 18.0
    return mean, math.sqrt(max(var, 0.0))


def class_sum(n: float, tri: tuple[float, float, float], z: float) -> float:
    mean, sd = moments(tri)
    return min(max(n * mean + math.sqrt(n) * sd * z, n * tri[0]), n * tri[2])


def background_sum(n: float, p: float, tri: tuple[float, float, float], z: float) -> float:
    mean, sd = moments(tri)
    var = n * p * sd * sd + mean * mean * n * p * (1 - p)
    return min(max(n * p * mean + math.sqrt(var) * z, 0.0), n * tri[2])


def _other_w(circuit: Circuit, power: PowerParams) -> float:
    """A circuit's other loads, or the profile's default when it declares none."""
    return power.other_loads_w if circuit.other_loads_w is None else circuit.other_loads_w


def triangular(u: float, tri: tuple[float, float, float]) -> float:
    a, c, b = tri
    if b - a <= 0:
        return a
    if u < (c - a) / (b - a):
        return a + math.sqrt(u * (b - a) * (c - a))
    return b - math.sqrt((1 - u) * (b - a) * (b - c))


def first_argmax(values: list[float]) -> int:
    best = 0
    for index, value in enumerate(values):
        if value > values[best]:
            best = index
    return best


def mode_index(indices: list[int], size: int) -> int:
    counts = [0] * size
    for index in indices:
        counts[index] += 1
    return first_argmax([float(c) for c in counts])


class Reference:
    def __init__(self, school: SchoolFeatures, profile: Profile, draws: int, seed: int) -> None:
        self.s = school
        self.p = profile
        self.D = draws
        key = np.array([rng.school_key(seed, school.id)], dtype=np.uint64)
        rooms, aps, carts = (
            max(1, len(school.rooms)),
            max(1, len(school.aps)),
            max(1, len(school.carts)),
        )

        def normal(stream: int, size: int) -> list[list[float]]:
            return [[float(v) for v in row[0]] for row in rng.normal(key, stream, size, draws)]

        def uniform(stream: int, size: int) -> list[list[float]]:
            return [[float(v) for v in row[0]] for row in rng.uniform(key, stream, size, draws)]

        self.z_off = normal(rng.ROOM_OFFSET, rooms)
        self.z_noise = normal(rng.ROOM_NOISE, rooms)
        self.z_dem = normal(rng.ROOM_DEMAND, rooms)
        self.z_bg = normal(rng.ROOM_BACKGROUND, rooms)
        self.z_staff = [row[0] for row in normal(rng.STAFF_BACKGROUND, 1)]
        self.z_foreign = normal(rng.FOREIGN_UTILISATION, aps)
        self.u_pick = [row[0] for row in uniform(rng.WAN_PICK, 1)]
        self.u_bias = [row[0] for row in uniform(rng.WAN_BIAS, 1)]
        self.u_burst = [row[0] for row in uniform(rng.TEST_BURST, 1)]
        self.u_pf = uniform(rng.CART_POWER_FACTOR, carts)
        self.u_share = uniform(rng.CART_CHARGING_SHARE, carts)
        self.ap_index = {ap.id: j for j, ap in enumerate(school.aps)}
        self.sw_index = {sw.id: w for w, sw in enumerate(school.switches)}
        self.configs = [
            link_config(
                ap.standard,
                ap.width_mhz,
                effective_streams(ap, profile),
                school.client_standard,
                school.client_streams,
            )
            for ap in school.aps
        ]
        n_ap = len(school.aps)
        self.H = [[1.0 if hears(a, b) else 0.0 for b in school.aps] for a in school.aps]
        self.beacon = [
            (school.aps[j].bssids + sum(self.H[j][k] * school.aps[k].bssids for k in range(n_ap)))
            * profile.wifi.beacon_airtime_ratio
            for j in range(n_ap)
        ]
        self.foreign0 = [
            profile.wifi.foreign_default_ratio
            if ap.foreign_utilization_ratio is None
            else ap.foreign_utilization_ratio
            for ap in school.aps
        ]
        self.wifi_room = [r.ap is not None and r.rssi_dbm is not None for r in school.rooms]
        self.room_ap = [self.ap_index[r.ap] if r.ap is not None else -1 for r in school.rooms]
        self.desk_z = desk_quantiles(profile.wifi.desk_points)
        self.eta_cache: dict[int, float] = {}
        self.inv = [self._desk_pass(d) for d in range(draws)]  # [d][r][app] -> mean 1/G

    # -- supply ---------------------------------------------------------------------
    def _mcs(self, config: Any, rssi: float, snr: float) -> int:
        wifi = self.p.wifi
        thresholds = mcs_thresholds(
            config, wifi.impl_gain_db, wifi.fade_margin_db, wifi.he_extra_snr_db
        )
        step = wifi.rssi_step_db
        rssi_bins = math.ceil((RSSI_CEILING_DBM - RSSI_FLOOR_DBM) / step) + 1
        snr_bins = math.ceil((SNR_CEILING_DB - SNR_FLOOR_DB) / step) + 1
        r_bin = min(max(math.floor((rssi - RSSI_FLOOR_DBM) / step), 0), rssi_bins - 1)
        s_bin = min(max(math.floor((snr - SNR_FLOOR_DB) / step), 0), snr_bins - 1)
        r_grid = RSSI_FLOOR_DBM + step * r_bin
        s_grid = SNR_FLOOR_DB + step * s_bin
        best = -1
        for mcs in range(12):
            if r_grid >= thresholds.rssi_dbm[mcs] and s_grid >= thresholds.snr_db[mcs]:
                best = mcs
        return best

    def _desk_pass(self, d: int) -> list[dict[str, float]]:
        wifi = self.p.wifi
        rooms: list[dict[str, float]] = []
        for r, room in enumerate(self.s.rooms):
            if not self.wifi_room[r]:
                rooms.append({})
                continue
            config = self.configs[self.room_ap[r]]
            centre = room.rssi_dbm + wifi.survey_error_db * self.z_off[d][r]  # type: ignore[operator]
            noise = room.noise_dbm if room.noise_dbm is not None else wifi.default_noise_dbm
            noise = noise + wifi.noise_sd_db * self.z_noise[d][r]
            per_app: dict[str, float] = {}
            sd = room.rssi_sd_db or 0.0
            mcs_list = []
            for z in self.desk_z:
                desk = centre + sd * z - wifi.uplink_offset_db
                mcs_list.append(max(self._mcs(config, desk, desk - noise), 0))
            for app_id in self.p.applications:
                shape = traffic_shape(self.p, app_id)
                total = 0.0
                for mcs in mcs_list:
                    total += 1.0 / goodput_mbps(config, mcs, shape, self.p.tcp_ack_share)
                per_app[app_id] = total / len(mcs_list)
            rooms.append(per_app)
        return rooms

    def _eta(self, active: float, share: float) -> float:
        n = min(max(1 + math.ceil(active * share), 1), MAX_CONTENDERS)
        if n not in self.eta_cache:
            self.eta_cache[n] = float(
                bianchi_efficiency(np.array([float(n)]), self.p.wifi.contention_busy_us)[0]
            )
        return self.eta_cache[n]

    def _airtime(self, d: int, r: int, app_id: str, down: float, up: float, active: float) -> float:
        if not self.wifi_room[r]:
            return 0.0
        app = self.p.applications[app_id]
        efficiency = self._eta(active, app.uplink_share) * self.p.wifi.k_cal
        return (down + up) * self.inv[d][r][app_id] / efficiency

    def _foreign(self, d: int, j: int) -> float:
        value = self.foreign0[j] * (1.0 + self.p.wifi.foreign_relative_sd * self.z_foreign[d][j])
        return min(max(value, 0.0), 0.99)

    def _wan(self, d: int) -> tuple[float, float]:
        low, high = self.p.wan_server_bias
        bias = low + (high - low) * self.u_bias[d]
        wan = self.s.wan

        def pick(samples: tuple[float, ...]) -> float:
            if not samples:
                return math.nan
            index = min(math.floor(self.u_pick[d] * max(len(samples), 1)), max(len(samples) - 1, 0))
            return samples[index] * bias

        if wan is None:
            return math.nan, math.nan
        return pick(wan.down_mbps), pick(wan.up_mbps)

    def _wan_severity(self, d: int, down: float, up: float) -> float:
        wan_down, wan_up = self._wan(d)
        sev_down = down / wan_down if wan_down == wan_down else math.nan
        has_up = self.s.wan is not None and bool(self.s.wan.up_mbps)
        sev_up = up / wan_up if has_up else 0.0
        return max(sev_down, sev_up) if sev_down == sev_down else math.nan

    # -- demand -----------------------------------------------------------------------
    def _users(self, scenario: Scenario) -> list[float]:
        return [room.pupils * self.s.device_ratio * scenario.device_factor for room in self.s.rooms]

    def _background(
        self, d: int, users: list[float]
    ) -> tuple[list[float], list[float], list[float]]:
        bg = self.p.background
        down = [
            background_sum(n, bg.active_share, bg.down_mbps, self.z_bg[d][r])
            for r, n in enumerate(users)
        ]
        up = [x * bg.up_ratio for x in down]
        air = [
            self._airtime(d, r, bg.application, down[r], up[r], users[r] * bg.active_share)
            for r in range(len(users))
        ]
        return down, up, air

    def _staff(self, d: int) -> tuple[float, float]:
        bg = self.p.background
        staff = self.s.staff_or(bg.staff_default)
        down = background_sum(float(staff), bg.active_share, bg.down_mbps, self.z_staff[d])
        return down, down * bg.up_ratio

    def _active(
        self, d: int, app_id: str, users: list[float]
    ) -> tuple[list[float], list[float], list[float]]:
        app = self.p.applications[app_id]
        down = [class_sum(n, app.down_mbps, self.z_dem[d][r]) for r, n in enumerate(users)]
        up = [class_sum(n, app.up_mbps, self.z_dem[d][r]) for r, n in enumerate(users)]
        air = [self._airtime(d, r, app_id, down[r], up[r], users[r]) for r in range(len(users))]
        return down, up, air

    def _radio_loads(self, air: list[float]) -> list[float]:
        n_ap = len(self.s.aps)
        own = [0.0] * n_ap
        for r, value in enumerate(air):
            if self.wifi_room[r]:
                own[self.room_ap[r]] += value
        return [own[j] + sum(self.H[j][k] * own[k] for k in range(n_ap)) for j in range(n_ap)]

    def _target(self, app_id: str) -> float:
        util = self.p.utilisation
        return util.wifi_realtime if self.p.applications[app_id].realtime else util.wifi_data

    # -- reduction ------------------------------------------------------------------------
    def reduce(
        self,
        rho: list[list[float]],
        sev: list[list[float]],
        sat: list[list[float]],
        present: list[bool],
    ) -> RefDimension:
        bands = self.p.score
        size = len(present)
        if size == 0:
            return RefDimension(False, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0, 0.0, 0, [])
        worst_idx, rho_max, sat_worst, sev_idx, sev_max, min_scores = [], [], [], [], [], []
        passes = [0] * size
        for d in range(self.D):
            r0 = [rho[d][e] if present[e] else -math.inf for e in range(size)]
            s0 = [sev[d][e] if present[e] else -math.inf for e in range(size)]
            scores = [
                score_of(rho[d][e], sat[d][e], bands.full_rho, bands.design_score)
                if present[e]
                else math.inf
                for e in range(size)
            ]
            lowest = min(scores)
            w = first_argmax([r0[e] if scores[e] == lowest else -math.inf for e in range(size)])
            worst_idx.append(w)
            rho_max.append(max(r0) if any(present) else 0.0)
            sat_worst.append(sat[d][w])
            min_scores.append(min(scores) if any(present) else 100.0)
            m = first_argmax(s0)
            sev_idx.append(m)
            sev_max.append(s0[m] if any(present) else 0.0)
            for e in range(size):
                if r0[e] <= 1.0:
                    passes[e] += 1
        i10, i50, iq = (order_index(q, self.D) for q in (0.1, 0.5, bands.quantile))
        ordered = sorted(rho_max)
        return RefDimension(
            present=any(present),
            rho_p10=ordered[i10],
            rho_p50=ordered[i50],
            rho_q=ordered[iq],
            rho_sat=sorted(sat_worst)[i50],
            score=sorted(min_scores)[self.D - 1 - iq],
            p_pass=sum(1 for v in rho_max if v <= 1.0) / self.D,
            element=mode_index(worst_idx, size),
            severity_q=sorted(sev_max)[iq],
            severity_element=mode_index(sev_idx, size),
            element_pass=[count >= iq + 1 for count in passes],
        )

    # -- scenarios -----------------------------------------------------------------------
    def rooms_scenario(self, scenario: Scenario) -> RefScenario:
        s, p = self.s, self.p
        app_id = scenario.application or ""
        users = self._users(scenario)
        chosen = [
            (room.pupils > 0) if scenario.grades is None else (room.grade in scenario.grades)
            for room in s.rooms
        ]
        rows: dict[str, Rows] = {k: ([], [], []) for k in ("wifi", "lan", "wan", "poe")}
        burst_times = []
        for d in range(self.D):
            act_down, act_up, act_air = self._active(d, app_id, users)
            bg_down, bg_up, bg_air = self._background(d, users)
            staff_down, staff_up = self._staff(d)
            down = [act_down[r] if chosen[r] else bg_down[r] for r in range(len(users))]
            up = [act_up[r] if chosen[r] else bg_up[r] for r in range(len(users))]
            air = [act_air[r] if chosen[r] else bg_air[r] for r in range(len(users))]
            load = self._radio_loads(air)
            overhead = [self._foreign(d, j) + self.beacon[j] for j in range(len(s.aps))]
            self._rooms_wifi_row(rows["wifi"], self._target(app_id), load, overhead)
            self._rooms_lan_row(rows["lan"], chosen, (down, up), (act_down, act_up))
            # WAN
            total_down = sum(down) + staff_down
            total_up = sum(up) + staff_up
            wan_sev = self._wan_severity(d, total_down, total_up)
            rows["wan"][0].append([wan_sev / p.utilisation.wan])
            rows["wan"][1].append([wan_sev])
            rows["wan"][2].append([1 / p.utilisation.wan])
            if scenario.test_start:
                burst_times.append(
                    self._burst_s(d, app_id, users, chosen, overhead, load, act_air, total_down)
                )
        result = RefScenario(self._rooms_dimensions(scenario, rows, len(users)))
        if scenario.test_start:
            known = any(self.wifi_room) or s.wan is not None
            result.test_start_s = (
                sorted(burst_times)[order_index(p.score.quantile, self.D)] if known else math.nan
            )
        return result

    def _rooms_wifi_row(
        self, rows: Rows, target: float, load: list[float], overhead: list[float]
    ) -> None:
        rho, sev, sat = [], [], []
        for j in range(len(self.s.aps)):
            room = target - overhead[j]
            rho.append(load[j] / room if room > 0 else math.inf)
            sat.append((1 - overhead[j]) / room if room > 0 else math.inf)
            sev.append(load[j] + overhead[j])
        for lst, values in zip(rows, (rho, sev, sat), strict=True):
            lst.append(values)

    def _rooms_lan_row(
        self,
        rows: Rows,
        chosen: list[bool],
        traffic: tuple[list[float], list[float]],
        active: tuple[list[float], list[float]],
    ) -> None:
        """AP ports then switch uplinks; ``traffic`` and ``active`` are (down, up) per room."""
        s, eth = self.s, self.p.ethernet_tcp_ratio
        down, up = traffic
        act_down, act_up = active
        port_down = [0.0] * len(s.aps)
        port_up = [0.0] * len(s.aps)
        for r, a in enumerate(self.room_ap):
            if a >= 0:
                port_down[a] += down[r]
                port_up[a] += up[r]
        sev_lan = []
        for j, ap in enumerate(s.aps):
            speed = ap.port_speed_mbps
            sev_lan.append(max(port_down[j], port_up[j]) / (eth * speed) if speed else 0.0)
        for _w, sw in enumerate(s.switches):
            if sw.uplink_busy_mbps is not None:
                act_sw_down = sum(
                    act_down[r]
                    for r, a in enumerate(self.room_ap)
                    if chosen[r] and a >= 0 and s.aps[a].switch == sw.id
                )
                act_sw_up = sum(
                    act_up[r]
                    for r, a in enumerate(self.room_ap)
                    if chosen[r] and a >= 0 and s.aps[a].switch == sw.id
                )
                sw_down = act_sw_down + sw.uplink_busy_mbps
                sw_up = act_sw_up + sw.uplink_busy_mbps
            else:
                sw_down = sum(port_down[j] for j, ap in enumerate(s.aps) if ap.switch == sw.id)
                sw_up = sum(port_up[j] for j, ap in enumerate(s.aps) if ap.switch == sw.id)
            speed = sw.uplink_mbps
            sev_lan.append(max(sw_down, sw_up) / (eth * speed) if speed else 0.0)
        util = self.p.utilisation.lan
        rows[0].append([x / util for x in sev_lan])
        rows[1].append(sev_lan)
        rows[2].append([1 / util] * len(sev_lan))

    def _burst_s(
        self,
        d: int,
        app_id: str,
        users: list[float],
        chosen: list[bool],
        overhead: list[float],
        load: list[float],
        act_air: list[float],
        total_down: float,
    ) -> float:
        """Seconds until every chosen pupil has started the test (slowest room or the WAN)."""
        s, p = self.s, self.p
        app = p.applications[app_id]
        mbit = 8.0 * triangular(self.u_burst[d], p.test_burst_mb)
        room_s = 0.0
        for r in range(len(users)):
            if not (chosen[r] and self.wifi_room[r]):
                continue
            j = self.room_ap[r]
            free = max(1.0 - overhead[j] - (load[j] - act_air[r]), 0.05)
            eff = self._eta(users[r], app.uplink_share) * p.wifi.k_cal
            room_s = max(room_s, users[r] * mbit * self.inv[d][r][app_id] / eff / free)
        wan_down, _ = self._wan(d)
        wan_s = 0.0
        if s.wan is not None:
            pupils = sum(users[r] for r in range(len(users)) if chosen[r])
            spare = max(wan_down - total_down, 0.05 * wan_down)
            wan_s = pupils * mbit / spare
        return max(room_s, wan_s)

    def _rooms_dimensions(
        self, scenario: Scenario, rows: dict[str, Rows], n_rooms: int
    ) -> dict[str, RefDimension]:
        s = self.s
        dims: dict[str, RefDimension] = {}
        present_wifi = [
            any(self.wifi_room[r] and self.room_ap[r] == j for r in range(n_rooms))
            for j in range(len(s.aps))
        ]
        if "wifi" in scenario.dimensions:
            dims["wifi"] = self.reduce(*rows["wifi"], present_wifi)
        if "lan" in scenario.dimensions:
            present = [ap.port_speed_mbps is not None for ap in s.aps] + [
                sw.uplink_mbps is not None for sw in s.switches
            ]
            dims["lan"] = self.reduce(*rows["lan"], present)
        if "wan" in scenario.dimensions:
            dims["wan"] = self.reduce(*rows["wan"], [s.wan is not None])
        if "poe" in scenario.dimensions:
            dims["poe"] = self.poe()
        return dims

    def _alloc(self) -> list[float]:
        class_w = self.p.poe.class_w
        alloc = [sw.poe_other_w for sw in self.s.switches]
        for ap in self.s.aps:
            if ap.switch is None:
                continue
            if ap.poe_class_port is None:
                granted = ap.poe_class_required
            elif ap.poe_class_required is None:
                granted = ap.poe_class_port
            else:
                granted = min(ap.poe_class_port, ap.poe_class_required)
            alloc[self.sw_index[ap.switch]] += math.nan if granted is None else class_w[granted]
        return alloc

    def poe(self) -> RefDimension:
        util = self.p.utilisation.poe
        sev, present = [], []
        for w, sw in enumerate(self.s.switches):
            value = self._alloc()[w] / sw.poe_budget_w if sw.poe_budget_w else math.nan
            present.append(math.isfinite(value))
            sev.append(value if math.isfinite(value) else 0.0)
        rows = [[x / util for x in sev] for _ in range(self.D)]
        return self.reduce(rows, [sev] * self.D, [[1 / util] * len(sev)] * self.D, present)

    def each_room(
        self, scenario: Scenario, app_id: str
    ) -> tuple[dict[str, RefDimension], list[float]]:
        s, p = self.s, self.p
        users = self._users(scenario)
        n_rooms = len(users)
        candidates = [room.pupils > 0 for room in s.rooms]
        target = self._target(app_id)
        rows: dict[str, Rows] = {k: ([], [], []) for k in ("wifi", "lan", "wan")}
        fits: list[list[float]] = []
        port_speed = [s.aps[a].port_speed_mbps or -1.0 if a >= 0 else 0.0 for a in self.room_ap]
        room_switch = [
            self.sw_index[switch] if a >= 0 and (switch := s.aps[a].switch) is not None else -1
            for a in self.room_ap
        ]
        uplink_speed = [(s.switches[w].uplink_mbps or -1.0) if w >= 0 else 0.0 for w in room_switch]
        for d in range(self.D):
            bg_down, bg_up, bg_air = self._background(d, users)
            staff_down, staff_up = self._staff(d)
            act_down, act_up, act_air = self._active(d, app_id, users)
            load = self._radio_loads(bg_air)
            overhead = [self._foreign(d, j) + self.beacon[j] for j in range(len(s.aps))]
            rho, sev, sat, fit = [], [], [], []
            for r in range(n_rooms):
                j = self.room_ap[r]
                if self.wifi_room[r]:
                    others = load[j] - bg_air[r]
                    over = overhead[j]
                else:
                    others, over = 0.0 - bg_air[r], 0.0
                room = target - over
                total = others + act_air[r]
                rho.append(total / room if room > 0 else math.inf)
                sat.append((1 - over) / room if room > 0 else math.inf)
                sev.append(total + over)
                per_pupil = act_air[r] / max(users[r], 1e-9)
                fit.append((target - over - others) / per_pupil if per_pupil > 0 else math.inf)
            for lst, values in zip(rows["wifi"], (rho, sev, sat), strict=True):
                lst.append(values)
            fits.append(fit)
            self._each_room_lan_row(
                rows["lan"],
                room_switch,
                (port_speed, uplink_speed),
                (bg_down, bg_up),
                (act_down, act_up),
            )
            total_bg_down = sum(bg_down) + staff_down
            total_bg_up = sum(bg_up) + staff_up
            wan_sev = [
                self._wan_severity(
                    d, total_bg_down - bg_down[r] + act_down[r], total_bg_up - bg_up[r] + act_up[r]
                )
                for r in range(n_rooms)
            ]
            rows["wan"][0].append([x / p.utilisation.wan for x in wan_sev])
            rows["wan"][1].append(wan_sev)
            rows["wan"][2].append([1 / p.utilisation.wan] * n_rooms)
        dims: dict[str, RefDimension] = {}
        wifi_present = [candidates[r] and self.wifi_room[r] for r in range(n_rooms)]
        if "wifi" in scenario.dimensions:
            dims["wifi"] = self.reduce(*rows["wifi"], wifi_present)
        if "lan" in scenario.dimensions:
            present = [candidates[r] and port_speed[r] > 0 for r in range(n_rooms)] + [
                candidates[r] and uplink_speed[r] > 0 for r in range(n_rooms)
            ]
            dims["lan"] = self.reduce(*rows["lan"], present)
        if "wan" in scenario.dimensions:
            dims["wan"] = self.reduce(*rows["wan"], [c and s.wan is not None for c in candidates])
        index = order_index(1.0 - p.score.quantile, self.D)
        max_pupils = []
        for r in range(n_rooms):
            value = sorted(fits[d][r] for d in range(self.D))[index]
            value = math.floor(min(max(value, 0.0), 10_000.0))
            max_pupils.append(float(value) if wifi_present[r] else math.nan)
        return dims, max_pupils

    def _each_room_lan_row(
        self,
        rows: Rows,
        room_switch: list[int],
        speeds: tuple[list[float], list[float]],
        background: tuple[list[float], list[float]],
        active: tuple[list[float], list[float]],
    ) -> None:
        """Each room's own port then its switch uplink, with its class added to the
        background; the pairs are (AP port, uplink) speeds and (down, up) per room."""
        s, p = self.s, self.p
        eth = p.ethernet_tcp_ratio
        n_rooms = len(room_switch)
        port_speed, uplink_speed = speeds
        bg_down, bg_up = background
        act_down, act_up = active
        port_down = [0.0] * len(s.aps)
        port_up = [0.0] * len(s.aps)
        for r, a in enumerate(self.room_ap):
            if a >= 0:
                port_down[a] += bg_down[r]
                port_up[a] += bg_up[r]
        sw_down, sw_up = [], []
        for sw in s.switches:
            if sw.uplink_busy_mbps is not None:
                sw_down.append(sw.uplink_busy_mbps)
                sw_up.append(sw.uplink_busy_mbps)
            else:
                sw_down.append(
                    sum(port_down[j] for j, ap in enumerate(s.aps) if ap.switch == sw.id)
                )
                sw_up.append(sum(port_up[j] for j, ap in enumerate(s.aps) if ap.switch == sw.id))
        port_sev, up_sev = [], []
        for r in range(n_rooms):
            a, w = self.room_ap[r], room_switch[r]
            pd = (port_down[a] if a >= 0 else 0.0) - bg_down[r] + act_down[r]
            pu = (port_up[a] if a >= 0 else 0.0) - bg_up[r] + act_up[r]
            port_sev.append(max(pd, pu) / (eth * port_speed[r]) if port_speed[r] > 0 else 0.0)
            measured = w >= 0 and s.switches[w].uplink_busy_mbps is not None
            share_down = 0.0 if measured else bg_down[r]
            share_up = 0.0 if measured else bg_up[r]
            sd = (sw_down[w] if w >= 0 else 0.0) - share_down + act_down[r]
            su = (sw_up[w] if w >= 0 else 0.0) - share_up + act_up[r]
            up_sev.append(max(sd, su) / (eth * uplink_speed[r]) if uplink_speed[r] > 0 else 0.0)
        util = p.utilisation.lan
        lan_sev = port_sev + up_sev
        rows[0].append([x / util for x in lan_sev])
        rows[1].append(lan_sev)
        rows[2].append([1 / util] * len(lan_sev))

    def carts(self) -> RefDimension:
        s, p = self.s, self.p
        power, util = p.power, p.utilisation
        circuit_index = {c.id: k for k, c in enumerate(s.circuits)}
        rows_rho, rows_sev, rows_sat = [], [], []
        powered = [0.0] * len(s.circuits)
        has_carts = [False] * len(s.circuits)
        for cart in s.carts:
            if cart.circuit is not None:
                powered[circuit_index[cart.circuit]] += cart.concurrent_slots
                has_carts[circuit_index[cart.circuit]] = True
        for d in range(self.D):
            current = [_other_w(c, power) / (power.voltage_v * power.other_pf) for c in s.circuits]
            for c, cart in enumerate(s.carts):
                if cart.circuit is None:
                    continue
                pf = triangular(self.u_pf[d][c], power.power_factor)
                share = (
                    power.charging_share[0]
                    + (power.charging_share[1] - power.charging_share[0]) * self.u_share[d][c]
                )
                charger = cart.charger_w if cart.charger_w is not None else power.charger_w
                amps = (
                    cart.concurrent_slots
                    * share
                    * float(
                        power_model.charger_input_current_a(
                            charger, power.charger_efficiency, pf, power.voltage_v
                        )
                    )
                )
                current[circuit_index[cart.circuit]] += amps
            sev_a = [current[k] / c.breaker_a for k, c in enumerate(s.circuits)]
            sev_r = [
                powered[k] * power.leakage_ma_each / c.rcd_ma if c.rcd_ma else 0.0
                for k, c in enumerate(s.circuits)
            ]
            rows_sev.append(sev_a + sev_r)
            rows_rho.append([x / util.circuit for x in sev_a] + [x / util.rcd for x in sev_r])
            rows_sat.append([1 / util.circuit] * len(sev_a) + [1 / util.rcd] * len(sev_r))
        present = has_carts + [
            has_carts[k] and c.rcd_ma is not None for k, c in enumerate(s.circuits)
        ]
        return self.reduce(rows_rho, rows_sev, rows_sat, present)

    def carts_per_circuit(self) -> list[float]:
        s, power = self.s, self.p.power
        out = []
        for circuit in s.circuits:
            largest = 0.0
            for cart in s.carts:
                if cart.circuit == circuit.id:
                    charger = cart.charger_w if cart.charger_w is not None else power.charger_w
                    amps = cart.concurrent_slots * float(
                        power_model.charger_input_current_a(
                            charger,
                            power.charger_efficiency,
                            power.power_factor[1],
                            power.voltage_v,
                        )
                    )
                    largest = max(largest, amps)
            other = _other_w(circuit, power) / (power.voltage_v * power.other_pf)
            spare = circuit.breaker_a * self.p.utilisation.circuit - other
            out.append(float(math.floor(max(spare, 0.0) / largest)) if largest > 0 else math.nan)
        return out

    def run(self) -> RefSchool:
        p, s = self.p, self.s
        scenarios = []
        for scenario in p.scenarios:
            if scenario.mode == "carts":
                scenarios.append(RefScenario({"power": self.carts()}))
            elif scenario.mode == "rooms":
                scenarios.append(self.rooms_scenario(scenario))
            else:
                app_id = scenario.application or ""
                dims, max_pupils = self.each_room(scenario, app_id)
                if "poe" in scenario.dimensions:
                    dims["poe"] = self.poe()
                result = RefScenario(dims, max_pupils)
                if app_id in p.video_ladder:
                    for rung in p.video_ladder:
                        rung_dims, _ = self.each_room(scenario, rung)
                        ok = [True] * len(s.rooms)
                        for dim in rung_dims.values():
                            for e, passed in enumerate(dim.element_pass):
                                ok[e % len(s.rooms)] = ok[e % len(s.rooms)] and passed
                        result.room_pass[rung] = ok
                scenarios.append(result)
        samples = sorted(s.wan.down_mbps) if s.wan is not None else []
        p10 = samples[math.ceil(0.1 * len(samples)) - 1] if samples else math.nan
        alloc = self._alloc()
        headroom = [
            float(
                math.floor(
                    max(p.utilisation.poe * sw.poe_budget_w - alloc[w], 0.0) / p.poe.headroom_ap_w
                )
            )
            if sw.poe_budget_w is not None and math.isfinite(alloc[w])
            else math.nan
            for w, sw in enumerate(s.switches)
        ]
        return RefSchool(scenarios, p10, self.carts_per_circuit(), headroom)
