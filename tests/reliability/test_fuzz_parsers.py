"""Fuzzing every probe parser with mutated real recordings and random bytes: ``parse``
refuses with a ProbeError (a clear message, a failed record) or returns a result the
records layer can store. Any other exception is a bug (see fuzz_helpers.check_parse).

Seeds are the real recordings in the shared corpus (Wi-Fi scans and captures, iperf3
and speedtest JSON, CLI outputs, snmprec walks) and, where the corpus has none, raw
outputs built exactly as each probe's ``collect`` writes them.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from probes.base import JSONValue, RawArtifact, RawOutput
from probes.health import DhcpProbe, DnsProbe, GatewayProbe, LldpListenProbe, PathMtuProbe
from probes.iperf3 import ClassroomLoadProbe, Iperf3Probe
from probes.latency import LatencyProbe
from probes.linkinfo import LinkInfo
from probes.reachability import ReachabilityProbe
from probes.snmp import SnmpProbe
from probes.speedtest import SpeedtestProbe
from probes.ssh import SshProbe
from probes.wifi_parsers import LINK_FORMATS, SCAN_FORMATS, detect_format
from probes.wifi_scan import WifiLinkProbe, WifiScanProbe
from tests.conftest import CORPUS
from tests.reliability.fuzz_helpers import (
    FIXTURES,
    CliCase,
    check_parse,
    cli_cases,
    dhcp_seed,
    json_inputs,
    jsonl_inputs,
    lldp_seed,
    mutated_bytes,
    mutated_snmprec,
    mutated_text,
    ping_seed,
    snmp_raw,
    snmp_samples,
    ssh_raw,
)

# Without the corpus (NETSURVEY_CORPUS unset and no /work/shared/corpus) the corpus-seeded
# tests have no parameters and pytest skips them; the built seeds still run.


def fuzz(examples: int, shrink: bool = True) -> settings:
    """Bounded fuzzing. ``shrink=False`` for seeds so large that shrinking a failure
    would take minutes; the traceback still names the place."""
    phases = tuple(Phase) if shrink else (Phase.explicit, Phase.reuse, Phase.generate)
    return settings(
        max_examples=examples,
        deadline=None,
        phases=phases,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )


def _files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file()) if folder.is_dir() else []


def _seed_id(path: Path) -> str:
    return path.name


# --------------------------------------------------------------------------- Wi-Fi

WIFI_FILES = _files(CORPUS / "wifi")
SCAN_SEEDS = [p for p in WIFI_FILES if p.parent.name != "iwconfig"]
STATION_DUMP = b"""Station 02:5a:00:00:01:20 (on wlan0)
\tinactive time:\t40 ms
\trx bytes:\t1348223
\ttx bytes:\t402117
\tsignal:  \t-52 [-54, -55] dBm
\tsignal avg:\t-51 [-53, -54] dBm
\ttx bitrate:\t585.0 MBit/s VHT-MCS 7 80MHz short GI VHT-NSS 2
\trx bitrate:\t650.0 MBit/s VHT-MCS 7 80MHz short GI VHT-NSS 2
\tconnected time:\t1800 seconds
"""
LINK_SEEDS: list[tuple[str, bytes]] = [
    *[(p.name, p.read_bytes()) for p in WIFI_FILES if p.parent.name == "iwconfig"],
    *[(p.name, p.read_bytes()) for p in sorted((FIXTURES / "wifi" / "walk").glob("link-*.txt"))],
    ("station-dump", STATION_DUMP),
]


def _scan_raw(data: bytes, fmt: str | None) -> RawOutput:
    meta = {"format": fmt} if fmt else {}
    return RawOutput(artifacts=(RawArtifact("replay-scan", data),), tool="replay", meta=meta)


@pytest.mark.parametrize("seed", SCAN_SEEDS, ids=_seed_id)
def test_wifi_scan_mutated_recordings(seed: Path) -> None:
    original = seed.read_bytes()
    fmt = detect_format(original)
    examples = 15 if fmt == "pcap" and len(original) > 4000 else 40

    @fuzz(examples)
    @given(mutated_bytes(original), st.booleans())
    def run(data: bytes, format_known: bool) -> None:
        check_parse(WifiScanProbe().parse, _scan_raw(data, fmt if format_known else None))

    run()


@fuzz(150)
@given(st.binary(max_size=400), st.sampled_from([None, *SCAN_FORMATS, *LINK_FORMATS]))
def test_wifi_random_bytes(data: bytes, fmt: str | None) -> None:
    if fmt in LINK_FORMATS:
        raw = RawOutput(artifacts=(RawArtifact("link", data),), tool="replay", meta={"format": fmt})
        check_parse(WifiLinkProbe().parse, raw)
    else:
        check_parse(WifiScanProbe().parse, _scan_raw(data, fmt))


@pytest.mark.parametrize(("name", "seed"), LINK_SEEDS, ids=[n for n, _ in LINK_SEEDS])
def test_wifi_link_mutated(name: str, seed: bytes) -> None:
    fmt = detect_format(seed)

    @fuzz(40)
    @given(mutated_bytes(seed), mutated_bytes(STATION_DUMP, 2), st.booleans())
    def run(link: bytes, station: bytes, with_station: bool) -> None:
        artifacts = [RawArtifact("iw-link.txt", link)]
        if with_station:
            artifacts.append(RawArtifact("iw-station-dump.txt", station))
        raw = RawOutput(artifacts=tuple(artifacts), tool="iw", meta={"format": fmt})
        check_parse(WifiLinkProbe().parse, raw)

    run()


# --------------------------------------------------------------------------- bandwidth

IPERF3_SEEDS = [
    *_files(CORPUS / "bandwidth" / "iperf3"),
    *sorted((FIXTURES.parent / "bandwidth" / "fixtures").glob("*.json")),
]
SPEEDTEST_SEEDS = _files(CORPUS / "bandwidth" / "speedtest")
WIFI_LINK = LinkInfo(
    interface="wlan0", kind="wifi", link_speed_bps=866e6, bssid="02:00:00:00:00:01", ssid="Skola"
).to_json()


def iperf3_raw(documents: list[bytes], classroom: bool) -> RawOutput:
    name = "classroom-flow-{:03d}.json" if classroom else "iperf3-download-tcp-{}.json"
    settings_meta: dict[str, JSONValue] = {
        "host": "127.0.0.1",
        "port": 5201,
        "rate_bps": 2e6,
        "flows": len(documents),
    }
    return RawOutput(
        artifacts=tuple(
            RawArtifact(name.format(n), data, "application/json")
            for n, data in enumerate(documents, start=1)
        ),
        tool="iperf3",
        meta={"settings": settings_meta, "link": WIFI_LINK, "failures": []},
    )


@pytest.mark.parametrize("seed", IPERF3_SEEDS, ids=_seed_id)
def test_iperf3_json(seed: Path) -> None:
    document = json.loads(seed.read_bytes())

    @fuzz(60)
    @given(st.lists(json_inputs(document), min_size=1, max_size=3), st.booleans())
    def run(documents: list[bytes], classroom: bool) -> None:
        probe = ClassroomLoadProbe() if classroom else Iperf3Probe()
        check_parse(probe.parse, iperf3_raw(documents, classroom))

    run()


@pytest.mark.parametrize("seed", SPEEDTEST_SEEDS, ids=_seed_id)
def test_speedtest_json(seed: Path) -> None:
    lines = [json.loads(line) for line in seed.read_text(encoding="utf-8").splitlines() if line]

    @fuzz(120)
    @given(st.lists(jsonl_inputs(lines), min_size=1, max_size=3))
    def run(documents: list[bytes]) -> None:
        raw = RawOutput(
            artifacts=tuple(
                RawArtifact(f"speedtest-{n}.json", data, "application/json")
                for n, data in enumerate(documents, start=1)
            ),
            tool="speedtest-cli",
            meta={"settings": {}, "link": WIFI_LINK},
        )
        check_parse(SpeedtestProbe().parse, raw)

    run()


# --------------------------------------------------------------------------- CLI

CLI_CASES = cli_cases(CORPUS)


@pytest.mark.parametrize("case", CLI_CASES, ids=[c.id for c in CLI_CASES])
def test_ssh_cli_outputs(case: CliCase) -> None:
    @fuzz(12)
    @given(st.one_of(mutated_text(case.output), st.text(max_size=200)))
    def run(output: str) -> None:
        check_parse(SshProbe().parse, ssh_raw(case, output))

    run()


# --------------------------------------------------------------------------- SNMP

SNMP_MAX_LINES = 12_000  # leaves out one 27,000-line walk that would dominate the run time
SNMP_SEEDS = [
    path
    for path in [*_files(CORPUS / "snmprec"), *sorted((FIXTURES / "snmprec").glob("*.snmprec"))]
    if path.read_bytes().count(b"\n") <= SNMP_MAX_LINES
]
SNMP_PROBE = SnmpProbe()  # parse is pure; sharing one keeps the vendor table loaded once


@pytest.mark.parametrize("seed", SNMP_SEEDS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_snmp_values(seed: Path) -> None:
    first, second = snmp_samples(seed.read_text(encoding="utf-8", errors="replace"))

    @fuzz(10, shrink=False)
    @given(mutated_snmprec(first), st.one_of(st.none(), mutated_snmprec(second, 3)))
    def run(sample_1: str, sample_2: str | None) -> None:
        check_parse(SNMP_PROBE.parse, snmp_raw(sample_1, sample_2))

    run()


# --------------------------------------------------------------------------- health


DHCP_PCAP, ARP_PCAP = dhcp_seed()
DHCP_META = {"interface": "eth0", "mac": "02:00:00:00:00:01", "own_ip": ["198.18.0.50"]}
# (probe, artifact to mutate, its seed, the other artifacts kept intact, meta)
PCAP_CASES: dict[str, tuple[Any, str, bytes, dict[str, bytes], dict[str, Any]]] = {
    "dhcp": (DhcpProbe(), "dhcp.pcap", DHCP_PCAP, {"arp-probe.pcap": ARP_PCAP}, DHCP_META),
    "arp": (DhcpProbe(), "arp-probe.pcap", ARP_PCAP, {"dhcp.pcap": DHCP_PCAP}, DHCP_META),
    "gateway": (GatewayProbe(), "gateway-ping.pcap", ping_seed(), {}, {"gateway": "198.18.0.1"}),
    "lldp": (LldpListenProbe(), "lldp.pcap", lldp_seed(), {}, {"interface": "eth0"}),
}


@pytest.mark.parametrize("name", sorted(PCAP_CASES))
def test_health_captures(name: str) -> None:
    probe, artifact, seed, others, meta = PCAP_CASES[name]

    @fuzz(40)
    @given(st.one_of(mutated_bytes(seed), st.binary(max_size=200)))
    def run(data: bytes) -> None:
        artifacts = [RawArtifact(artifact, data), *(RawArtifact(a, s) for a, s in others.items())]
        check_parse(probe.parse, RawOutput(artifacts=tuple(artifacts), tool="scapy", meta=meta))

    run()


# Raw documents as the health probes' collect writes them (the corpus has none).
DNS_QUERY = {
    "resolver": "198.18.0.1",
    "name": "skola.lv",
    "rtt_s": 0.004,
    "rcode": "NOERROR",
    "answers": ["198.18.0.9"],
    "error": None,
    "reply_hex": "00",
    "sample": 1,
}
DNS_QUERIES = [
    DNS_QUERY,
    {**DNS_QUERY, "rcode": "NXDOMAIN", "sample": 2},
    {**DNS_QUERY, "rtt_s": None, "rcode": None, "error": "no answer within 2 s"},
]
PATH_MTU = {
    "host": "198.18.0.1",
    "address": "198.18.0.1",
    "interface": "eth0",
    "local_mtu": 1500,
    "steps": [
        {"size": 1500, "outcome": "fragmentation-needed", "next_hop_mtu": 1400,
         "reported_by": "198.18.0.1"},
        {"size": 1400, "outcome": "reply", "next_hop_mtu": None},
    ],
}  # fmt: skip
LATENCY = [
    {"host": "198.18.0.1", "port": 443, "method": "tcp", "rtts_s": [0.001, None, 0.003]},
    {"host": "198.18.0.2", "port": None, "method": "icmp", "rtts_s": [None, None]},
]
ATTEMPTS = {
    "host": "sw1",
    "address": "198.18.0.1",
    "port": 22,
    "tcp": [
        {"port": 22, "outcome": "open", "rtt_s": 0.001},
        {"port": 22, "outcome": "timeout", "error": "timed out", "rtt_s": None},
    ],
    "icmp": [{"seq": 0, "outcome": "reply", "rtt_s": 0.0004}],
}
JSON_CASES: list[tuple[str, Any, str, Any]] = [
    ("dns", DnsProbe(), "dns-queries.jsonl", DNS_QUERIES),
    ("path_mtu", PathMtuProbe(), "path-mtu.json", PATH_MTU),
    ("latency", LatencyProbe(), "latency.json", LATENCY),
    ("reachability", ReachabilityProbe(), "attempts.json", ATTEMPTS),
]


def _json_artifact(name: str, document: Any) -> st.SearchStrategy[bytes]:
    return jsonl_inputs(document) if name.endswith(".jsonl") else json_inputs(document)


@pytest.mark.parametrize(("name", "probe", "artifact", "document"), JSON_CASES,
                         ids=[c[0] for c in JSON_CASES])  # fmt: skip
def test_health_json(name: str, probe: Any, artifact: str, document: Any) -> None:
    @fuzz(100)
    @given(_json_artifact(artifact, document))
    def run(data: bytes) -> None:
        raw = RawOutput(artifacts=(RawArtifact(artifact, data),), tool="scapy")
        check_parse(probe.parse, raw)

    run()


# --------------------------------------------------------------------------- findings

# The smallest inputs the fuzzers above found for each distinct bug, kept as fixed cases
# so every bug stays visible on every run (random fuzzing may miss a rare one).
BEACON_EMPTY_COUNTRY = bytes.fromhex(
    "d4c3b2a1020004000000000000000000ffff00007f0000000000000000000000350000003500"
    "0000000008000000000080000000ffffffffffff02000000000102000000000100000000000000"
    "000000640000000005536b6f6c610700"
)  # one radiotap beacon, SSID "Skola", then a Country element of length 0
RUNT_BEACON = bytes.fromhex(
    "d4c3b2a1020004000000000000000000ffff0000690000000000000000000000010000000100000080"
)  # an 802.11 capture whose only frame is one byte long: a beacon's frame control
SNMP_1 = "# netsurvey snmp sample 1\n"
SNMP_2 = "# netsurvey snmp sample 2\n"
IPERF3 = "iperf3-download-tcp-1.json"
IPERF3_CONNECTED = b'{"start": {"connected": [1]}, "end": '
FINDINGS: dict[str, tuple[Any, str | None, bytes | tuple[str, str | None]]] = {
    "wifi-pcap-empty-country-element": (WifiScanProbe(), "replay-scan", BEACON_EMPTY_COUNTRY),
    "wifi-pcap-runt-beacon": (WifiScanProbe(), "replay-scan", RUNT_BEACON),
    "iperf3-invalid-utf8": (Iperf3Probe(), IPERF3, b'"\xff"'),
    "iperf3-deep-nesting": (Iperf3Probe(), IPERF3, b"[" * 100_000),
    "iperf3-5000-digit-number": (Iperf3Probe(), IPERF3, b"1" * 5000),
    "iperf3-start-not-an-object": (Iperf3Probe(), IPERF3, b'{"start": 1, "end": {}}'),
    "iperf3-bits-per-second-text": (
        Iperf3Probe(),
        IPERF3,
        IPERF3_CONNECTED + b'{"sum_received": {"bytes": 1, "bits_per_second": "x"}}}',
    ),
    "iperf3-bytes-infinity": (
        Iperf3Probe(),
        IPERF3,
        IPERF3_CONNECTED + b'{"sum_sent": {"bytes": Infinity}}}',
    ),
    "iperf3-connected-not-a-list": (
        Iperf3Probe(),
        IPERF3,
        b'{"start": {"connected": 5}, "end": {"x": 1}}',
    ),
    "speedtest-deep-nesting": (SpeedtestProbe(), "speedtest-1.json", b"[" * 100_000),
    "speedtest-huge-number": (
        SpeedtestProbe(),
        "speedtest-1.json",
        b'{"download": 1' + b"0" * 400 + b"}",
    ),
    "speedtest-server-not-an-object": (
        SpeedtestProbe(),
        "speedtest-1.json",
        b'{"download": 1, "server": [1]}',
    ),
    "speedtest-server-id-a-list": (
        SpeedtestProbe(),
        "speedtest-1.json",
        b'{"download": 1, "server": {"id": []}}',
    ),
    "snmp-counter-not-a-number": (
        SNMP_PROBE,
        None,
        (SNMP_1 + "1.3.6.1.2.1.1.3.0|67|abc\n", SNMP_2 + "1.3.6.1.2.1.1.3.0|67|5\n"),
    ),
    "snmp-index-not-numeric": (
        SNMP_PROBE,
        None,
        (SNMP_1 + "1.3.6.1.2.1.2.2.1.2.1x|4|eth0\n", None),
    ),
    "snmp-client-count-a-string": (
        SNMP_PROBE,
        None,
        (
            SNMP_1 + "1.3.6.1.2.1.1.2.0|6|1.3.6.1.4.1.14823.1.1.32\n"
            "1.3.6.1.4.1.14823.2.2.1.5.2.1.5.1.7.0.11.134.1.2.3.0|4|many\n",
            None,
        ),
    ),
    "snmp-hex-garbage": (SNMP_PROBE, None, (SNMP_1 + "1.3.6.1.2.1.1.1.0|4x|zz\n", None)),
    "snmp-huge-high-speed": (
        SNMP_PROBE,
        None,
        (SNMP_1 + "1.3.6.1.2.1.2.2.1.1.1|2|1\n1.3.6.1.2.1.31.1.1.1.15.1|66|" + "9" * 400, None),
    ),
    "dns-deep-nesting": (DnsProbe(), "dns-queries.jsonl", b"[" * 100_000),
    "dns-query-without-resolver": (DnsProbe(), "dns-queries.jsonl", b"{}"),
    "dns-line-not-an-object": (DnsProbe(), "dns-queries.jsonl", b"1"),
    "path-mtu-without-steps": (PathMtuProbe(), "path-mtu.json", b"{}"),
    "path-mtu-5000-digit-number": (PathMtuProbe(), "path-mtu.json", b"1" * 5000),
    "latency-not-a-list": (LatencyProbe(), "latency.json", b'{"a": 1}'),
    "latency-host-without-rtts": (LatencyProbe(), "latency.json", b"[{}]"),
    "latency-rtt-text": (
        LatencyProbe(),
        "latency.json",
        b'[{"host": "h", "method": "tcp", "rtts_s": ["a"]}]',
    ),
    "latency-rtt-huge": (
        LatencyProbe(),
        "latency.json",
        b'[{"host": "h", "method": "tcp", "rtts_s": [1' + b"0" * 400 + b"]}]",
    ),
    # JSON may escape a lone surrogate; the records writer cannot encode it as UTF-8.
    "latency-host-lone-surrogate": (
        LatencyProbe(),
        "latency.json",
        b'[{"host": "\\udcff", "method": "tcp", "rtts_s": [0.001]}]',
    ),
    "reachability-deep-nesting": (ReachabilityProbe(), "attempts.json", b"[" * 100_000),
    "reachability-attempt-not-an-object": (
        ReachabilityProbe(),
        "attempts.json",
        b'{"host": "h", "address": "a", "port": 1, "tcp": [1]}',
    ),
}


@pytest.mark.parametrize("finding", sorted(FINDINGS))
def test_fuzz_findings(finding: str) -> None:
    probe, artifact, data = FINDINGS[finding]
    if isinstance(data, tuple):
        raw = snmp_raw(*data)
    else:
        assert artifact is not None
        raw = RawOutput(artifacts=(RawArtifact(artifact, data),), tool="replay")
    check_parse(probe.parse, raw)
