"""`netsurvey devices VISIT_DIR [--json]`: the school's merged device list."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from netsurvey.commands._common import add_command, print_json
from netsurvey.devices import MergedDevice, merged_devices
from netsurvey.records import read_visit
from probes.device import COVERAGE_SECTIONS


def register(subparsers: Any) -> None:
    parser = add_command(
        subparsers,
        "devices",
        help="the visit's devices as SNMP and SSH saw them, merged",
        description="One device list per school visit: each device's SNMP and SSH facts merged "
        "(SSH fills what SNMP lacked), with the source of every section, then per device "
        "which facts were read (ports, PoE, LLDP, radios, clients, power) and which are "
        "missing and why. '0 clients' is a reading; 'unknown' means the device does not say.",
        examples=["netsurvey devices visits/riga-12-vsk/20261122T081500Z",
                  "netsurvey devices visits/riga-12-vsk/20261122T081500Z --json"],
    )  # fmt: skip
    parser.add_argument("visit", type=Path, metavar="VISIT_DIR")
    parser.add_argument("--json", action="store_true", help="print the devices as JSON")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    devices = merged_devices(read_visit(args.visit))
    if args.json:
        print_json({device_id: _json(merged) for device_id, merged in sorted(devices.items())})
        return 0
    console = Console(highlight=False)
    table = Table(title=f"{len(devices)} device(s)", title_justify="left")
    for column in ("device", "model", "interfaces", "PoE budget", "clients", "sources"):
        table.add_column(column)
    for device_id, merged in sorted(devices.items()):
        device = merged.device
        budget = (
            sum(g.budget_w or 0 for g in device.poe.groups)
            if device.poe and device.poe.groups
            else None
        )
        clients = device.wireless.clients_total if device.wireless else None
        table.add_row(
            device_id,
            device.system.model or "–",
            str(len(device.interfaces)),
            "–" if budget is None else f"{budget:g} W",
            "unknown" if clients is None else str(clients),
            ", ".join(f"{k}: {v}" for k, v in sorted(device.sources.items()) if "." not in k),
        )
    console.print(table)
    console.print(_coverage_table(devices))
    return 0


COVERAGE_TITLES = {"ports": "ports", "poe": "PoE", "lldp": "LLDP", "radios": "radios",
                   "clients": "clients", "power": "power"}  # fmt: skip


def _coverage_table(devices: dict[str, MergedDevice]) -> Table:
    table = Table(title="coverage: what each device told us", title_justify="left")
    for column in ("device", "facts", "read", "missing or dropped: why"):
        table.add_column(column)
    for device_id, merged in sorted(devices.items()):
        name = escape(device_id) + (" [yellow](partial)[/]" if merged.partial else "")
        for position, item in enumerate(merged.coverage()):
            read = escape(item.summary) if item.state != "missing" else "–"
            why = escape(item.why or "")
            if item.state == "partial":
                why = f"[yellow]{why}[/]"
            table.add_row(
                name if position == 0 else "",
                COVERAGE_TITLES[item.section],
                read,
                why,
                end_section=position == len(COVERAGE_SECTIONS) - 1,
            )
    return table


def _json(merged: MergedDevice) -> dict[str, Any]:
    return merged.device.to_json() | {
        "measurement_ids": list(merged.measurement_ids),
        "partial": merged.partial,
        "warnings": list(merged.warnings),
        "coverage": {
            item.section: {
                "state": item.state,
                "summary": item.summary,
                "why": item.why,
                "source": item.source,
            }
            for item in merged.coverage()
        },
    }
