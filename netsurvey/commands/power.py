"""`netsurvey power walk` and `netsurvey power assess`: charging carts and their circuits."""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

from netsurvey.commands._common import add_command
from netsurvey.errors import UsageError


def register(subparsers: Any) -> None:
    parser = add_command(
        subparsers,
        "power",
        help="charging carts: walk the rooms, assess circuits",
        description="Can the school's charging carts charge safely and in time? Record carts, "
        "circuits and clamp readings room by room, then assess every circuit, RCD and cart.",
        examples=[
            "netsurvey power walk --visit visits/riga-12-vsk/20261122T090000Z",
            "netsurvey power assess --visit visits/riga-12-vsk/20261122T090000Z",
            "netsurvey power assess --inventory inventories/example.yaml --school riga-12-vsk",
        ],
    )
    sub = parser.add_subparsers(dest="power_command", metavar="ACTION")
    sub.required = True

    walk = add_command(
        sub,
        "walk",
        help="interactive checklist of carts, circuits and clamp readings",
        description="Walk the school room by room and record carts, circuits, clamp-meter "
        "readings and photos of labels. Every answer is saved in the visit at once; run the "
        "same command again to continue where you stopped. Ctrl-D or 'q' stops.",
        examples=[
            "netsurvey power walk --visit visits/riga-12-vsk/20261122T090000Z",
        ],
    )
    walk.add_argument("--visit", required=True, type=Path, metavar="DIR", help="visit directory")
    walk.set_defaults(handler=run_walk)

    assess = add_command(
        sub,
        "assess",
        help="verdicts per circuit, RCD and cart, with fixes",
        description="Assess charging carts against their circuits (rms current with charger "
        "power factor vs 0.8 x breaker rating, inrush, RCD leakage, charge time). Measured "
        "loads (clamp readings, PDU/UPS over SNMP) replace the estimate where present. With "
        "--visit the result is also appended to the visit as a power_assessment record.",
        examples=[
            "netsurvey power assess --visit visits/riga-12-vsk/20261122T090000Z",
            "netsurvey power assess --visit DIR --json > power.json",
            "netsurvey power assess --inventory inventories/example.yaml --school riga-12-vsk",
            "netsurvey power assess --inventory FILE --school ID --continuous-ratio 1.0",
        ],
    )
    source = assess.add_mutually_exclusive_group(required=True)
    source.add_argument("--visit", type=Path, metavar="DIR", help="visit directory")
    source.add_argument("--inventory", type=Path, metavar="FILE", help="inventory YAML")
    assess.add_argument("--school", metavar="ID", help="school id (with --inventory)")
    assess.add_argument("--json", action="store_true", help="print the assessment as JSON")
    assess.add_argument(
        "--no-record", action="store_true", help="do not append the result to the visit"
    )
    assess.add_argument(
        "--continuous-ratio",
        type=float,
        metavar="K",
        help="design continuous current as a share of the breaker rating (default 0.8)",
    )
    assess.add_argument(
        "--charger-pf",
        type=float,
        metavar="PF",
        help="charger power factor where none was measured (default 0.55)",
    )
    assess.set_defaults(handler=run_assess)


def _settings(args: argparse.Namespace) -> Any:
    from netsurvey.power.settings import PowerSettings

    settings = PowerSettings()
    if args.continuous_ratio is not None:
        if not 0.1 <= args.continuous_ratio <= 1.0:
            raise UsageError(
                f"--continuous-ratio {args.continuous_ratio:g}: expected 0.1-1.0 (0.8 is usual)"
            )
        settings = replace(settings, continuous_ratio=args.continuous_ratio)
    if args.charger_pf is not None:
        if not 0.1 <= args.charger_pf <= 1.0:
            raise UsageError(f"--charger-pf {args.charger_pf:g}: expected 0.1-1.0 (0.55 is usual)")
        settings = replace(settings, charger_pf_mode=args.charger_pf)
    return settings


def run_assess(args: argparse.Namespace) -> int:
    from rich.console import Console

    from netsurvey.power.assess import assess_site
    from netsurvey.power.recordio import assessment_record
    from netsurvey.power.render import render_assessment
    from netsurvey.power.sources import site_from_school, site_from_visit
    from netsurvey.records import VisitWriter, read_visit

    settings = _settings(args)
    if args.visit is not None:
        if args.school:
            raise UsageError("--school goes with --inventory; a visit already names its school")
        visit = read_visit(args.visit)
        result = assess_site(site_from_visit(visit, settings), settings)
        if not args.no_record:
            writer = VisitWriter.open(args.visit)
            writer.append(
                assessment_record(
                    result.school_id,
                    result.metrics(),
                    result.to_json(),
                    result.measurement_ids,
                )
            )
            writer.seal()
    else:
        from netsurvey.inventory import load_inventory

        if not args.school:
            raise UsageError("--inventory needs --school ID (which school to assess)")
        school = load_inventory(args.inventory).school(args.school)
        result = assess_site(site_from_school(school), settings)
    if args.json:
        print(json.dumps(result.to_json(), indent=2, ensure_ascii=False))
    else:
        render_assessment(result, Console(width=None if sys.stdout.isatty() else 110))
    return 0


def run_walk(args: argparse.Namespace) -> int:
    from netsurvey.power.walk import PowerWalk

    return PowerWalk.open(args.visit).run()
