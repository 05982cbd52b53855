"""Scorer benchmark, written to bench/scoring.json.

* Evaluations (school x scenario x draw) per second of the vectorised model and of
  the plain per-school reference in tests/scoring/reference.py, in the same run, on
  the same synthetic schools (target: vectorised >= 100x the reference).
* The full target run: 1,000 schools x 7 scenarios (S1-S7) x 1,000 draws, timed in a
  child process whose peak RSS is read from getrusage (targets: < 10 s on 2 cores,
  < 2 GB).  The child splits the schools over ``--workers`` processes (default 2);
  each worker is chunked, so memory stays bounded.

    .venv/bin/python bench/bench_scoring.py [--schools 1000] [--draws 1000] [--workers 2]
"""

from __future__ import annotations

import argparse
import dataclasses
import itertools
import json
import os
import platform
import resource
import subprocess
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import numpy as np  # noqa: E402

from netsurvey.scoring.features import (  # noqa: E402
    AccessPoint,
    Cart,
    Circuit,
    Room,
    SchoolFeatures,
    Switch,
    Wan,
)
from netsurvey.scoring.model import evaluate, evaluate_indexed  # noqa: E402
from netsurvey.scoring.profile import Profile, load_profile  # noqa: E402
from netsurvey.scoring.tables import build_tables  # noqa: E402

OUT = REPO / "bench" / "scoring.json"
SEED = 20240901
CHANNELS = (36, 44, 52, 60, 100, 108, 116, 124)


def profile_s1_to_s7() -> Profile:
    """The Latvian profile with the seven scenarios of the issue (S3b is an extra fallback)."""
    profile = load_profile("lv-2024")
    return dataclasses.replace(
        profile, scenarios=tuple(s for s in profile.scenarios if s.id != "S3b")
    )


def synthetic_schools(count: int, seed: int = 7) -> tuple[SchoolFeatures, ...]:
    """Latvian-sized schools: 4-24 classrooms, one AP per 1-2 rooms, 1-3 switches."""
    rng = np.random.default_rng(seed)
    schools = []
    for index in range(count):
        n_rooms = int(rng.integers(4, 25))
        n_aps = max(1, round(n_rooms / rng.uniform(1.0, 2.0)))
        n_switches = int(rng.integers(1, 4))
        switches = tuple(
            Switch(
                f"sw{w}",
                float(rng.choice([1000, 10000])),
                float(rng.uniform(20, 200)),
                float(rng.choice([125, 240, 370])),
                float(rng.uniform(0, 40)),
            )
            for w in range(n_switches)
        )
        aps = tuple(
            AccessPoint(
                id=f"ap{j}",
                switch=f"sw{j % n_switches}",
                standard=str(rng.choice(["HT", "VHT", "HE"], p=[0.15, 0.55, 0.3])),
                streams=2,
                width_mhz=40 if rng.random() < 0.7 else 20,
                channel=int(CHANNELS[int(rng.integers(0, len(CHANNELS)))]),
                foreign_utilization_ratio=float(rng.uniform(0.02, 0.3)),
                bssids=int(rng.integers(1, 4)),
                port_speed_mbps=float(rng.choice([100, 1000, 2500], p=[0.1, 0.8, 0.1])),
                poe_class_required=4,
                poe_class_port=int(rng.choice([3, 4, 6])),
                hears=None,
            )
            for j in range(n_aps)
        )
        rooms = tuple(
            Room(
                id=f"r{r}",
                grade=int(rng.integers(1, 13)),
                pupils=int(rng.integers(10, 32)),
                ap=f"ap{r % n_aps}",
                rssi_dbm=float(rng.uniform(-75, -45)),
                rssi_sd_db=float(rng.uniform(2, 7)),
                noise_dbm=float(rng.uniform(-96, -88)),
            )
            for r in range(n_rooms)
        )
        n_circuits = int(rng.integers(1, 3))
        circuits = tuple(
            Circuit(
                id=f"c{k}",
                breaker_a=float(rng.choice([10, 16])),
                other_loads_w=float(rng.uniform(0, 800)),
                rcd_ma=30.0,
            )
            for k in range(n_circuits)
        )
        carts = tuple(
            Cart(id=f"cart{c}", slots=30, charger_w=45.0, circuit=f"c{c % n_circuits}").sequenced(
                int(rng.choice([10, 30]))
            )
            for c in range(int(rng.integers(0, 4)))
        )
        wan = Wan(
            tuple(float(x) for x in rng.uniform(20, 900, int(rng.integers(3, 7)))),
            tuple(float(x) for x in rng.uniform(5, 300, int(rng.integers(0, 7)))),
        )
        schools.append(
            SchoolFeatures(
                id=f"bench-{index:05d}",
                name=f"Bench school {index}",
                municipality=None,
                students=sum(r.pupils for r in rooms),
                staff=int(rng.integers(10, 80)),
                client_standard="VHT",
                client_streams=2,
                device_ratio=1.0,
                rooms=rooms,
                aps=aps,
                switches=switches,
                wan=wan,
                carts=carts,
                circuits=circuits,
            )
        )
    return tuple(schools)


def _vectorised_part(args: tuple[int, int, int, int]) -> tuple[int, float]:
    """One worker's share: (schools scored, CPU seconds spent scoring them)."""
    start, stop, count, draws = args
    profile = profile_s1_to_s7()
    schools = synthetic_schools(count)[start:stop]
    cpu_started = time.process_time()
    chunks = evaluate_indexed(schools, profile, draws, SEED, tables=build_tables(profile))
    return sum(chunk.batch.size for _, chunk in chunks), time.process_time() - cpu_started


def child_run(count: int, draws: int, workers: int) -> dict[str, Any]:
    """Runs inside the child process: the full target run, timed, with its peak memory."""
    started = time.perf_counter()
    bounds = np.linspace(0, count, workers + 1).astype(int)
    parts = [(int(a), int(b), count, draws) for a, b in itertools.pairwise(bounds)]
    if workers == 1:
        outcomes = [_vectorised_part(parts[0])]
    else:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            outcomes = list(pool.map(_vectorised_part, parts))
    done = sum(n for n, _ in outcomes)
    busiest_worker_cpu = max(cpu for _, cpu in outcomes)
    elapsed = time.perf_counter() - started
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime
    return {
        "schools": done,
        "seconds": elapsed,
        "cpu_seconds": cpu,
        "busiest_worker_cpu_seconds": busiest_worker_cpu,
        "peak_rss_kib_self": own.ru_maxrss,
        "peak_rss_kib_largest_worker": children.ru_maxrss,
    }


def reference_rate(
    schools: tuple[SchoolFeatures, ...], profile: Profile, draws: int
) -> dict[str, Any]:
    from tests.scoring.reference import Reference

    started = time.perf_counter()
    cpu_started = time.process_time()
    for school in schools:
        Reference(school, profile, draws, SEED).run()
    elapsed = time.perf_counter() - started
    cpu = time.process_time() - cpu_started
    evaluations = len(schools) * len(profile.scenarios) * draws
    return {
        "schools": len(schools),
        "draws": draws,
        "seconds": round(elapsed, 3),
        "cpu_seconds": round(cpu, 3),
        "evaluations_per_s": evaluations / elapsed,
        "evaluations_per_cpu_s": evaluations / cpu,
    }


def vectorised_rate(
    schools: tuple[SchoolFeatures, ...], profile: Profile, draws: int
) -> dict[str, Any]:
    tables = build_tables(profile)
    evaluate(schools[:4], profile, 50, SEED, tables=tables)  # warm-up
    started = time.perf_counter()
    cpu_started = time.process_time()
    evaluate_indexed(schools, profile, draws, SEED, tables=tables)
    elapsed = time.perf_counter() - started
    cpu = time.process_time() - cpu_started
    evaluations = len(schools) * len(profile.scenarios) * draws
    return {
        "schools": len(schools),
        "draws": draws,
        "seconds": round(elapsed, 3),
        "cpu_seconds": round(cpu, 3),
        "evaluations_per_s": evaluations / elapsed,
        "evaluations_per_cpu_s": evaluations / cpu,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--schools", type=int, default=1000)
    parser.add_argument("--draws", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child_run(args.schools, args.draws, args.workers)))
        return 0
    profile = profile_s1_to_s7()
    sample = synthetic_schools(200)
    reference = reference_rate(sample[:4], profile, 25)
    vectorised = vectorised_rate(sample, profile, 1000)
    command = [
        sys.executable,
        __file__,
        "--child",
        "--schools",
        str(args.schools),
        "--draws",
        str(args.draws),
        "--workers",
        str(args.workers),
    ]
    child = subprocess.run(command, capture_output=True, text=True, check=True, timeout=900)
    full = json.loads(child.stdout.strip().splitlines()[-1])
    peak_kib = max(full["peak_rss_kib_self"], full["peak_rss_kib_largest_worker"])
    evaluations = args.schools * len(profile.scenarios) * args.draws
    result = {
        "benchmark": "scoring",
        "python": platform.python_version(),
        "numpy": np.__version__,
        "cpus": os.cpu_count(),
        "load_average_1min": os.getloadavg()[0],
        "scenarios": [s.id for s in profile.scenarios],
        "reference": reference,
        "vectorised": vectorised,
        "speedup_vs_reference": round(
            vectorised["evaluations_per_s"] / reference["evaluations_per_s"], 1
        ),
        "speedup_vs_reference_cpu": round(
            vectorised["evaluations_per_cpu_s"] / reference["evaluations_per_cpu_s"], 1
        ),
        "full_run": {
            "schools": args.schools,
            "scenarios": len(profile.scenarios),
            "draws": args.draws,
            "workers": args.workers,
            "evaluations": evaluations,
            "seconds": round(full["seconds"], 2),
            "cpu_seconds": round(full["cpu_seconds"], 2),
            # what the run takes on idle cores: the slowest worker's own CPU time
            "busiest_worker_cpu_seconds": round(full["busiest_worker_cpu_seconds"], 2),
            "evaluations_per_s": round(evaluations / full["seconds"]),
            "peak_rss_mib_per_process": round(peak_kib / 1024, 1),
            "peak_rss_mib_all_workers": round(peak_kib / 1024 * max(args.workers, 1), 1),
            "target_seconds": 10,
            "target_peak_mib": 2048,
        },
    }
    OUT.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
