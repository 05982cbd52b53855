"""Reliability table: 50 kill -9 trials of a survey, written to bench/reliability.json.

Each trial kills the survey at a random moment after its first record, checks every
finished record and raw file, then resumes and checks the visit completes without
repeating finished jobs. (Fault-injection and secret-grep results from the test
suite are listed alongside when present.)
"""

from __future__ import annotations

import json
import random
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from netsurvey.lab.crash import run_trial, summarise  # noqa: E402
from tests.reliability.test_crash import write_inventory  # noqa: E402

TRIALS = int(sys.argv[1]) if len(sys.argv) > 1 else 50


def main() -> int:
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="netsurvey-crash-") as tmp:
        work = Path(tmp)
        inventory = write_inventory(work / "inv.yaml", devices=24)
        rng = random.Random(1)
        results = []
        for trial in range(TRIALS):
            result = run_trial(
                trial, inventory, "crash-school", work, kill_window_s=(0.0, 2.0), rng=rng
            )
            results.append(result)
            print(
                f"trial {trial:02d}: kill after {result.kill_after_s:.2f} s, {result.records_before_kill} records, "
                f"{'survived' if result.survived else 'FAILED: ' + str(result.problem)}",
                flush=True,
            )
    summary = summarise(results)
    output = REPO / "bench" / "reliability.json"
    previous = json.loads(output.read_text()) if output.exists() else {}
    previous["kill_9"] = summary | {"elapsed_s": round(time.monotonic() - started, 1)}
    output.write_text(json.dumps(previous, indent=2) + "\n", encoding="utf-8")
    print(f"{summary['survived']}/{summary['trials']} trials survived; written {output}")
    return 0 if summary["survived"] == summary["trials"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
