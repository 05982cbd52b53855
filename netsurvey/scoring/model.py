"""The vectorised throughput model: schools x scenarios x Monte-Carlo draws.

Arrays are laid out (draw, school, element).  There is no Python loop over
schools or draws: the only loops are over scenarios, traffic shapes and video
rungs (a handful each).  ``evaluate`` chunks the schools to bound memory.

Deliberate simplifications (documented in docs/features-format.md):

* desks sit at stratified quantiles of the room's RSSI spread; the survey error
  is one offset per room and draw;
* the demand of a class is the sum of its pupils' triangular rates, drawn
  through the central limit theorem (mean and variance of the sum), clipped to
  the sum's physical range;
* in one-class scenarios the extra airtime of the active class loads its own
  radio; co-channel neighbours keep their background share.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from netsurvey.power import model as power_model
from netsurvey.scoring import draws as rng
from netsurvey.scoring.arrays import (
    from_groups,
    most_frequent,
    order_index,
    score_from_rho,
    take_last,
    to_groups,
)
from netsurvey.scoring.batch import Batch, build_batch
from netsurvey.scoring.demand import background_demand, class_demand, contention
from netsurvey.scoring.features import SchoolFeatures
from netsurvey.scoring.profile import Profile, Scenario
from netsurvey.scoring.tables import RSSI_FLOOR_DBM, ModelTables, build_tables

F64 = NDArray[np.float64]
DEFAULT_CHUNK = 48
CHUNK_BUDGET = 100_000  # draws x schools x rooms per chunk: keeps temporaries cache-sized


@dataclass(frozen=True)
class DimensionResult:
    """One dimension of one scenario, arrays over the schools of a chunk."""

    present: NDArray[np.bool_]
    rho_p10: F64
    rho_p50: F64
    rho_q: F64
    rho_sat: F64
    score: F64
    p_pass: F64
    element: NDArray[np.int64]  # worst element by rho_q (index into ``segments``)
    severity_q: F64  # severity of the most severe element
    severity_element: NDArray[np.int64]
    segments: tuple[tuple[str, int], ...]  # element kinds and counts, concatenated


@dataclass(frozen=True)
class ScenarioResult:
    scenario: Scenario
    dimensions: dict[str, DimensionResult]
    max_pupils: F64 | None  # (S, R) each_room Wi-Fi only, NaN where not applicable
    room_pass: dict[str, NDArray[np.bool_]]  # per video rung: (S, R) all dimensions pass
    test_start_s: F64 | None  # (S,)


@dataclass(frozen=True)
class RawDimension:
    """(draw, school, element) arrays of one dimension before reduction."""

    rho: F64
    severity: F64
    rho_sat: F64 | float
    present: NDArray[np.bool_]
    segments: tuple[tuple[str, int], ...]


@dataclass(frozen=True)
class OtherLoads:
    """Per room: what everything but that room's class puts on the room's elements."""

    users: F64  # (S, R)
    airtime: F64  # radio airtime of the other rooms incl. co-channel
    overhead: F64  # foreign utilisation + beacons of the room's radio
    port_down: F64
    port_up: F64
    uplink_down: F64
    uplink_up: F64
    wan_down: F64
    wan_up: F64


@dataclass(frozen=True)
class ChunkResult:
    batch: Batch
    scenarios: tuple[ScenarioResult, ...]
    wan_down_p10_mbps: F64
    carts_per_circuit: F64  # (S, K)
    poe_headroom_aps: F64  # (S, W)


class ChunkModel:
    """All scenarios for one chunk of schools, sharing the draws and the desk pass."""

    def __init__(self, batch: Batch, profile: Profile, tables: ModelTables, draws: int) -> None:
        self.batch = batch
        self.profile = profile
        self.tables = tables
        self.draws = draws
        self.rand = rng.make_draws(batch, draws)
        self.inverse_goodput = self._desk_pass()
        self.foreign = np.clip(
            batch.foreign_ratio[None]
            * (1.0 + profile.wifi.foreign_relative_sd * self.rand.foreign),
            0.0,
            0.99,
        )
        self.overhead = self.foreign + batch.beacon_ratio[None]
        self.ap_active = batch.room_to_ap.sum(axis=1) > 0
        self.hearing_t = np.ascontiguousarray(batch.hearing.transpose(0, 2, 1))
        self.room_switch = np.einsum("sra,saw->srw", batch.room_on_ap, batch.ap_to_switch)
        self.wan_down, self.wan_up = self._wan_capacity()
        self.eth = profile.ethernet_tcp_ratio
        self._others_cache: dict[float, OtherLoads] = {}
        self._background_cache: dict[float, tuple[F64, F64, F64]] = {}
        self._staff_cache: tuple[F64, F64] | None = None

    # -- Wi-Fi supply ------------------------------------------------------------
    def _desk_pass(self) -> F64:
        """Mean inverse goodput per pupil of every room: (draw, school, room, traffic shape)."""
        batch, wifi, tables = self.batch, self.profile.wifi, self.tables
        rssi_room = np.where(batch.wifi_room, batch.rssi_dbm, RSSI_FLOOR_DBM)
        centre = rssi_room[None] + wifi.survey_error_db * self.rand.room_offset
        spread = batch.rssi_sd_db[None, :, :, None] * tables.desk_z
        desk = centre[..., None] + spread - wifi.uplink_offset_db
        noise = batch.noise_dbm[None] + wifi.noise_sd_db * self.rand.room_noise
        snr = desk - noise[..., None]
        config = batch.room_config[None, :, :, None]
        rssi_bins, snr_bins = tables.rssi_lut.shape[1], tables.snr_lut.shape[1]
        by_rssi = np.take(tables.rssi_lut.ravel(), config * rssi_bins + tables.rssi_bin(desk))
        by_snr = np.take(tables.snr_lut.ravel(), config * snr_bins + tables.snr_bin(snr))
        rows = config * tables.inverse_goodput.shape[1] + np.minimum(by_rssi, by_snr) + 1
        per_desk = np.take(tables.inverse_goodput.reshape(-1, len(tables.shapes)), rows, axis=0)
        return np.asarray(per_desk.mean(axis=3), dtype=np.float64)

    def _airtime(self, app_id: str, down: F64, up: F64, active: F64) -> F64:
        app = self.profile.applications[app_id]
        inverse = self.inverse_goodput[..., self.tables.shape_of_app[app_id]]
        efficiency = contention(self.tables, active, app.uplink_share) * self.profile.wifi.k_cal
        airtime = (down + up) * inverse / efficiency
        return np.asarray(np.where(self.batch.wifi_room[None], airtime, 0.0), dtype=np.float64)

    def _wan_capacity(self) -> tuple[F64, F64]:
        batch = self.batch
        low, high = self.profile.wan_server_bias
        bias = low + (high - low) * self.rand.wan_bias

        def pick(samples: F64, count: NDArray[np.int64]) -> F64:
            index = np.minimum(
                np.floor(self.rand.wan_pick * np.maximum(count, 1)[None]).astype(np.int64),
                np.maximum(count - 1, 0)[None],
            )
            chosen = samples[np.arange(samples.shape[0])[None, :], index]
            return np.asarray(chosen * bias, dtype=np.float64)

        return pick(batch.wan_down_mbps, batch.wan_down_count), pick(
            batch.wan_up_mbps, batch.wan_up_count
        )

    # -- demand ------------------------------------------------------------------
    def _users(self, scenario: Scenario) -> F64:
        return self._users_at(scenario.device_factor)

    def _users_at(self, factor: float) -> F64:
        batch = self.batch
        return np.asarray(batch.pupils * batch.device_ratio[:, None] * factor, dtype=np.float64)

    def _background(self, factor: float) -> tuple[F64, F64, F64]:
        """Background (down, up, airtime) per room when devices are scaled by ``factor``."""
        cached = self._background_cache.get(factor)
        if cached is not None:
            return cached
        bg = self.profile.background
        users = self._users_at(factor)
        down = background_demand(
            users[None], bg.active_share, bg.down_mbps, self.rand.room_background
        )
        up = down * bg.up_ratio
        airtime = self._airtime(bg.application, down, up, users[None] * bg.active_share)
        self._background_cache[factor] = (down, up, airtime)
        return down, up, airtime

    def _staff(self) -> tuple[F64, F64]:
        if self._staff_cache is None:
            bg = self.profile.background
            down = background_demand(
                self.batch.staff[None], bg.active_share, bg.down_mbps, self.rand.staff_background
            )
            self._staff_cache = (down, down * bg.up_ratio)
        return self._staff_cache

    def _active(self, app_id: str, users: F64) -> tuple[F64, F64, F64]:
        app = self.profile.applications[app_id]
        z = self.rand.room_demand
        down = class_demand(users[None], app.down_mbps, z)
        up = class_demand(users[None], app.up_mbps, z)
        return down, up, self._airtime(app_id, down, up, users[None])

    # -- dimensions ----------------------------------------------------------------
    def _wifi_target(self, app_id: str) -> float:
        util = self.profile.utilisation
        return util.wifi_realtime if self.profile.applications[app_id].realtime else util.wifi_data

    def _reduce(
        self,
        rho: F64,
        severity: F64,
        rho_sat: F64 | float,
        present: NDArray[np.bool_],
        segments: tuple[tuple[str, int], ...],
    ) -> DimensionResult:
        """Reduce (draw, school, element) to per-school figures.

        In each draw every element gets score(rho) against its own saturation point
        and the dimension takes its worst element; the dimension score is the
        (1 - q) order statistic of that over the draws, which equals score(rho_q)
        whenever the saturation point is fixed.  rho_q is the q-quantile of the
        largest rho.  The element named is the worst one in most draws.
        """
        bands = self.profile.score
        draws = self.draws
        any_present = np.asarray(present.any(axis=1))[None]
        rho0 = np.where(present[None], rho, -np.inf)
        sev0 = np.where(present[None], severity, -np.inf)
        if isinstance(rho_sat, float):
            # one saturation point for every element: the worst score is the largest rho's
            worst = np.argmax(rho0, axis=2)
            rho_max = np.where(any_present, take_last(rho0, worst), 0.0)
            min_score = score_from_rho(rho_max, rho_sat, bands.full_rho, bands.design_score)
            sat_worst = np.full(rho_max.shape, rho_sat)
        else:
            rho_max = np.where(any_present, rho0.max(axis=2), 0.0)
            sat = np.broadcast_to(rho_sat, rho.shape)
            element_score = np.where(
                present[None],
                score_from_rho(rho, sat, bands.full_rho, bands.design_score),
                np.inf,
            )
            lowest = element_score.min(axis=2)
            # the lowest score names the element; among equal scores, the larger rho
            worst = np.argmax(np.where(element_score == lowest[..., None], rho0, -np.inf), axis=2)
            min_score = np.where(any_present, lowest, 100.0)
            sat_worst = take_last(sat, worst)
        most_severe = np.argmax(sev0, axis=2)
        sev_max = np.where(any_present, take_last(sev0, most_severe), 0.0)
        i10, i50, iq = (order_index(q, draws) for q in (0.1, 0.5, bands.quantile))
        i_score = draws - 1 - iq
        rho_sorted = np.partition(rho_max, sorted({i10, i50, iq}), axis=0)
        return DimensionResult(
            present=np.asarray(present.any(axis=1), dtype=bool),
            # copies, so the (draw, school) arrays are freed with the chunk
            rho_p10=rho_sorted[i10].copy(),
            rho_p50=rho_sorted[i50].copy(),
            rho_q=rho_sorted[iq].copy(),
            rho_sat=np.partition(sat_worst, i50, axis=0)[i50].copy(),
            score=np.partition(min_score, i_score, axis=0)[i_score].copy(),
            p_pass=(rho_max <= 1.0).mean(axis=0),
            element=most_frequent(worst, rho0.shape[2]),
            severity_q=np.partition(sev_max, iq, axis=0)[iq].copy(),
            severity_element=most_frequent(most_severe, rho0.shape[2]),
            segments=segments,
        )

    @staticmethod
    def _wifi_rho(load: F64, overhead: F64, target: float) -> tuple[F64, F64, F64]:
        room = target - overhead
        with np.errstate(divide="ignore", invalid="ignore"):
            rho = np.where(room > 0, load / room, np.inf)
            rho_sat = np.where(room > 0, (1.0 - overhead) / room, np.inf)
        return rho, load + overhead, rho_sat

    def _wan_rho(self, down: F64, up: F64) -> tuple[F64, F64]:
        util = self.profile.utilisation.wan
        has_up = (self.batch.wan_up_count > 0)[None, :, None]
        with np.errstate(divide="ignore", invalid="ignore"):
            sev_down = down / self.wan_down[..., None]
            sev_up = np.where(has_up, up / self.wan_up[..., None], 0.0)
        severity = np.maximum(sev_down, sev_up)
        return severity / util, severity

    def _lan_loads(
        self, port_down: F64, port_up: F64, sw_down: F64, sw_up: F64
    ) -> tuple[F64, F64, float]:
        batch, util = self.batch, self.profile.utilisation.lan
        with np.errstate(invalid="ignore"):
            port_sev = np.maximum(port_down, port_up) / (self.eth * batch.port_mbps[None])
            sw_sev = np.maximum(sw_down, sw_up) / (self.eth * batch.uplink_mbps[None])
        severity = np.concatenate([port_sev, sw_sev], axis=2)
        return severity / util, severity, 1.0 / util

    # -- scenario modes --------------------------------------------------------------
    def rooms_scenario(self, scenario: Scenario, app_id: str) -> ScenarioResult:
        batch = self.batch
        users = self._users(scenario)
        if scenario.grades is None:
            chosen = batch.room_mask & (batch.pupils > 0)
        else:
            chosen = batch.room_mask & np.isin(batch.grade, scenario.grades)
        act_down, act_up, act_air = self._active(app_id, users)
        bg_down, bg_up, bg_air = self._background(scenario.device_factor)
        staff_down, staff_up = self._staff()
        on = chosen[None]
        down = np.where(on, act_down, bg_down)
        up = np.where(on, act_up, bg_up)
        airtime = np.where(on, act_air, bg_air)
        own = to_groups(airtime, batch.room_to_ap)
        load = own + to_groups(own, self.hearing_t)
        dims: dict[str, DimensionResult] = {}
        target = self._wifi_target(app_id)
        if "wifi" in scenario.dimensions:
            rho, sev, sat = self._wifi_rho(load, self.overhead, target)
            dims["wifi"] = self._reduce(rho, sev, sat, self.ap_active, (("radio", own.shape[2]),))
        if "lan" in scenario.dimensions:
            port_down = to_groups(down, batch.room_on_ap)
            port_up = to_groups(up, batch.room_on_ap)
            measured = np.isfinite(batch.uplink_busy_mbps)[None]
            busy = np.nan_to_num(batch.uplink_busy_mbps)[None]
            act_only_down = to_groups(np.where(on, act_down, 0.0), self.room_switch)
            act_only_up = to_groups(np.where(on, act_up, 0.0), self.room_switch)
            sw_down = np.where(
                measured, act_only_down + busy, to_groups(port_down, batch.ap_to_switch)
            )
            sw_up = np.where(measured, act_only_up + busy, to_groups(port_up, batch.ap_to_switch))
            rho, sev, lan_sat = self._lan_loads(port_down, port_up, sw_down, sw_up)
            present = np.concatenate(
                [
                    batch.ap_mask & np.isfinite(batch.port_mbps),
                    batch.switch_mask & np.isfinite(batch.uplink_mbps),
                ],
                axis=1,
            )
            dims["lan"] = self._reduce(
                rho,
                sev,
                lan_sat,
                present,
                (("port", port_down.shape[2]), ("uplink", sw_down.shape[2])),
            )
        total_down = down.sum(axis=2) + staff_down
        total_up = up.sum(axis=2) + staff_up
        if "wan" in scenario.dimensions:
            rho, sev = self._wan_rho(total_down[..., None], total_up[..., None])
            dims["wan"] = self._reduce(
                rho,
                sev,
                1.0 / self.profile.utilisation.wan,
                (batch.wan_down_count > 0)[:, None],
                (("wan", 1),),
            )
        if "poe" in scenario.dimensions:
            dims["poe"] = self._poe()
        test_start = None
        if scenario.test_start:
            test_start = self._test_start(app_id, users, chosen, act_air, load, total_down)
        return ScenarioResult(scenario, dims, None, {}, test_start)

    def _test_start(
        self,
        app_id: str,
        users: F64,
        chosen: NDArray[np.bool_],
        act_air: F64,
        load: F64,
        total_down: F64,
    ) -> F64:
        """p-quantile time for every pupil of the active classes to load the test."""
        batch, profile = self.batch, self.profile
        low, mode, high = profile.test_burst_mb
        burst_mbit = 8.0 * rng.triangular_from_uniform(self.rand.test_burst, low, mode, high)
        app = profile.applications[app_id]
        inverse = self.inverse_goodput[..., self.tables.shape_of_app[app_id]]
        efficiency = contention(self.tables, users[None], app.uplink_share) * profile.wifi.k_cal
        radio_load = from_groups(load, batch.room_to_ap)
        radio_overhead = from_groups(self.overhead, batch.room_to_ap)
        free = np.maximum(1.0 - radio_overhead - (radio_load - act_air), 0.05)
        room_s = users[None] * burst_mbit[..., None] * inverse / efficiency / free
        room_s = np.where((chosen & batch.wifi_room)[None], room_s, 0.0).max(axis=2)
        pupils = (users * chosen).sum(axis=1)[None]
        spare = np.maximum(self.wan_down - total_down, 0.05 * self.wan_down)
        with np.errstate(invalid="ignore"):
            wan_s = np.where((batch.wan_down_count > 0)[None], pupils * burst_mbit / spare, 0.0)
        worst = np.maximum(room_s, wan_s)
        index = order_index(profile.score.quantile, self.draws)
        value = np.partition(worst, index, axis=0)[index]
        known = batch.wifi_room.any(axis=1) | (batch.wan_down_count > 0)
        return np.asarray(np.where(known, value, np.nan), dtype=np.float64)

    def _others(self, factor: float) -> OtherLoads:
        """Loads of everything except one class, per room, for one-class scenarios (cached)."""
        cached = self._others_cache.get(factor)
        if cached is not None:
            return cached
        batch = self.batch
        users = self._users_at(factor)
        bg_down, bg_up, bg_air = self._background(factor)
        staff_down, staff_up = self._staff()
        own = to_groups(bg_air, batch.room_to_ap)
        load = own + to_groups(own, self.hearing_t)
        port_down = to_groups(bg_down, batch.room_on_ap)
        port_up = to_groups(bg_up, batch.room_on_ap)
        measured = np.isfinite(batch.uplink_busy_mbps)[None]
        busy = np.nan_to_num(batch.uplink_busy_mbps)[None]
        sw_down = np.where(measured, busy, to_groups(port_down, batch.ap_to_switch))
        sw_up = np.where(measured, busy, to_groups(port_up, batch.ap_to_switch))
        room_measured = np.einsum("sw,srw->sr", measured[0].astype(float), self.room_switch) > 0
        own_share_down = np.where(room_measured[None], 0.0, bg_down)
        own_share_up = np.where(room_measured[None], 0.0, bg_up)
        others = OtherLoads(
            users=users,
            airtime=from_groups(load, batch.room_to_ap) - bg_air,
            overhead=from_groups(self.overhead, batch.room_to_ap),
            port_down=from_groups(port_down, batch.room_on_ap) - bg_down,
            port_up=from_groups(port_up, batch.room_on_ap) - bg_up,
            uplink_down=from_groups(sw_down, self.room_switch) - own_share_down,
            uplink_up=from_groups(sw_up, self.room_switch) - own_share_up,
            wan_down=bg_down.sum(axis=2, keepdims=True) + staff_down[..., None] - bg_down,
            wan_up=bg_up.sum(axis=2, keepdims=True) + staff_up[..., None] - bg_up,
        )
        self._others_cache[factor] = others
        return others

    def _each_room_raw(
        self, scenario: Scenario, app_id: str
    ) -> tuple[dict[str, RawDimension], F64, F64]:
        """Per-room element arrays of a one-class scenario, plus (airtime, free airtime)."""
        batch = self.batch
        others = self._others(scenario.device_factor)
        users = others.users
        candidates = batch.room_mask & (batch.pupils > 0)
        act_down, act_up, act_air = self._active(app_id, users)
        raw: dict[str, RawDimension] = {}
        target = self._wifi_target(app_id)
        if "wifi" in scenario.dimensions:
            rho, sev, sat = self._wifi_rho(others.airtime + act_air, others.overhead, target)
            raw["wifi"] = RawDimension(
                rho, sev, sat, candidates & batch.wifi_room, (("room", rho.shape[2]),)
            )
        if "lan" in scenario.dimensions:
            port_speed = np.einsum(
                "sa,sra->sr", np.nan_to_num(batch.port_mbps, nan=-1.0), batch.room_on_ap
            )
            uplink_speed = np.einsum(
                "sw,srw->sr", np.nan_to_num(batch.uplink_mbps, nan=-1.0), self.room_switch
            )
            util = self.profile.utilisation.lan
            with np.errstate(divide="ignore", invalid="ignore"):
                port_sev = np.maximum(others.port_down + act_down, others.port_up + act_up) / (
                    self.eth * port_speed[None]
                )
                sw_sev = np.maximum(others.uplink_down + act_down, others.uplink_up + act_up) / (
                    self.eth * uplink_speed[None]
                )
            severity = np.concatenate([port_sev, sw_sev], axis=2)
            raw["lan"] = RawDimension(
                severity / util,
                severity,
                1.0 / util,
                np.concatenate(
                    [candidates & (port_speed > 0), candidates & (uplink_speed > 0)], axis=1
                ),
                (("room_port", port_sev.shape[2]), ("room_uplink", sw_sev.shape[2])),
            )
        if "wan" in scenario.dimensions:
            rho, sev = self._wan_rho(others.wan_down + act_down, others.wan_up + act_up)
            raw["wan"] = RawDimension(
                rho,
                sev,
                1.0 / self.profile.utilisation.wan,
                candidates & (batch.wan_down_count > 0)[:, None],
                (("room_wan", rho.shape[2]),),
            )
        return raw, act_air, target - others.overhead - others.airtime

    def each_room_scenario(
        self, scenario: Scenario, app_id: str
    ) -> tuple[dict[str, DimensionResult], F64, dict[str, RawDimension]]:
        """One class active at a time; every room is a candidate, the worst one counts."""
        batch = self.batch
        raw, act_air, room_free = self._each_room_raw(scenario, app_id)
        dims = {
            name: self._reduce(r.rho, r.severity, r.rho_sat, r.present, r.segments)
            for name, r in raw.items()
        }
        users = self._others(scenario.device_factor).users
        per_pupil = act_air / np.maximum(users[None], 1e-9)
        with np.errstate(divide="ignore", invalid="ignore"):
            fit = np.where(per_pupil > 0, room_free / per_pupil, np.inf)
        fit_index = order_index(1.0 - self.profile.score.quantile, self.draws)
        max_pupils = np.floor(np.clip(np.partition(fit, fit_index, axis=0)[fit_index], 0, 10_000))
        wifi_present = batch.room_mask & (batch.pupils > 0) & batch.wifi_room
        return dims, np.where(wifi_present, max_pupils, np.nan), raw

    def _poe(self) -> DimensionResult:
        batch, util = self.batch, self.profile.utilisation.poe
        with np.errstate(divide="ignore", invalid="ignore"):
            severity = batch.poe_switch_alloc_w / batch.poe_budget_w
        present = batch.switch_mask & np.isfinite(severity)
        severity = np.broadcast_to(np.nan_to_num(severity)[None], (self.draws, *severity.shape))
        return self._reduce(
            severity / util,
            severity,
            1.0 / util,
            present,
            (("poe", severity.shape[2]),),
        )

    def poe_headroom_aps(self) -> F64:
        batch, profile = self.batch, self.profile
        spare = profile.utilisation.poe * batch.poe_budget_w - batch.poe_switch_alloc_w
        return np.asarray(np.floor(np.maximum(spare, 0.0) / profile.poe.headroom_ap_w))

    def carts_scenario(self, scenario: Scenario) -> ScenarioResult:
        batch, profile = self.batch, self.profile
        power, util = profile.power, profile.utilisation
        pf = rng.triangular_from_uniform(self.rand.cart_pf, *power.power_factor)
        share = (
            power.charging_share[0]
            + (power.charging_share[1] - power.charging_share[0]) * self.rand.cart_share
        )
        cart_a = (
            batch.cart_powered[None]
            * share
            * power_model.charger_input_current_a(
                batch.cart_charger_w[None], power.charger_efficiency, pf, power.voltage_v
            )
        )
        other_a = power_model.circuit_current_a(
            0, 0.0, 1.0, 1.0, batch.circuit_other_w, power.other_pf, power.voltage_v
        )
        circuit_a = (
            to_groups(np.where(batch.cart_mask[None], cart_a, 0.0), batch.cart_to_circuit)
            + other_a[None]
        )
        measured = np.isfinite(batch.circuit_measured_a)[None]
        circuit_a = np.where(measured, batch.circuit_measured_a[None], circuit_a)
        limit_a = power_model.continuous_limit_a(batch.breaker_a, 1.0)
        severity_a = circuit_a / limit_a[None]
        leakage = power_model.rcd_leakage_ma(
            np.einsum("sc,sck->sk", batch.cart_powered, batch.cart_to_circuit),
            power.leakage_ma_each,
        )
        with np.errstate(divide="ignore", invalid="ignore"):
            severity_rcd = np.broadcast_to((leakage / batch.rcd_ma)[None], circuit_a.shape)
        has_carts = batch.cart_to_circuit.sum(axis=1) > 0
        present = np.concatenate(
            [
                batch.circuit_mask & has_carts,
                batch.circuit_mask & has_carts & np.isfinite(batch.rcd_ma),
            ],
            axis=1,
        )
        severity = np.concatenate([severity_a, np.nan_to_num(severity_rcd)], axis=2)
        sat = np.concatenate(
            [
                np.full_like(severity_a, 1.0 / util.circuit),
                np.full_like(severity_a, 1.0 / util.rcd),
            ],
            axis=2,
        )
        rho = severity / np.concatenate(
            [np.full_like(severity_a, util.circuit), np.full_like(severity_a, util.rcd)], axis=2
        )
        circuits = severity_a.shape[2]
        result = self._reduce(
            rho, severity, sat, present, (("circuit", circuits), ("rcd", circuits))
        )
        return ScenarioResult(scenario, {"power": result}, None, {}, None)

    def carts_per_circuit(self) -> F64:
        """How many of the circuit's largest carts fit under the continuous limit (mode PF)."""
        batch, power = self.batch, self.profile.power
        per_cart_a = batch.cart_powered * power_model.charger_input_current_a(
            batch.cart_charger_w, power.charger_efficiency, power.power_factor[1], power.voltage_v
        )
        largest = np.where(batch.cart_to_circuit > 0, per_cart_a[:, :, None], 0.0).max(axis=1)
        other_a = power_model.circuit_current_a(
            0, 0.0, 1.0, 1.0, batch.circuit_other_w, power.other_pf, power.voltage_v
        )
        spare = (
            power_model.continuous_limit_a(batch.breaker_a, self.profile.utilisation.circuit)
            - other_a
        )
        with np.errstate(divide="ignore", invalid="ignore"):
            fit = np.floor(np.maximum(spare, 0.0) / largest)
        return np.asarray(np.where(largest > 0, fit, np.nan), dtype=np.float64)

    def scenario(self, scenario: Scenario) -> ScenarioResult:
        if scenario.mode == "carts":
            return self.carts_scenario(scenario)
        app_id = scenario.application or ""
        if scenario.mode == "rooms":
            return self.rooms_scenario(scenario, app_id)
        dims, max_pupils, raw = self.each_room_scenario(scenario, app_id)
        if "poe" in scenario.dimensions:
            dims["poe"] = self._poe()
        room_pass: dict[str, NDArray[np.bool_]] = {}
        if app_id in self.profile.video_ladder:
            room_pass = self._ladder(scenario, {app_id: raw})
        return ScenarioResult(scenario, dims, max_pupils, room_pass, None)

    def _ladder(
        self, scenario: Scenario, known: dict[str, dict[str, RawDimension]]
    ) -> dict[str, NDArray[np.bool_]]:
        """Per video rung: does each room pass Wi-Fi, LAN and WAN at the p-quantile?"""
        result: dict[str, NDArray[np.bool_]] = {}
        needed = order_index(self.profile.score.quantile, self.draws) + 1
        schools, rooms = self.batch.pupils.shape
        for rung in self.profile.video_ladder:
            raw = known[rung] if rung in known else self._each_room_raw(scenario, rung)[0]
            ok = np.ones((schools, rooms), dtype=bool)
            for dim in raw.values():
                passes = ((dim.rho <= 1.0) | ~dim.present[None]).sum(axis=0) >= needed
                ok &= passes.reshape(schools, -1, rooms).all(axis=1)
            result[rung] = ok
        return result

    def wan_down_p10(self) -> F64:
        """p10 of the measured download samples (inverted CDF), NaN without samples."""
        batch = self.batch
        ordered = np.sort(batch.wan_down_mbps, axis=1)  # NaN padding sorts last
        index = np.maximum(np.ceil(0.1 * batch.wan_down_count).astype(np.int64) - 1, 0)
        values = np.take_along_axis(ordered, index[:, None], axis=1)[:, 0]
        return np.asarray(np.where(batch.wan_down_count > 0, values, np.nan), dtype=np.float64)


def evaluate_chunk(
    schools: tuple[SchoolFeatures, ...],
    profile: Profile,
    tables: ModelTables,
    draws: int,
    seed: int,
) -> ChunkResult:
    """Every scenario of the profile for one chunk of schools."""
    batch = build_batch(schools, profile, seed)
    chunk = ChunkModel(batch, profile, tables, draws)
    results = tuple(chunk.scenario(scenario) for scenario in profile.scenarios)
    return ChunkResult(
        batch=batch,
        scenarios=results,
        wan_down_p10_mbps=chunk.wan_down_p10(),
        carts_per_circuit=chunk.carts_per_circuit(),
        poe_headroom_aps=chunk.poe_headroom_aps(),
    )


def plan_chunks(
    schools: tuple[SchoolFeatures, ...], draws: int, budget: int = CHUNK_BUDGET
) -> list[list[int]]:
    """Group school indices, smallest first, so each chunk holds about ``budget`` room-draws.

    Sorting by size keeps padding small; a school's result never depends on its chunk
    (counter-based draws), so the grouping only changes speed and memory.
    """
    order = sorted(range(len(schools)), key=lambda i: (len(schools[i].rooms), len(schools[i].aps)))
    chunks: list[list[int]] = []
    current: list[int] = []
    for index in order:
        rooms = max(1, len(schools[index].rooms))
        if current and (len(current) + 1) * rooms * draws > budget:
            chunks.append(current)
            current = []
        current.append(index)
    if current:
        chunks.append(current)
    return chunks


def evaluate_indexed(
    schools: tuple[SchoolFeatures, ...],
    profile: Profile,
    draws: int,
    seed: int,
    tables: ModelTables | None = None,
    budget: int = CHUNK_BUDGET,
) -> list[tuple[list[int], ChunkResult]]:
    """The model over all schools in size-sorted chunks; each chunk comes with its indices."""
    model_tables = tables if tables is not None else build_tables(profile)
    return [
        (
            indices,
            evaluate_chunk(tuple(schools[i] for i in indices), profile, model_tables, draws, seed),
        )
        for indices in plan_chunks(schools, draws, budget)
    ]


def evaluate(
    schools: tuple[SchoolFeatures, ...],
    profile: Profile,
    draws: int,
    seed: int,
    chunk_size: int = DEFAULT_CHUNK,
    tables: ModelTables | None = None,
) -> list[ChunkResult]:
    """The model over all schools in input order, ``chunk_size`` schools at a time."""
    model_tables = tables if tables is not None else build_tables(profile)
    return [
        evaluate_chunk(schools[start : start + chunk_size], profile, model_tables, draws, seed)
        for start in range(0, len(schools), chunk_size)
    ]
