"""Execute a plan of probe jobs and record every outcome.

Rules the runner guarantees:

* a job that fails, times out or crashes becomes a ``failed`` record; the run goes on;
* a probe whose ``check()`` fails marks its jobs ``skipped`` with the reason, before
  any of them starts;
* a target outside the school's scope is refused before any packet is sent;
* probes that load a link (``loads_link``) hold one shared lock and never overlap, and
  run only after every other job has finished, so latency, loss and SNMP utilisation
  are measured on a quiet network, not under our own test traffic;
* each probe has its own concurrency cap, and the whole run has a global cap;
* every record is fsynced as soon as its job ends, so kill -9 loses only jobs in flight;
* ``resume`` skips jobs that already have an ``ok`` record in the visit.

Progress display is an observer (``RunObserver``), not code inside the runner.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from netsurvey.records import (
    Measurement,
    RawRef,
    VisitWriter,
    clean_json,
    clean_metrics,
    iso,
    new_id,
    utc_now,
)
from probes.base import (
    JSONValue,
    Probe,
    ProbeError,
    ProbeFailed,
    ProbeResult,
    ProbeTimeout,
    ProbeUnavailable,
    RawOutput,
    Target,
)

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Job:
    job_id: str  # stable across runs: "probe:device-or-target[:variant]"
    probe: str
    target: Target
    params: Mapping[str, str] = field(default_factory=dict)
    timeout_s: float | None = None
    description: str = ""

    def to_json(self) -> dict[str, object]:
        return {
            "job_id": self.job_id,
            "probe": self.probe,
            "target": target_json(self.target),
            "params": dict(self.params),
            "timeout_s": self.timeout_s,
            "description": self.description,
        }


def target_json(target: Target) -> dict[str, JSONValue]:
    data: dict[str, JSONValue] = {
        "host": target.host,
        "port": target.port,
        "device_id": target.device_id,
    }
    if target.platform:
        data["platform"] = target.platform
    return data


class RunObserver(Protocol):
    def run_started(self, total: int, skipped_by_resume: int) -> None: ...

    def job_started(self, job: Job) -> None: ...

    def job_finished(self, job: Job, measurement: Measurement) -> None: ...

    def run_finished(self, outcome: RunOutcome) -> None: ...


class SilentObserver:
    def run_started(self, total: int, skipped_by_resume: int) -> None:
        pass

    def job_started(self, job: Job) -> None:
        pass

    def job_finished(self, job: Job, measurement: Measurement) -> None:
        pass

    def run_finished(self, outcome: RunOutcome) -> None:
        pass


@dataclass(frozen=True)
class RunOutcome:
    measurements: tuple[Measurement, ...]
    resumed: tuple[str, ...]  # job ids skipped because an ok record existed
    interrupted: bool = False
    not_run: tuple[str, ...] = ()  # job ids not finished because of the interruption

    @property
    def failed(self) -> tuple[Measurement, ...]:
        return tuple(m for m in self.measurements if m.status == "failed")

    @property
    def all_ok(self) -> bool:
        return not self.interrupted and all(
            m.status in ("ok", "skipped") for m in self.measurements
        )


ProbeLoader = Callable[[str], Probe]


class Runner:
    def __init__(
        self,
        writer: VisitWriter,
        load_probe: ProbeLoader,
        *,
        observer: RunObserver | None = None,
        global_concurrency: int = 8,
    ) -> None:
        self.writer = writer
        self.load_probe = load_probe
        self.observer: RunObserver = observer or SilentObserver()
        self.global_concurrency = global_concurrency

    async def run(self, jobs: Sequence[Job], *, done_job_ids: Iterable[str] = ()) -> RunOutcome:
        done = set(done_job_ids)
        todo = [job for job in jobs if job.job_id not in done]
        resumed = tuple(job.job_id for job in jobs if job.job_id in done)
        self.observer.run_started(len(todo), len(resumed))

        probes, unavailable = self._prepare(todo)
        global_limit = asyncio.Semaphore(self.global_concurrency)
        probe_limits = {
            name: asyncio.Semaphore(max(1, p.max_concurrency)) for name, p in probes.items()
        }
        link_lock = asyncio.Lock()
        results: list[Measurement] = []
        finished: set[str] = set()

        async def run_one(job: Job) -> None:
            if job.probe in unavailable:
                measurement = self._skipped(job, unavailable[job.probe])
            else:
                probe = probes[job.probe]
                async with global_limit, probe_limits[job.probe]:
                    lock = link_lock if probe.loads_link else contextlib.nullcontext()
                    async with lock:
                        self.observer.job_started(job)
                        measurement = await self._execute(job, probe)
            self.writer.append(measurement)
            results.append(measurement)
            finished.add(job.job_id)
            self.observer.job_finished(job, measurement)

        def loads_link(job: Job) -> bool:
            probe = probes.get(job.probe)
            return probe is not None and probe.loads_link

        phases = [
            [job for job in todo if not loads_link(job)],
            [job for job in todo if loads_link(job)],
        ]
        tasks: list[asyncio.Task[None]] = []
        interrupted = False
        try:
            for phase in phases:
                batch = [asyncio.create_task(run_one(job), name=job.job_id) for job in phase]
                tasks += batch
                await asyncio.gather(*batch)
        except asyncio.CancelledError:
            interrupted = True
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
        outcome = RunOutcome(
            measurements=tuple(results),
            resumed=resumed,
            interrupted=interrupted,
            not_run=tuple(job.job_id for job in todo if job.job_id not in finished),
        )
        self.observer.run_finished(outcome)
        return outcome

    def _prepare(self, jobs: Sequence[Job]) -> tuple[dict[str, Probe], dict[str, str]]:
        probes: dict[str, Probe] = {}
        unavailable: dict[str, str] = {}
        for name in dict.fromkeys(job.probe for job in jobs):
            try:
                probe = self.load_probe(name)
                probe.check()
            except ProbeUnavailable as exc:
                unavailable[name] = str(exc)
                continue
            probes[name] = probe
        return probes, unavailable

    def _skipped(self, job: Job, reason: str) -> Measurement:
        now = iso(utc_now())
        return Measurement(
            id=new_id(),
            job_id=job.job_id,
            probe=job.probe,
            status="skipped",
            started_at=now,
            finished_at=now,
            duration_s=0.0,
            target=target_json(job.target),
            params=_public_params(job.params),
            error={"type": "ProbeUnavailable", "message": reason},
        )

    async def _execute(self, job: Job, probe: Probe) -> Measurement:
        measurement_id = new_id()
        started = utc_now()
        clock = time.monotonic()
        raw: RawOutput | None = None
        result: ProbeResult | None = None
        error: dict[str, str] | None = None
        try:
            if job.target.host is not None:
                job.target.scope.check(job.target.host)
            timeout_s = job.timeout_s or probe.default_timeout_s
            try:
                raw = await asyncio.wait_for(probe.collect(job.target, job.params), timeout_s)
            except TimeoutError as exc:
                if isinstance(exc, ProbeError):
                    raise
                raise ProbeTimeout(
                    f"no result from {job.target.label()} within {timeout_s:g} s"
                ) from None
            result = probe.parse(raw)
        except ProbeError as exc:
            error = {"type": type(exc).__name__, "message": str(exc) or type(exc).__name__}
            raw = raw or _partial_raw(exc)
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # a crashing probe becomes a failed record; the run goes on
            log.debug("probe %s crashed on %s", job.probe, job.target.label(), exc_info=True)
            error = {"type": type(exc).__name__, "message": f"probe crashed: {exc}"}
        refs: tuple[RawRef, ...] = ()
        if raw is not None and raw.artifacts:
            refs = self.writer.write_raw(measurement_id, raw.artifacts, raw.secrets_used)
        duration_s = time.monotonic() - clock
        status = "failed" if error is not None or result is None else result.status
        return Measurement(
            id=measurement_id,
            job_id=job.job_id,
            probe=job.probe,
            status=status,
            started_at=iso(started),
            finished_at=iso(utc_now()),
            duration_s=round(duration_s, 6),
            target=target_json(job.target),
            params=_public_params(job.params),
            tool=raw.tool if raw else None,
            tool_version=raw.tool_version if raw else None,
            metrics=clean_metrics(result.metrics) if result else {},
            details=clean_json(dict(result.details)) if result else {},
            warnings=result.warnings if result else (),
            error=error,
            raw=refs,
        )


def _partial_raw(exc: ProbeError) -> RawOutput | None:
    """Probes may attach what they collected before failing (``exc.raw``) as evidence."""
    raw = getattr(exc, "raw", None)
    return raw if isinstance(raw, RawOutput) else None


def _public_params(params: Mapping[str, str]) -> dict[str, str]:
    """Parameters as recorded: secret *references* are fine, literal secrets never arrive here."""
    return {
        k: v
        for k, v in params.items()
        if k not in {"password", "community", "auth_key", "priv_key"}
    }


def run_jobs(
    jobs: Sequence[Job],
    writer: VisitWriter,
    load_probe: ProbeLoader,
    *,
    observer: RunObserver | None = None,
    done_job_ids: Iterable[str] = (),
) -> RunOutcome:
    """Run ``jobs`` to completion; Ctrl-C stops cleanly keeping every finished record."""
    runner = Runner(writer, load_probe, observer=observer)

    async def main() -> RunOutcome:
        return await runner.run(jobs, done_job_ids=done_job_ids)

    # asyncio.Runner turns the first Ctrl-C into a cancellation of main(); Runner.run
    # catches it, lets in-flight jobs go and returns what finished.
    with asyncio.Runner() as loop_runner:
        return loop_runner.run(main())


__all__ = ["Job", "ProbeFailed", "RunObserver", "RunOutcome", "Runner", "run_jobs"]
