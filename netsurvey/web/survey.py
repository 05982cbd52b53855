"""The survey dashboard's engine: the school's plan run on the same ``Runner`` as
`netsurvey survey` (same jobs, same records), with progress published as events."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from netsurvey.plan import plan_school
from netsurvey.records import Measurement
from netsurvey.runner import Job, Runner, RunOutcome
from netsurvey.web.events import Broker
from netsurvey.web.visit import FieldVisit
from probes.registry import load_probe

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class JobRow:
    job_id: str
    probe: str
    description: str
    state: str  # ok | failed | skipped | invalid | running | queued | to do
    reason: str | None  # why it failed or was skipped
    measurement_id: str | None


class _Progress:
    """A ``RunObserver`` that turns runner callbacks into events for the pages."""

    def __init__(self, broker: Broker, running: set[str]) -> None:
        self.broker = broker
        self.running = running
        self.total = 0
        self.finished = 0

    def run_started(self, total: int, skipped_by_resume: int) -> None:
        self.total = total
        self.broker.publish("run", {"state": "started", "total": total, "done": skipped_by_resume})

    def job_started(self, job: Job) -> None:
        self.running.add(job.job_id)
        self.broker.publish("job", {"job_id": job.job_id, "state": "running", **self._counts()})

    def job_finished(self, job: Job, measurement: Measurement) -> None:
        self.running.discard(job.job_id)
        self.finished += 1
        self.broker.publish(
            "job", {"job_id": job.job_id, "state": measurement.status, **self._counts()}
        )

    def run_finished(self, outcome: RunOutcome) -> None:
        self.broker.publish(
            "run",
            {
                "state": "interrupted" if outcome.interrupted else "finished",
                "failed": len(outcome.failed),
                **self._counts(),
            },
        )

    def _counts(self) -> dict[str, int]:
        return {"finished": self.finished, "total": self.total}


class SurveyRunner:
    """At most one run at a time; a run can be stopped, and resumed later from the
    records (jobs with an ok record are not run again, as with ``survey --resume``)."""

    def __init__(self, visit: FieldVisit, only: Sequence[str] | None, broker: Broker) -> None:
        self.visit = visit
        self.jobs = plan_school(visit.school, only)
        self.broker = broker
        self.running: set[str] = set()
        self.task: asyncio.Task[RunOutcome] | None = None
        self.progress: _Progress | None = None

    @property
    def active(self) -> bool:
        return self.task is not None and not self.task.done()

    def start(self) -> bool:
        """Run every job without an ok record; False if a run is already going."""
        if self.active:
            return False
        done = self.visit.read().ok_job_ids()
        self.progress = _Progress(self.broker, self.running)
        runner = Runner(self.visit.writer, load_probe, observer=self.progress)
        self.task = asyncio.create_task(self._run(runner, done), name="field-survey")
        return True

    async def _run(self, runner: Runner, done: set[str]) -> RunOutcome:
        try:
            return await runner.run(self.jobs, done_job_ids=done)
        finally:
            self.running.clear()
            await self.visit.seal_async()

    async def stop(self) -> None:
        if self.task is not None and not self.task.done():
            self.task.cancel()
            await asyncio.gather(self.task, return_exceptions=True)

    def rows(self, measurements: Sequence[Measurement]) -> list[JobRow]:
        latest: dict[str, Measurement] = {}
        for record in measurements:
            latest[record.job_id] = record
        ok = {m.job_id for m in measurements if m.status == "ok"}
        rows = []
        for job in self.jobs:
            found = latest.get(job.job_id)
            if job.job_id in self.running:
                state, reason = "running", None
            elif job.job_id in ok:
                state, reason = "ok", None
            elif found is not None:
                state, reason = found.status, _reason(found)
            else:
                state, reason = ("queued" if self.active else "to do"), None
            rows.append(
                JobRow(
                    job.job_id,
                    job.probe,
                    job.description,
                    state,
                    reason,
                    found.id if found else None,
                )
            )
        return rows


def _reason(record: Measurement) -> str | None:
    error: Mapping[str, str] | None = record.error
    if error:
        return f"{error.get('type', 'error')}: {error.get('message', '')}".strip()
    if record.warnings:
        return "; ".join(record.warnings[:2])
    return None
