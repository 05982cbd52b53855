"""Build the shared device model from SNMP samples.

The system group and ENTITY-MIB are read here, interfaces and utilisation in
``snmp_interfaces``, neighbours in ``snmp_neighbors``; PoE, wireless and power come
from the vendor profiles (``snmp_vendors``, data in ``data/snmp_vendors.yaml``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from probes.device import (
    AccessPoint,
    Device,
    Outlet,
    Poe,
    PoeGroup,
    PoePort,
    Power,
    PowerLine,
    Radio,
    Ssid,
    SystemInfo,
    Wireless,
)
from probes.snmp_interfaces import build_interfaces
from probes.snmp_neighbors import build_cdp, build_lldp
from probes.snmp_oids import (
    ENT_ALIAS_MAPPING_IDENTIFIER,
    ENT_PHYSICAL_ENTRY,
    IF_ENTRY,
    SYS_DESCR,
    SYS_NAME,
    SYS_OBJECT_ID,
    SYS_UPTIME,
)
from probes.snmp_sample import Sample
from probes.snmp_values import float_or_none, int_or, str_or_none, text_of
from probes.snmp_vendors import (
    WIRELESS_COUNTS,
    Profile,
    VendorData,
    channel_mhz,
    count_value,
    mhz_band,
    mhz_channel,
    scalar_fields,
    table_rows,
)


@dataclass(frozen=True)
class Normalised:
    device: Device
    warnings: tuple[str, ...]
    partial: bool


def normalise(samples: Sequence[Sample], vendors: VendorData) -> Normalised:
    first = samples[0]
    warnings: list[str] = []
    sys_object_id = text_of(first.get(SYS_OBJECT_ID))
    sys_descr = text_of(first.get(SYS_DESCR))
    profiles = vendors.select(sys_object_id, sys_descr)
    interfaces = build_interfaces(first, samples[1] if len(samples) > 1 else None, warnings)
    names = {i.if_index: i.name for i in interfaces if i.if_index is not None}
    dropped: list[str] = []  # facts the device gave that could not be mapped
    sections: dict[str, Any] = {
        "system": build_system(first, profiles, vendors.vendor_name(sys_object_id, sys_descr)),
        "interfaces": tuple(interfaces),
        "poe": build_poe(first, profiles, names, dropped),
        "lldp": (
            *build_lldp(first, names, dropped, _lldp_if_indexes(first, profiles)),
            *build_cdp(first, names),
        ),
        "wireless": build_wireless(first, profiles, names, dropped),
        "power": build_power(first, profiles, dropped),
    }
    sources = {name: "snmp" for name, value in sections.items() if value not in (None, ())}
    device = Device(**sections, sources=sources)
    partial_notes = [
        note if note.startswith("GET ") else f"walk of {note} stopped early"
        for sample in samples
        for note in sample.partial
    ]
    return Normalised(device, (*partial_notes, *dropped, *warnings), bool(partial_notes or dropped))


def _lldp_if_indexes(sample: Sample, profiles: Sequence[Profile]) -> dict[str, int]:
    """{lldpRemIndex: local ifIndex} from a vendor's neighbour table, where it has one."""
    found: dict[str, int] = {}
    for profile in profiles:
        if profile.lldp_local_if_index:
            for index, value in sample.column(profile.lldp_local_if_index).items():
                number = value.as_int()
                if number is not None:
                    found.setdefault(index, number)
    return found


# --------------------------------------------------------------------------- system


def build_system(sample: Sample, profiles: Sequence[Profile], vendor: str | None) -> SystemInfo:
    scalars: dict[str, str | None] = {}
    for profile in profiles:
        for name, oid in profile.scalars.items():
            scalars[name] = text_of(sample.get(oid)) or scalars.get(name)
    chassis = _entity_chassis(sample)
    uptime = sample.get(SYS_UPTIME)
    ticks = uptime.as_int() if uptime else None
    return SystemInfo(
        sys_name=text_of(sample.get(SYS_NAME)),
        sys_descr=text_of(sample.get(SYS_DESCR)),
        sys_object_id=text_of(sample.get(SYS_OBJECT_ID)),
        vendor=vendor,
        model=scalars.get("model") or chassis.get("model"),
        os_version=scalars.get("os_version") or chassis.get("os_version"),
        serial=scalars.get("serial") or chassis.get("serial"),
        uptime_s=None if ticks is None else ticks / 100,
    )


def _entity_chassis(sample: Sample) -> dict[str, str | None]:
    """Model, software and serial of the chassis in ENTITY-MIB; when the agent gives no
    entPhysicalClass (some firewalls), the first entity with a model name."""
    classes = sample.column(f"{ENT_PHYSICAL_ENTRY}.5")
    models = {i: text_of(v) for i, v in sample.column(f"{ENT_PHYSICAL_ENTRY}.13").items()}
    chassis = [i for i, v in classes.items() if v.as_int() == 3 and models.get(i)]
    unclassed = [i for i, model in models.items() if model and i not in classes]
    for index in (*chassis, *unclassed[:1]):
        return {
            "model": models[index],
            "os_version": text_of(sample.get(f"{ENT_PHYSICAL_ENTRY}.10.{index}")),
            "serial": text_of(sample.get(f"{ENT_PHYSICAL_ENTRY}.11.{index}")),
        }
    return {}


# --------------------------------------------------------------------------- PoE


def build_poe(
    sample: Sample, profiles: Sequence[Profile], names: Mapping[int, str], dropped: list[str]
) -> Poe | None:
    group_rows = table_rows(sample, _sources(profiles, "poe_groups"), dropped)
    port_rows = table_rows(sample, _sources(profiles, "poe_ports"), dropped)
    groups = [
        PoeGroup(
            group=int_or(row.get("group"), None) or position,
            budget_w=float_or_none(row.get("budget_w")),
            consumption_w=float_or_none(row.get("consumption_w")),
            status=row.get("status"),
        )
        for position, row in enumerate(group_rows.values(), start=1)
    ]
    aliases = _entity_if_indexes(sample) if port_rows else {}
    ports = []
    unmapped: list[str] = []
    for key, row in port_rows.items():
        if_index = row.get("if_index")
        if if_index is None and row.get("ent_physical_index") is not None:
            if_index = aliases.get(row["ent_physical_index"])
        port = names.get(if_index) if isinstance(if_index, int) else None
        if port is None and not row.get("name"):
            unmapped.append(f"{key} ({_port_reference(row)})")
        ports.append(
            PoePort(
                port=port or row.get("name") or key,
                if_index=if_index if port else None,
                enabled=row.get("enabled"),
                status=row.get("status"),
                power_class=row.get("power_class"),
                power_w=float_or_none(row.get("power_w")),
                max_power_w=float_or_none(row.get("max_power_w")),
            )
        )
    if unmapped:
        shown = ", ".join(unmapped[:3]) + (
            f" and {len(unmapped) - 3} more" if len(unmapped) > 3 else ""
        )
        dropped.append(
            f"PoE ports: {len(unmapped)} with no interface in IF-MIB, kept under their "
            f"table index: {shown}"
        )
    if not groups and not ports:
        return None
    return Poe(groups=tuple(groups), ports=tuple(ports))


def _port_reference(row: Mapping[str, Any]) -> str:
    if row.get("if_index") is not None:
        return f"ifIndex {row['if_index']}"
    if row.get("ent_physical_index") is not None:
        return f"entPhysicalIndex {row['ent_physical_index']} has no entAliasMapping"
    return "the table names no interface"


def _entity_if_indexes(sample: Sample) -> dict[int, int]:
    """{entPhysicalIndex: ifIndex} from entAliasMappingIdentifier (an ifIndex OID)."""
    prefix = f"{IF_ENTRY}.1."
    found: dict[int, int] = {}
    for index, value in sample.column(ENT_ALIAS_MAPPING_IDENTIFIER).items():
        entity, _, logical = index.partition(".")
        target = value.as_text()
        if logical == "0" and entity.isdigit() and target.startswith(prefix):
            if_index = target[len(prefix) :]
            if if_index.isdigit():
                found[int(entity)] = int(if_index)
    return found


# --------------------------------------------------------------------------- wireless


def build_wireless(
    sample: Sample, profiles: Sequence[Profile], names: Mapping[int, str], dropped: list[str]
) -> Wireless | None:
    ap_rows = table_rows(sample, _sources(profiles, "access_points"), dropped)
    aps = [
        AccessPoint(
            name=str(row.get("name") or key),
            model=str_or_none(row.get("model")),
            ip=str_or_none(row.get("ip")),
            mac=row.get("mac"),
            status=row.get("status"),
            clients=int_or(row.get("clients"), None),
        )
        for key, row in ap_rows.items()
    ]
    ap_by_mac = {ap.mac: ap.name for ap in aps if ap.mac}
    ssids = [
        Ssid(
            ssid=str(row.get("ssid") or ""),
            clients=int_or(row.get("clients"), None),
            radio=_interface_name(row.get("radio"), names),
        )
        for row in table_rows(sample, _sources(profiles, "ssids"), dropped).values()
    ]
    radios = [
        _radio(key, row, names, ap_by_mac, ssids, dropped)
        for key, row in table_rows(sample, _sources(profiles, "radios"), dropped).items()
    ]
    counts = _wireless_counts(sample, profiles)
    clients_total = counts["clients_total"]
    for counted in (
        [r.clients for r in radios],
        [a.clients for a in aps],
        [s.clients for s in ssids],
    ):
        if clients_total is None:
            clients_total = _sum_known(counted)
    if not (radios or ssids or aps) and all(v is None for v in counts.values()):
        return None
    return Wireless(
        radios=tuple(radios),
        ssids=tuple(ssids),
        access_points=tuple(aps),
        clients_total=clients_total,
        access_points_connected=counts["access_points_connected"],
        access_points_total=counts["access_points_total"],
    )


def _radio(
    key: str,
    row: Mapping[str, Any],
    names: Mapping[int, str],
    ap_by_mac: Mapping[str, str],
    ssids: Sequence[Ssid],
    dropped: list[str],
) -> Radio:
    ap_mac = str_or_none(row.get("ap_mac"))
    ap_name = (
        str_or_none(row.get("ap_name")) or (ap_by_mac.get(ap_mac) if ap_mac else None) or ap_mac
    )
    name = str_or_none(row.get("name")) or _interface_name(key, names) or key
    if ap_name:
        name = f"{ap_name}/{str(row['_index']).split('.')[-1]}"
    channel = int_or(row.get("channel"), None)
    frequency = int_or(row.get("frequency_mhz"), None)
    band = row.get("band") or (mhz_band(frequency) if frequency else None)
    if channel == 0:  # "not on a channel": radio off or scanning
        channel = None
    if frequency == 0:
        frequency = None
    if channel is None and frequency is not None:
        channel = mhz_channel(frequency)
    if frequency is None and channel is not None:
        frequency = channel_mhz(channel, band)
        if frequency is None:
            dropped.append(f"radio {name}: channel {channel} is not a {band or 'Wi-Fi'} channel")
            channel = None
    return Radio(
        name=name,
        ap_name=ap_name,
        band=band or (mhz_band(frequency) if frequency else None),
        channel=channel,
        width_mhz=int_or(row.get("width_mhz"), None),
        tx_power_dbm=float_or_none(row.get("tx_power_dbm")),
        standard=row.get("standard"),
        clients=_radio_clients(row.get("clients"), name, ssids),
        utilization_ratio=float_or_none(row.get("utilization_ratio")),
        frequency_mhz=frequency,
    )


def _radio_clients(clients: Any, radio: str, ssids: Sequence[Ssid]) -> int | None:
    if clients is not None:
        return int_or(clients, None)
    return _sum_known([s.clients for s in ssids if s.radio == radio])


def _sum_known(values: Sequence[int | None]) -> int | None:
    known = [v for v in values if v is not None]
    return sum(known) if known else None


def _wireless_counts(sample: Sample, profiles: Sequence[Profile]) -> dict[str, int | None]:
    """Scalar counts; a more specific profile's answer wins over a general one."""
    counts: dict[str, int | None] = dict.fromkeys(WIRELESS_COUNTS)
    for profile in profiles:
        for name, spec in profile.counts.items():
            value = count_value(spec, sample)
            if value is not None:
                counts[name] = value
    return counts


# --------------------------------------------------------------------------- power


def build_power(sample: Sample, profiles: Sequence[Profile], dropped: list[str]) -> Power | None:
    values: dict[str, Any] = {}
    kind: str | None = None
    for profile in profiles:
        found = {
            k: v
            for k, v in scalar_fields(sample, profile.power_fields, dropped).items()
            if v is not None
        }
        if found:
            values.update(found)
            kind = profile.power_kind or kind
    outlets = [
        Outlet(
            outlet=key,
            name=str_or_none(row.get("name")),
            state_on=row.get("state_on"),
            current_a=float_or_none(row.get("current_a")),
            power_w=float_or_none(row.get("power_w")),
        )
        for key, row in table_rows(sample, _sources(profiles, "outlets"), dropped).items()
    ]
    lines = [
        PowerLine(
            line=str(row.get("line") or key),
            kind=str(row.get("kind") or "line"),
            current_a=float_or_none(row.get("current_a")),
            power_w=float_or_none(row.get("power_w")),
            voltage_v=float_or_none(row.get("voltage_v")),
        )
        for key, row in table_rows(sample, _sources(profiles, "lines"), dropped).items()
    ]
    if (outlets or lines) and kind is None:
        kind = next(
            (
                p.power_kind or "pdu"
                for p in reversed(profiles)
                if {"lines", "outlets"} & set(p.tables)
            ),
            "pdu",
        )
    if kind is None:
        return None
    phases = [line for line in lines if line.kind == "phase"]
    load_w = float_or_none(values.get("load_w"))
    if load_w is None:
        load_w = _sum_floats([p.power_w for p in phases])
    load_a = float_or_none(values.get("load_a"))
    if load_a is None:
        load_a = _sum_floats([p.current_a for p in phases])
    return Power(
        kind=kind,
        load_w=load_w,
        load_a=load_a,
        load_ratio=float_or_none(values.get("load_ratio")),
        capacity_w=float_or_none(values.get("capacity_w")),
        capacity_a=float_or_none(values.get("capacity_a")),
        voltage_v=float_or_none(values.get("voltage_v")),
        battery_runtime_s=float_or_none(values.get("battery_runtime_s")),
        outlets=tuple(outlets),
        lines=tuple(lines),
    )


def _sum_floats(values: Sequence[float | None]) -> float | None:
    """Sum of a list where every item is known; None if any is unknown or none given."""
    if not values or any(v is None for v in values):
        return None
    return round(sum(v for v in values if v is not None), 9)


def _sources(profiles: Sequence[Profile], section: str) -> list[Any]:
    return [source for p in profiles for source in p.tables.get(section, ())]


def _interface_name(value: Any, names: Mapping[int, str]) -> str | None:
    if value is None:
        return None
    text = str(value)
    if text.isdigit() and int(text) in names:
        return names[int(text)]
    return text
