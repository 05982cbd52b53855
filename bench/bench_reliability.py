"""Reliability table: 50 kill -9 trials of a survey, written to bench/reliability.json.

Each trial kills the survey at a random moment after its first record, checks every
finished record and raw file, then resumes and checks the visit completes without
repeating finished jobs. (Fault-injection and secret-grep results from the test
suite are listed alongside when present, with the time the CLI takes to refuse a YAML
alias bomb.) ``--suites-only [--only NAME,NAME]`` re-runs just those table rows.
"""

from __future__ import annotations

import contextlib
import json
import os
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
    # Hostile input, signals and output hygiene (issue 14): one row per fault class.
    "hostile_yaml_alias_bomb_size_numbers": "tests/hostile/test_yaml_inputs.py",
    "hostile_ids_lookalike_and_wide_scope": "tests/hostile/test_ids_and_scope.py",
    "hostile_plan_image_svg_exfiltration": "tests/hostile/test_plan_image.py",
    "hostile_target_no_dns_capture": "tests/hostile/test_target_no_dns.py",
    "option_values_and_log_hygiene": "tests/hostile/test_cli_hygiene.py",
    "sigterm_and_report_worker_cleanup": "tests/hostile/test_signals.py",
    "all_probes_failed_no_grade": "tests/trust/test_incomplete.py",
    "evidence_altered_unsealed_symlinked": "tests/trust/test_integrity.py",
}


def run_suites(only: set[str] | None = None) -> dict[str, dict[str, object]]:
    import re
    import subprocess

    table: dict[str, dict[str, object]] = {}
    for name, path in SUITES.items():
        if only is not None and name not in only:
            continue
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


def measure_alias_bomb(runs: int = 5) -> dict[str, object]:
    """How long the CLI takes to refuse a 342-byte alias bomb (process start included,
    so the machine's load shows in it), and the loader alone (in this process)."""
    import statistics
    import subprocess

    from tests.hostile.conftest import ALIAS_BOMB, FEATURES

    with tempfile.TemporaryDirectory(prefix="netsurvey-bomb-") as tmp:
        bomb = Path(tmp) / "bomb.yaml"
        bomb.write_text(ALIAS_BOMB, encoding="utf-8")
        features = Path(tmp) / "features.yaml"
        features.write_text("schema_version: 1\n" + ALIAS_BOMB + "schools: *i\n", encoding="utf-8")
        cases = {
            "inventory_check": ["inventory", "check", str(bomb)],
            "score_features": ["score", "--features", str(features), "--json"],
            "score_profile": ["score", "--features", str(FEATURES), "--profile", str(bomb), "--json"],
        }
        row: dict[str, object] = {"bomb_bytes": len(ALIAS_BOMB.encode()), "runs": runs,
                                  "load_average_1m": round(os.getloadavg()[0], 2)}  # fmt: skip
        from netsurvey.errors import InventoryError
        from netsurvey.yamlsource import load_yaml

        started = time.perf_counter()
        for _ in range(runs):
            with contextlib.suppress(InventoryError):
                load_yaml(bomb, InventoryError)
        row["loader_refusal_s"] = round((time.perf_counter() - started) / runs, 5)
        for name, argv in cases.items():
            times, codes = [], set()
            for _ in range(runs):
                started = time.perf_counter()
                completed = subprocess.run([sys.executable, "-m", "netsurvey", *argv], cwd=REPO,
                                           capture_output=True, timeout=10, check=False)  # fmt: skip
                times.append(time.perf_counter() - started)
                codes.add(completed.returncode)
            row[name] = {"median_s": round(statistics.median(times), 3),
                         "max_s": round(max(times), 3), "exit_codes": sorted(codes)}  # fmt: skip
            print(f"alias bomb, {name}: median {statistics.median(times):.3f} s, exit {sorted(codes)}")
    return row


def main() -> int:
    if "--suites-only" in sys.argv:
        # --suites-only [--only NAME,NAME]: re-run some rows and keep the others as they are.
        only = None
        if "--only" in sys.argv:
            only = set(sys.argv[sys.argv.index("--only") + 1].split(","))
        output = REPO / "bench" / "reliability.json"
        previous = json.loads(output.read_text()) if output.exists() else {}
        previous["suites"] = previous.get("suites", {}) | run_suites(only)
        previous["alias_bomb"] = measure_alias_bomb()
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
    previous["alias_bomb"] = measure_alias_bomb()
    output.write_text(json.dumps(previous, indent=2) + "\n", encoding="utf-8")
    print(f"{summary['survived']}/{summary['trials']} trials survived; written {output}")
    return 0 if summary["survived"] == summary["trials"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
