"""Crash-consistency trials: kill a survey with SIGKILL at a random moment, check that
every record finished before the kill is intact and matches its raw files, then check
that ``--resume`` completes the visit without repeating finished jobs.

Used by the reliability tests (a few trials) and ``bench/bench_reliability.py`` (the
full count, results in ``bench/reliability.json``).
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from dataclasses import asdict, dataclass
from pathlib import Path


@dataclass(frozen=True)
class TrialResult:
    trial: int
    kill_after_s: float
    records_before_kill: int
    torn_tail: bool
    intact: bool
    resumed_ok: bool
    repeated_jobs: int
    jobs_total: int
    problem: str | None = None

    @property
    def survived(self) -> bool:
        return self.intact and self.resumed_ok and self.repeated_jobs == 0 and self.problem is None


def survey_argv(inventory: Path, school: str, out: Path, *extra: str) -> list[str]:
    return [sys.executable, "-m", "netsurvey", "-q", "survey", str(inventory), "--school", school,
            "--out", str(out), *extra]  # fmt: skip


def run_trial(
    trial: int,
    inventory: Path,
    school: str,
    work: Path,
    *,
    kill_window_s: tuple[float, float],
    extra: tuple[str, ...] = (),
    env: dict[str, str] | None = None,
    rng: random.Random,
) -> TrialResult:
    """Kill the survey ``kill_window_s`` (uniform random) after its first record appears."""
    out = work / f"trial-{trial:03d}"
    kill_after_s = round(rng.uniform(*kill_window_s), 3)
    process = subprocess.Popen(survey_argv(inventory, school, out, *extra), stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL, env=env)  # fmt: skip
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and process.poll() is None:
        files = list(out.glob(f"{school}/*/measurements.jsonl"))
        if files and files[0].stat().st_size > 0:
            break
        time.sleep(0.01)
    time.sleep(kill_after_s)
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    visits = sorted((out / school).glob("*/measurements.jsonl")) if (out / school).is_dir() else []
    if not visits:  # killed before the visit existed: resume must start cleanly instead
        completed = subprocess.run(survey_argv(inventory, school, out, *extra), capture_output=True, env=env,
                                   timeout=600, check=False)  # fmt: skip
        return TrialResult(
            trial, kill_after_s, 0, False, True, completed.returncode in (0, 1), 0, 0
        )
    measurements = visits[-1]
    intact, torn, finished, problem = check_records(measurements)
    completed = subprocess.run(survey_argv(inventory, school, out, *extra, "--resume"), capture_output=True,
                               env=env, timeout=600, check=False)  # fmt: skip
    _, _, after, problem_after = check_records(measurements)
    ok_counts = Counter(job for job, status in after if status == "ok")
    repeated = sum(1 for job, status in finished if status == "ok" and ok_counts[job] > 1)
    all_jobs = {job for job, _ in after}
    resumed_ok = (
        completed.returncode in (0, 1)
        and all(ok_counts[job] >= 1 for job in all_jobs)
        and bool(all_jobs)
    )
    return TrialResult(
        trial,
        kill_after_s,
        len(finished),
        torn,
        intact,
        resumed_ok,
        repeated,
        len(all_jobs),
        problem
        or problem_after
        or (None if resumed_ok else completed.stderr.decode(errors="replace")[-300:]),
    )


def check_records(measurements: Path) -> tuple[bool, bool, list[tuple[str, str]], str | None]:
    """(intact, torn tail seen, [(job_id, status)], problem) for one measurements.jsonl."""
    data = measurements.read_bytes()
    lines = data.split(b"\n")
    torn = bool(lines[-1].strip())  # no newline after the last record = torn write
    complete = lines[:-1]
    records: list[tuple[str, str]] = []
    for number, line in enumerate(complete, start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except ValueError:
            # a torn line repaired by a later writer is terminated but unreadable: allowed once, at a tail
            if number == len(complete) or b'"schema_version"' not in line:
                torn = True
                continue
            return False, torn, records, f"line {number} is corrupt"
        for ref in record.get("raw", []):
            raw_path = measurements.parent / ref["path"]
            if not raw_path.is_file():
                return False, torn, records, f"{ref['path']} missing"
            if hashlib.sha256(raw_path.read_bytes()).hexdigest() != ref["sha256"]:
                return False, torn, records, f"{ref['path']} does not match its sha256"
        records.append((record["job_id"], record["status"]))
    try:
        json.loads((measurements.parent / "visit.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False, torn, records, "visit.json corrupt"
    return True, torn, records, None


def summarise(results: list[TrialResult]) -> dict[str, object]:
    return {
        "trials": len(results),
        "survived": sum(r.survived for r in results),
        "records_checked": sum(r.records_before_kill for r in results),
        "torn_tails_seen": sum(r.torn_tail for r in results),
        "results": [asdict(r) | {"survived": r.survived} for r in results],
    }
