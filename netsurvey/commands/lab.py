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
    _register_class_test(sub)


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


# --------------------------------------------------------------------------- class test


def _register_class_test(sub: Any) -> None:
    action = add_command(
        sub,
        "class-test",
        help="a whole class measuring together, in network namespaces",
        description="Build a laptop namespace running the class-test server, a tbf-shaped "
        "'access point' link at --rate-mbit (both directions) and --clients seat namespaces "
        "behind it; --browsers of them are headless Chromium opening the seat page, the rest "
        "run the protocol-equivalent Python client. Needs root. Progress goes to stderr; the "
        "last stdout line is one JSON object (aggregate_download_bps, aggregate_upload_bps, "
        "goodput_limit_bps, jain_fairness, video_sustained_count, seats, ...). "
        "Exit codes: 0 done, 2 bad options, 6 lab error.",
        examples=[
            "sudo netsurvey lab class-test --clients 10 --browsers 2 --rate-mbit 50",
            "sudo netsurvey lab class-test --clients 10 --browsers 2 --rate-mbit 20 --json",
            "sudo netsurvey lab class-test --clients 6 --browsers 3 --rate-mbit 50 "
            "--fault disconnect --fault reload --fault late",
        ],
    )
    action.add_argument("--clients", type=int, required=True, metavar="N", help="seats")
    action.add_argument(
        "--browsers", type=int, default=0, metavar="K", help="seats that are headless Chromium"
    )
    action.add_argument(
        "--rate-mbit", type=float, required=True, metavar="R", help="the AP link's rate, Mbit/s"
    )
    action.add_argument(
        "--video-rate-mbit",
        type=float,
        metavar="MBIT",
        help="lesson-video rate (default: the scoring profile's, 2.5 in lv-2024)",
    )
    action.add_argument(
        "--video-s", type=float, default=12.0, metavar="S", help="video phase length (default 12)"
    )
    action.add_argument(
        "--fault",
        action="append",
        choices=("disconnect", "reload", "late"),
        default=[],
        help="give the next browser seat (else a Python seat) this fault: drop out or reload "
        "mid-test, or join after the start (repeatable)",
    )
    action.add_argument(
        "--work",
        type=Path,
        metavar="DIR",
        help="where the lab's visit (class_test record) and logs go (default: a temp folder)",
    )
    action.add_argument(
        "--json", action="store_true", help="only the JSON line on stdout (no summary lines)"
    )
    action.set_defaults(handler=class_test)


def class_test(args: argparse.Namespace) -> int:
    from netsurvey.classtest.lab import ClassLabOptions, run_class_lab
    from netsurvey.classtest.plan import lesson_video_rate_bps
    from netsurvey.commands._common import print_json_line
    from netsurvey.errors import UsageError
    from netsurvey.scoring.profile import load_profile

    if args.video_s <= 0 or (args.video_rate_mbit is not None and args.video_rate_mbit <= 0):
        raise UsageError("--video-s and --video-rate-mbit must be positive")
    video_rate_bps = (
        args.video_rate_mbit * 1e6
        if args.video_rate_mbit is not None
        else lesson_video_rate_bps(load_profile())
    )
    options = ClassLabOptions(
        clients=args.clients,
        browsers=args.browsers,
        rate_mbit=args.rate_mbit,
        video_rate_bps=video_rate_bps,
        video_s=args.video_s,
        faults=tuple(args.fault),
        work=args.work,
    )
    options.seats()  # option errors before anything is built
    print(
        f"class test: {args.clients} seats ({args.browsers} browsers) behind {args.rate_mbit:g} "
        "Mbit/s, building the lab...",
        file=sys.stderr,
    )
    result = run_class_lab(options)
    if not args.json:
        _print_class_summary(result)
    print_json_line(result)
    return 0


def _print_class_summary(result: dict[str, Any]) -> None:
    def mbit(value: float | None) -> str:
        return "-" if value is None else f"{value / 1e6:.1f}"

    print(
        f"download {mbit(result['aggregate_download_bps'])} Mbit/s, upload "
        f"{mbit(result['aggregate_upload_bps'])} Mbit/s of a goodput limit of "
        f"{mbit(result['goodput_limit_bps'])} Mbit/s; fairness {result['jain_fairness']}; "
        f"{result['video_sustained_count']}/{result['seats_full']} seats sustained "
        f"{mbit(result['video_rate_bps'])} Mbit/s video"
    )
    for flag, seats in result.get("flagged", {}).items():
        print(f"flagged {flag}: seats {', '.join(str(seat) for seat in seats)}")
