"""`netsurvey lab up|down|status`: the simulated school network on this machine."""

from __future__ import annotations

import argparse
import os
import secrets
import sys
from pathlib import Path
from typing import Any

from netsurvey.commands._common import add_command
from netsurvey.errors import LabError

DEFAULT_INVENTORIES = "inventories/demo"


def register(subparsers: Any) -> None:
    parser = add_command(
        subparsers,
        "lab",
        help="bring the simulated school network up or down",
        description="The demo lab: real protocol peers on this machine (snmpsim, FakeNOS, iperf3, "
        "a speedtest-compatible server, dnsmasq, lldpd). As root each school gets network "
        "namespaces with tc-shaped LAN and WAN links; otherwise everything runs on loopback.",
        examples=[
            "netsurvey lab up --work out/lab",
            "netsurvey lab status --work out/lab",
            "netsurvey lab down --work out/lab",
        ],
    )
    sub = parser.add_subparsers(dest="lab_command", metavar="ACTION")
    sub.required = True
    for name, help_text in (
        ("up", "start the lab"),
        ("down", "stop everything the lab started"),
        ("status", "show what is running"),
    ):
        action = add_command(
            sub,
            name,
            help=help_text,
            description=help_text.capitalize() + ".",
            examples=[f"netsurvey lab {name} --work out/lab"],
        )
        action.add_argument(
            "--work",
            type=Path,
            default=Path("out/lab"),
            metavar="DIR",
            help="lab working folder (state, runtime inventories, logs)",
        )
        if name == "up":
            action.add_argument(
                "inventories",
                nargs="*",
                type=Path,
                metavar="INVENTORY",
                help=f"inventories with `lab:` sections (default: {DEFAULT_INVENTORIES}/*.yaml)",
            )
            action.add_argument(
                "--loopback", action="store_true", help="no namespaces even as root"
            )
        action.set_defaults(handler={"up": up, "down": down, "status": status}[name])


def demo_inventories(paths: list[Path]) -> list[Path]:
    if paths:
        return paths
    found = sorted(Path(DEFAULT_INVENTORIES).glob("*.yaml"))
    if not found:
        raise LabError(
            f"no inventories in {DEFAULT_INVENTORIES}/",
            hint="run from the netsurvey folder or name them",
        )
    return found


def up(args: argparse.Namespace) -> int:
    from netsurvey.lab import state
    from netsurvey.lab.fleet import start_fleet

    if state.load(args.work):
        raise LabError(
            f"a lab is already up ({state.state_path(args.work)})",
            hint="run `netsurvey lab down` first",
        )
    community = os.environ.setdefault("NETSURVEY_DEMO_COMMUNITY", "demo-" + secrets.token_hex(4))
    password = os.environ.setdefault("NETSURVEY_DEMO_SSH_PASSWORD", secrets.token_hex(8))
    runs = start_fleet(
        demo_inventories(args.inventories),
        args.work,
        community=community,
        password=password,
        namespaces=False if args.loopback else None,
    )
    state.save(args.work, runs)
    for run in runs:
        print(f"{run.school_id}: {run.mode}, inventory {run.inventory}")
        for note in run.notes:
            print(f"  note: {note}", file=sys.stderr)
    print(f"export NETSURVEY_DEMO_COMMUNITY={community} NETSURVEY_DEMO_SSH_PASSWORD={password}")
    return 0


def down(args: argparse.Namespace) -> int:
    from netsurvey.lab import state
    from netsurvey.lab.school import tear_down

    runs = state.load(args.work)
    problems = [problem for run in runs for problem in tear_down(run)]
    state.clear(args.work)
    for problem in problems:
        print(f"warning: {problem}", file=sys.stderr)
    print(f"lab down: {len(runs)} school(s) stopped")
    return 0


def status(args: argparse.Namespace) -> int:
    from netsurvey.lab import state
    from netsurvey.lab.school import _alive

    runs = state.load(args.work)
    if not runs:
        print("no lab is up")
        return 0
    for run in runs:
        alive = sum(1 for pid in run.pids if _alive(pid))
        print(
            f"{run.school_id}: {run.mode}, {alive}/{len(run.pids)} processes alive, "
            f"namespaces {', '.join(run.namespaces) or 'none'}"
        )
    return 0
