"""`netsurvey wifi point|walk|rooms|heatmap`: the Wi-Fi survey of a school visit."""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import json
import sys
from pathlib import Path
from typing import Any

from netsurvey.commands._common import add_command, parse_target, print_json
from netsurvey.errors import NetsurveyError, UsageError
from netsurvey.records import VisitWriter
from netsurvey.wifi.collect import IperfPlan, PointRequest, record_point, take_point
from netsurvey.wifi.labels import DEFAULT_HEATMAP_LANGUAGE, HEATMAP_LANGUAGES
from netsurvey.wifi.sources import (
    LiveSource,
    PointSource,
    ReplayScript,
    ReplaySource,
    replay_file,
)
from netsurvey.wifi.store import VisitSurvey, load_survey
from netsurvey.wifi.summary import point_summary
from netsurvey.wifi.thresholds import WifiThresholds
from probes.base import ProbeUnavailable


class WifiSurveyError(NetsurveyError):
    """Live scanning impossible here (no adapter, tool or permission)."""

    exit_code = 1


def register(subparsers: Any) -> None:
    parser = add_command(
        subparsers,
        "wifi",
        help="Wi-Fi survey: record points room by room, per-room results, heatmaps",
        description="Survey Wi-Fi coverage and channel load room by room. Points are "
        "recorded into a visit (several scans averaged, the connected link, optionally an "
        "iperf3 test) and turned into per-room results and floor heatmaps.",
        examples=[
            "netsurvey wifi walk --visit visits/lv-0001/20261122T0900Z",
            "netsurvey wifi point --visit VISIT --room 204 --x 3.5 --y 2 --iperf",
            "netsurvey wifi rooms --visit VISIT",
            "netsurvey wifi heatmap --visit VISIT --out out/wifi",
        ],
    )
    actions = parser.add_subparsers(dest="wifi_command", metavar="ACTION")
    actions.required = True
    _point(actions)
    _walk(actions)
    _rooms(actions)
    _heatmap(actions)


def _visit_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--visit", type=Path, required=True, metavar="DIR", help="the visit directory"
    )


def _measure_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--scans", type=int, default=3, metavar="N", help="scans averaged per point (3)"
    )
    parser.add_argument(
        "--interval", type=float, default=1.0, metavar="S", help="pause between scans (1 s)"
    )
    parser.add_argument(
        "--interface", metavar="IF", help="Wi-Fi interface (default: the first one)"
    )
    parser.add_argument(
        "--backend", choices=("iw", "nmcli"), help="scan tool (default: iw if installed)"
    )
    parser.add_argument(
        "--iperf", action="store_true", help="also run an iperf3 test at each point"
    )
    parser.add_argument(
        "--iperf-server",
        metavar="HOST[:PORT]",
        help="iperf3 server (default: the school's test_servers)",
    )
    parser.add_argument(
        "--iperf-seconds", type=float, default=5.0, metavar="S", help="iperf3 duration (5 s)"
    )


def _point(actions: Any) -> None:
    parser = add_command(
        actions,
        "point",
        help="record one survey point",
        description="Record one survey point in a room: several scans averaged, the "
        "connected link and, with --iperf, an iperf3 test (marked invalid if the laptop "
        "roamed during it). --replay takes a recorded scan file or a point script (JSON: "
        '{"scans": [files], "link": file, "link_after": file}) instead of the adapter.',
        examples=[
            "netsurvey wifi point --visit VISIT --room 204",
            "netsurvey wifi point --visit VISIT --room 204 --x 3.5 --y 2 --iperf",
            "netsurvey wifi point --visit VISIT --room 204 --replay scans/204.json",
        ],
    )
    _visit_argument(parser)
    parser.add_argument("--room", required=True, metavar="ID", help="room id from the inventory")
    parser.add_argument(
        "--x", type=float, metavar="M", help="position east from the floor's left edge (m)"
    )
    parser.add_argument(
        "--y", type=float, metavar="M", help="position south from the floor's top edge (m)"
    )
    parser.add_argument("--replay", type=Path, metavar="FILE", help="recorded scan or point script")
    parser.add_argument(
        "--format", metavar="FMT", help="format of the replayed scan (detected if omitted)"
    )
    _measure_arguments(parser)
    parser.set_defaults(handler=run_point)


def _walk(actions: Any) -> None:
    parser = add_command(
        actions,
        "walk",
        help="walk the school room by room, guided",
        description="Guided survey: shows the next room, what is missing, lets you repeat "
        "a point or skip a room. Every point is saved the moment it is measured; quit (q, "
        "Ctrl-D or Ctrl-C) any time and run the same command to resume.",
        examples=[
            "netsurvey wifi walk --visit VISIT",
            "netsurvey wifi walk --visit VISIT --points-per-room 3 --iperf",
            "netsurvey wifi walk --visit VISIT --replay recorded/   # files ROOM.json or ROOM-N.iw",
        ],
    )
    _visit_argument(parser)
    parser.add_argument(
        "--points-per-room", type=int, default=2, metavar="N", help="points per room (2)"
    )
    parser.add_argument(
        "--replay", type=Path, metavar="DIR", help="folder of recorded points per room"
    )
    _measure_arguments(parser)
    parser.set_defaults(handler=run_walk)


def _rooms(actions: Any) -> None:
    parser = add_command(
        actions,
        "rooms",
        help="per-room coverage, channel load and verdicts",
        description="Per-room results from the visit's survey points: best and median "
        "signal of the school's SSIDs, SNR, co-/adjacent-channel BSSs, channel busy time, "
        "2.4/5 GHz, serving AP, pass/warn/fail.",
        examples=[
            "netsurvey wifi rooms --visit VISIT",
            "netsurvey wifi rooms --visit VISIT --json",
        ],
    )
    _visit_argument(parser)
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    parser.add_argument(
        "--thresholds", type=Path, metavar="FILE", help="JSON/YAML with Wi-Fi limits"
    )
    parser.set_defaults(handler=run_rooms)


def _heatmap(actions: Any) -> None:
    parser = add_command(
        actions,
        "heatmap",
        help="heatmaps (PNG + SVG) on the floor plans",
        description="Interpolate signal, SNR and link rate over each floor plan and write "
        "PNG and SVG images with the points and room labels. A floor without a plan image "
        "gets a per-room table (Markdown) instead.",
        examples=[
            "netsurvey wifi heatmap --visit VISIT --out out/wifi",
            "netsurvey wifi heatmap --visit VISIT --out out/wifi --metric signal",
            "netsurvey wifi heatmap --visit VISIT --out VISIT/out --lang lv --lang en",
        ],
    )
    _visit_argument(parser)
    parser.add_argument("--out", type=Path, required=True, metavar="DIR", help="output folder")
    parser.add_argument(
        "--metric", action="append", choices=("signal", "snr", "rate"), help="which map(s) (all)"
    )
    parser.add_argument(
        "--lang",
        action="append",
        choices=HEATMAP_LANGUAGES,
        help="language of the words in the maps; repeat for several (default en). "
        "en writes floor-<id>-<metric>.png/.svg, lv writes floor-<id>-<metric>.lv.png/.svg; "
        "`netsurvey report --lang lv` embeds the lv maps",
    )
    parser.add_argument(
        "--thresholds", type=Path, metavar="FILE", help="JSON/YAML with Wi-Fi limits"
    )
    parser.set_defaults(handler=run_heatmap)


# --------------------------------------------------------------------------- helpers


def load_thresholds(path: Path | None) -> WifiThresholds:
    if path is None:
        return WifiThresholds()
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"--thresholds {path}: cannot read ({exc.strerror})") from None
    import yaml

    try:
        data = yaml.safe_load(text) if path.suffix in (".yaml", ".yml") else json.loads(text)
    except (ValueError, yaml.YAMLError) as exc:
        raise UsageError(f"--thresholds {path}: not valid JSON/YAML ({exc})") from None
    if isinstance(data, dict) and isinstance(data.get("wifi"), dict):
        data = data["wifi"]
    if not isinstance(data, dict):
        raise UsageError(f"--thresholds {path}: expected a mapping of limit names to numbers")
    return WifiThresholds.from_mapping(data, where=str(path))


def _iperf_plan(args: argparse.Namespace, survey: VisitSurvey) -> IperfPlan | None:
    if not args.iperf:
        return None
    school = survey.school
    if args.iperf_server:
        host, port = parse_target(args.iperf_server)
        port = port or school.iperf3_port
    elif school.iperf3_host:
        host, port = school.iperf3_host, school.iperf3_port
    else:
        raise UsageError(
            "--iperf needs a server",
            hint="give --iperf-server HOST[:PORT] or set test_servers.iperf3",
        )
    if not school.scope.allows(host):
        raise UsageError(
            f"iperf3 server {host} is outside the school's declared scope",
            hint="add it to the school's scope or test_servers in the inventory",
        )
    return IperfPlan(host=host, port=port, scope=school.scope, seconds=args.iperf_seconds)


def _live_source(args: argparse.Namespace) -> LiveSource:
    params = {k: v for k, v in (("interface", args.interface), ("backend", args.backend)) if v}
    source = LiveSource(params)
    try:
        source.check()
    except ProbeUnavailable as exc:
        raise WifiSurveyError(f"cannot scan Wi-Fi here: {exc}") from None
    return source


def _check_counts(args: argparse.Namespace) -> None:
    if args.scans < 1 or args.scans > 20:
        raise UsageError(f"--scans {args.scans}: use 1 to 20")
    if args.interval < 0:
        raise UsageError("--interval must be 0 or more seconds")


# --------------------------------------------------------------------------- handlers


def run_point(args: argparse.Namespace) -> int:
    _check_counts(args)
    survey = load_survey(args.visit)
    if survey.school.rooms and survey.school.room(args.room) is None:
        known = ", ".join(r.id for r in survey.school.rooms)
        raise UsageError(f"--room {args.room}: not a room of this school", hint=f"rooms: {known}")
    source: PointSource
    if args.replay is not None:
        source = ReplaySource(ReplayScript.load(args.replay), args.format)
    else:
        source = _live_source(args)
    x_m, y_m = args.x, args.y
    room = survey.school.room(args.room)
    if x_m is None and y_m is None and room is not None:
        x_m, y_m = room.x_m, room.y_m
    request = PointRequest(
        room=args.room,
        x_m=x_m,
        y_m=y_m,
        scans=args.scans,
        scan_interval_s=0.0 if args.replay else args.interval,
        iperf=_iperf_plan(args, survey),
    )
    writer = VisitWriter.open(args.visit)
    measurement, artifacts = asyncio.run(take_point(source, request))
    saved = record_point(writer, measurement, artifacts)
    writer.seal()
    for line in point_summary(saved, survey.school.ssids):
        print(line)
    return 0 if saved.status == "ok" else 1


def run_walk(args: argparse.Namespace) -> int:
    from netsurvey.wifi.walk import Walk, WalkSettings

    _check_counts(args)
    if args.points_per_room < 1:
        raise UsageError("--points-per-room must be at least 1")
    survey = load_survey(args.visit)
    replay: Path | None = args.replay
    if replay is not None and not replay.is_dir():
        raise UsageError(
            f"--replay {replay}: not a folder", hint="give the folder with ROOM.json files"
        )
    if replay is None:
        live = _live_source(args)

        def sources(room: str, number: int) -> PointSource:
            return live

    else:
        folder = replay

        def sources(room: str, number: int) -> PointSource:
            return ReplaySource(ReplayScript.load(replay_file(folder, room, number)))

    settings = WalkSettings(
        points_per_room=args.points_per_room,
        scans=args.scans,
        scan_interval_s=0.0 if replay else args.interval,
        iperf=_iperf_plan(args, survey),
    )
    return Walk(args.visit, sources, settings).run()


def run_rooms(args: argparse.Namespace) -> int:
    from rich.console import Console

    from netsurvey.wifi.results import room_results
    from netsurvey.wifi.tables import problems, rich_table

    limits = load_thresholds(args.thresholds)
    survey = load_survey(args.visit)
    results = room_results(survey, limits)
    if args.json:
        print_json(
            {
                "school_id": survey.school.id,
                "visit_id": survey.visit_id,
                "own_ssids": list(survey.school.ssids),
                "thresholds": dataclasses.asdict(limits),
                "rooms": [r.to_json() for r in results],
            }
        )
        return 0
    console = Console()
    console.print(
        rich_table(results, f"Wi-Fi per room · {survey.school.name} · visit {survey.visit_id}")
    )
    for result in results:
        for text in problems(result):
            console.print(f"  {result.room}: {text}", markup=False)
        for note in result.notes:
            console.print(f"  {result.room}: {note}", markup=False, style="dim")
    return 0


def run_heatmap(args: argparse.Namespace) -> int:
    from netsurvey.wifi.maps import write_maps
    from netsurvey.wifi.results import room_results

    limits = load_thresholds(args.thresholds)
    survey = load_survey(args.visit)
    results = room_results(survey, limits)
    metrics = args.metric or ["signal", "snr", "rate"]
    if not survey.points:
        print("no survey points in this visit yet: the maps show the plans only", file=sys.stderr)
    args.out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for lang in dict.fromkeys(args.lang or [DEFAULT_HEATMAP_LANGUAGE]):
        maps = write_maps(survey, results, args.out, metrics, limits, lang)
        written += maps.paths
        for note in dict.fromkeys(maps.notes):
            print(note, file=sys.stderr)
    for path in dict.fromkeys(written):
        print(path)
    return 0
