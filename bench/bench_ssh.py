"""SSH collector: 10 FakeNOS devices concurrently vs one after another -> bench/ssh.json.

Each device serves real recordings (the shared corpus and tests/fixtures/cli) for
every question of its platform, so each collection is a full netmiko login plus all
of the platform's commands. Two fleets:

* ``cisco_ios_x10``: ten IOS switches (login is quick, so this measures our own
  concurrency: threads, the semaphore, FakeNOS serving ten sessions at once);
* ``mixed_x10``: one device of each supported platform plus one more IOS switch
  (several netmiko drivers wait on fixed timers at login, which overlap when
  concurrent).

Sequential (``max_concurrency=1``) is the reference; the ratio is sequential /
concurrent wall time, median of the runs. All FakeNOS devices share one Python
process, so the server side competes for one GIL: a real fleet of switches gains
more than this.

    .venv/bin/python bench/bench_ssh.py [RUNS]
"""

from __future__ import annotations

import asyncio
import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from netsurvey.lab.fakenos_host import FakeDevice, FakenosHosts  # noqa: E402
from probes.base import RawOutput, Target  # noqa: E402
from probes.ssh import SshProbe, collect_many  # noqa: E402
from probes.ssh_platforms import supported_platforms  # noqa: E402
from tests.ssh.ssh_samples import load_samples  # noqa: E402

CORPUS = Path(os.environ.get("NETSURVEY_CORPUS", REPO.parent / "shared" / "corpus"))
OUT = REPO / "bench" / "ssh.json"
USERNAME, PASSWORD, PASSWORD_ENV = "bench", "bench-Pa55", "NETSURVEY_BENCH_SSH_PASSWORD"


def outputs_for(platform_name: str) -> dict[str, str]:
    outputs: dict[str, str] = {}
    for sample in load_samples():
        if sample.platform == platform_name:
            outputs.setdefault(sample.command, sample.output(CORPUS))
    return outputs


def fleet(name: str) -> list[FakeDevice]:
    if name == "cisco_ios_x10":
        platforms = ["cisco_ios"] * 10
    else:
        platforms = [*supported_platforms(), "cisco_ios"]
    return [
        FakeDevice(f"dev{i}", p, USERNAME, PASSWORD, outputs_for(p))
        for i, p in enumerate(platforms)
    ]


def run_once(lab: FakenosHosts, devices: list[FakeDevice], concurrency: int) -> float:
    jobs = [
        (
            Target("127.0.0.1", lab.port(d.name)),
            {"platform": d.platform, "username": USERNAME, "password_env": PASSWORD_ENV},
        )
        for d in devices
    ]
    started = time.monotonic()
    results = asyncio.run(collect_many(jobs, max_concurrency=concurrency))
    elapsed = time.monotonic() - started
    probe = SshProbe()
    for device, result in zip(devices, results, strict=True):
        if not isinstance(result, RawOutput):
            raise SystemExit(f"{device.name} ({device.platform}) failed: {result}")
        parsed = probe.parse(result)
        if parsed.warnings:
            raise SystemExit(f"{device.name} ({device.platform}): {parsed.warnings}")
    return elapsed


def measure(name: str, runs: int) -> dict[str, Any]:
    devices = fleet(name)
    sequential, concurrent = [], []
    with FakenosHosts(devices) as lab:
        run_once(lab, devices[:1], 1)  # warm-up: imports, template index
        for _ in range(runs):
            sequential.append(run_once(lab, devices, 1))
            concurrent.append(run_once(lab, devices, len(devices)))
    seq_s, con_s = statistics.median(sequential), statistics.median(concurrent)
    return {
        "devices": len(devices),
        "platforms": sorted({d.platform for d in devices}),
        "commands_total": sum(len(d.outputs) for d in devices),
        "runs": runs,
        "sequential_s": [round(x, 3) for x in sequential],
        "concurrent_s": [round(x, 3) for x in concurrent],
        "sequential_median_s": round(seq_s, 3),
        "concurrent_median_s": round(con_s, 3),
        "speedup_ratio": round(seq_s / con_s, 2),
        "per_device_sequential_s": round(seq_s / len(devices), 3),
    }


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    os.environ[PASSWORD_ENV] = PASSWORD
    report = {
        "machine": {
            "python": platform.python_version(),
            "cpu": platform.machine(),
            "cpus": os.cpu_count(),
        },
        "reference": "the same fleet collected one device after another (max_concurrency=1)",
        "fleets": {name: measure(name, runs) for name in ("cisco_ios_x10", "mixed_x10")},
    }
    OUT.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
