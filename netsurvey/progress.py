"""Progress on stderr while a survey runs: a rich display on a terminal, plain lines otherwise.

It is a ``RunObserver``: the runner calls it, it never drives the runner.
"""

from __future__ import annotations

import sys
from collections import Counter
from typing import TextIO

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table

from netsurvey.records import Measurement
from netsurvey.runner import Job, RunOutcome

STATUS_STYLE = {"ok": "green", "failed": "red", "skipped": "yellow", "invalid": "magenta"}


class ProgressObserver:
    def __init__(self, stream: TextIO | None = None, quiet: bool = False) -> None:
        self.console = Console(file=stream or sys.stderr, highlight=False)
        self.quiet = quiet
        self.counts: Counter[str] = Counter()
        self.total = 0
        self.done = 0
        self._progress: Progress | None = None
        self._task: TaskID | None = None

    @property
    def interactive(self) -> bool:
        return self.console.is_terminal and not self.quiet

    def run_started(self, total: int, skipped_by_resume: int) -> None:
        self.total = total
        if skipped_by_resume and not self.quiet:
            self.console.print(
                f"resume: {skipped_by_resume} job(s) already have an ok record and are not repeated"
            )
        if self.interactive:
            self._progress = Progress(
                TextColumn("[bold]survey[/]"),
                BarColumn(),
                MofNCompleteColumn(),
                TextColumn("{task.fields[failures]}"),
                TimeElapsedColumn(),
                TextColumn("{task.fields[current]}"),
                console=self.console,
                transient=False,
            )
            self._progress.start()
            self._task = self._progress.add_task("survey", total=total, failures="", current="")
        elif not self.quiet:
            self.console.print(f"survey: {total} job(s) to run")

    def job_started(self, job: Job) -> None:
        if self._progress is not None and self._task is not None:
            self._progress.update(self._task, current=job.job_id)

    def job_finished(self, job: Job, measurement: Measurement) -> None:
        self.done += 1
        self.counts[measurement.status] += 1
        failures = self.counts["failed"]
        if self._progress is not None and self._task is not None:
            self._progress.update(
                self._task,
                advance=1,
                failures=f"[red]{failures} failed[/]" if failures else "",
            )
        elif not self.quiet:
            reason = f" – {measurement.error['message']}" if measurement.error else ""
            self.console.print(
                f"[{self.done}/{self.total}] {measurement.status:<7} {job.job_id} "
                f"({measurement.duration_s or 0:.1f} s){reason}",
                markup=False,
            )

    def run_finished(self, outcome: RunOutcome) -> None:
        if self._progress is not None:
            self._progress.stop()
        if outcome.interrupted:
            self.console.print(
                f"[yellow]interrupted:[/] {len(outcome.measurements)} job(s) finished and kept, "
                f"{len(outcome.not_run)} not run; continue with --resume"
            )


def summary_table(outcome: RunOutcome) -> Table:
    """Which jobs failed or were skipped, and why."""
    table = Table(title="Jobs that did not succeed", title_justify="left", show_lines=False)
    table.add_column("job")
    table.add_column("status")
    table.add_column("reason", overflow="fold")
    for measurement in outcome.measurements:
        if measurement.status == "ok":
            continue
        reason = (
            measurement.error["message"] if measurement.error else "; ".join(measurement.warnings)
        )
        style = STATUS_STYLE.get(measurement.status, "")
        table.add_row(measurement.job_id, f"[{style}]{measurement.status}[/]", reason)
    return table
