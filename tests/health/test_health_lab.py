"""Health probes against real dnsmasq and lldpd in namespaces; results must match
what the peers were configured with."""

from __future__ import annotations

import pytest

from tests.health.health_lab import CLIENT_IP, DNSMASQ, FAR_IP, FAR_MTU, LLDPD, ROUTER_IP, HealthLab

pytestmark = pytest.mark.timeout(90)


def test_dhcp_offer_matches_dnsmasq_config(health_lab: HealthLab) -> None:
    run = health_lab.probe("dhcp", None, {"interface": "eth0"})
    assert run.ok, run.error_message
    details = run.details
    first, last = DNSMASQ.dhcp_range or ("", "")
    offered = tuple(int(part) for part in details["offered_ip"].split("."))
    assert tuple(map(int, first.split("."))) <= offered <= tuple(map(int, last.split(".")))
    assert details["server_ip"] == ROUTER_IP
    assert details["gateway"] == DNSMASQ.router
    assert details["dns"] == list(DNSMASQ.dns_servers)
    assert details["lease_s"] == DNSMASQ.lease_s
    assert details["domain"] == DNSMASQ.domain
    assert details["servers"] == [ROUTER_IP]
    assert details["own_ip"] == CLIENT_IP
    assert details["duplicate_ip"] is False
    offer_s = run.metrics["offer_s"]
    assert offer_s is not None and 0 < offer_s < 2
    assert set(run.artifacts) == {"dhcp.pcap", "arp-probe.pcap"}


def test_dhcp_detects_a_duplicate_of_our_address(health_lab: HealthLab) -> None:
    health_lab.router.add_address("eth0", f"{CLIENT_IP}/24")  # someone else uses our address
    try:
        run = health_lab.probe("dhcp", None, {"interface": "eth0"})
    finally:
        health_lab.router.delete_address("eth0", f"{CLIENT_IP}/24")
    assert run.ok, run.error_message
    assert run.details["duplicate_ip"] is True
    assert run.details["duplicate_ip_mac"] is not None
    assert any("duplicate IP address" in w for w in run.warnings)


def test_no_dhcp_answer_is_a_clear_failure(health_lab: HealthLab) -> None:
    run = health_lab.probe("dhcp", None, {"interface": "eth1", "timeout_s": "1"})
    assert run.error_type == "ProbeTimeout"
    assert "no DHCP server answered a DISCOVER on eth1" in (run.error_message or "")


def test_dns_resolution_matches_host_records(health_lab: HealthLab) -> None:
    names = ",".join(DNSMASQ.host_records)
    run = health_lab.probe("dns", None, {"resolvers": ROUTER_IP, "names": names, "samples": "2"})
    assert run.ok, run.error_message
    (resolver,) = run.details["resolvers"]
    assert resolver["resolver"] == ROUTER_IP
    assert resolver["answers"] == {name: [ip] for name, ip in DNSMASQ.host_records.items()}
    assert resolver["failed"] == 0
    resolve_p50_s = run.metrics["resolve_p50_s"]
    assert resolve_p50_s is not None and 0 < resolve_p50_s < 0.5
    assert run.metrics["failure_ratio"] == 0


def test_dns_with_one_dead_resolver_warns(health_lab: HealthLab) -> None:
    run = health_lab.probe(
        "dns",
        None,
        {"resolvers": f"{ROUTER_IP},198.18.1.77", "names": "portal.skola.lan", "samples": "1",
         "timeout_s": "0.5"},
    )  # fmt: skip
    assert run.ok
    assert run.metrics["failure_ratio"] == 0.5
    assert any("198.18.1.77 failed" in w for w in run.warnings)


def test_dns_failure_everywhere_is_a_failed_record(health_lab: HealthLab) -> None:
    run = health_lab.probe(
        "dns", None, {"resolvers": "198.18.1.77", "names": "portal.skola.lan", "samples": "1",
                      "timeout_s": "0.5"},
    )  # fmt: skip
    assert run.error_type == "ProbeTimeout"
    assert "DNS failed at every resolver (198.18.1.77)" in (run.error_message or "")


def test_dns_resolver_outside_scope_is_refused(health_lab: HealthLab) -> None:
    run = health_lab.probe("dns", None, {"resolvers": "192.0.2.53", "names": "x.lv"})
    assert run.error_type == "ScopeViolation"


def test_gateway_from_default_route(health_lab: HealthLab) -> None:
    run = health_lab.probe("gateway", None, {"count": "4"})
    assert run.ok, run.error_message
    assert run.details["gateway"] == ROUTER_IP
    assert run.metrics["loss_ratio"] == 0
    assert run.metrics["up"] == 1.0
    rtt_p50_s = run.metrics["rtt_p50_s"]
    assert rtt_p50_s is not None and 0 < rtt_p50_s < 0.1


def test_path_mtu_finds_the_narrow_link(health_lab: HealthLab) -> None:
    run = health_lab.probe("path_mtu", FAR_IP, {})
    assert run.ok, run.error_message
    assert run.metrics["path_mtu_bytes"] == FAR_MTU
    assert run.details["icmp_next_hop_mtus"] == [FAR_MTU]
    assert run.details["local_mtu"] == 1500
    assert any("below the local MTU" in w for w in run.warnings)
    near = health_lab.probe("path_mtu", ROUTER_IP, {})
    assert near.metrics["path_mtu_bytes"] == 1500


def test_lldp_neighbor_matches_lldpd_config(health_lab: HealthLab) -> None:
    run = health_lab.probe("lldp_listen", None, {"interface": "eth0", "timeout_s": "10"})
    assert run.ok, run.error_message
    (neighbor,) = run.details["neighbors"]
    assert neighbor["protocol"] == "lldp"
    assert neighbor["local_port"] == "eth0"
    assert neighbor["remote_sys_name"] == LLDPD.system_name
    assert neighbor["remote_port"] == LLDPD.port_id
    assert neighbor["remote_port_description"] == LLDPD.port_description
    assert neighbor["remote_platform"] == LLDPD.system_description
    assert neighbor["remote_mgmt_ip"] == LLDPD.mgmt_ip
    assert neighbor["remote_chassis_id"] is not None


def test_lldp_silence_is_reported_not_failed(health_lab: HealthLab) -> None:
    run = health_lab.probe("lldp_listen", None, {"interface": "eth1", "timeout_s": "1"})
    assert run.ok, run.error_message
    assert run.details["neighbors"] == []
    assert any("no LLDP or CDP frame" in w for w in run.warnings)
