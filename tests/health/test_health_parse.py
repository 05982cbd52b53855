"""Health parsers on captures recorded from real dnsmasq 2.90 and lldpd 1.0.16 (in the
lab) and on small documents; no network, no root."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from scapy.layers.dhcp import BOOTP, DHCP
from scapy.layers.inet import ICMP, IP

from probes.base import JSONValue, RawArtifact, RawOutput
from probes.health import (
    DhcpProbe,
    DnsProbe,
    GatewayProbe,
    LldpListenProbe,
    PathMtuProbe,
    pcap_bytes,
    read_pcap,
    system_resolvers,
)
from tests.jsonread import objs

FIXTURES = Path(__file__).parent / "fixtures"
DHCP_PCAP = FIXTURES / "dnsmasq-2.90-discover-offer.pcap"
ARP_PCAP = FIXTURES / "arp-probe-no-duplicate.pcap"
LLDP_PCAP = FIXTURES / "lldpd-1.0.16-lldp-cdp.pcap"


def _raw(*artifacts: tuple[str, bytes], **meta: JSONValue) -> RawOutput:
    return RawOutput(
        artifacts=tuple(RawArtifact(name, data) for name, data in artifacts),
        tool="scapy",
        meta=meta,
    )


def test_dhcp_offer_from_dnsmasq() -> None:
    raw = _raw(("dhcp.pcap", DHCP_PCAP.read_bytes()), ("arp-probe.pcap", ARP_PCAP.read_bytes()),
               interface="eth0", mac="00:00:00:00:00:00", own_ip=["198.18.1.10"])  # fmt: skip
    result = DhcpProbe().parse(raw)
    assert result.details["offered_ip"] == "198.18.1.100"
    assert result.details["server_ip"] == "198.18.1.1"
    assert result.details["gateway"] == "198.18.1.1"
    assert result.details["dns"] == ["198.18.1.1", "198.18.1.2"]
    assert result.details["lease_s"] == 900
    assert result.details["domain"] == "skola.lan"
    assert result.details["duplicate_ip"] is False
    offer_s = result.metrics["offer_s"]
    assert offer_s is not None and 0 < offer_s < 0.1
    assert result.warnings == ()


def test_second_dhcp_server_is_flagged_as_possible_rogue() -> None:
    packets = read_pcap(DHCP_PCAP.read_bytes(), "fixture")
    offer = next(p for p in packets if p[BOOTP].op == 2)
    rogue = offer.copy()
    rogue[IP].src = "198.18.1.254"
    rogue[DHCP].options = [("message-type", "offer"), ("server_id", "198.18.1.254"),
                           ("router", "198.18.1.254"), "end"]  # fmt: skip
    result = DhcpProbe().parse(_raw(("dhcp.pcap", pcap_bytes([*packets, rogue]))))
    assert result.details["servers"] == ["198.18.1.1", "198.18.1.254"]
    assert any("rogue" in w for w in result.warnings)
    assert result.details["duplicate_ip"] is None  # no ARP probe was made


def test_lldp_and_cdp_neighbors_from_lldpd() -> None:
    result = LldpListenProbe().parse(_raw(("lldp.pcap", LLDP_PCAP.read_bytes()), interface="eth0"))
    by_protocol = {n["protocol"]: n for n in objs(result.details["neighbors"])}
    assert set(by_protocol) == {"lldp", "cdp"}
    lldp = by_protocol["lldp"]
    assert lldp["remote_sys_name"] == "sw-access-12"
    assert lldp["remote_port"] == "Gi1/0/7"
    assert lldp["remote_port_description"] == "room 12 wall port A"
    assert lldp["remote_platform"] == "lab access switch"
    assert lldp["remote_mgmt_ip"] == "198.18.1.1"
    assert lldp["remote_chassis_id"] == "16:35:c7:85:57:cf"
    assert lldp["local_port"] == "eth0"
    cdp = by_protocol["cdp"]
    assert cdp["remote_sys_name"] == "sw-access-12"
    assert cdp["remote_mgmt_ip"] == "198.18.1.1"
    assert result.metrics["neighbors_count"] == 2


def test_silence_gives_no_neighbors_and_a_warning() -> None:
    result = LldpListenProbe().parse(_raw(("lldp.pcap", b""), interface="eth0", listened_s=35))
    assert result.details["neighbors"] == []
    assert "no LLDP or CDP frame on eth0 in 35 s" in result.warnings[0]


def test_dns_parse_per_resolver() -> None:
    queries = [
        {"resolver": "10.0.0.1", "name": "a.lv", "rtt_s": 0.010, "rcode": "NOERROR", "answers": ["1.2.3.4"], "error": None},
        {"resolver": "10.0.0.1", "name": "nx.lv", "rtt_s": 0.020, "rcode": "NXDOMAIN", "answers": [], "error": None},
        {"resolver": "10.0.0.2", "name": "a.lv", "rtt_s": None, "rcode": None, "answers": [], "error": "no answer within 2 s"},
        {"resolver": "10.0.0.2", "name": "nx.lv", "rtt_s": 0.5, "rcode": "SERVFAIL", "answers": [], "error": None},
    ]  # fmt: skip
    data = "\n".join(json.dumps(q) for q in queries).encode()
    result = DnsProbe().parse(_raw(("dns-queries.jsonl", data)))
    first, second = objs(result.details["resolvers"])
    assert first["answers"] == {"a.lv": ["1.2.3.4"], "nx.lv": []}
    assert first["resolve_p50_s"] == pytest.approx(0.015)
    assert second["failed"] == 2 and second["resolve_p50_s"] is None
    assert second["errors"] == ["SERVFAIL", "no answer within 2 s"]
    assert result.metrics["failure_ratio"] == 0.5
    assert any("nx.lv does not exist" in w for w in result.warnings)


def test_gateway_parse_matches_echo_pairs() -> None:
    packets = []
    for seq, rtt in ((0, 0.002), (1, None), (2, 0.004)):
        request = IP(src="10.0.0.9", dst="10.0.0.1") / ICMP(type=8, seq=seq)
        request.time = 100.0 + seq
        packets.append(request)
        if rtt is not None:
            reply = IP(src="10.0.0.1", dst="10.0.0.9") / ICMP(type=0, seq=seq)
            reply.time = 100.0 + seq + rtt
            packets.append(reply)
    result = GatewayProbe().parse(
        _raw(("gateway-ping.pcap", pcap_bytes(packets)), gateway="10.0.0.1")
    )
    assert result.metrics["loss_ratio"] == pytest.approx(1 / 3)
    assert result.metrics["rtt_p50_s"] == pytest.approx(0.003, abs=1e-6)
    assert result.metrics["up"] == 1.0


def test_path_mtu_parse() -> None:
    steps = [{"size": 1500, "outcome": "fragmentation-needed", "next_hop_mtu": 1400},
             {"size": 1400, "outcome": "reply", "next_hop_mtu": None},
             {"size": 1401, "outcome": "fragmentation-needed", "next_hop_mtu": 1400}]  # fmt: skip
    document = {
        "host": "h",
        "address": "10.0.0.2",
        "interface": "eth0",
        "local_mtu": 1500,
        "steps": steps,
    }
    result = PathMtuProbe().parse(_raw(("path-mtu.json", json.dumps(document).encode())))
    assert result.metrics["path_mtu_bytes"] == 1400
    assert result.details["icmp_next_hop_mtus"] == [1400]
    assert any("below the local MTU" in w for w in result.warnings)


def test_system_resolvers(tmp_path: Path) -> None:
    conf = tmp_path / "resolv.conf"
    conf.write_text("# comment\nsearch skola.lan\nnameserver 10.0.0.53\nnameserver 10.0.0.54\n")
    assert system_resolvers(conf, tmp_path / "none") == ["10.0.0.53", "10.0.0.54"]
    assert system_resolvers(tmp_path / "missing", tmp_path / "none") == []
    stub = tmp_path / "stub.conf"
    stub.write_text("nameserver 127.0.0.53\noptions edns0\n")
    assert system_resolvers(stub, conf) == ["10.0.0.53", "10.0.0.54"]
    assert system_resolvers(stub, tmp_path / "none") == ["127.0.0.53"]
