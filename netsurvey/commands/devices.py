"""`netsurvey devices VISIT_DIR [--json]`: the school's merged device list."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from netsurvey.commands._common import add_command, print_json
from netsurvey.devices import merged_devices
from netsurvey.records import read_visit


def register(subparsers: Any) -> None:
    parser = add_command(
        subparsers,
        "devices",
        help="the visit's devices as SNMP and SSH saw them, merged",
        description="One device list per school visit: each device's SNMP and SSH facts merged "
        "(SSH fills what SNMP lacked), with the source of every section.",
        examples=["netsurvey devices visits/riga-12-vsk/20261122T081500Z",
                  "netsurvey devices visits/riga-12-vsk/20261122T081500Z --json"],
    )  # fmt: skip
    parser.add_argument("visit", type=Path, metavar="VISIT_DIR")
    parser.add_argument("--json", action="store_true", help="print the devices as JSON")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    devices = merged_devices(read_visit(args.visit))
    if args.json:
        print_json({device_id: merged.device.to_json() | {"measurement_ids": list(merged.measurement_ids)}
                    for device_id, merged in sorted(devices.items())})  # fmt: skip
        return 0
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
            "–" if clients is None else str(clients),
            ", ".join(f"{k}: {v}" for k, v in sorted(device.sources.items()) if "." not in k),
        )
    Console(highlight=False).print(table)
    return 0
