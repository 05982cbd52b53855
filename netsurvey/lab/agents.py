"""Simulated SNMP devices for the demo lab: a declarative description -> snmprec rows.

Each description (the ``lab.devices`` section of a demo inventory) becomes a walk that
the real snmp probe reads through snmpsim: IF-MIB with 64-bit counters that move while
the agent runs (snmpsim ``numeric`` variation), POWER-ETHERNET-MIB plus the vendor's
per-port PoE table, LLDP-MIB neighbours, UniFi radios and SSIDs, APC PDU outlets.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from typing import Any

from netsurvey.errors import LabError
from netsurvey.lab.snmprec import (
    COUNTER32,
    GAUGE32,
    HEX_OCTETS,
    INTEGER,
    OBJECT_ID,
    TIMETICKS,
    SnmprecRow,
    moving_counter,
    number,
    text,
)

SYSTEM = "1.3.6.1.2.1.1"
IF_ENTRY = "1.3.6.1.2.1.2.2.1"
IFX_ENTRY = "1.3.6.1.2.1.31.1.1.1"
PETH_PORT = "1.3.6.1.2.1.105.1.1.1"
PETH_MAIN = "1.3.6.1.2.1.105.1.3.1.1"
CISCO_POE_EXT = "1.3.6.1.4.1.9.9.402.1.2.1"
CISCOSB_POE = "1.3.6.1.4.1.9.6.1.101.108.1.1"
LLDP_LOC_PORT = "1.0.8802.1.1.2.1.3.7.1"
LLDP_REM = "1.0.8802.1.1.2.1.4.1.1"
UNIFI_RADIO = "1.3.6.1.4.1.41112.1.6.1.1.1"
UNIFI_VAP = "1.3.6.1.4.1.41112.1.6.1.2.1"
UNIFI_MODEL = "1.3.6.1.4.1.41112.1.6.3.3.0"
UNIFI_VERSION = "1.3.6.1.4.1.41112.1.6.3.6.0"
APC_RPDU = "1.3.6.1.4.1.318.1.1.12"
POE_CLASS_CODE = {0: 1, 1: 2, 2: 3, 3: 4, 4: 5}  # pethPsePortPowerClassifications


def mac_for(*parts: str) -> str:
    """A stable, locally administered MAC address derived from names."""
    digest = hashlib.sha256("/".join(parts).encode()).digest()
    return "02" + digest[:5].hex()


def system_rows(name: str, descr: str, object_id: str, location: str) -> list[SnmprecRow]:
    return [
        text(f"{SYSTEM}.1.0", descr),
        SnmprecRow(f"{SYSTEM}.2.0", OBJECT_ID, object_id),
        moving_counter(f"{SYSTEM}.3.0", 100, tag=TIMETICKS, initial=360_000_000),
        text(f"{SYSTEM}.4.0", "it@skola.example.lv"),
        text(f"{SYSTEM}.5.0", name),
        text(f"{SYSTEM}.6.0", location),
        number(f"{SYSTEM}.7.0", INTEGER, 6),
    ]


def interface_rows(
    index: int,
    name: str,
    speed_bps: float,
    *,
    up: bool,
    in_bps: float,
    out_bps: float,
    alias: str = "",
    mac: str,
) -> list[SnmprecRow]:
    speed32 = int(min(speed_bps, 4_294_967_295))
    rows = [
        number(f"{IF_ENTRY}.1.{index}", INTEGER, index),
        text(f"{IF_ENTRY}.2.{index}", name),
        number(f"{IF_ENTRY}.3.{index}", INTEGER, 6),
        number(f"{IF_ENTRY}.4.{index}", INTEGER, 1500),
        number(f"{IF_ENTRY}.5.{index}", GAUGE32, speed32),
        SnmprecRow(f"{IF_ENTRY}.6.{index}", HEX_OCTETS, mac),
        number(f"{IF_ENTRY}.7.{index}", INTEGER, 1),
        number(f"{IF_ENTRY}.8.{index}", INTEGER, 1 if up else 2),
        number(f"{IF_ENTRY}.13.{index}", COUNTER32, 0),
        number(f"{IF_ENTRY}.14.{index}", COUNTER32, 0),
        number(f"{IF_ENTRY}.19.{index}", COUNTER32, 0),
        number(f"{IF_ENTRY}.20.{index}", COUNTER32, 0),
        text(f"{IFX_ENTRY}.1.{index}", name),
        number(f"{IFX_ENTRY}.15.{index}", GAUGE32, int(speed_bps / 1e6)),
        text(f"{IFX_ENTRY}.18.{index}", alias)
        if alias
        else SnmprecRow(f"{IFX_ENTRY}.18.{index}", "4", ""),
    ]
    rows.append(moving_counter(f"{IFX_ENTRY}.6.{index}", in_bps / 8, initial=10_000_000 * index))
    rows.append(moving_counter(f"{IFX_ENTRY}.10.{index}", out_bps / 8, initial=20_000_000 * index))
    rows.append(moving_counter(f"{IF_ENTRY}.10.{index}", in_bps / 8, tag=COUNTER32, wrap=True))
    rows.append(moving_counter(f"{IF_ENTRY}.16.{index}", out_bps / 8, tag=COUNTER32, wrap=True))
    return rows


def switch_rows(
    device_id: str, spec: Mapping[str, Any], model: str | None, peers: Mapping[str, str]
) -> list[SnmprecRow]:
    """A PoE access switch. ``peers`` maps device ids to their names for LLDP."""
    object_id = str(spec.get("sys_object_id", "1.3.6.1.4.1.9.1.2676"))
    rows = system_rows(
        device_id, str(spec.get("sys_descr", model or "switch")), object_id, "server room"
    )
    ports = int(spec.get("ports", 24))
    speed_bps = float(spec.get("port_speed_bps", 1e9))
    uplink = dict(spec.get("uplink") or {})
    uplink_port = int(uplink.get("port", ports))
    poe = dict(spec.get("poe") or {})
    poe_ports: dict[int, list[float]] = {
        int(k): list(v) for k, v in (poe.get("ports") or {}).items()
    }
    lldp: dict[int, str] = {int(k): str(v) for k, v in (spec.get("lldp") or {}).items()}
    ports = max([ports, uplink_port, *lldp, *poe_ports])
    cisco_style = object_id.startswith("1.3.6.1.4.1.9.1.")
    names = {i: (f"GigabitEthernet1/0/{i}" if cisco_style else str(i)) for i in range(1, ports + 1)}
    for index in range(1, ports + 1):
        is_uplink = index == uplink_port
        connected = is_uplink or index in poe_ports or index in lldp
        port_speed = float(uplink.get("speed_bps", speed_bps)) if is_uplink else speed_bps
        in_bps = float(uplink.get("in_bps", 0)) if is_uplink else (2e6 if connected else 0.0)
        out_bps = float(uplink.get("out_bps", 0)) if is_uplink else (6e6 if connected else 0.0)
        alias = "uplink" if is_uplink else (lldp.get(index) or "")
        rows += interface_rows(
            index,
            names[index],
            port_speed,
            up=connected,
            in_bps=in_bps,
            out_bps=out_bps,
            alias=alias,
            mac=mac_for(device_id, str(index)),
        )
    rows.append(number("1.3.6.1.2.1.2.1.0", INTEGER, ports))
    if poe:
        rows += poe_rows(object_id, poe_ports, float(poe.get("budget_w", 0)), ports)
    for local, remote in lldp.items():
        rows += lldp_rows(local, names[local], peers.get(remote, remote), mac_for(remote))
    return rows


def poe_rows(
    object_id: str, ports: Mapping[int, list[float]], budget_w: float, port_count: int
) -> list[SnmprecRow]:
    consumption_w = sum(watts for _, watts in ports.values())
    rows = [
        number(f"{PETH_MAIN}.2.1", GAUGE32, int(budget_w)),
        number(f"{PETH_MAIN}.3.1", INTEGER, 1),
        number(f"{PETH_MAIN}.4.1", GAUGE32, round(consumption_w)),
    ]
    for port in range(1, port_count + 1):
        power_class, watts = ports.get(port, (0, 0.0))
        delivering = port in ports
        rows += [
            number(f"{PETH_PORT}.3.1.{port}", INTEGER, 1),
            number(f"{PETH_PORT}.6.1.{port}", INTEGER, 3 if delivering else 2),
            number(f"{PETH_PORT}.10.1.{port}", INTEGER, POE_CLASS_CODE.get(int(power_class), 1)),
        ]
        if object_id.startswith("1.3.6.1.4.1.9.1."):
            rows += [
                number(f"{CISCO_POE_EXT}.6.1.{port}", GAUGE32, 30000),
                number(f"{CISCO_POE_EXT}.9.1.{port}", GAUGE32, int(watts * 1000)),
            ]
        elif object_id.startswith("1.3.6.1.4.1.9.6.1."):
            rows += [
                number(f"{CISCOSB_POE}.5.1.{port}", GAUGE32, int(watts * 1000)),
                number(f"{CISCOSB_POE}.6.1.{port}", GAUGE32, 30000),
            ]
    return rows


def lldp_rows(local: int, local_name: str, remote_name: str, remote_mac: str) -> list[SnmprecRow]:
    index = f"0.{local}.1"
    return [
        number(f"{LLDP_LOC_PORT}.2.{local}", INTEGER, 5),
        text(f"{LLDP_LOC_PORT}.3.{local}", local_name),
        text(f"{LLDP_LOC_PORT}.4.{local}", local_name),
        number(f"{LLDP_REM}.4.{index}", INTEGER, 4),
        SnmprecRow(f"{LLDP_REM}.5.{index}", HEX_OCTETS, remote_mac),
        number(f"{LLDP_REM}.6.{index}", INTEGER, 5),
        text(f"{LLDP_REM}.7.{index}", "eth0"),
        text(f"{LLDP_REM}.8.{index}", "eth0"),
        text(f"{LLDP_REM}.9.{index}", remote_name),
        SnmprecRow(
            f"{LLDP_REM}.12.{index}", HEX_OCTETS, "0010" if remote_name.startswith("ap") else "2800"
        ),
    ]


def ap_rows(
    device_id: str, spec: Mapping[str, Any], model: str | None, ssids: Iterable[str]
) -> list[SnmprecRow]:
    """A UniFi access point (UBNT-UniFi-MIB radios and VAPs)."""
    rows = system_rows(
        device_id,
        "Linux 4.4.153 #1 SMP " + (model or "UniFi"),
        "1.3.6.1.4.1.8072.3.2.10",
        "classroom",
    )
    rows += [text(UNIFI_MODEL, model or "U6-Pro"), text(UNIFI_VERSION, "6.5.62.14788")]
    rows += interface_rows(
        1, "eth0", 1e9, up=True, in_bps=8e6, out_bps=30e6, mac=mac_for(device_id, "eth0")
    )
    ssid_list = list(ssids) or ["school"]
    vap = 0
    for radio_index, radio in enumerate(spec.get("radios") or [], start=1):
        band = str(radio.get("band", "5GHz"))
        code = "ng" if band.startswith("2") else "na"
        rows += [
            text(f"{UNIFI_RADIO}.2.{radio_index}", f"wifi{radio_index - 1}"),
            text(f"{UNIFI_RADIO}.3.{radio_index}", code),
            number(
                f"{UNIFI_RADIO}.6.{radio_index}",
                INTEGER,
                round(float(radio.get("utilization_ratio", 0)) * 100),
            ),
        ]
        clients = int(radio.get("clients", 0))
        for ssid_number, ssid in enumerate(ssid_list):
            vap += 1
            share = clients if ssid_number == 0 else 0
            rows += [
                number(f"{UNIFI_VAP}.4.{vap}", INTEGER, int(radio.get("channel", 36))),
                text(f"{UNIFI_VAP}.6.{vap}", ssid),
                number(f"{UNIFI_VAP}.8.{vap}", INTEGER, share),
                text(f"{UNIFI_VAP}.9.{vap}", code),
                number(f"{UNIFI_VAP}.21.{vap}", INTEGER, int(radio.get("tx_power_dbm", 17))),
            ]
    return rows


def pdu_rows(device_id: str, spec: Mapping[str, Any], model: str | None) -> list[SnmprecRow]:
    """An APC switched rack PDU (PowerNet rPDU)."""
    outlets = list(spec.get("outlets") or [])
    rows = system_rows(
        device_id,
        "APC Web/SNMP Management Card (MB:v4.1.0 PF:v6.8.2 PN:apc_hw05_aos_682.bin)",
        "1.3.6.1.4.1.318.1.3.4.5",
        "classroom",
    )
    rows += interface_rows(
        1, "LAN", 100e6, up=True, in_bps=2e3, out_bps=2e3, mac=mac_for(device_id, "lan")
    )
    total_a = sum(float(o.get("current_a", 0)) for o in outlets)
    total_w = sum(float(o.get("power_w", 0)) for o in outlets)
    rows += [
        text(f"{APC_RPDU}.1.5.0", model or "AP7900B"),
        text(f"{APC_RPDU}.1.6.0", "5A1234E56789"),
        number(f"{APC_RPDU}.1.15.0", INTEGER, 230),
        number(f"{APC_RPDU}.1.16.0", INTEGER, round(total_w)),
        number(f"{APC_RPDU}.2.1.1.0", INTEGER, 16),
        number(f"{APC_RPDU}.2.3.1.1.2.1", GAUGE32, round(total_a * 10)),
    ]
    for number_, outlet in enumerate(outlets, start=1):
        rows += [
            text(f"{APC_RPDU}.3.5.1.1.2.{number_}", str(outlet.get("name", f"Outlet {number_}"))),
            number(f"{APC_RPDU}.3.5.1.1.4.{number_}", INTEGER, 1),
            text(
                f"1.3.6.1.4.1.318.1.1.26.9.4.3.1.3.{number_}",
                str(outlet.get("name", f"Outlet {number_}")),
            ),
            number(f"1.3.6.1.4.1.318.1.1.26.9.4.3.1.4.{number_}", INTEGER, number_),
            number(
                f"1.3.6.1.4.1.318.1.1.26.9.4.3.1.6.{number_}",
                GAUGE32,
                round(float(outlet.get("current_a", 0)) * 10),
            ),
            number(
                f"1.3.6.1.4.1.318.1.1.26.9.4.3.1.7.{number_}",
                GAUGE32,
                round(float(outlet.get("power_w", 0))),
            ),
        ]
    return rows


def device_rows(
    device_id: str,
    spec: Mapping[str, Any],
    *,
    model: str | None,
    ssids: Iterable[str],
    peers: Mapping[str, str],
) -> list[SnmprecRow]:
    kind = spec.get("kind")
    if kind == "switch":
        return switch_rows(device_id, spec, model, peers)
    if kind == "ap":
        return ap_rows(device_id, spec, model, ssids)
    if kind == "pdu":
        return pdu_rows(device_id, spec, model)
    raise LabError(f"lab.devices.{device_id}: kind {kind!r} has no SNMP agent (switch, ap or pdu)")
