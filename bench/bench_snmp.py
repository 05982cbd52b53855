"""Benchmark the snmp probe against net-snmp's snmpbulkwalk, in the same run.

(a) one corpus device: the probe's collection (interval_s=0) vs net-snmp over the same
    subtrees (snmpget of the system group, then one snmpbulkwalk per subtree).
    Target: probe <= 1.2x the C tools.
(b) 20 snmpsim agents: poll_many over all of them at once vs the same net-snmp
    sequence for every agent, the 20 agents' sequences started in parallel (20
    snmpbulkwalk processes at a time). Target: probe <= 1.5x the C tools.

Both sides use the same GETBULK max-repetitions. Writes bench/snmp.json.

    .venv/bin/python bench/bench_snmp.py [--device ios_2960x] [--runs 5] [--agents 20]
                                         [--many-runs 3]
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
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from pathlib import Path

from netsurvey.lab.snmpsim import SnmpsimAgent
from probes.base import Target
from probes.snmp import SnmpProbe, poll_many
from probes.snmp_oids import COUNTER_ROOTS, STANDARD_ROOTS, SYSTEM_OIDS

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO.parent / "shared" / "corpus" / "snmprec"
MAX_REPETITIONS = 25
TARGET_RATIO_A = 1.2
TARGET_RATIO_B = 1.5
# Devices for (b): every corpus walk but the 27k-row controller composite.
SKIP_IN_B = {"arubaos"}


def subtrees(probe: SnmpProbe, sys_object_id: str | None, sys_descr: str | None) -> list[str]:
    """The subtrees the probe walks for a device with this sysObjectID and sysDescr."""
    profiles = probe.vendors.select(sys_object_id, sys_descr)
    vendor = (r for p in profiles for r in sorted(p.walk_roots()))
    return list(dict.fromkeys([*COUNTER_ROOTS, *STANDARD_ROOTS, *vendor]))


def _system_value(walk: Path, oid: str) -> str | None:
    for line in walk.read_text(encoding="utf-8", errors="replace").splitlines():
        if line.startswith(oid + "|"):
            _, tag, value = line.split("|", 2)
            return bytes.fromhex(value).decode("utf-8", "replace") if tag == "4x" else value
    return None


def sys_object_id_of(walk: Path) -> str | None:
    return _system_value(walk, "1.3.6.1.2.1.1.2.0")


def sys_descr_of(walk: Path) -> str | None:
    return _system_value(walk, "1.3.6.1.2.1.1.1.0")


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
    walk = CORPUS / f"{device}.snmprec"
    roots = subtrees(probe, sys_object_id_of(walk), sys_descr_of(walk))
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


def b_walk_names() -> list[str]:
    """The walks of MANIFEST.tsv (the original corpus: full switches, APs, PDUs),
    so (b) stays comparable across corpus growth."""
    manifest = CORPUS.parent / "MANIFEST.tsv"
    rows = manifest.read_text(encoding="utf-8").splitlines()[1:]
    return sorted(row.split("\t", 1)[0] for row in rows if row.strip())


def bench_many(agents: int, runs: int) -> dict[str, object]:
    probe = SnmpProbe()
    walks = [
        CORPUS / name for name in b_walk_names() if name.removesuffix(".snmprec") not in SKIP_IN_B
    ]
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
        work = [
            (agent.endpoint, walk.stem, subtrees(probe, sys_object_id_of(walk), sys_descr_of(walk)))
            for agent, walk in running
        ]
        probe_runs, c_runs, failures = [], [], []
        for _ in range(runs):  # interleaved, so both sides see the same machine load
            started = time.perf_counter()
            outcomes = asyncio.run(poll_many(jobs, concurrency=agents))
            probe_runs.append(time.perf_counter() - started)
            failures += [str(o.error) for o in outcomes if o.error is not None]
            started = time.perf_counter()
            with ThreadPoolExecutor(max_workers=len(work)) as pool:
                list(pool.map(lambda w: c_tool_walk(*w), work))
            c_runs.append(time.perf_counter() - started)
    probe_s, c_s = statistics.median(probe_runs), statistics.median(c_runs)
    ratio = probe_s / c_s
    return {
        "agents": agents,
        "devices": [w.stem for w in chosen],
        "runs": runs,
        "probe_concurrent_median_s": probe_s,
        "snmpbulkwalk_parallel_median_s": c_s,
        "ratio_probe_to_c": ratio,
        "target_ratio": TARGET_RATIO_B,
        "failures": failures,
        "meets_target": ratio <= TARGET_RATIO_B and not failures,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--device", default="ios_2960x")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--agents", type=int, default=20)
    parser.add_argument("--many-runs", type=int, default=3)
    parser.add_argument("--out", type=Path, default=REPO / "bench" / "snmp.json")
    args = parser.parse_args()
    result = {
        "machine": {"python": platform.python_version(), "cpu": platform.machine()},
        "load_average_before": os.getloadavg(),
        "max_repetitions": MAX_REPETITIONS,
        "single_device": bench_single(args.device, args.runs),
        "many_agents": bench_many(args.agents, args.many_runs),
    }
    result["load_average_after"] = os.getloadavg()
    args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
