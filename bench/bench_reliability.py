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

TRIALS = int(sys.argv[1]) if len(sys.argv) > 1 and sys.argv[1].isdigit() else 50

# What else was tried, and which test proves it survived (run here, results tabled).
SUITES = {
    "fault_injection_survey": "tests/reliability/test_fault_survey.py",
    "fault_injection_snmp": "tests/snmp/test_faults.py",
    "fault_injection_ssh": "tests/ssh/test_faults.py",
    "fuzz_inventory_and_records": "tests/reliability/test_fuzz_core.py",
    "fuzz_parsers": "tests/reliability/test_fuzz_parsers.py",
    "hostile_strings_pdf_and_sheet": "tests/report/test_hostile.py",
    "secrets_scope_integrity_demo": "tests/demo/test_demo.py",
    "scope_capture_survey": "tests/spine/test_scope_capture.py",
    "integrity_verify": "tests/spine/test_verify.py",
}


def run_suites() -> dict[str, dict[str, object]]:
    import re
    import subprocess

    table: dict[str, dict[str, object]] = {}
    for name, path in SUITES.items():
        started = time.monotonic()
        completed = subprocess.run(
            [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", path],
            cwd=REPO, capture_output=True, text=True, check=False,
        )  # fmt: skip
        counts = {
            kind: int(n)
            for n, kind in re.findall(r"(\d+) (passed|failed|skipped|error)", completed.stdout)
        }
        table[name] = {"tests": path, **counts, "survived": completed.returncode == 0,
                       "elapsed_s": round(time.monotonic() - started, 1)}  # fmt: skip
        print(
            f"{name}: {counts} ({'survived' if completed.returncode == 0 else 'FAILED'})",
            flush=True,
        )
    return table


def main() -> int:
    if "--suites-only" in sys.argv:
        output = REPO / "bench" / "reliability.json"
        previous = json.loads(output.read_text()) if output.exists() else {}
        previous["suites"] = run_suites()
        output.write_text(json.dumps(previous, indent=2) + "\n", encoding="utf-8")
        return 0 if all(row["survived"] for row in previous["suites"].values()) else 1
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
    previous["suites"] = run_suites()
    output.write_text(json.dumps(previous, indent=2) + "\n", encoding="utf-8")
    print(f"{summary['survived']}/{summary['trials']} trials survived; written {output}")
    return 0 if summary["survived"] == summary["trials"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
