"""Per-room Wi-Fi results from survey points: coverage, SNR, channel load, verdict."""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace

from netsurvey.jsontypes import JsonObject
from netsurvey.wifi.aps import ApIndex
from netsurvey.wifi.channels import overlapping, same_channel, same_radio
from netsurvey.wifi.points import SurveyPoint
from netsurvey.wifi.serving import room_serving, serving_bss
from netsurvey.wifi.thresholds import WifiThresholds
from probes.wifi_parsers import Bss

VERDICT_ORDER = {"pass": 0, "warn": 1, "fail": 2}


@dataclass(frozen=True)
class Check:
    name: str
    verdict: str  # pass | warn | fail
    text: str


@dataclass(frozen=True)
class Neighbour:
    bssid: str
    ssid: str | None
    channel: int | None
    signal_dbm: float | None
    own: bool


@dataclass(frozen=True)
class RoomResult:
    """One room's Wi-Fi. Signals are of the school's own SSIDs: ``best``/``median`` over
    the room's points of the strongest own BSS at each point (what a device that picks
    the best AP gets); ``snr_db`` is of the serving BSS (the one the laptop was on, else
    the strongest own) against the scan's noise floor, or an assumed one
    (``snr_estimated``). Co-channel: other BSSs on the serving primary channel louder
    than ``audible_dbm``; adjacent: overlapping but on another primary channel; the
    serving radio's own virtual BSSIDs are not counted."""

    room: str
    floor: str | None
    points_count: int
    verdict: str  # pass | warn | fail | missing
    best_signal_dbm: float | None = None
    median_signal_dbm: float | None = None
    snr_db: float | None = None
    snr_estimated: bool = False
    best_24ghz_dbm: float | None = None
    best_5ghz_dbm: float | None = None
    best_6ghz_dbm: float | None = None
    serving_bssid: str | None = None
    serving_ssid: str | None = None
    serving_channel: int | None = None
    serving_width_mhz: int | None = None
    serving_ap: str | None = None
    co_channel_count: int | None = None
    adjacent_channel_count: int | None = None
    channel_utilization_ratio: float | None = None
    station_count: int | None = None
    link_tx_bitrate_bps: float | None = None
    iperf_bps: float | None = None
    iperf_invalid_count: int = 0
    co_channel: tuple[Neighbour, ...] = ()
    adjacent_channel: tuple[Neighbour, ...] = ()
    checks: tuple[Check, ...] = ()
    notes: tuple[str, ...] = field(default=())

    def to_json(self) -> JsonObject:
        data = asdict(self)
        for key in ("co_channel", "adjacent_channel", "checks", "notes"):
            data[key] = list(data[key])
        return data


def _median(values: Iterable[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return round(statistics.median(present), 2) if present else None


def _worst(verdicts: Iterable[str]) -> str:
    return max(verdicts, key=lambda v: VERDICT_ORDER[v], default="pass")


def _grade(value: float, good: float, acceptable: float, higher_is_better: bool = True) -> str:
    if not higher_is_better:
        value, good, acceptable = -value, -good, -acceptable
    return "pass" if value >= good else "warn" if value >= acceptable else "fail"


def _strongest(bss: Iterable[Bss]) -> Bss | None:
    heard = [b for b in bss if b.signal_dbm is not None]
    return max(heard, key=lambda b: b.signal_dbm or -999.0, default=None)


def _serving(point: SurveyPoint, own: Sequence[Bss]) -> Bss | None:
    """The one serving-AP rule (``wifi/serving.py``), on the school's BSSs at the point."""
    return serving_bss(own, point.link)


@dataclass
class _PointScan:
    """What a room's usable points heard, gathered in one pass over them."""

    best_dbm: list[float | None] = field(default_factory=list)  # strongest own BSS per point
    snr_db: list[float | None] = field(default_factory=list)  # serving BSS per point
    snr_estimated: bool = False
    servings: list[Bss] = field(default_factory=list)
    loudest: dict[str, Bss] = field(default_factory=dict)  # per BSSID
    band_best_dbm: dict[str, float] = field(default_factory=dict)


def _school_ssids(
    own_ssids: Sequence[str], usable: Sequence[SurveyPoint], notes: list[str]
) -> set[str]:
    """The inventory's SSIDs, else the ones the laptop was connected to (with a note)."""
    if own_ssids:
        return set(own_ssids)
    linked = {p.link.ssid for p in usable if p.link is not None and p.link.ssid}
    notes.append(
        "the inventory names no school SSIDs; using the SSID the laptop was connected to"
        if linked
        else "the inventory names no school SSIDs; cannot tell ours from neighbours"
    )
    return linked


def _scan_serving(
    scan: _PointScan, point: SurveyPoint, own: Sequence[Bss], limits: WifiThresholds
) -> None:
    serving = _serving(point, own)
    strongest = _strongest(own)
    scan.best_dbm.append(strongest.signal_dbm if strongest is not None else None)
    if serving is None:
        return
    best = serving.signal_dbm
    scan.servings.append(serving)
    noise = serving.noise_dbm
    if noise is None:
        noise, scan.snr_estimated = limits.assumed_noise_dbm, True
    scan.snr_db.append(best - noise if best is not None else None)


def _scan_heard(scan: _PointScan, point: SurveyPoint, ssids: set[str]) -> None:
    for bss in point.bss:
        signal = bss.signal_dbm
        if signal is None:
            continue
        key = bss.bssid
        if key not in scan.loudest or signal > (scan.loudest[key].signal_dbm or -999):
            scan.loudest[key] = bss
        band = bss.band
        if bss.ssid in ssids and band is not None:
            scan.band_best_dbm[band] = max(signal, scan.band_best_dbm.get(band, -999.0))


def _scan_points(
    usable: Sequence[SurveyPoint], ssids: set[str], limits: WifiThresholds
) -> _PointScan:
    scan = _PointScan()
    for point in usable:
        own = [b for b in point.bss if b.ssid in ssids]
        _scan_serving(scan, point, own, limits)
        _scan_heard(scan, point, ssids)
    return scan


def _channel_neighbours(
    loudest: Mapping[str, Bss],
    serving: Bss,
    limits: WifiThresholds,
) -> tuple[list[Bss], list[Bss]]:
    """Audible BSSs of other radios: (on the serving channel, on an overlapping one)."""
    co: list[Bss] = []
    adjacent: list[Bss] = []
    serving_bssid = serving.bssid
    for bssid, bss in loudest.items():
        signal = bss.signal_dbm
        if signal is None or signal < limits.audible_dbm or same_radio(bssid, serving_bssid):
            continue
        if same_channel(bss, serving):
            co.append(bss)
        elif overlapping(bss, serving):
            adjacent.append(bss)
    return co, adjacent


def analyse_room(
    room: str,
    floor: str | None,
    points: Sequence[SurveyPoint],
    own_ssids: Sequence[str],
    aps: ApIndex,
    limits: WifiThresholds,
) -> RoomResult:
    usable = [p for p in points if p.status != "failed"]
    if not usable:
        return RoomResult(
            room=room,
            floor=floor,
            points_count=0,
            verdict="missing",
            notes=("no survey point in this room yet",),
        )
    notes: list[str] = []
    ssids = _school_ssids(own_ssids, usable, notes)
    scan = _scan_points(usable, ssids, limits)
    serving = room_serving(scan.servings)
    co: list[Bss] = []
    adjacent: list[Bss] = []
    if serving is not None:
        co, adjacent = _channel_neighbours(scan.loudest, serving, limits)
    loads = [
        s.channel_utilization_ratio
        for s in scan.servings
        if serving is not None and s.bssid == serving.bssid
    ]
    rates = [p.link.tx_bitrate_bps for p in usable if p.link is not None and p.link.connected]
    iperfs = [p.iperf for p in usable if p.iperf is not None]
    ap = aps.lookup(serving.bssid) if serving is not None else None
    if serving is not None and ap is None and aps.entries:
        notes.append(f"BSSID {serving.bssid} matches no AP in the inventory's SNMP/SSH data")

    result = RoomResult(
        room=room,
        floor=floor,
        points_count=len(usable),
        verdict="pass",
        best_signal_dbm=max((v for v in scan.best_dbm if v is not None), default=None),
        median_signal_dbm=_median(scan.best_dbm),
        snr_db=_median(scan.snr_db),
        snr_estimated=scan.snr_estimated,
        best_24ghz_dbm=scan.band_best_dbm.get("2.4GHz"),
        best_5ghz_dbm=scan.band_best_dbm.get("5GHz"),
        best_6ghz_dbm=scan.band_best_dbm.get("6GHz"),
        serving_bssid=serving.bssid if serving is not None else None,
        serving_ssid=serving.ssid if serving is not None else None,
        serving_channel=serving.channel if serving is not None else None,
        serving_width_mhz=serving.width_mhz if serving is not None else None,
        serving_ap=ap.ap_name if ap else None,
        co_channel_count=len(co) if serving is not None else None,
        adjacent_channel_count=len(adjacent) if serving is not None else None,
        channel_utilization_ratio=_median(loads),
        station_count=serving.station_count if serving is not None else None,
        link_tx_bitrate_bps=_median(rates),
        iperf_bps=_median(i.throughput_bps for i in iperfs if i.valid),
        iperf_invalid_count=sum(1 for i in iperfs if not i.valid),
        co_channel=tuple(_neighbour(b, ssids) for b in co),
        adjacent_channel=tuple(_neighbour(b, ssids) for b in adjacent),
        notes=tuple(notes),
    )
    checks = tuple(_checks(result, limits))
    return replace(result, checks=checks, verdict=_worst(c.verdict for c in checks))


def _neighbour(bss: Bss, ssids: set[str]) -> Neighbour:
    return Neighbour(
        bssid=bss.bssid,
        ssid=bss.ssid,
        channel=bss.channel,
        signal_dbm=bss.signal_dbm,
        own=bss.ssid in ssids,
    )


def _checks(result: RoomResult, limits: WifiThresholds) -> Iterable[Check]:
    if result.median_signal_dbm is None:
        yield Check("signal", "fail", "none of the school's networks was heard in this room")
        return
    signal = result.median_signal_dbm
    yield Check(
        "signal",
        _grade(signal, limits.pass_signal_dbm, limits.warn_signal_dbm),
        f"median {signal:.0f} dBm (pass ≥ {limits.pass_signal_dbm:.0f}, "
        f"fail < {limits.warn_signal_dbm:.0f})",
    )
    if result.snr_db is not None:
        estimate = " (noise assumed)" if result.snr_estimated else ""
        yield Check(
            "snr",
            _grade(result.snr_db, limits.pass_snr_db, limits.warn_snr_db),
            f"SNR {result.snr_db:.0f} dB{estimate} (pass ≥ {limits.pass_snr_db:.0f})",
        )
    if result.co_channel_count is not None:
        too_many = result.co_channel_count > limits.max_co_channel_count
        yield Check(
            "co_channel",
            "warn" if too_many else "pass",
            f"{result.co_channel_count} other BSS on channel {result.serving_channel} "
            f"louder than {limits.audible_dbm:.0f} dBm",
        )
    if result.adjacent_channel_count is not None:
        too_many = result.adjacent_channel_count > limits.max_adjacent_channel_count
        yield Check(
            "adjacent_channel",
            "warn" if too_many else "pass",
            f"{result.adjacent_channel_count} overlapping BSS on neighbouring channels",
        )
    if result.channel_utilization_ratio is not None:
        busy = result.channel_utilization_ratio
        yield Check(
            "utilization",
            _grade(busy, limits.pass_utilisation_ratio, limits.warn_utilisation_ratio, False),
            f"channel busy {busy:.0%} of the time (BSS Load)",
        )
    if limits.want_5ghz:
        five = result.best_5ghz_dbm
        if five is None:
            yield Check("5ghz", "warn", "no 5 GHz signal from the school's networks")
        else:
            yield Check(
                "5ghz",
                "pass" if five >= limits.warn_signal_dbm else "warn",
                f"best 5 GHz {five:.0f} dBm",
            )


def analyse_rooms(
    rooms: Sequence[tuple[str, str | None]],
    points: Sequence[SurveyPoint],
    own_ssids: Sequence[str],
    aps: ApIndex,
    limits: WifiThresholds,
) -> list[RoomResult]:
    """Every inventory room (in inventory order) plus any room only the points name."""
    by_room: dict[str, list[SurveyPoint]] = {}
    for point in points:
        by_room.setdefault(point.room, []).append(point)
    ordered = list(rooms) + [(r, None) for r in by_room if r not in {room for room, _ in rooms}]
    return [
        analyse_room(room, floor, by_room.get(room, []), own_ssids, aps, limits)
        for room, floor in ordered
    ]
