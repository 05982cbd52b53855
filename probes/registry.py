"""Probe name -> implementation, imported lazily so that `netsurvey --help` stays fast
and a probe whose optional dependency is missing does not break the others."""

from __future__ import annotations

import importlib

from probes.base import Probe, ProbeUnavailable

PROBES: dict[str, str] = {
    "reachability": "probes.reachability:ReachabilityProbe",
    "snmp": "probes.snmp:SnmpProbe",
    "ssh": "probes.ssh:SshProbe",
    "iperf3": "probes.iperf3:Iperf3Probe",
    "classroom_load": "probes.iperf3:ClassroomLoadProbe",
    "speedtest": "probes.speedtest:SpeedtestProbe",
    "latency": "probes.latency:LatencyProbe",
    "dhcp": "probes.health:DhcpProbe",
    "dns": "probes.health:DnsProbe",
    "gateway": "probes.health:GatewayProbe",
    "path_mtu": "probes.health:PathMtuProbe",
    "lldp_listen": "probes.health:LldpListenProbe",
    "wifi_scan": "probes.wifi_scan:WifiScanProbe",
    "wifi_link": "probes.wifi_scan:WifiLinkProbe",
}


def probe_names() -> list[str]:
    return sorted(PROBES)


def load_probe(name: str) -> Probe:
    """Instantiate the probe called ``name``; unknown names list the known ones."""
    try:
        spec = PROBES[name]
    except KeyError:
        raise ProbeUnavailable(
            f"unknown probe {name!r}; known probes: {', '.join(probe_names())}"
        ) from None
    module_name, class_name = spec.split(":")
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        raise ProbeUnavailable(f"probe {name!r} cannot be loaded: {exc}") from None
    probe: Probe = getattr(module, class_name)()
    return probe
