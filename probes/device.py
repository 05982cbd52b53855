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


@dataclass(frozen=True)
class Outlet:
    outlet: str
    name: str | None = None
    state_on: bool | None = None
    current_a: float | None = None
    power_w: float | None = None


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
            ),
            power=None
            if data.get("power") is None
            else replace(
                _build(Power, data["power"]),
                outlets=tuple(_build(Outlet, o) for o in data["power"].get("outlets", [])),
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
        )
