"""The one device model that SNMP and SSH collectors both normalise into.

The scorer and the reports read only this shape, so they never care whether a fact
came from SNMP, the CLI or a merge of both. Every field that a device may hide is
optional: None means "unknown", never 0. ``sources`` records where each section came
from (``{"interfaces": "snmp", "poe": "ssh"}``) after a merge.

JSON form: ``dataclasses.asdict`` of ``Device`` (``to_json``/``from_json``) – these
field names are a contract (``details.device`` in snmp/ssh records).
"""

from __future__ import annotations

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


def merge_devices(
    primary: Device, secondary: Device, primary_source: str, secondary_source: str
) -> Device:
    """Merge two views of one device: ``secondary`` fills what ``primary`` lacks.

    Sections are taken whole from whichever source has them (primary first); within
    the system section, missing fields are filled field by field. ``sources`` names
    where each section came from.
    """
    sources: dict[str, str] = {}

    def pick(section: str, a: Any, b: Any) -> Any:
        if a not in (None, (), {}):
            sources[section] = primary.sources.get(section, primary_source)
            return a
        if b not in (None, (), {}):
            sources[section] = secondary.sources.get(section, secondary_source)
            return b
        return a

    system_values = {}
    system_sources = set()
    for f in fields(SystemInfo):
        a = getattr(primary.system, f.name)
        b = getattr(secondary.system, f.name)
        system_values[f.name] = a if a is not None else b
        if a is not None:
            system_sources.add(primary_source)
        elif b is not None:
            system_sources.add(secondary_source)
    if system_sources:
        sources["system"] = "+".join(sorted(system_sources))
    return Device(
        system=SystemInfo(**system_values),
        interfaces=pick("interfaces", primary.interfaces, secondary.interfaces),
        poe=pick("poe", primary.poe, secondary.poe),
        lldp=pick("lldp", primary.lldp, secondary.lldp),
        wireless=pick("wireless", primary.wireless, secondary.wireless),
        power=pick("power", primary.power, secondary.power),
        sources=sources,
    )
