"""Fixtures of the bandwidth tests: a module-wide namespace lab with an iperf3 server."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator

import pytest

from netsurvey.lab.iperf3_server import Iperf3Server
from netsurvey.lab.netns import Namespace, VethLink
from tests.bandwidth.bandwidth_lab import BandwidthLab


@pytest.fixture(scope="module")
def bw_lab() -> Iterator[BandwidthLab]:
    if os.geteuid() != 0:
        pytest.skip("needs root for network namespaces")
    missing = [tool for tool in ("ip", "tc", "iptables", "iperf3") if shutil.which(tool) is None]
    if missing:
        pytest.skip(f"missing tools: {', '.join(missing)}")
    with (
        Namespace("bwc") as client,
        Namespace("bws") as server,
        VethLink(client, server) as link,
        Iperf3Server(bind=link.b.ip, namespace=server) as iperf3,
    ):
        yield BandwidthLab(client, server, link, iperf3)
