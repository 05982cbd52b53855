"""`netsurvey inventory check FILE...`"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from netsurvey.commands._common import add_command
from netsurvey.errors import InventoryError
from netsurvey.inventory import load_inventory


def register(subparsers: Any) -> None:
    parser = add_command(
        subparsers,
        "inventory",
        help="validate inventory files",
        description="Work with inventory YAML files (schools, rooms, devices, carts, circuits).",
        examples=["netsurvey inventory check inventories/*.yaml"],
    )
    sub = parser.add_subparsers(dest="inventory_command", metavar="ACTION")
    sub.required = True
    check = add_command(
        sub,
        "check",
        help="validate files; exit 0 valid, 2 invalid",
        description="Validate inventory files. Prints FILE:LINE: path: problem for the first "
        "problem in each file. Exit code 0 when all are valid, 2 otherwise.",
        examples=[
            "netsurvey inventory check inventories/example.yaml",
            "netsurvey inventory check inventories/demo/*.yaml",
        ],
    )
    check.add_argument("files", nargs="+", metavar="FILE")
    check.set_defaults(handler=run_check)


def run_check(args: argparse.Namespace) -> int:
    worst = 0
    for name in args.files:
        try:
            inventory = load_inventory(name)
        except InventoryError as exc:
            print(f"invalid {exc.one_line()}", file=sys.stderr)
            worst = max(worst, exc.exit_code)
            continue
        schools = ", ".join(
            f"{s.id} ({len(s.devices)} devices, {len(s.rooms)} rooms)" for s in inventory.schools
        )
        print(f"ok {name}: {schools}")
        for school in inventory.schools:
            guard = school.scope_guard()
            for device in school.devices:
                if not guard.allows(device.mgmt_ip):
                    print(
                        f"warning {name}:{device.line}: {school.id}/{device.id}: mgmt_ip "
                        f"{device.mgmt_ip} is outside the school's scope; the survey will refuse it",
                        file=sys.stderr,
                    )
    return worst
