"""The health tests' school: the laptop, a router/server with dnsmasq and lldpd, a far
host behind a 1400-byte-MTU link, and an empty link where nothing answers.

    client eth0 198.18.1.10/24 ---- eth0 198.18.1.1 router (dnsmasq, lldpd)
    client eth1 198.18.3.1/30  ---- (void: nobody)        router eth1 198.18.2.1/30
                                                              | MTU 1400
                                                          far eth0 198.18.2.2
"""

from __future__ import annotations

from dataclasses import dataclass

from netsurvey.lab.dnsmasq import Dnsmasq, DnsmasqConfig
from netsurvey.lab.lldpd import Lldpd, LldpdConfig
from netsurvey.lab.netns import Namespace, ProbeRun, run_probe_in

LAB_SCOPE = ("198.18.0.0/15",)
CLIENT_IP = "198.18.1.10"
ROUTER_IP = "198.18.1.1"
FAR_IP = "198.18.2.2"
FAR_MTU = 1400
BLACKHOLE_IP = "198.18.4.1"  # the router drops everything sent there

DNSMASQ = DnsmasqConfig(
    listen_ip=ROUTER_IP,
    dhcp_range=("198.18.1.100", "198.18.1.150"),
    lease_s=900,
    router=ROUTER_IP,
    dns_servers=(ROUTER_IP, "198.18.1.2"),
    domain="skola.lan",
    host_records={"portal.skola.lan": "198.18.1.50", "eklase.skola.lan": "198.18.1.51"},
    ping_check=False,
)
LLDPD = LldpdConfig(
    system_name="sw-access-12",
    system_description="lab access switch",
    port_id="Gi1/0/7",
    port_description="room 12 wall port A",
    mgmt_ip=ROUTER_IP,
)


@dataclass
class HealthLab:
    client: Namespace
    router: Namespace
    far: Namespace
    void: Namespace
    dnsmasq: Dnsmasq
    lldpd: Lldpd

    def probe(self, name: str, host: str | None, params: dict[str, str]) -> ProbeRun:
        return run_probe_in(
            self.client, name, host=host, params=params, scope_networks=LAB_SCOPE, timeout_s=60
        )
