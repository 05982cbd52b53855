"""`netsurvey demo [--out DIR]`: what `make demo` runs."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from netsurvey.commands._common import add_command
from netsurvey.commands.lab import demo_inventories


def register(subparsers: Any) -> None:
    parser = add_command(
        subparsers,
        "demo",
        help="survey, score and report the built-in simulated schools",
        description="Bring up the simulated network of each demo school (inventories/demo), run "
        "the real survey against it, walk replayed Wi-Fi survey points, tear the lab down, then "
        "score every visit and write PDF reports (lv, en) and the summary sheet. As root the "
        "schools' LAN and WAN links are network namespaces shaped with tc; otherwise loopback.",
        examples=["netsurvey demo", "netsurvey demo --out /tmp/demo", "netsurvey demo --loopback"],
    )
    parser.add_argument(
        "inventories",
        nargs="*",
        type=Path,
        metavar="INVENTORY",
        help="demo inventories (default: inventories/demo/*.yaml)",
    )
    parser.add_argument(
        "--out", type=Path, default=Path("out"), metavar="DIR", help="output folder (default: out)"
    )
    parser.add_argument("--loopback", action="store_true", help="no namespaces even as root")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from netsurvey.demo import demo_main

    return demo_main(
        demo_inventories(args.inventories), args.out, namespaces=False if args.loopback else None
    )
