"""A longer, coverage-guided fuzz run of every probe parser with atheris (libFuzzer).

Usage: ``.venv/bin/python bench/fuzz_atheris.py [SECONDS]`` (default 60). Needs
``pip install atheris``. The seeds are the same real recordings the hypothesis fuzzers
in tests/reliability/test_fuzz_parsers.py mutate; the contract checked is the same
(``fuzz_helpers.check_parse``). Contract violations are recorded, not fatal, so one
known bug does not hide the others: each distinct (exception, place in the code) is
written with its smallest input to bench/fuzz_atheris.json, together with the number
of inputs tried per parser.

Input layout: byte 0 picks the parser, byte 1 an option (format, CLI case), the rest is
the raw artifact.
"""

from __future__ import annotations

import importlib.metadata
import json
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

import atheris  # type: ignore[import-untyped]

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
OUTPUT = REPO / "bench" / "fuzz_atheris.json"

with atheris.instrument_imports(include=["probes"]):
    import probes.health
    import probes.iperf3
    import probes.latency
    import probes.reachability
    import probes.snmp
    import probes.snmp_normalise
    import probes.snmp_sample
    import probes.speedtest
    import probes.ssh
    import probes.wifi_parsers
    import probes.wifi_scan

from probes.base import RawArtifact, RawOutput  # noqa: E402
from tests.reliability import test_fuzz_parsers as seeds  # noqa: E402
from tests.reliability.fuzz_helpers import (  # noqa: E402
    check_parse,
    json_bytes,
    snmp_raw,
    snmp_samples,
    ssh_raw,
)

Build = Callable[[int, bytes], tuple[Any, RawOutput]]
SCAN_FORMATS = (None, *probes.wifi_parsers.SCAN_FORMATS)
LINK_FORMATS = probes.wifi_parsers.LINK_FORMATS
SNMP_SPLIT = b"\n\x00\x00\n"  # between sample 1 and sample 2 in a fuzz input


def _one(name: str, data: bytes, meta: dict[str, Any] | None = None, tool: str = "t") -> RawOutput:
    return RawOutput(artifacts=(RawArtifact(name, data),), tool=tool, meta=meta or {})


def _wifi_scan(option: int, data: bytes) -> tuple[Any, RawOutput]:
    fmt = SCAN_FORMATS[option % len(SCAN_FORMATS)]
    return probes.wifi_scan.WifiScanProbe(), _one("scan", data, {"format": fmt} if fmt else {})


def _wifi_link(option: int, data: bytes) -> tuple[Any, RawOutput]:
    fmt = LINK_FORMATS[option % len(LINK_FORMATS)]
    return probes.wifi_scan.WifiLinkProbe(), _one("iw-link.txt", data, {"format": fmt})


def _iperf3(option: int, data: bytes) -> tuple[Any, RawOutput]:
    classroom = bool(option % 2)
    probe = probes.iperf3.ClassroomLoadProbe() if classroom else probes.iperf3.Iperf3Probe()
    return probe, seeds.iperf3_raw([data], classroom)


def _speedtest(option: int, data: bytes) -> tuple[Any, RawOutput]:
    meta = {"settings": {}, "link": seeds.WIFI_LINK}
    return probes.speedtest.SpeedtestProbe(), _one("speedtest-1.json", data, meta)


def _ssh(option: int, data: bytes) -> tuple[Any, RawOutput]:
    case = seeds.CLI_CASES[option % len(seeds.CLI_CASES)]
    return probes.ssh.SshProbe(), ssh_raw(case, data.decode("utf-8", errors="replace"))


def _snmp(option: int, data: bytes) -> tuple[Any, RawOutput]:
    first, _, second = data.partition(SNMP_SPLIT)
    text_1 = first.decode("utf-8", errors="replace")
    text_2 = second.decode("utf-8", errors="replace") if second else None
    return seeds.SNMP_PROBE, snmp_raw(text_1, text_2)


def _capture(option: int, data: bytes) -> tuple[Any, RawOutput]:
    names = sorted(seeds.PCAP_CASES)
    probe, artifact, _, others, meta = seeds.PCAP_CASES[names[option % len(names)]]
    artifacts = (RawArtifact(artifact, data), *(RawArtifact(a, s) for a, s in others.items()))
    return probe, RawOutput(artifacts=artifacts, tool="scapy", meta=meta)


def _health_json(option: int, data: bytes) -> tuple[Any, RawOutput]:
    _, probe, artifact, _ = seeds.JSON_CASES[option % len(seeds.JSON_CASES)]
    return probe, _one(artifact, data)


TARGETS: dict[str, Build] = {
    "wifi_scan": _wifi_scan,
    "wifi_link": _wifi_link,
    "iperf3": _iperf3,
    "speedtest": _speedtest,
    "ssh": _ssh,
    "snmp": _snmp,
    "health_capture": _capture,
    "health_json": _health_json,
}
NAMES = list(TARGETS)


def seed_inputs() -> list[bytes]:
    """Real recordings, each prefixed with the parser and option bytes that fit it."""
    found: list[tuple[str, int, bytes]] = []
    for path in seeds.SCAN_SEEDS:
        data = path.read_bytes()
        fmt = probes.wifi_parsers.detect_format(data)
        found.append(("wifi_scan", SCAN_FORMATS.index(fmt), data))
    for _, data in seeds.LINK_SEEDS:
        fmt = probes.wifi_parsers.detect_format(data)
        found.append(("wifi_link", LINK_FORMATS.index(fmt), data))
    found += [("iperf3", n, p.read_bytes()) for p in seeds.IPERF3_SEEDS for n in (0, 1)]
    found += [("speedtest", 0, p.read_bytes()) for p in seeds.SPEEDTEST_SEEDS]
    found += [("ssh", n, c.output.encode()) for n, c in enumerate(seeds.CLI_CASES)]
    for path in seeds.SNMP_SEEDS:
        first, second = snmp_samples(path.read_text(encoding="utf-8", errors="replace"))
        found.append(("snmp", 0, first.encode() + SNMP_SPLIT + second.encode()))
    for n, name in enumerate(sorted(seeds.PCAP_CASES)):
        found.append(("health_capture", n, seeds.PCAP_CASES[name][2]))
    for n, (_, _, artifact, document) in enumerate(seeds.JSON_CASES):
        if artifact.endswith(".jsonl"):
            data = b"\n".join(json_bytes(line) for line in document)
        else:
            data = json_bytes(document)
        found.append(("health_json", n, data))
    return [bytes([NAMES.index(t), option % 256]) + data for t, option, data in found]


class Findings:
    """Distinct contract violations, each with its smallest input, saved as JSON."""

    def __init__(self, seconds: float) -> None:
        self.started = time.monotonic()
        self.seconds = seconds
        self.runs = dict.fromkeys(NAMES, 0)
        self.bugs: dict[tuple[str, str], dict[str, Any]] = {}
        self.saved_at = 0.0

    def record(self, target: str, exc: BaseException, data: bytes) -> None:
        frames = traceback.extract_tb(exc.__traceback__)
        ours = [f for f in frames if "/probes/" in f.filename or "/netsurvey/" in f.filename]
        where = (ours or frames)[-1]
        place = f"{Path(where.filename).relative_to(REPO)}:{where.lineno}"
        key = (type(exc).__name__, place)
        known = self.bugs.get(key)
        if known is None or len(data) < known["input_bytes"]:
            self.bugs[key] = {
                "parser": target,
                "exception": type(exc).__name__,
                "where": place,
                "line": where.line,
                "message": str(exc)[:300],
                "input_bytes": len(data),
                "input": repr(data) if len(data) <= 4096 else f"{data[:300]!r}...",
            }
            if known is None:
                print(f"NEW BUG {key[0]} at {place} ({target})", file=sys.stderr, flush=True)
            self.save(force=known is None)

    def save(self, force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self.saved_at < 5:
            return
        self.saved_at = now
        per_parser = {
            name: {
                "inputs": runs,
                "distinct_bugs": sum(1 for bug in self.bugs.values() if bug["parser"] == name),
            }
            for name, runs in self.runs.items()
        }
        report = {
            "tool": f"atheris {importlib.metadata.version('atheris')}",
            "seconds": round(now - self.started, 1),
            "inputs_tried": sum(self.runs.values()),
            "parsers": per_parser,
            "distinct_bugs": len(self.bugs),
            "bugs": sorted(self.bugs.values(), key=lambda b: (b["parser"], b["where"])),
        }
        OUTPUT.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")


def main() -> None:
    seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 60.0
    findings = Findings(seconds)
    sys.setrecursionlimit(2000)

    def one_input(data: bytes) -> None:
        if len(data) < 2:
            return
        target = NAMES[data[0] % len(NAMES)]
        findings.runs[target] += 1
        probe, raw = TARGETS[target](data[1], data[2:])
        try:
            check_parse(probe.parse, raw)
        except Exception as exc:  # noqa: BLE001  (a contract violation: keep it, go on)
            findings.record(target, exc, data)
        findings.save()

    with tempfile.TemporaryDirectory(prefix="netsurvey-fuzz-") as tmp:
        corpus = Path(tmp)
        for number, data in enumerate(seed_inputs()):
            (corpus / f"seed-{number:03d}").write_bytes(data)
        argv = [sys.argv[0], f"-max_total_time={int(seconds)}", "-rss_limit_mb=4096",
                "-max_len=400000", "-print_final_stats=1", str(corpus)]  # fmt: skip
        findings.save(force=True)
        atheris.Setup(argv, one_input)
        try:
            atheris.Fuzz()
        finally:
            findings.save(force=True)


if __name__ == "__main__":
    main()
