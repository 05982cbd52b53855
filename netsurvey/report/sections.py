"""Facts for the report's technical sections, derived from visit records (SI units)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from netsurvey.report.heatmaps import Heatmap
from netsurvey.report.text import clean_optional, clean_text
from netsurvey.report.visitfiles import Record, VisitFiles
from probes.device import Device

_PORT_TYPES = ("ethernetCsmacd", "gigabitEthernet", "fastEther", "ethernet")


@dataclass(frozen=True)
class WanTest:
    kind: str
    download_bps: float | None
    upload_bps: float | None
    rtt_s: float | None
    jitter_s: float | None
    loss_ratio: float | None
    server: str | None
    measurement_id: str
    started_at: str | None


@dataclass(frozen=True)
class WanSection:
    provider: str | None
    contract_down_bps: float | None
    contract_up_bps: float | None
    tests: tuple[WanTest, ...]
    more_count: int = 0  # tests not listed (a long monitoring run); all are in the visit


# A visit may hold thousands of speedtests (a week of monitoring): the table lists at most
# this many per kind, spread evenly over the visit, and counts the rest.
WAN_ROWS_PER_KIND = 12


def _spread(tests: list[WanTest], limit: int) -> list[WanTest]:
    """At most ``limit`` tests in time order, first and last included, evenly spaced."""
    if len(tests) <= limit:
        return tests
    step = (len(tests) - 1) / (limit - 1)
    return [tests[round(i * step)] for i in range(limit)]


@dataclass(frozen=True)
class Uplink:
    port: str
    neighbour: str | None
    speed_bps: float | None
    utilisation_ratio: float | None


@dataclass(frozen=True)
class SwitchRow:
    device_id: str
    name: str | None
    model: str | None
    ports_count: int | None
    ports_up_count: int | None
    uplinks: tuple[Uplink, ...]
    max_utilisation_ratio: float | None
    measurement_id: str


@dataclass(frozen=True)
class RoomWifi:
    room: str
    floor: str | None
    points_count: int
    signal_median_dbm: float | None
    signal_min_dbm: float | None
    snr_median_db: float | None


@dataclass(frozen=True)
class RadioRow:
    ap: str
    band: str | None
    channel: int | None
    width_mhz: int | None
    clients: int | None
    utilisation_ratio: float | None


@dataclass(frozen=True)
class WifiSection:
    rooms: tuple[RoomWifi, ...]
    radios: tuple[RadioRow, ...]
    heatmaps: tuple[Heatmap, ...]


@dataclass(frozen=True)
class PoeRow:
    device_id: str
    budget_w: float | None
    consumption_w: float | None
    headroom_w: float | None
    ports_delivering_count: int | None


@dataclass(frozen=True)
class CartRow:
    cart_id: str
    room: str | None
    slots_count: int | None
    charger_w: float | None
    sequencing: str | None
    circuit: str | None
    breaker_a: float | None
    measured_power_w: float | None
    measured_current_a: float | None


@dataclass(frozen=True)
class PowerSection:
    carts: tuple[CartRow, ...]


def devices(visit: VisitFiles) -> dict[str, tuple[Device, Record]]:
    """The school's merged device list (SNMP first, SSH filling the gaps: the same facts
    the scorer and `netsurvey devices` use), each with its newest record for citing."""
    records = visit.by_id()
    found: dict[str, tuple[Device, Record]] = {}
    for device_id, merged in sorted(visit.devices.items()):
        cited = [records[i] for i in merged.measurement_ids if i in records]
        if cited:
            newest = max(cited, key=lambda r: r.started_at or "")
            found[device_id] = (merged.device, newest)
    return found


@dataclass(frozen=True)
class CoverageCell:
    section: str  # ports, poe, lldp, radios, clients, power
    state: str  # read, partial, missing
    count: int | None  # how many were read ("0 clients" is a reading)
    reason: str | None  # why missing or partial (a locale key under lan.coverage_reason)


@dataclass(frozen=True)
class DeviceCoverageRow:
    device_id: str
    sources: str | None  # "snmp", "ssh", "snmp+ssh"
    cells: tuple[CoverageCell, ...]


def device_coverage_rows(visit: VisitFiles) -> tuple[DeviceCoverageRow, ...]:
    """Per device, which facts were read and which are missing and why (the same
    ``probes.device.device_coverage`` that `netsurvey devices` prints)."""
    rows = []
    for device_id, merged in sorted(visit.devices.items()):
        cells = tuple(
            CoverageCell(c.section, c.state, c.count, c.reason) for c in merged.coverage()
        )
        used = sorted({src for src in merged.device.sources.values() if src})
        rows.append(DeviceCoverageRow(clean_text(device_id), "+".join(used) or None, cells))
    return tuple(rows)


def wan_section(visit: VisitFiles) -> WanSection:
    facts = visit.facts
    tests = [
        WanTest(
            kind="speedtest",
            download_bps=t.download_bps,
            upload_bps=t.upload_bps,
            rtt_s=t.rtt_s,
            jitter_s=None,
            loss_ratio=None,
            server=clean_optional(t.server),
            measurement_id=t.measurement_id,
            started_at=t.started_at,
        )
        for t in facts.speed_tests
    ]
    tests += [
        WanTest(
            kind="latency",
            download_bps=None,
            upload_bps=None,
            rtt_s=t.rtt_p50_s,
            jitter_s=t.jitter_s,
            loss_ratio=t.loss_ratio,
            server=None,
            measurement_id=t.measurement_id,
            started_at=t.started_at,
        )
        for t in facts.latency_runs
    ]
    ordered = sorted(tests, key=lambda t: (t.kind, t.started_at or ""))
    listed = [
        test
        for kind in dict.fromkeys(t.kind for t in ordered)
        for test in _spread([t for t in ordered if t.kind == kind], WAN_ROWS_PER_KIND)
    ]
    wan = facts.school.wan
    return WanSection(
        provider=clean_optional(wan.provider) if wan else None,
        contract_down_bps=wan.down_bps if wan else None,
        contract_up_bps=wan.up_bps if wan else None,
        tests=tuple(listed),
        more_count=len(ordered) - len(listed),
    )


def _is_port(interface_type: str | None, name: str) -> bool:
    if interface_type:
        return any(interface_type.lower().startswith(t.lower()) for t in _PORT_TYPES)
    lowered = name.lower()
    return not lowered.startswith(("lo", "vlan", "null", "tunnel", "port-channel", "mgmt"))


def _uplinks(device: Device) -> tuple[Uplink, ...]:
    wired_neighbours = {
        n.local_port: n
        for n in device.lldp
        if {"bridge", "router"} & {c.lower() for c in n.remote_capabilities}
    }
    uplinks = []
    for interface in device.interfaces:
        neighbour = wired_neighbours.get(interface.name)
        if neighbour is None:
            continue
        uplinks.append(
            Uplink(
                port=clean_text(interface.name),
                neighbour=clean_optional(neighbour.remote_sys_name),
                speed_bps=interface.speed_bps,
                utilisation_ratio=_utilisation(
                    interface.in_bps, interface.out_bps, interface.speed_bps
                ),
            )
        )
    return tuple(uplinks)


def _utilisation(
    in_bps: float | None, out_bps: float | None, speed_bps: float | None
) -> float | None:
    rates = [r for r in (in_bps, out_bps) if r is not None]
    if not rates or not speed_bps:
        return None
    return max(rates) / speed_bps


def lan_rows(found: Mapping[str, tuple[Device, Record]]) -> tuple[SwitchRow, ...]:
    rows = []
    for device_id, (device, record) in found.items():
        ports = [i for i in device.interfaces if _is_port(i.type, i.name)]
        if not ports:
            continue
        utilisations = [
            u
            for u in (_utilisation(p.in_bps, p.out_bps, p.speed_bps) for p in ports)
            if u is not None
        ]
        rows.append(
            SwitchRow(
                device_id=clean_text(device_id),
                name=clean_optional(device.system.sys_name),
                model=clean_optional(device.system.model or device.system.vendor),
                ports_count=len(ports),
                ports_up_count=sum(1 for p in ports if p.oper_up)
                if any(p.oper_up is not None for p in ports)
                else None,
                uplinks=_uplinks(device),
                max_utilisation_ratio=max(utilisations) if utilisations else None,
                measurement_id=record.id,
            )
        )
    return tuple(rows)


def poe_rows(found: Mapping[str, tuple[Device, Record]]) -> tuple[PoeRow, ...]:
    rows = []
    for device_id, (device, _record) in found.items():
        if device.poe is None:
            continue
        budgets = [g.budget_w for g in device.poe.groups if g.budget_w is not None]
        used = [g.consumption_w for g in device.poe.groups if g.consumption_w is not None]
        if not used:
            used = [p.power_w for p in device.poe.ports if p.power_w is not None]
        budget_w = sum(budgets) if budgets else None
        consumption_w = sum(used) if used else None
        statuses = [p.status for p in device.poe.ports if p.status is not None]
        rows.append(
            PoeRow(
                device_id=clean_text(device_id),
                budget_w=budget_w,
                consumption_w=consumption_w,
                headroom_w=None
                if budget_w is None or consumption_w is None
                else budget_w - consumption_w,
                ports_delivering_count=sum(1 for s in statuses if s == "delivering")
                if statuses
                else None,
            )
        )
    return tuple(rows)


def wifi_rooms(visit: VisitFiles) -> tuple[RoomWifi, ...]:
    """Per-room Wi-Fi from the survey analysis (netsurvey.wifi), the same figures that
    `netsurvey wifi rooms` prints: signals of the school's own SSIDs, SNR of the serving AP."""
    from netsurvey.wifi.results import own_ssids, room_results
    from netsurvey.wifi.thresholds import WifiThresholds

    survey = visit.facts.survey
    ssids = set(own_ssids(survey))
    rooms = []
    for result in sorted(room_results(survey, WifiThresholds()), key=lambda r: r.room):
        if not result.points_count:
            continue
        strongest: list[float] = []
        for point in survey.ok_points_in(result.room):
            own = [b.signal_dbm for b in point.bss if not ssids or b.ssid in ssids]
            present = [value for value in own if value is not None]
            if present:
                strongest.append(max(present))
        rooms.append(
            RoomWifi(
                room=clean_text(result.room),
                floor=clean_optional(result.floor),
                points_count=result.points_count,
                signal_median_dbm=result.median_signal_dbm,
                signal_min_dbm=min(strongest) if strongest else None,
                snr_median_db=result.snr_db,
            )
        )
    return tuple(rooms)


def wifi_radios(found: Mapping[str, tuple[Device, Record]]) -> tuple[RadioRow, ...]:
    rows = []
    for device_id, (device, _record) in found.items():
        if device.wireless is None:
            continue
        for radio in device.wireless.radios:
            rows.append(
                RadioRow(
                    ap=clean_text(radio.ap_name or device.system.sys_name or device_id),
                    band=clean_optional(radio.band),
                    channel=radio.channel,
                    width_mhz=radio.width_mhz,
                    clients=radio.clients,
                    utilisation_ratio=radio.utilization_ratio,
                )
            )
    return tuple(rows)


def power_section(visit: VisitFiles) -> PowerSection:
    facts = visit.facts
    circuits = {c.id: c for c in facts.school.circuits}
    readings = {r.subject_id: r for r in facts.power_readings}
    assessed = facts.cart_assessment.measured_circuit_a if facts.cart_assessment else {}
    carts = []
    for cart in facts.school.carts:
        circuit = circuits.get(cart.circuit) if cart.circuit else None
        reading = readings.get(cart.id) or (readings.get(cart.circuit) if cart.circuit else None)
        carts.append(
            CartRow(
                cart_id=clean_text(cart.id),
                room=clean_optional(cart.room),
                slots_count=cart.slots,
                charger_w=cart.charger_w,
                sequencing=clean_optional(cart.sequencing),
                circuit=clean_optional(cart.circuit),
                breaker_a=circuit.breaker_a if circuit else None,
                measured_power_w=reading.power_w if reading else None,
                measured_current_a=reading.current_a
                if reading
                else (assessed.get(cart.circuit) if cart.circuit else None),
            )
        )
    return PowerSection(carts=tuple(carts))
