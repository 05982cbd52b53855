"""Parsed CLI rows -> the shared ``Device`` model.

Templates name the same fact differently (``HOSTNAME`` / ``NAME`` / ``SYSTEM_NAME``),
so each model field lists the row keys it may come from, first match wins. Our own
templates use the model's words directly (``POWER_W``, ``BUDGET_W``). Anything a
row does not say stays None: unknown, never 0.

Nothing is lost silently: ``normalise`` also returns a note for every row it could
not map in full (a neighbour without a local port is kept with the port
``"unknown"``; a value it cannot read stays None and is named).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from probes.device import (
    AccessPoint,
    Device,
    Interface,
    LldpNeighbor,
    Poe,
    PoeGroup,
    PoePort,
    SystemInfo,
    Wireless,
)

Row = Mapping[str, Any]
Rows = Sequence[Row]

UNKNOWN_PORT = "unknown"  # the local port of a neighbour the output does not place


# --------------------------------------------------------------------------- values


def first(row: Row, *keys: str) -> str | None:
    """The first non-empty value among ``keys`` (list values give their first item)."""
    for key in keys:
        value = row.get(key)
        if isinstance(value, list):
            value = next((v for v in value if str(v).strip()), None)
        if value is not None and str(value).strip() not in ("", "--", "n/a", "N/A", "None"):
            return str(value).strip()
    return None


def to_float(text: str | None) -> float | None:
    if text is None:
        return None
    match = re.search(r"-?\d+(?:\.\d+)?", text.replace(",", ""))
    return float(match.group()) if match else None


def to_int(text: str | None) -> int | None:
    value = to_float(text)
    return None if value is None else int(value)


_SPEED_UNITS = {"": 1e6, "k": 1e3, "m": 1e6, "g": 1e9, "t": 1e12}


def speed_bps(text: str | None) -> float | None:
    """'a-1000', '1000Mb/s', '1Gbps', '10G', '1000FDx', '100000 Kbit', '1000 Mbps' -> bps."""
    if text is None:
        return None
    lowered = text.strip().lower()
    if lowered in {"auto", "unknown", "a-auto", "none", ""}:
        return None
    match = re.search(r"(\d+(?:\.\d+)?)\s*([kmgt]?)(?:bit|bps|b/s|b|e|fdx|hdx|-fd|-hd)?", lowered)
    if not match:
        return None
    number, unit = float(match.group(1)), match.group(2)
    if "kbit" in lowered:
        unit = "k"
    return number * _SPEED_UNITS[unit]


def is_up(text: str | None) -> bool | None:
    if text is None:
        return None
    word = text.strip().lower()
    if word.startswith(("up", "yes", "enabled", "on", "connected", "forward", "r")):
        return True
    if word.startswith(("down", "admin", "no", "disabled", "off", "notconnect", "x", "err")):
        return False
    return None


def uptime_s(row: Row) -> float | None:
    """Uptime from split fields (UPTIME_WEEKS ...) or one text ('3 weeks, 2 days, 4:05')."""
    parts = {
        "uptime_years": 365 * 86400,
        "uptime_weeks": 7 * 86400,
        "uptime_days": 86400,
        "uptime_hours": 3600,
        "uptime_minutes": 60,
        "uptime_seconds": 1,
    }
    total, seen = 0.0, False
    for key, factor in parts.items():
        value = to_float(first(row, key))
        if value is not None:
            total, seen = total + value * factor, True
    if seen:
        return total
    text = first(row, "uptime", "system_up_time", "up_time")
    return None if text is None else uptime_text_s(text)


_UPTIME_WORDS = {
    "year": 365 * 86400,
    "week": 7 * 86400,
    "day": 86400,
    "hour": 3600,
    "hr": 3600,
    "minute": 60,
    "min": 60,
    "second": 1,
    "sec": 1,
}


def uptime_text_s(text: str) -> float | None:
    days_clock = re.fullmatch(r"\s*(\d+),(\d+):(\d{2}):(\d{2})\s*", text)  # Cisco SB "70,03:16:47"
    if days_clock:
        d, h, m, s = (int(g) for g in days_clock.groups())
        return float(d * 86400 + h * 3600 + m * 60 + s)
    total, seen = 0.0, False
    for number, word in re.findall(r"(\d+)\s*([a-z]+)", text.lower()):
        for prefix, factor in _UPTIME_WORDS.items():
            if word.startswith(prefix):
                total, seen = total + int(number) * factor, True
                break
    clock = re.search(r"(\d+):(\d{2}):(\d{2})", text)
    if clock:
        h, m, s = (int(g) for g in clock.groups())
        total, seen = total + h * 3600 + m * 60 + s, True
    compact = re.fullmatch(r"\s*(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?\s*", text)
    if not seen and compact and any(compact.groups()):
        factors = (7 * 86400, 86400, 3600, 60, 1)
        total = sum(int(g or 0) * f for g, f in zip(compact.groups(), factors, strict=True))
        seen = True
    return total if seen else None


# --------------------------------------------------------------------------- sections


def system_info(rows: Rows, vendor: str | None) -> SystemInfo:
    merged: dict[str, Any] = {}
    for row in rows:  # several templates/rows may each say part of it
        for key, value in row.items():
            if first({key: value}, key) is not None:
                merged.setdefault(key, value)
    return SystemInfo(
        sys_name=first(merged, "hostname", "system_name", "name", "sysname"),
        sys_descr=first(merged, "software_image", "product_name", "description"),
        sys_object_id=first(merged, "oid"),
        vendor=first(merged, "vendor", "vendor_name") or vendor,
        model=first(
            merged,
            "hardware",
            "model",
            "product",
            "switch_model",
            "board_name",
            "device_name",
            "platform",
        ),
        os_version=first(
            merged, "version", "software_version", "junos_version", "product_version", "sw_version"
        ),
        serial=first(merged, "serial", "serial_number", "device_serial_number", "serialnum"),
        uptime_s=uptime_s(merged),
    )


def _interface(row: Row) -> Interface | None:
    name = first(row, "interface", "port", "name")
    if name is None:
        return None
    has_port_key = first(row, "interface", "port") is not None
    alias = first(row, "description", "interface_desc", "comment", "name" if has_port_key else "")
    admin_text = first(row, "admin_state", "link_admin", "enabled", "admin")
    oper_text = first(row, "protocol_status", "link_status", "link", "linkstate", "status", "state")
    link_status = first(row, "link_status")
    admin_up = is_up(admin_text)
    oper_up = is_up(oper_text)
    if admin_up is None and link_status and "protocol_status" in row:  # IOS line status
        admin_up = "administratively" not in link_status.lower()
    if "default_name" in row:  # RouterOS terse flags: R running, X disabled
        flag = first(row, "status")
        admin_up, oper_up = flag != "X", flag == "R"
    if oper_text == "disabled":
        admin_up = False
    speed = first(row, "bandwidth", "speed", "mode")
    return Interface(
        if_index=None,
        name=name,
        alias=alias,
        type=first(row, "hardware_type", "hw_type", "type"),
        admin_up=admin_up,
        oper_up=oper_up,
        speed_bps=speed_bps(speed) if speed and oper_up is not False else None,
        in_errors=to_int(first(row, "input_errors", "rx_errors")),
        out_errors=to_int(first(row, "output_errors", "tx_errors")),
        mac=first(row, "mac_address"),
    )


def interfaces(rows: Rows) -> tuple[Interface, ...]:
    found = (_interface(row) for row in rows)
    return tuple(i for i in found if i is not None)


def merge_interface_views(*views: Iterable[Interface]) -> tuple[Interface, ...]:
    """Several commands describing the same ports: fill missing fields by port name."""
    by_name: dict[str, Interface] = {}
    for view in views:
        for interface in view:
            known = by_name.get(interface.name)
            if known is None:
                by_name[interface.name] = interface
                continue
            updates = {
                field: getattr(interface, field)
                for field in interface.__dataclass_fields__
                if getattr(known, field) is None and getattr(interface, field) is not None
            }
            by_name[interface.name] = Interface(**{**known.__dict__, **updates})
    return tuple(by_name.values())


_POE_STATUS = {
    "on": "delivering",
    "delivering": "delivering",
    "off": "off",
    "searching": "searching",
    "disabled": "disabled",
    "faulty": "fault",
    "fault": "fault",
    "powered-on": "delivering",
    "waiting-for-load": "searching",
    "disabled-by-interface": "disabled",
    "short-circuit": "fault",
    "good": "delivering",
    "open": "searching",
    "detecting": "searching",
    "deliveringpower": "delivering",
    "delivering-power": "delivering",  # Comware 7 detection status
    "other-fault": "fault",
    "overload": "fault",
}


def poe_status(text: str | None) -> str | None:
    if text is None:
        return None
    word = text.strip().lower().replace(" ", "")
    return _POE_STATUS.get(word, word)


def _poe_class(text: str | None) -> int | None:
    if text is None or not re.search(r"\d", text):
        return None
    return to_int(text)


def _watts(row: Row, w_key: str, mw_key: str, *more_w_keys: str) -> float | None:
    """Watts from ``w_key`` (or other keys in watts), else milliwatts from ``mw_key``."""
    watts = to_float(first(row, w_key, *more_w_keys))
    if watts is not None:
        return watts
    milliwatts = to_float(first(row, mw_key))
    return None if milliwatts is None else milliwatts / 1000.0


def _poe_port(row: Row) -> PoePort | None:
    port = first(row, "port", "interface")
    if port is None:
        return None
    status = poe_status(first(row, "status", "operational_status", "poe_out_status", "oper"))
    admin = first(row, "admin", "admin_status", "poe_out")
    enabled = (
        None
        if admin is None
        else not admin.lower().startswith(("off", "no", "disab", "forced-off"))
    )
    return PoePort(
        port=port,
        enabled=enabled,
        status=status,
        power_class=_poe_class(first(row, "class", "power_class")),
        power_w=_watts(row, "power_w", "power_mw", "power"),
        max_power_w=to_float(first(row, "max_power_w", "max")),
        device=first(row, "device"),
    )


def _merge_ports(ports: Iterable[PoePort]) -> tuple[PoePort, ...]:
    """Several commands describing the same PoE ports: fill missing fields by port."""
    by_port: dict[str, PoePort] = {}
    for port in ports:
        known = by_port.get(port.port)
        if known is None:
            by_port[port.port] = port
            continue
        updates = {
            name: getattr(port, name)
            for name in port.__dataclass_fields__
            if getattr(known, name) is None and getattr(port, name) is not None
        }
        by_port[port.port] = PoePort(**{**known.__dict__, **updates})
    return tuple(by_port.values())


def poe(rows: Rows) -> Poe | None:
    groups: dict[int, PoeGroup] = {}
    ports: list[PoePort] = []
    for row in rows:
        budget = _watts(row, "budget_w", "budget_mw")
        consumption = to_float(first(row, "consumption_w"))
        remaining = to_float(first(row, "remaining_w"))
        if budget is None and consumption is not None and remaining is not None:
            budget = round(consumption + remaining, 3)
        free_mw = to_float(first(row, "free_mw"))
        if consumption is None and budget is not None and free_mw is not None:
            consumption = round(budget - free_mw / 1000.0, 3)
        if budget is not None or consumption is not None:
            group = to_int(first(row, "group")) or 1
            groups.setdefault(group, PoeGroup(group, budget_w=budget, consumption_w=consumption))
        if first(row, "port", "interface") is not None:
            port = _poe_port(row)
            if port is not None:
                ports.append(port)
    if not groups and not ports:
        return None
    return Poe(groups=tuple(groups.values()), ports=_merge_ports(ports))


_CAPABILITIES = {
    "b": "bridge",
    "bridge": "bridge",
    "switch": "bridge",
    "r": "router",
    "router": "router",
    "w": "wlanAccessPoint",
    "wlan": "wlanAccessPoint",
    "wlan-ap": "wlanAccessPoint",
    "wlanaccesspoint": "wlanAccessPoint",
    "ap": "wlanAccessPoint",
    "t": "telephone",
    "telephone": "telephone",
    "phone": "telephone",
    "s": "station",
    "station": "station",
    "station-only": "station",
    "host": "station",
    "c": "docsis",
}


def capabilities(text: str | None) -> tuple[str, ...]:
    if text is None:
        return ()
    words = re.split(r"[\s,]+", text.strip().lower())
    found = [_CAPABILITIES[w] for w in words if w in _CAPABILITIES]
    if "trans-bridge" in words or "source-route-bridge" in words:
        found.append("bridge")
    return tuple(dict.fromkeys(found))


_LOCAL_PORT_KEYS = ("local_interface", "interface", "local_port")


def _neighbor(row: Row, protocol: str) -> LldpNeighbor | None:
    """The neighbour a row describes (local port ``"unknown"`` when the row does not
    say it); None when the row names no neighbour at all."""
    name = first(row, "neighbor_name", "identity", "system_name")
    if name is None and protocol == "cdp":  # CDP's "Device ID" is the neighbour's name
        name = first(row, "chassis_id")
    chassis = first(row, "chassis_id", "mac_address")
    remote_port = first(row, "neighbor_interface", "neighbor_port_id", "interface_name")
    if name is None and chassis is None and remote_port is None:
        return None
    return LldpNeighbor(
        local_port=first(row, *_LOCAL_PORT_KEYS) or UNKNOWN_PORT,
        remote_sys_name=name,
        remote_port=remote_port,
        remote_chassis_id=chassis,
        remote_capabilities=capabilities(
            first(row, "capabilities", "system_caps_enabled", "system_caps")
        ),
        remote_mgmt_ip=first(row, "mgmt_address", "ipv4_address", "ip_address"),
        remote_platform=first(row, "platform", "neighbor_description", "system_description"),
        protocol=protocol,
    )


def neighbors(rows: Rows, protocol: str) -> tuple[LldpNeighbor, ...]:
    found = (_neighbor(row, protocol) for row in rows)
    return tuple(n for n in found if n is not None)


def access_points(rows: Rows) -> tuple[AccessPoint, ...]:
    aps = []
    for row in rows:
        name = first(row, "ap_name", "name")
        if name is None:
            continue
        aps.append(
            AccessPoint(
                name=name,
                model=first(row, "ap_model", "model"),
                ip=first(row, "ip_address"),
                mac=first(row, "mac_address"),
                status=first(row, "state", "status"),
                clients=to_int(first(row, "clients")),
            )
        )
    return tuple(aps)


def wireless(ap_rows: Rows | None, client_rows: Rows | None) -> Wireless | None:
    if ap_rows is None and client_rows is None:
        return None
    aps = access_points(ap_rows or ())
    clients_total: int | None = None
    if client_rows is not None:
        totals = [to_int(first(r, "clients_total")) for r in client_rows]
        known = [t for t in totals if t is not None]
        macs = {first(r, "mac_address") for r in client_rows} - {None}
        clients_total = known[0] if known else len(macs)
        per_ap: dict[str, int] = {}
        for row in client_rows:
            ap_name = first(row, "ap_name")
            if ap_name is not None and first(row, "mac_address") is not None:
                per_ap[ap_name] = per_ap.get(ap_name, 0) + 1
        aps = tuple(
            ap
            if ap.clients is not None
            else AccessPoint(**{**ap.__dict__, "clients": per_ap.get(ap.name, 0)})
            for ap in aps
        )
    elif aps and all(ap.clients is not None for ap in aps):
        clients_total = sum(ap.clients or 0 for ap in aps)
    return Wireless(access_points=aps, clients_total=clients_total)


# --------------------------------------------------------------------------- notes


def _names(items: Sequence[str], limit: int = 5) -> str:
    shown = ", ".join(items[:limit])
    return shown + (f" and {len(items) - limit} more" if len(items) > limit else "")


def neighbor_notes(rows: Rows, protocol: str) -> list[str]:
    """What the neighbour rows held that could not be mapped in full."""
    notes = []
    found = [(row, _neighbor(row, protocol)) for row in rows]
    unplaced = [
        n.remote_sys_name or n.remote_chassis_id or n.remote_port or "?"
        for row, n in found
        if n is not None and first(row, *_LOCAL_PORT_KEYS) is None
    ]
    if unplaced:
        notes.append(
            f"{protocol}: {len(unplaced)} neighbour(s) without a local port in the output "
            f"({_names(unplaced)}); kept with local port {UNKNOWN_PORT!r}"
        )
    nameless = sum(1 for row, n in found if n is None and any(first(row, k) for k in row))
    if nameless:
        notes.append(
            f"{protocol}: {nameless} row(s) name no neighbour (no name, chassis or port); dropped"
        )
    return notes


def _unreadable(row: Row, keys: Sequence[str]) -> list[str]:
    return [
        f"{k}={row[k]!r}"
        for k in keys
        if first(row, k) is not None and to_float(first(row, k)) is None
    ]


def poe_notes(rows: Rows) -> list[str]:
    notes = []
    for row in rows:
        bad = _unreadable(
            row, ("power_w", "power_mw", "power", "budget_w", "budget_mw", "consumption_w")
        )
        if bad:
            where = first(row, "port", "interface") or f"group {first(row, 'group') or '?'}"
            notes.append(f"poe: {where}: {', '.join(bad)} not understood; left unknown")
    return notes


def interface_notes(rows: Rows) -> list[str]:
    nameless = sum(1 for row in rows if _interface(row) is None and any(first(row, k) for k in row))
    return [f"interfaces: {nameless} row(s) without an interface name; dropped"] if nameless else []


def mapping_notes(answers: Mapping[str, Rows]) -> dict[str, list[str]]:
    """Per question: every row of its answer that could not be mapped in full, named."""
    notes = {
        "interfaces": interface_notes(answers.get("interfaces", ())),
        "interfaces_status": interface_notes(answers.get("interfaces_status", ())),
        "poe": poe_notes(answers.get("poe", ())),
        "lldp": neighbor_notes(answers.get("lldp", ()), "lldp"),
        "cdp": neighbor_notes(answers.get("cdp", ()), "cdp"),
    }
    return {question: found for question, found in notes.items() if found}


# --------------------------------------------------------------------------- device


@dataclass(frozen=True)
class Normalised:
    device: Device
    notes: Mapping[str, Sequence[str]]  # question -> rows present but not mapped in full


def normalise(answers: Mapping[str, Rows], vendor: str | None) -> Normalised:
    return Normalised(build_device(answers, vendor), mapping_notes(answers))


def build_device(answers: Mapping[str, Rows], vendor: str | None) -> Device:
    """``answers``: question -> parsed rows (questions that failed are simply absent)."""
    ifaces: tuple[Interface, ...] = ()
    if "interfaces" in answers or "interfaces_status" in answers:
        ifaces = merge_interface_views(
            interfaces(answers.get("interfaces", ())),
            interfaces(answers.get("interfaces_status", ())),
        )
    neighbours = neighbors(answers.get("lldp", ()), "lldp") + neighbors(
        answers.get("cdp", ()), "cdp"
    )
    sections = {
        "system": "system" in answers,
        "interfaces": bool(ifaces),
        "poe": "poe" in answers,
        "lldp": "lldp" in answers or "cdp" in answers,
        "wireless": "aps" in answers or "clients" in answers,
    }
    return Device(
        system=system_info(answers.get("system", ()), vendor),
        interfaces=ifaces,
        poe=poe(answers["poe"]) if "poe" in answers else None,
        lldp=neighbours,
        wireless=wireless(answers.get("aps"), answers.get("clients")),
        sources={name: "ssh" for name, present in sections.items() if present},
    )
