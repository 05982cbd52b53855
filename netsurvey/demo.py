"""`netsurvey demo`: the whole job on the built-in simulated schools.

For each demo school: bring its lab up, run the real survey against it (inside the
school's namespace as root), walk the Wi-Fi survey points from replayed scans, and
tear the lab down. Then score every visit, render the PDF reports (Latvian and
English) and the municipality summary sheet. Every step goes through the same CLI
commands a technician uses, so the demo shows exactly what the product does.
"""

from __future__ import annotations

import os
import secrets
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from rich.console import Console
from rich.table import Table

from netsurvey.errors import LabError
from netsurvey.inventory import School, load_inventory
from netsurvey.lab.school import (
    COMMUNITY_ENV,
    SSH_PASSWORD_ENV,
    LabRun,
    LabSchool,
    can_use_namespaces,
)
from netsurvey.lab.wifi_sim import survey_points


@dataclass(frozen=True)
class DemoResult:
    visits: tuple[Path, ...]
    scores: Path
    reports: tuple[Path, ...]
    summary: tuple[Path, ...]
    elapsed_s: float


def run_demo(
    inventories: Sequence[Path],
    out: Path,
    *,
    console: Console | None = None,
    namespaces: bool | None = None,
) -> DemoResult:
    console = console or Console(file=sys.stderr, highlight=False)
    started = time.monotonic()
    use_namespaces = can_use_namespaces() if namespaces is None else namespaces
    _prepare(out)
    os.environ.setdefault(COMMUNITY_ENV, "demo-" + secrets.token_hex(4))
    os.environ.setdefault(SSH_PASSWORD_ENV, secrets.token_hex(8))
    if not use_namespaces:
        console.print(
            "[yellow]not root: the lab runs on loopback without link shaping; "
            "bandwidth figures will be loopback speeds (the reports say so)[/]"
        )
    schools = [
        (path, school)
        for path in inventories
        for school in load_inventory(path).schools
        if school.lab
    ]
    if not schools:
        raise LabError("no demo schools found", hint="the inventories need a `lab:` section")
    visits: list[Path] = []
    for number, (path, school) in enumerate(schools, start=1):
        console.rule(f"[bold]{number}/{len(schools)} {school.name}[/] ({school.municipality})")
        visits.append(_survey_school(path, school, out, use_namespaces, console))
    console.rule("[bold]scoring, reports and summary[/]")
    scores = out / "scores.json"
    _step(console, "score every visit", ["score", *map(str, visits), "--out", str(scores)])
    reports_dir = out / "reports"
    _step(
        console,
        "render PDF reports (lv, en)",
        [
            "report",
            "--all",
            str(out / "visits"),
            "--scores",
            str(scores),
            "--out",
            str(reports_dir),
            "--lang",
            "lv,en",
        ],
    )
    summary = (out / "summary.xlsx", out / "summary.csv")
    for target in summary:
        _step(
            console,
            f"write {target.name}",
            ["summary", *map(str, visits), "--scores", str(scores), "--out", str(target)],
        )
    reports = tuple(sorted(reports_dir.glob("*.pdf")))
    result = DemoResult(tuple(visits), scores, reports, summary, time.monotonic() - started)
    _print_result(console, result)
    return result


def _prepare(out: Path) -> None:
    """Start from a clean output folder (the demo's own files only) and no stale lab."""
    from netsurvey.lab.netns import remove_stale_namespaces

    if os.geteuid() == 0:
        remove_stale_namespaces()
    for name in ("visits", "reports", "lab", "scores.json", "summary.xlsx", "summary.csv"):
        target = out / name
        if target.is_dir():
            shutil.rmtree(target)
        elif target.exists():
            target.unlink()
    out.mkdir(parents=True, exist_ok=True)


def _survey_school(
    path: Path, school: School, out: Path, use_namespaces: bool, console: Console
) -> Path:
    lab = LabSchool(
        school,
        path,
        out / "lab",
        community=os.environ[COMMUNITY_ENV],
        ssh_password=os.environ[SSH_PASSWORD_ENV],
        namespaces=use_namespaces,
    )
    with console.status(f"starting the simulated network of {school.id}…"):
        run = lab.up()
    try:
        _describe_lab(console, run)
        visit = _run_survey(run, school, out / "visits", console)
        _walk_wifi(school, visit, out / "lab" / school.id / "wifi", console)
        _step(
            console,
            "Wi-Fi heatmaps",
            [
                *("wifi", "heatmap", "--visit", str(visit), "--out", str(visit / "out")),
                *("--lang", "en", "--lang", "lv"),
            ],  # each report embeds the maps in its language
        )
        _step(console, "charging-cart assessment", ["power", "assess", "--visit", str(visit)])
    finally:
        with console.status("tearing the lab down…"):
            lab.down()
    return visit


def _describe_lab(console: Console, run: LabRun) -> None:
    if run.links:
        console.print(
            f"lab: namespaces, LAN {run.links['lan_bps'] / 1e6:g} Mbit/s, "
            f"WAN {run.links['wan_down_bps'] / 1e6:g}/{run.links['wan_up_bps'] / 1e6:g} Mbit/s (tc tbf)"
        )
    for note in run.notes:
        console.print(f"[yellow]note:[/] {note}")


def _run_survey(run: LabRun, school: School, visits_root: Path, console: Console) -> Path:
    argv = [sys.executable, "-m", "netsurvey", "survey", run.inventory, "--school", school.id,
            "--out", str(visits_root), "--operator", "netsurvey demo"]  # fmt: skip
    if run.client_namespace:
        argv = ["ip", "netns", "exec", run.client_namespace, *argv]
    console.print(f"survey of {school.id}: {' '.join(argv[-9:-6])} …")
    completed = subprocess.run(
        argv, stdout=subprocess.PIPE, stderr=None, text=True, timeout=900, check=False
    )
    if completed.returncode not in (0, 1):
        raise LabError(f"the survey of {school.id} stopped with exit code {completed.returncode}")
    lines = [line for line in completed.stdout.splitlines() if line.strip()]
    if not lines:
        raise LabError(f"the survey of {school.id} printed no visit directory")
    return Path(lines[-1])


def _walk_wifi(school: School, visit: Path, scans_dir: Path, console: Console) -> None:
    points = survey_points(school)
    scans_dir.mkdir(parents=True, exist_ok=True)
    with console.status(
        f"Wi-Fi walk: {len(points)} survey points in {len({p.room for p in points})} rooms…"
    ):
        for index, point in enumerate(points):
            scan = scans_dir / f"{point.room}-{index}.iw"
            scan.write_text(point.scan_text, encoding="utf-8")
            _cli(["-q", "wifi", "point", "--visit", str(visit), "--room", point.room,
                  "--x", f"{point.x_m:g}", "--y", f"{point.y_m:g}", "--replay", str(scan), "--scans", "1",
                  "--interval", "0"])  # fmt: skip
    console.print(f"Wi-Fi walk: {len(points)} points recorded")


def _cli(argv: list[str]) -> int:
    """Run a netsurvey command in-process; its stdout (tables meant for a person at that
    step) is kept out of the demo's own progress output."""
    import contextlib
    import io

    from netsurvey.cli import main

    with contextlib.redirect_stdout(io.StringIO()):
        code = main(argv)
    if code not in (0, 1):
        raise LabError(f"`netsurvey {' '.join(argv)}` failed with exit code {code}")
    return code


def _step(
    console: Console, title: str, argv: list[str], runner: Callable[[list[str]], int] = _cli
) -> None:
    with console.status(f"{title}…"):
        started = time.monotonic()
        runner(["-q", *argv])
    console.print(f"{title}: done in {time.monotonic() - started:.1f} s")


def _print_result(console: Console, result: DemoResult) -> None:
    import json

    data = json.loads(result.scores.read_text(encoding="utf-8"))
    table = Table(title="Demo schools", title_justify="left")
    for column in ("school", "municipality", "grade", "score", "bottleneck"):
        table.add_column(column)
    for school in data.get("schools", []):
        overall = school.get("overall") or {}
        bottleneck = school.get("bottleneck") or {}
        score = overall.get("score")
        table.add_row(
            school.get("name", school.get("school_id", "")),
            school.get("municipality", ""),
            str(overall.get("grade", "–")),
            "–" if score is None else f"{score:.0f}",
            str(bottleneck.get("text") or bottleneck.get("dimension") or "–"),
        )
    console.print(table)
    console.print(f"scores:  {result.scores}")
    for report in result.reports:
        console.print(f"report:  {report}")
    for sheet in result.summary:
        console.print(f"summary: {sheet}")
    console.print(f"finished in {result.elapsed_s:.0f} s")


def demo_main(inventories: Sequence[Path], out: Path, namespaces: bool | None = None) -> int:
    run_demo(inventories, out, namespaces=namespaces)
    return 0
