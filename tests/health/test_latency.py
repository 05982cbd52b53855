"""Latency, jitter and loss to a list of hosts."""

from __future__ import annotations

import asyncio
import socket

import pytest

from probes.base import ProbeParamError, Target
from probes.latency import LatencyProbe, host_figures
from tests.health.health_lab import BLACKHOLE_IP, FAR_IP, ROUTER_IP, HealthLab
from tests.jsonread import objs


def test_host_figures() -> None:
    figures = host_figures([0.010, 0.012, None, 0.011])
    assert figures["rtt_p50_s"] == pytest.approx(0.011)
    assert figures["jitter_s"] == pytest.approx((0.002 + 0.001) / 2)
    assert figures["loss_ratio"] == pytest.approx(0.25)
    assert host_figures([None, None])["rtt_p50_s"] is None


def test_tcp_latency_on_loopback() -> None:
    with socket.create_server(("127.0.0.1", 0)) as server:
        port = server.getsockname()[1]
        probe = LatencyProbe()
        params = {"hosts": f"127.0.0.1:{port}", "count": "4", "interval_s": "0", "method": "tcp"}
        result = probe.parse(asyncio.run(probe.collect(Target(), params)))
    assert result.metrics["loss_ratio"] == 0
    rtt_p50_s = result.metrics["rtt_p50_s"]
    assert rtt_p50_s is not None and 0 < rtt_p50_s < 0.1
    assert objs(result.details["hosts"])[0]["port"] == port


def test_hosts_are_required() -> None:
    with pytest.raises(ProbeParamError, match="hosts"):
        asyncio.run(LatencyProbe().collect(Target(), {"method": "tcp"}))


@pytest.mark.timeout(60)
def test_icmp_latency_with_one_dead_host(health_lab: HealthLab) -> None:
    run = health_lab.probe(
        "latency",
        None,
        {"hosts": f"{ROUTER_IP},{FAR_IP},{BLACKHOLE_IP}", "count": "3", "interval_s": "0.05",
         "timeout_s": "0.5"},
    )  # fmt: skip
    assert run.ok, run.error_message
    by_host = {h["host"]: h for h in run.details["hosts"]}
    assert by_host[ROUTER_IP]["loss_ratio"] == 0
    assert by_host[FAR_IP]["loss_ratio"] == 0
    assert by_host[BLACKHOLE_IP]["loss_ratio"] == 1.0
    assert run.metrics["loss_ratio"] == 1.0
    assert any(f"{BLACKHOLE_IP} did not answer" in w for w in run.warnings)
