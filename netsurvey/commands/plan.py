"""`netsurvey plan INVENTORY --school ID [--json]`"""

from __future__ import annotations

import argparse
from typing import Any

from rich.console import Console
from rich.table import Table

from netsurvey.commands._common import add_command, print_json
from netsurvey.inventory import load_inventory
from netsurvey.plan import plan_school


def register(subparsers: Any) -> None:
    parser = add_command(
        subparsers,
        "plan",
        help="list the jobs a survey would run",
        description="Show the probe jobs a survey of one school would run, without running them.",
        examples=[
            "netsurvey plan inventories/example.yaml --school riga-12-vsk",
            "netsurvey plan inventories/example.yaml --school riga-12-vsk --only snmp,ssh --json",
        ],
    )
    parser.add_argument("inventory", metavar="INVENTORY")
    parser.add_argument("--school", required=True, metavar="ID")
    parser.add_argument("--only", metavar="P1,P2", help="only these probes")
    parser.add_argument("--json", action="store_true", help="print the jobs as JSON on stdout")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    school = load_inventory(args.inventory).school(args.school)
    only = args.only.split(",") if args.only else None
    jobs = plan_school(school, only)
    if args.json:
        print_json([job.to_json() for job in jobs])
        return 0
    table = Table(
        title=f"Survey plan for {school.name} ({school.id}): {len(jobs)} jobs", title_justify="left"
    )
    table.add_column("job")
    table.add_column("target")
    table.add_column("what it measures")
    for job in jobs:
        table.add_row(job.job_id, job.target.label(), job.description)
    Console(highlight=False).print(table)
    return 0
