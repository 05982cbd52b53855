"""Fixtures of the health tests: one namespace network shared by the health tests."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator

import pytest

from netsurvey.lab.dnsmasq import Dnsmasq
from netsurvey.lab.lldpd import Lldpd
from netsurvey.lab.netns import Namespace, VethLink
from tests.health.health_lab import (
    BLACKHOLE_IP,
    CLIENT_IP,
    DNSMASQ,
    FAR_MTU,
    LLDPD,
    ROUTER_IP,
    HealthLab,
)


@pytest.fixture(scope="session")
def health_lab() -> Iterator[HealthLab]:
    if os.geteuid() != 0:
        pytest.skip("needs root for network namespaces and raw packets")
    missing = [tool for tool in ("ip", "dnsmasq", "lldpd") if shutil.which(tool) is None]
    if missing:
        pytest.skip(f"missing tools: {', '.join(missing)}")
    with (
        Namespace("hlc") as client,
        Namespace("hlr") as router,
        Namespace("hlf") as far,
        Namespace("hlv") as void,
    ):
        VethLink(client, router, subnet="198.18.1.0/24", addresses=(CLIENT_IP, ROUTER_IP)).create()
        VethLink(router, far, subnet="198.18.2.0/30", names=("eth1", "eth0"), mtu=FAR_MTU).create()
        VethLink(client, void, subnet="198.18.3.0/30", names=("eth1", "eth0")).create()
        router.enable_forwarding()
        router.run(["ip", "route", "add", "blackhole", f"{BLACKHOLE_IP}/32"])
        client.add_route("default", ROUTER_IP)
        far.add_route("default", "198.18.2.1")
        with Dnsmasq(router, "eth0", DNSMASQ) as dnsmasq, Lldpd(router, "eth0", LLDPD) as lldpd:
            yield HealthLab(client, router, far, void, dnsmasq, lldpd)
