"""Benchmark: big inputs stay within memory (issue "Trust", item 6).

1. A 200 MB visit (the sample visit's records repeated with fresh ids, sealed) is checked,
   scored and reported; peak RSS of each command is measured (target for the report:
   under 1 GB). Reference in the same run: the same commands on the original small
   visit, so the ratio says what the extra 200 MB cost.
2. A 10,000-room school in planning mode: netsurvey refuses it above the documented
   limit (1,000 rooms per school) with one line; its time and peak RSS are measured,
   against a 1,000-room school scored in full (the largest accepted size).

Writes bench/trust.json.

    .venv/bin/python bench/bench_trust.py [--visit-mb 200]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from netsurvey.records import write_manifest

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "tests" / "fixtures" / "report"
VISIT = FIXTURES / "visits" / "jaunciems" / "v-20261120"
REPORT_RSS_TARGET_MB = 1024


def run_measured(argv: list[str]) -> dict[str, object]:
    """Run a netsurvey command; its exit code, wall time and peak RSS (from wait4)."""
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "netsurvey", *argv],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    _, status, usage = os.wait4(process.pid, 0)
    stderr = process.stderr.read().decode("utf-8", "replace") if process.stderr else ""
    return {
        "exit": os.waitstatus_to_exitcode(status),
        "wall_s": round(time.perf_counter() - started, 2),
        "peak_rss_mb": round(usage.ru_maxrss / 1024, 1),
        "stderr_tail": stderr.strip().splitlines()[-1:] if stderr.strip() else [],
    }


def grow_visit(source: Path, target: Path, megabytes: int) -> int:
    """Copy a visit and repeat its records (new ids, same raw files) up to ``megabytes``."""
    shutil.copytree(source, target)
    records = []
    for line in (source / "measurements.jsonl").read_text().splitlines():
        try:
            records.append(json.loads(line))
        except json.JSONDecodeError:
            continue  # the sample keeps a torn last line on purpose
    written = 0
    count = 0
    with (target / "measurements.jsonl").open("w", encoding="utf-8") as handle:
        while written < megabytes * 1_000_000:
            for record in records:
                copy = {**record, "id": f"{record['id']}-r{count}"}
                line = json.dumps(copy, ensure_ascii=False) + "\n"
                handle.write(line)
                written += len(line)
                count += 1
    write_manifest(target)
    return count


def commands(visit: Path, work: Path, tag: str) -> dict[str, dict[str, object]]:
    scores = work / f"scores-{tag}.json"
    return {
        "verify": run_measured(["verify", str(visit)]),
        "score": run_measured(["score", str(visit), "--out", str(scores), "--draws", "200"]),
        "report": run_measured(
            ["report", str(visit), "--scores", str(scores), "--out", str(work / f"{tag}.pdf")]
        ),
    }


def features_file(path: Path, rooms: int) -> Path:
    aps = max(1, rooms // 2)
    lines = [
        "schema_version: 1",
        "schools:",
        "  - id: big",
        "    name: Liela skola",
        f"    students: {min(rooms * 25, 100_000)}",
        f"    staff: {min(rooms * 2, 10_000)}",
        "    rooms:",
    ]
    lines += [
        f"      - {{id: 'r{i}', grade: {7 + i % 3}, pupils: 25, ap: ap-{i // 2},"
        " rssi_dbm: -60, rssi_sd_db: 3}"
        for i in range(rooms)
    ]
    lines.append("    aps:")
    lines += [
        f"      - {{id: ap-{a}, switch: sw-{a // 20}, standard: VHT, streams: 2, width_mhz: 40,"
        f" channel: {36 + 4 * (a % 8)}, port_speed_mbps: 1000, poe_class_required: 4,"
        " poe_class_port: 4}"
        for a in range(aps)
    ]
    lines.append("    switches:")
    lines += [
        f"      - {{id: sw-{s}, uplink_mbps: 10000, uplink_busy_mbps: 50, poe_budget_w: 740}}"
        for s in range(max(1, aps // 20))
    ]
    lines.append("    wan: {down_mbps: [900, 950, 920], up_mbps: [900, 900, 900]}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--visit-mb", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        small = commands(VISIT, work, "small")
        big_visit = work / "visits" / "jaunciems" / "big"
        records = grow_visit(VISIT, big_visit, args.visit_mb)
        big = commands(big_visit, work, "big")
        planned = {
            "rooms_1000_scored": run_measured(
                [
                    "score",
                    "--features",
                    str(features_file(work / "r1000.yaml", 1000)),
                    "--out",
                    str(work / "p1.json"),
                    "--no-upgrades",
                ]
            ),
            "rooms_10000_refused": run_measured(
                [
                    "score",
                    "--features",
                    str(features_file(work / "r10000.yaml", 10_000)),
                    "--out",
                    str(work / "p2.json"),
                ]
            ),
        }
    report_rss = float(big["report"]["peak_rss_mb"])  # type: ignore[arg-type]
    result = {
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count()},
        "big_visit": {
            "megabytes": args.visit_mb,
            "records": records,
            "commands": big,
            "reference_small_visit": small,
            "report_rss_ratio_to_small": round(
                report_rss / float(small["report"]["peak_rss_mb"]),  # type: ignore[arg-type]
                2,
            ),
            "report_under_target": report_rss < REPORT_RSS_TARGET_MB,
        },
        "big_school": planned,
    }
    out = REPO / "bench" / "trust.json"
    out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
