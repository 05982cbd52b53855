"""The one device model that SNMP and SSH collectors both normalise into.

The scorer and the reports read only this shape, so they never care whether a fact
came from SNMP, the CLI or a merge of both. Every field that a device may hide is
optional: None means "unknown", never 0. ``sources`` records where each section came
from (``{"interfaces": "snmp", "poe": "ssh"}``) after a merge.

JSON form: ``dataclasses.asdict`` of ``Device`` (``to_json``/``from_json``) – these
field names are a contract (``details.device`` in snmp/ssh records).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, fields, replace
from typing import Any, TypeVar

T = TypeVar("T")


@dataclass(frozen=True)
class SystemInfo:
    sys_name: str | None = None
    sys_descr: str | None = None
    sys_object_id: str | None = None
    vendor: str | None = None
    model: str | None = None
    os_version: str | None = None
    serial: str | None = None
    uptime_s: float | None = None


@dataclass(frozen=True)
class Interface:
    if_index: int | None
    name: str
    alias: str | None = None
    type: str | None = None  # e.g. "ethernetCsmacd", "ieee80211", "softwareLoopback"
    admin_up: bool | None = None
    oper_up: bool | None = None
    speed_bps: float | None = None
    in_bps: float | None = None
    out_bps: float | None = None
    in_errors: int | None = None
    out_errors: int | None = None
    discards: int | None = None
    mac: str | None = None


@dataclass(frozen=True)
class PoePort:
    port: str  # interface name where known, else "group.index"
    if_index: int | None = None
    enabled: bool | None = None
    status: str | None = None  # "delivering", "searching", "disabled", "fault", "off", ...
    power_class: int | None = None  # IEEE class 0-8 (JSON key "class")
    power_w: float | None = None
    max_power_w: float | None = None
    device: str | None = None  # what the switch says is plugged in, when it says


@dataclass(frozen=True)
class PoeGroup:
    group: int  # PSE group / stack member / module
    budget_w: float | None = None
    consumption_w: float | None = None
    status: str | None = None


@dataclass(frozen=True)
class Poe:
    groups: tuple[PoeGroup, ...] = ()
    ports: tuple[PoePort, ...] = ()


@dataclass(frozen=True)
class LldpNeighbor:
    local_port: str
    remote_sys_name: str | None = None
    remote_port: str | None = None
    remote_chassis_id: str | None = None
    remote_capabilities: tuple[str, ...] = ()  # "bridge", "router", "wlanAccessPoint", ...
    remote_mgmt_ip: str | None = None
    remote_platform: str | None = None
    protocol: str = "lldp"  # or "cdp"


@dataclass(frozen=True)
class Radio:
    name: str  # radio id as the device names it
    ap_name: str | None = None  # controllers: which AP the radio belongs to
    band: str | None = None  # "2.4GHz", "5GHz", "6GHz"
    channel: int | None = None
    width_mhz: int | None = None
    tx_power_dbm: float | None = None
    standard: str | None = None  # "HT", "VHT", "HE"
    clients: int | None = None  # None = the vendor hides it ("unknown")
    utilization_ratio: float | None = None  # channel busy 0..1 as the AP reports it
    frequency_mhz: int | None = None  # centre of the primary channel


@dataclass(frozen=True)
class Ssid:
    ssid: str
    clients: int | None = None
    radio: str | None = None


@dataclass(frozen=True)
class AccessPoint:
    """An AP as a controller lists it."""

    name: str
    model: str | None = None
    ip: str | None = None
    mac: str | None = None
    status: str | None = None
    clients: int | None = None


@dataclass(frozen=True)
class Wireless:
    radios: tuple[Radio, ...] = ()
    ssids: tuple[Ssid, ...] = ()
    access_points: tuple[AccessPoint, ...] = ()
    clients_total: int | None = None
    # A controller's own counts (they may cover more APs than it lists).
    access_points_connected: int | None = None
    access_points_total: int | None = None


@dataclass(frozen=True)
class Outlet:
    outlet: str
    name: str | None = None
    state_on: bool | None = None
    current_a: float | None = None
    power_w: float | None = None


@dataclass(frozen=True)
class PowerLine:
    """One input phase or breaker bank of a PDU (or a UPS output line)."""

    line: str  # "phase 1", "bank 2", ...
    kind: str = "phase"  # "phase", "bank" or "line"
    current_a: float | None = None
    power_w: float | None = None
    voltage_v: float | None = None


@dataclass(frozen=True)
class Power:
    """UPS or PDU readings (used by the charging-cart assessment)."""

    kind: str  # "ups" or "pdu"
    load_w: float | None = None
    load_a: float | None = None
    load_ratio: float | None = None  # share of capacity, 0..1
    capacity_w: float | None = None
    capacity_a: float | None = None
    voltage_v: float | None = None
    battery_runtime_s: float | None = None
    outlets: tuple[Outlet, ...] = ()
    lines: tuple[PowerLine, ...] = ()


@dataclass(frozen=True)
class Device:
    system: SystemInfo = field(default_factory=SystemInfo)
    interfaces: tuple[Interface, ...] = ()
    poe: Poe | None = None
    lldp: tuple[LldpNeighbor, ...] = ()
    wireless: Wireless | None = None
    power: Power | None = None
    sources: dict[str, str] = field(default_factory=dict)  # section -> "snmp" | "ssh"

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        if self.poe is not None:
            for port in data["poe"]["ports"]:
                port["class"] = port.pop("power_class")
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Device:
        poe = data.get("poe")
        if poe is not None:
            poe = dict(poe)
            poe["ports"] = [
                {("power_class" if k == "class" else k): v for k, v in p.items()}
                for p in poe.get("ports", [])
            ]
        return cls(
            system=_build(SystemInfo, data.get("system") or {}),
            interfaces=tuple(_build(Interface, i) for i in data.get("interfaces", [])),
            poe=None
            if poe is None
            else Poe(
                groups=tuple(_build(PoeGroup, g) for g in poe.get("groups", [])),
                ports=tuple(_build(PoePort, p) for p in poe["ports"]),
            ),
            lldp=tuple(_build(LldpNeighbor, n) for n in data.get("lldp", [])),
            wireless=None
            if data.get("wireless") is None
            else Wireless(
                radios=tuple(_build(Radio, r) for r in data["wireless"].get("radios", [])),
                ssids=tuple(_build(Ssid, s) for s in data["wireless"].get("ssids", [])),
                access_points=tuple(
                    _build(AccessPoint, a) for a in data["wireless"].get("access_points", [])
                ),
                clients_total=data["wireless"].get("clients_total"),
                access_points_connected=data["wireless"].get("access_points_connected"),
                access_points_total=data["wireless"].get("access_points_total"),
            ),
            power=None
            if data.get("power") is None
            else replace(
                _build(Power, data["power"]),
                outlets=tuple(_build(Outlet, o) for o in data["power"].get("outlets", [])),
                lines=tuple(_build(PowerLine, x) for x in data["power"].get("lines", [])),
            ),
            sources=dict(data.get("sources") or {}),
        )


def _build(cls: type[T], data: dict[str, Any]) -> T:
    names = {f.name for f in fields(cls)}  # type: ignore[arg-type]
    kwargs = {k: (tuple(v) if isinstance(v, list) else v) for k, v in data.items() if k in names}
    return cls(**kwargs)


SECTIONS = ("system", "interfaces", "poe", "lldp", "wireless", "power")


def device_metrics(device: Device) -> dict[str, float | None]:
    """The record metrics every device collector reports (None when the device hides it)."""
    groups = device.poe.groups if device.poe else ()
    budgets = [g.budget_w for g in groups if g.budget_w is not None]
    drawn = [g.consumption_w for g in groups if g.consumption_w is not None]
    clients = device.wireless.clients_total if device.wireless else None
    return {
        "interfaces_count": float(len(device.interfaces)),
        "poe_budget_w": float(sum(budgets)) if budgets else None,
        "poe_consumption_w": float(sum(drawn)) if drawn else None,
        "wireless_clients_count": None if clients is None else float(clients),
    }


def merge_devices(
    primary: Device, secondary: Device, primary_source: str, secondary_source: str
) -> Device:
    """Merge two views of one device: ``secondary`` fills what ``primary`` lacks.

    Facts are merged field by field: the system section per field, interfaces and PoE
    ports per port (matched by name, so ``Gi1/0/1`` meets ``GigabitEthernet1/0/1``),
    PoE groups per group, APs per name; LLDP neighbours and the other sections are
    taken from whichever source has them (primary first). ``sources`` names where each
    section came from (``"snmp"``, ``"ssh"`` or ``"snmp+ssh"``) and, for filled
    fields, ``"<section>.<field>"`` where those values came from.
    """
    merge = _Merge(primary, secondary, primary_source, secondary_source)
    system = merge.record("system", primary.system, secondary.system)
    interfaces = merge.keyed("interfaces", primary.interfaces, secondary.interfaces, _port_key)
    poe = merge.poe(primary.poe, secondary.poe)
    lldp = merge.whole("lldp", primary.lldp, secondary.lldp)
    wireless = merge.wireless(primary.wireless, secondary.wireless)
    power = merge.whole("power", primary.power, secondary.power)
    return Device(
        system=system,
        interfaces=interfaces,
        poe=poe,
        lldp=lldp,
        wireless=wireless,
        power=power,
        sources=merge.sources,
    )


R = TypeVar("R")


def _port_key(item: Any) -> tuple[str, str]:
    """'GigabitEthernet1/0/1' and 'Gi1/0/1' -> ('gi', '1/0/1'): type prefix + numbers."""
    name = str(getattr(item, "name", None) or getattr(item, "port", "")).strip().lower()
    match = re.match(r"([a-z-]*)\s*(.*)", name)
    prefix, rest = (match.group(1), match.group(2)) if match else ("", name)
    return prefix[:2], rest or prefix


def _empty(value: Any) -> bool:
    return value is None or value == () or value == {}


class _Merge:
    """Bookkeeping for one merge: which source gave which section and field."""

    def __init__(self, primary: Device, secondary: Device, first: str, second: str) -> None:
        self.primary, self.secondary = primary, secondary
        self.first, self.second = first, second
        self.sources: dict[str, str] = {}

    def _origin(self, device: Device, section: str, default: str) -> str:
        return device.sources.get(section, default)

    def _note(self, key: str, origins: set[str]) -> None:
        if origins:
            self.sources[key] = "+".join(sorted(origins))

    def record(self, section: str, a: R, b: R) -> R:
        """Field by field; records ``section`` and ``section.field`` for filled fields."""
        first = self._origin(self.primary, section, self.first)
        second = self._origin(self.secondary, section, self.second)
        values: dict[str, Any] = {}
        origins: set[str] = set()
        for f in fields(a):  # type: ignore[arg-type]
            mine, theirs = getattr(a, f.name), getattr(b, f.name)
            if not _empty(mine):
                values[f.name] = mine
                origins.add(first)
            elif not _empty(theirs):
                values[f.name] = theirs
                origins.add(second)
                self.sources[f"{section}.{f.name}"] = second
            else:
                values[f.name] = mine
        self._note(section, origins)
        return replace(a, **values)  # type: ignore[type-var]

    def keyed(
        self, section: str, a: tuple[R, ...], b: tuple[R, ...], key: Callable[[R], Any]
    ) -> tuple[R, ...]:
        """Items matched by ``key`` are merged field by field; the rest are kept."""
        if not a or not b:
            return self.whole(section, a, b)
        first = self._origin(self.primary, section, self.first)
        second = self._origin(self.secondary, section, self.second)
        theirs = {key(item): item for item in b}
        merged: list[R] = []
        filled: dict[str, set[str]] = {}
        used = set()
        for item in a:
            other = theirs.get(key(item))
            if other is None:
                merged.append(item)
                continue
            used.add(key(item))
            updates = {
                f.name: getattr(other, f.name)
                for f in fields(item)  # type: ignore[arg-type]
                if _empty(getattr(item, f.name)) and not _empty(getattr(other, f.name))
            }
            for name in updates:
                filled.setdefault(name, set()).add(second)
            merged.append(replace(item, **updates) if updates else item)  # type: ignore[type-var]
        extra = [item for item in b if key(item) not in used]
        merged.extend(extra)
        self._note(section, {first} | ({second} if filled or extra else set()))
        for name, origins in filled.items():
            self._note(f"{section}.{name}", origins)
        return tuple(merged)

    def whole(self, section: str, a: T, b: T) -> T:
        if not _empty(a):
            self.sources[section] = self._origin(self.primary, section, self.first)
            return a
        if not _empty(b):
            self.sources[section] = self._origin(self.secondary, section, self.second)
            return b
        return a

    def poe(self, a: Poe | None, b: Poe | None) -> Poe | None:
        if a is None or b is None:
            return self.whole("poe", a, b)
        groups = self.keyed("poe", a.groups, b.groups, lambda g: g.group)
        ports = self.keyed("poe.ports", a.ports, b.ports, _port_key)
        poe_sources = {self.sources.pop("poe", ""), self.sources.pop("poe.ports", "")}
        self._note("poe", {o for s in poe_sources for o in s.split("+") if o})
        return Poe(groups=groups, ports=ports)

    def wireless(self, a: Wireless | None, b: Wireless | None) -> Wireless | None:
        if a is None or b is None:
            return self.whole("wireless", a, b)
        aps = self.keyed("wireless", a.access_points, b.access_points, lambda ap: ap.name)
        return Wireless(
            radios=a.radios or b.radios,
            ssids=a.ssids or b.ssids,
            access_points=aps,
            clients_total=a.clients_total if a.clients_total is not None else b.clients_total,
            access_points_connected=_first_known(
                a.access_points_connected, b.access_points_connected
            ),
            access_points_total=_first_known(a.access_points_total, b.access_points_total),
        )


def _first_known(a: int | None, b: int | None) -> int | None:
    return a if a is not None else b


# --------------------------------------------------------------------------- coverage

COVERAGE_SECTIONS = ("ports", "poe", "lldp", "radios", "clients", "power")
# Words in a record's warnings that tie a dropped fact to a section.
_WARNING_SECTIONS = (
    ("LLDP", "lldp"), ("CDP", "lldp"), ("neighbour", "lldp"), ("PoE", "poe"),
    ("radio", "radios"), ("1.3.6.1.2.1.2.", "ports"), ("1.3.6.1.2.1.31.", "ports"),
    ("1.0.8802.", "lldp"), ("1.3.6.1.2.1.105.", "poe"), ("1.3.6.1.2.1.33.", "power"),
)  # fmt: skip


@dataclass(frozen=True)
class SectionCoverage:
    """Whether one kind of fact was read from a device.

    ``state`` is "read" (the device gave it; a count of 0 is read, e.g. "0 clients"),
    "partial" (read, but the record's warnings say some of it was dropped) or
    "missing" (the device did not say; ``why`` says what is known about why)."""

    section: str  # one of COVERAGE_SECTIONS
    state: str
    summary: str  # "24 ports", "0 clients", "not read"
    why: str | None = None  # for "missing" and "partial"
    source: str | None = None  # "snmp", "ssh" or "snmp+ssh" where known
    reason: str | None = None  # ``why`` as a stable id for translations (COVERAGE_REASONS)
    count: int | None = None  # how many ports, neighbours, radios, clients were read


# Stable ids of the "why" of a missing or partial section (report locale keys).
COVERAGE_REASONS = (
    "no_interfaces", "no_poe_table", "no_neighbours", "wifi_without_radio_table",
    "controller_without_radio_table", "no_radio_table", "clients_not_said", "no_wireless",
    "no_power_readings", "no_power_load", "dropped",
)  # fmt: skip


def device_coverage(device: Device, warnings: tuple[str, ...] = ()) -> tuple[SectionCoverage, ...]:
    """One :class:`SectionCoverage` per section in ``COVERAGE_SECTIONS`` order.

    ``warnings`` are the warnings of the records the device came from: a warning
    that names a section turns a "read" section into "partial"."""
    dropped: dict[str, list[str]] = {}
    for warning in warnings:
        for word, section in _WARNING_SECTIONS:
            if word in warning:
                dropped.setdefault(section, []).append(warning)
                break
    found = (
        _ports_coverage(device), _poe_coverage(device), _lldp_coverage(device),
        _radios_coverage(device), _clients_coverage(device), _power_coverage(device),
    )  # fmt: skip
    sources = {"ports": "interfaces", "radios": "wireless", "clients": "wireless"}
    counts = _section_counts(device)
    result = []
    for section, (state, summary, why) in zip(COVERAGE_SECTIONS, found, strict=True):
        notes = dropped.get(section)
        reason = _REASON_OF.get(why) if why else None
        if notes and state == "read":
            state, why = "partial", f"{len(notes)} item(s) dropped or unmapped: {notes[0]}"
            reason = "dropped"
        source = device.sources.get(sources.get(section, section)) if state != "missing" else None
        count = counts.get(section) if state != "missing" else None
        result.append(SectionCoverage(section, state, summary, why, source, reason, count))
    return tuple(result)


def _section_counts(device: Device) -> dict[str, int | None]:
    wireless = device.wireless
    return {
        "ports": len(device.interfaces),
        "poe": len(device.poe.ports) if device.poe else None,
        "lldp": len(device.lldp),
        "radios": len(wireless.radios) if wireless else None,
        "clients": wireless.clients_total if wireless else None,
        "power": None,
    }


_Found = tuple[str, str, str | None]

_REASON_OF: dict[str, str] = {
    "no interfaces listed": "no_interfaces",
    "no PoE table (no PoE, or its MIB not profiled)": "no_poe_table",
    "no neighbours listed (none, or LLDP/CDP off)": "no_neighbours",
    "Wi-Fi interfaces but no radio table read": "wifi_without_radio_table",
    "controller lists APs but no per-radio table": "controller_without_radio_table",
    "no radio table (not an AP, or MIB not profiled)": "no_radio_table",
    "the device does not say how many clients": "clients_not_said",
    "no wireless facts": "no_wireless",
    "no UPS/PDU readings (none, or MIB not profiled)": "no_power_readings",
    "the device names no load (W, A or %)": "no_power_load",
}


def _count(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _ports_coverage(device: Device) -> _Found:
    if not device.interfaces:
        return "missing", "not read", "no interfaces listed"
    known = sum(1 for i in device.interfaces if i.speed_bps is not None)
    return "read", f"{_count(len(device.interfaces), 'port')} ({known} with speed)", None


def _poe_coverage(device: Device) -> _Found:
    poe = device.poe
    if poe is None or not (poe.groups or poe.ports):
        return "missing", "not read", "no PoE table (no PoE, or its MIB not profiled)"
    watts = sum(1 for p in poe.ports if p.power_w is not None)
    budgets = [g.budget_w for g in poe.groups if g.budget_w is not None]
    parts = [_count(len(poe.ports), "port"), f"{watts} with watts"]
    if budgets:
        parts.append(f"budget {sum(budgets):g} W")
    return "read", ", ".join(parts), None


def _lldp_coverage(device: Device) -> _Found:
    if not device.lldp:
        return "missing", "not read", "no neighbours listed (none, or LLDP/CDP off)"
    unknown = sum(1 for n in device.lldp if n.local_port == "unknown")
    summary = _count(len(device.lldp), "neighbour")
    return "read", summary + (f", {unknown} on an unknown port" if unknown else ""), None


def _radios_coverage(device: Device) -> _Found:
    radios = device.wireless.radios if device.wireless else ()
    if radios:
        known = sum(1 for r in radios if r.frequency_mhz is not None)
        return "read", f"{_count(len(radios), 'radio')} ({known} with frequency)", None
    if any(i.type == "ieee80211" for i in device.interfaces):
        return "missing", "not read", "Wi-Fi interfaces but no radio table read"
    if device.wireless is not None and device.wireless.access_points:
        return "missing", "not read", "controller lists APs but no per-radio table"
    return "missing", "not read", "no radio table (not an AP, or MIB not profiled)"


def _clients_coverage(device: Device) -> _Found:
    total = device.wireless.clients_total if device.wireless else None
    if total is not None:
        return "read", _count(total, "client"), None
    if device.wireless is not None:
        return "missing", "unknown", "the device does not say how many clients"
    return "missing", "not read", "no wireless facts"


def _power_coverage(device: Device) -> _Found:
    power = device.power
    if power is None:
        return "missing", "not read", "no UPS/PDU readings (none, or MIB not profiled)"
    parts = [power.kind]
    if power.load_w is not None:
        parts.append(f"{power.load_w:g} W")
    if power.load_a is not None:
        parts.append(f"{power.load_a:g} A")
    if power.load_ratio is not None:
        parts.append(f"{100 * power.load_ratio:g} % load")
    if len(parts) == 1:
        return "missing", power.kind, "the device names no load (W, A or %)"
    return "read", " ".join(parts), None
