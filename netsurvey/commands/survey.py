"""`netsurvey survey INVENTORY --school ID --out VISITS [--only ...] [--resume] [--operator NAME]`"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path
from typing import Any

from rich.console import Console

from netsurvey.commands._common import add_command
from netsurvey.errors import RecordsError
from netsurvey.inventory import load_inventory
from netsurvey.plan import plan_school
from netsurvey.progress import ProgressObserver, summary_table
from netsurvey.records import VISIT_FILE, VisitWriter, create_visit, read_visit
from netsurvey.runner import Job, run_jobs
from probes.registry import load_probe

log = logging.getLogger(__name__)


def register(subparsers: Any) -> None:
    parser = add_command(
        subparsers,
        "survey",
        help="run the survey of one school into a visit directory",
        description="Run every planned probe job for one school and record each outcome in "
        "VISITS/<school>/<visit>/ (visit.json, measurements.jsonl, raw/). Failed probes are "
        "recorded and the survey goes on. Exit 0 when all jobs succeeded, 1 when some failed "
        "(a table says which and why), 2 on usage or inventory errors, 130 when interrupted "
        "with Ctrl-C, 143 when stopped with SIGTERM (finished records are kept and sealed; "
        "continue with --resume).",
        examples=[
            'netsurvey survey inventories/example.yaml --school riga-12-vsk --out visits --operator "A. Bērziņš"',
            "netsurvey survey inventories/example.yaml --school riga-12-vsk --out visits --resume",
            "netsurvey survey inventories/example.yaml --school riga-12-vsk --out visits --only reachability,snmp",
        ],
    )
    parser.add_argument("inventory", metavar="INVENTORY")
    parser.add_argument("--school", required=True, metavar="ID")
    parser.add_argument(
        "--out", required=True, metavar="VISITS", type=Path, help="visits root folder"
    )
    parser.add_argument("--only", metavar="P1,P2", help="only these probes (see `netsurvey plan`)")
    parser.add_argument(
        "--resume",
        action="store_true",
        help="continue the latest visit; re-run only jobs without an ok record",
    )
    parser.add_argument(
        "--visit-id", metavar="ID", help="visit folder name (default: UTC start time)"
    )
    parser.add_argument("--operator", metavar="NAME", help="technician's name, kept in visit.json")
    parser.set_defaults(handler=run)


def latest_visit(visits_root: Path, school_id: str) -> Path | None:
    school_dir = visits_root / school_id
    if not school_dir.is_dir():
        return None
    visits = sorted(p for p in school_dir.iterdir() if (p / VISIT_FILE).is_file())
    return visits[-1] if visits else None


def missing_secrets(jobs: list[Job]) -> dict[str, list[str]]:
    """Environment variables the jobs name for secrets but that are not set -> job ids."""
    missing: dict[str, list[str]] = {}
    for job in jobs:
        for key, value in job.params.items():
            if key.endswith("_env") and value and value not in os.environ:
                missing.setdefault(value, []).append(job.job_id)
    return missing


def run(args: argparse.Namespace) -> int:
    inventory = load_inventory(args.inventory)
    school = inventory.school(args.school)
    jobs = plan_school(school, args.only.split(",") if args.only else None)
    console = Console(file=sys.stderr, highlight=False)
    for variable, job_ids in missing_secrets(jobs).items():
        console.print(
            f"[yellow]warning:[/] {variable} is not set, so {len(job_ids)} job(s) will fail "
            f"({', '.join(job_ids[:4])}{', …' if len(job_ids) > 4 else ''}); export it and use --resume",
            markup=True,
        )
    done: set[str] = set()
    directory: Path | None = None
    if args.resume:
        directory = (
            args.out / school.id / args.visit_id
            if args.visit_id
            else latest_visit(args.out, school.id)
        )
        if directory is None or not (directory / VISIT_FILE).is_file():
            raise RecordsError(
                f"{args.out / school.id}: no visit to resume",
                hint="run without --resume to start one",
            )
        visit = read_visit(directory)
        done = visit.ok_job_ids()
        if visit.info.data.get("inventory", {}).get("sha256") != inventory.sha256:
            log.warning("the inventory changed since this visit started; the new plan is used")
        console.print(f"resuming visit {directory}")
    else:
        directory = create_visit(
            args.out,
            school_id=school.id,
            school_json=school.to_json(),
            inventory_path=str(args.inventory),
            inventory_sha256=inventory.sha256,
            operator=args.operator,
            visit_id=args.visit_id,
        )
        console.print(f"visit {directory}")
    writer = VisitWriter.open(directory)
    observer = ProgressObserver(quiet=args.quiet)
    outcome = run_jobs(jobs, writer, load_probe, observer=observer, done_job_ids=done)
    digest = writer.seal()
    failed = [m for m in outcome.measurements if m.status != "ok"]
    if failed:
        console.print(summary_table(outcome))
    console.print(
        f"{len(outcome.measurements)} job(s) run, {len(outcome.failed)} failed, "
        f"{len(outcome.resumed)} already done; manifest sha256 {digest[:16]}…; visit: {directory}"
    )
    print(directory)
    if outcome.interrupted:
        return 130
    return 0 if not outcome.failed else 1
