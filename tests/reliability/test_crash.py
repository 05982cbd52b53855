"""kill -9 at random moments of a survey: finished records stay intact and --resume
completes the visit (a few trials here; `make bench` runs 50)."""

from __future__ import annotations

import random
from pathlib import Path

from netsurvey.lab.crash import run_trial, summarise

TRIALS = 4


def write_inventory(path: Path, devices: int = 16) -> Path:
    lines = [
        "schema_version: 1",
        "schools:",
        "  - id: crash-school",
        "    name: Crash",
        "    municipality: Test",
        "    scope: [198.18.0.0/15]",
        "    survey: {reachability_count: 8}",
        "    devices:",
    ]
    lines += [
        f"      - {{id: d{i:02d}, role: switch, mgmt_ip: 127.0.2.{i + 1}}}" for i in range(devices)
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_kill_9_trials(tmp_path: Path) -> None:
    inventory = write_inventory(tmp_path / "inv.yaml")
    rng = random.Random(20261122)
    results = [
        run_trial(i, inventory, "crash-school", tmp_path, kill_window_s=(0.0, 1.5), rng=rng)
        for i in range(TRIALS)
    ]
    summary = summarise(results)
    failures = [r for r in results if not r.survived]
    assert not failures, failures
    assert summary["records_checked"], "no trial killed the survey after a record was written"
