"""`netsurvey field INVENTORY --school ID --visits DIR`: the field companion, a local
web app for the survey, the Wi-Fi walk, the power walk and the results."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from netsurvey.commands._common import add_command
from netsurvey.errors import UsageError
from netsurvey.scoring.profile import DEFAULT_PROFILE


def register(subparsers: Any) -> None:
    parser = add_command(
        subparsers,
        "field",
        help="the field companion: survey, Wi-Fi walk and power walk in a browser",
        description="Serve the field companion from this laptop: the survey dashboard "
        "(start, resume, live progress, failures), the Wi-Fi walk on the floor plans (tap "
        "where you stand, heatmap, room checklist, undo), the power walk as forms with "
        "photos, and the results at a glance. It writes the same records as `netsurvey "
        "survey`, `wifi point` and `power walk` into the school's latest visit under "
        "--visits (a new one if there is none; --new-visit or --visit-id ID to choose). The first stdout line is "
        "`url: http://HOST:PORT/?t=TOKEN`; the token is new at every start. Exit codes: "
        "0 stopped with Ctrl-C, 2 usage or inventory error, 3 visit unreadable, "
        "143 terminated (SIGTERM).",
        examples=[
            "netsurvey field inventories/example.yaml --school riga-12-vsk --visits visits",
            "netsurvey field inventories/example.yaml --school riga-12-vsk --visits visits --lan",
            "netsurvey field tests/fixtures/wifi/school.yaml --school wifi-test "
            "--visits /tmp/visits --replay tests/fixtures/wifi/walk --port 0",
        ],
    )
    parser.add_argument("inventory", type=Path, metavar="INVENTORY")
    parser.add_argument("--school", required=True, metavar="ID")
    parser.add_argument(
        "--visits", required=True, type=Path, metavar="DIR", help="visits root folder"
    )
    parser.add_argument(
        "--host", metavar="ADDRESS", help="address to listen on (default 127.0.0.1)"
    )
    parser.add_argument(
        "--port", type=int, default=8765, metavar="N", help="port (8765; 0 = a free port)"
    )
    parser.add_argument(
        "--lan",
        action="store_true",
        help="serve the local network too (for a phone) and print a QR code of the url",
    )
    parser.add_argument(
        "--replay",
        type=Path,
        metavar="DIR",
        help="recorded scans instead of the Wi-Fi card (ROOM-N.json / ROOM.iw, as wifi walk)",
    )
    parser.add_argument("--only", metavar="P1,P2", help="survey only these probes")
    which = parser.add_mutually_exclusive_group()
    which.add_argument(
        "--new-visit", action="store_true", help="start a new visit (default: continue the latest)"
    )
    which.add_argument(
        "--visit-id", metavar="ID", help="continue this visit, or create it with this name"
    )
    parser.add_argument("--operator", metavar="NAME", help="technician's name, for a new visit")
    parser.add_argument(
        "--scans", type=int, default=3, metavar="N", help="scans averaged per point (3)"
    )
    parser.add_argument(
        "--interval", type=float, default=1.0, metavar="S", help="pause between scans (1 s)"
    )
    parser.add_argument(
        "--points-per-room", type=int, default=2, metavar="N", help="points per room (2)"
    )
    parser.add_argument(
        "--interface", metavar="IF", help="Wi-Fi interface (default: the first one)"
    )
    parser.add_argument(
        "--iperf-seconds", type=float, default=5.0, metavar="S", help="iperf3 duration (5 s)"
    )
    parser.add_argument(
        "--profile",
        default=DEFAULT_PROFILE,
        metavar="NAME|FILE",
        help=f"scoring profile of the results page ({DEFAULT_PROFILE}; as `netsurvey score`)",
    )
    parser.set_defaults(handler=run)


def _check(args: argparse.Namespace) -> None:
    if not 0 <= args.port <= 65535:
        raise UsageError(f"--port {args.port}: use 0 (a free port) to 65535")
    if not 1 <= args.scans <= 20:
        raise UsageError(f"--scans {args.scans}: use 1 to 20")
    if args.interval < 0:
        raise UsageError("--interval must be 0 or more seconds")
    if args.points_per_room < 1:
        raise UsageError("--points-per-room must be at least 1")
    if not 1 <= args.iperf_seconds <= 60:
        raise UsageError(f"--iperf-seconds {args.iperf_seconds:g}: use 1 to 60")
    if args.visit_id is not None and (
        not args.visit_id.strip()
        or any(c in args.visit_id for c in "/\\")
        or args.visit_id in (".", "..")
    ):
        raise UsageError(f"--visit-id {args.visit_id!r}: a folder name, without slashes")
    if args.replay is not None and not args.replay.is_dir():
        raise UsageError(
            f"--replay {args.replay}: not a folder",
            hint="give the folder with ROOM-N.json or ROOM.iw recordings",
        )


def _wifi_unavailable(args: argparse.Namespace) -> str | None:
    """Why live scanning cannot work here (the other pages still do), or None."""
    if args.replay is not None:
        return None
    from netsurvey.wifi.sources import LiveSource
    from probes.base import ProbeUnavailable

    params = {"interface": args.interface} if args.interface else {}
    try:
        LiveSource(params).check()
    except ProbeUnavailable as exc:
        return f"cannot scan Wi-Fi here: {exc}"
    return None


def run(args: argparse.Namespace) -> int:
    from netsurvey.inventory import load_inventory
    from netsurvey.plan import plan_school
    from netsurvey.web.config import FieldConfig
    from netsurvey.web.serve import serve

    _check(args)
    only = tuple(p.strip() for p in args.only.split(",")) if args.only else None
    school = load_inventory(args.inventory).school(args.school)
    plan_school(school, only)  # an unknown --only probe is a usage error before binding
    from netsurvey.scoring.profile import load_profile

    load_profile(args.profile)  # so is an unknown profile
    config = FieldConfig(
        inventory=args.inventory,
        school_id=args.school,
        visits=args.visits,
        replay=args.replay.resolve() if args.replay else None,
        only=only,
        operator=args.operator,
        visit_id=args.visit_id,
        new_visit=args.new_visit,
        scans=args.scans,
        scan_interval_s=args.interval,
        points_per_room=args.points_per_room,
        iperf_seconds=args.iperf_seconds,
        interface=args.interface,
        profile=args.profile,
    )
    return serve(config, args.host, args.port, args.lan, _wifi_unavailable(args))
