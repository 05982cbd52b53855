"""LibreNMS's reading of a corpus walk (``librenms-expected/<name>.json``) as facts.

LibreNMS's test data holds, per module, what its discovery found and what its poller
then read (``"matches discovery"`` when the same). The facts the conformance suite
compares are taken from the poller's view where it has one:

- ports: ifIndex -> speed in bit/s (None when LibreNMS has none);
- radio frequencies in MHz (wireless sensors of class ``frequency``);
- the wireless client total: a sensor whose description says "Total", else the sum
  of per-radio sensors, else the sum of per-SSID sensors (``SSID...``);
- a controller's connected and total AP counts (class ``ap-count``);
- on UPSes and PDUs: load % (class ``load``) and output power and current;
- on switches, per-port PoE power where LibreNMS has a sensor for it;
- radio transmit power and channel where LibreNMS reads them.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# UPS sensors that describe the output (input, bypass and battery are not compared).
UPS_OUTPUT = re.compile(r"^(Output|Phase \d+ Output|Active Power|System Consumption)$")


@dataclass(frozen=True)
class Sensor:
    sensor_class: str
    descr: str
    value: float
    oids: tuple[str, ...]


@dataclass
class LibrenmsFacts:
    ports: dict[int, float | None] = field(default_factory=dict)
    frequencies: list[Sensor] = field(default_factory=list)  # MHz
    clients_total: float | None = None
    clients_rule: str | None = None  # "total", "radios" or "ssids"
    ap_connected: float | None = None
    ap_total: float | None = None
    load_percent: list[Sensor] = field(default_factory=list)
    output_power_w: list[Sensor] = field(default_factory=list)
    output_current_a: list[Sensor] = field(default_factory=list)
    utilization: list[Sensor] = field(default_factory=list)
    poe_power_w: list[Sensor] = field(default_factory=list)  # per-port PoE (switches)
    tx_power_dbm: list[Sensor] = field(default_factory=list)  # radio transmit power
    channels: list[Sensor] = field(default_factory=list)


def _module_view(data: dict[str, Any], module: str, key: str) -> list[dict[str, Any]]:
    section = data.get(module) or {}
    poller = section.get("poller")
    if isinstance(poller, dict) and poller.get(key):
        return list(poller[key])
    discovery = section.get("discovery")
    if isinstance(discovery, dict):
        return list(discovery.get(key) or [])
    return []


def _sensor(raw: dict[str, Any]) -> Sensor:
    oids = raw.get("sensor_oids")
    if isinstance(oids, str):
        parsed = tuple(json.loads(oids))
    elif raw.get("sensor_oid"):
        parsed = (str(raw["sensor_oid"]),)
    else:
        parsed = ()
    return Sensor(
        sensor_class=str(raw["sensor_class"]),
        descr=str(raw.get("sensor_descr") or ""),
        value=float(raw["sensor_current"]),
        oids=tuple(o.lstrip(".") for o in parsed),
    )


def read_facts(path: Path, kind: str) -> LibrenmsFacts:
    """``kind`` is the manifest's device kind (ap, controller, switch, ups, pdu)."""
    data = json.loads(path.read_text(encoding="utf-8"))
    facts = LibrenmsFacts()
    for port in _module_view(data, "ports", "ports"):
        speed = port.get("ifSpeed")
        facts.ports[int(port["ifIndex"])] = None if speed is None else float(speed)
    wireless = [_sensor(s) for s in _module_view(data, "wireless", "wireless_sensors")]
    facts.frequencies = [s for s in wireless if s.sensor_class == "frequency"]
    _client_total(facts, [s for s in wireless if s.sensor_class == "clients"])
    for sensor in (s for s in wireless if s.sensor_class == "ap-count"):
        if "total" in sensor.descr.lower():
            facts.ap_total = sensor.value
        else:  # "Connected APs", "AP Count"
            facts.ap_connected = sensor.value
    facts.utilization = [s for s in wireless if s.sensor_class == "utilization"]
    facts.tx_power_dbm = [
        s for s in wireless if s.sensor_class == "power" and s.descr.startswith("Tx Power")
    ]
    facts.channels = [s for s in wireless if s.sensor_class == "channel"]
    sensors = [_sensor(s) for s in _module_view(data, "sensors", "sensors")]
    facts.poe_power_w = [
        s for s in sensors if s.sensor_class == "power" and "poe" in s.descr.lower()
    ]
    if kind in ("ups", "pdu"):
        for sensor in sensors:
            is_output = sensor.sensor_class not in ("power", "current") or bool(
                UPS_OUTPUT.match(sensor.descr)
            )
            if kind == "ups" and not is_output:
                continue
            if sensor.sensor_class == "load":
                facts.load_percent.append(sensor)
            elif sensor.sensor_class == "power":
                facts.output_power_w.append(sensor)
            elif sensor.sensor_class == "current":
                facts.output_current_a.append(sensor)
    return facts


def _client_total(facts: LibrenmsFacts, clients: list[Sensor]) -> None:
    if not clients:
        return
    totals = [s for s in clients if "total" in s.descr.lower()]
    ssids = [s for s in clients if s.descr.startswith("SSID")]
    radios = [s for s in clients if s not in totals and s not in ssids]
    if totals:
        facts.clients_total, facts.clients_rule = totals[0].value, "total"
    elif radios:
        facts.clients_total, facts.clients_rule = sum(s.value for s in radios), "radios"
    else:
        facts.clients_total, facts.clients_rule = sum(s.value for s in ssids), "ssids"
