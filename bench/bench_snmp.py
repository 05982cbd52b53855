"""Benchmark the snmp probe against net-snmp's snmpbulkwalk, in the same run.

(a) one corpus device: the probe's collection (interval_s=0) vs snmpbulkwalk over the
    same subtrees, one after another. Target: probe <= 2x the C tool.
(b) 20 snmpsim agents: poll_many over all of them at once vs snmpbulkwalk over the
    same subtrees of each agent, one agent after another. Target: probe faster.

Both sides use the same GETBULK max-repetitions. Writes bench/snmp.json.

    .venv/bin/python bench/bench_snmp.py [--device ios_2960x] [--runs 5] [--agents 20]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import shutil
import statistics
import subprocess
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

from netsurvey.lab.snmpsim import SnmpsimAgent
from probes.base import Target
from probes.snmp import SnmpProbe, poll_many
from probes.snmp_oids import COUNTER_ROOTS, STANDARD_ROOTS, SYSTEM_OIDS

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO.parent / "shared" / "corpus" / "snmprec"
MAX_REPETITIONS = 25
TARGET_RATIO_A = 2.0
# Devices for (b): every corpus walk but the 27k-row controller composite.
SKIP_IN_B = {"arubaos"}


def subtrees(probe: SnmpProbe, sys_object_id: str | None) -> list[str]:
    """The subtrees the probe walks for a device with this sysObjectID."""
    vendor = (r for p in probe.vendors.select(sys_object_id) for r in sorted(p.walk_roots()))
    return list(dict.fromkeys([*COUNTER_ROOTS, *STANDARD_ROOTS, *vendor]))


def sys_object_id_of(walk: Path) -> str | None:
    for line in walk.read_text(encoding="utf-8", errors="replace").splitlines():
        if line.startswith("1.3.6.1.2.1.1.2.0|"):
            return line.split("|", 2)[2]
    return None


def c_tool_walk(endpoint: str, community: str, roots: list[str]) -> tuple[float, int]:
    """snmpget of the system group, then snmpbulkwalk over each root; (seconds, rows).

    Rows are real varbinds: a walk of an absent subtree prints one "No Such Object"
    line for the root itself, which is not counted."""
    started = time.perf_counter()
    common = ["-v2c", "-c", community, "-On", "-t", "2", "-r", "2"]
    get = subprocess.run(
        ["snmpget", *common, endpoint, *SYSTEM_OIDS], capture_output=True, text=True, timeout=60
    )
    outputs = [("", get.stdout)]
    for root in roots:
        out = subprocess.run(
            ["snmpbulkwalk", *common, f"-Cr{MAX_REPETITIONS}", endpoint, root],
            capture_output=True,
            text=True,
            timeout=120,
        )
        outputs.append((root, out.stdout))
    seconds = time.perf_counter() - started
    rows = 0
    for root, text in outputs:
        for line in text.splitlines():
            oid, separator, value = line.partition(" = ")
            if separator and oid.lstrip(".") != root and not value.startswith("No Such"):
                rows += 1
    return seconds, rows


def probe_rows(raw_text: str) -> int:
    return sum(1 for line in raw_text.splitlines() if line and not line.startswith("#"))


async def probe_once(port: int, community_env: str) -> tuple[float, float, int]:
    probe = SnmpProbe()
    params = {
        "community_env": community_env,
        "interval_s": "0",
        "max_repetitions": str(MAX_REPETITIONS),
    }
    started = time.perf_counter()
    raw = await probe.collect(Target("127.0.0.1", port), params)
    collected = time.perf_counter() - started
    probe.parse(raw)
    parsed = time.perf_counter() - started - collected
    return collected, parsed, probe_rows(raw.text())


def bench_single(device: str, runs: int) -> dict[str, object]:
    probe = SnmpProbe()
    roots = subtrees(probe, sys_object_id_of(CORPUS / f"{device}.snmprec"))
    os.environ["NETSURVEY_BENCH_COMMUNITY"] = device
    with SnmpsimAgent(CORPUS) as agent:
        asyncio.run(probe_once(agent.port, "NETSURVEY_BENCH_COMMUNITY"))  # warm-up
        c_tool_walk(agent.endpoint, device, roots)
        probe_s, parse_s, c_s = [], [], []
        rows_probe = rows_c = 0
        for _ in range(runs):
            collected, parsed, rows_probe = asyncio.run(
                probe_once(agent.port, "NETSURVEY_BENCH_COMMUNITY")
            )
            probe_s.append(collected)
            parse_s.append(parsed)
            seconds, rows_c = c_tool_walk(agent.endpoint, device, roots)
            c_s.append(seconds)
    ratio = statistics.median(probe_s) / statistics.median(c_s)
    return {
        "device": device,
        "subtrees": len(roots),
        "runs": runs,
        "probe_collect_median_s": statistics.median(probe_s),
        "probe_parse_median_s": statistics.median(parse_s),
        "snmpbulkwalk_median_s": statistics.median(c_s),
        "rows_probe": rows_probe,
        "rows_snmpbulkwalk": rows_c,
        "same_rows": rows_probe == rows_c,
        "ratio_probe_to_c": ratio,
        "target_ratio": TARGET_RATIO_A,
        "meets_target": ratio <= TARGET_RATIO_A,
    }


def bench_many(agents: int) -> dict[str, object]:
    probe = SnmpProbe()
    walks = sorted(p for p in CORPUS.glob("*.snmprec") if p.stem not in SKIP_IN_B)
    chosen = [walks[n % len(walks)] for n in range(agents)]
    with (
        tempfile.TemporaryDirectory(prefix="netsurvey-bench-snmp-") as scratch,
        ExitStack() as stack,
    ):
        running = []
        for number, walk in enumerate(chosen):
            data = Path(scratch) / f"agent{number}"
            data.mkdir()
            shutil.copy(walk, data / walk.name)
            running.append((stack.enter_context(SnmpsimAgent(data)), walk))
        jobs = []
        for number, (agent, walk) in enumerate(running):
            os.environ[f"NETSURVEY_BENCH_C{number}"] = walk.stem
            jobs.append(
                (
                    Target("127.0.0.1", agent.port, device_id=walk.stem),
                    {
                        "community_env": f"NETSURVEY_BENCH_C{number}",
                        "interval_s": "0",
                        "max_repetitions": str(MAX_REPETITIONS),
                    },
                )
            )
        asyncio.run(poll_many(jobs[:2], concurrency=agents))  # warm-up imports
        started = time.perf_counter()
        outcomes = asyncio.run(poll_many(jobs, concurrency=agents))
        probe_s = time.perf_counter() - started
        failures = [str(o.error) for o in outcomes if o.error is not None]
        started = time.perf_counter()
        for agent, walk in running:
            c_tool_walk(agent.endpoint, walk.stem, subtrees(probe, sys_object_id_of(walk)))
        c_s = time.perf_counter() - started
    return {
        "agents": agents,
        "devices": [w.stem for w in chosen],
        "probe_concurrent_s": probe_s,
        "snmpbulkwalk_sequential_s": c_s,
        "ratio_probe_to_c": probe_s / c_s,
        "failures": failures,
        "meets_target": probe_s < c_s and not failures,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--device", default="ios_2960x")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--agents", type=int, default=20)
    parser.add_argument("--out", type=Path, default=REPO / "bench" / "snmp.json")
    args = parser.parse_args()
    result = {
        "machine": {"python": platform.python_version(), "cpu": platform.machine()},
        "max_repetitions": MAX_REPETITIONS,
        "single_device": bench_single(args.device, args.runs),
        "many_agents": bench_many(args.agents),
    }
    args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
