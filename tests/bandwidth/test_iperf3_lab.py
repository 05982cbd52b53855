"""iperf3 probe against a real iperf3 server behind tbf-shaped veth links."""

from __future__ import annotations

import asyncio
import json
import shutil
import socket
import subprocess
import time

import pytest

from netsurvey.lab.iperf3_server import Iperf3Server, Iperf3ServerPool
from netsurvey.lab.netns import run_probe_in
from probes.base import ProbeRefused, ProbeTimeout, Scope, Target
from probes.iperf3 import Iperf3Probe, Iperf3Settings, run_iperf3
from tests.bandwidth.bandwidth_lab import LAB_SCOPE, BandwidthLab
from tests.jsonread import obj

GOODPUT = 1448 / 1514
pytestmark = [
    pytest.mark.timeout(60),
    pytest.mark.skipif(shutil.which("iperf3") is None, reason="missing tools: iperf3"),
]


def test_loopback_probe_without_namespaces() -> None:
    with Iperf3Server() as server:
        probe = Iperf3Probe()
        target = Target(host="127.0.0.1", port=server.port)
        raw = asyncio.run(probe.collect(target, {"seconds": "1", "samples": "1", "streams": "1"}))
        result = probe.parse(raw)
    assert result.status == "ok"
    assert result.metrics["throughput_bps"] and result.metrics["throughput_bps"] > 100e6
    assert obj(result.details["link"])["kind"] == "loopback"
    assert raw.artifacts[0].name == "iperf3-download-tcp-1.json"
    assert raw.tool_version and raw.tool_version.startswith("3.")


@pytest.mark.parametrize(
    ("rate_bps", "direction", "samples"),
    [(100e6, "download", 2), (20e6, "upload", 1), (500e6, "download", 1)],
)
def test_tcp_p50_within_5_percent_of_shaped_goodput(
    bw_lab: BandwidthLab, rate_bps: float, direction: str, samples: int
) -> None:
    bw_lab.shape(rate_bps)
    seconds = "3" if samples == 1 else "2"
    run = bw_lab.probe(
        "iperf3", {"seconds": seconds, "samples": str(samples), "direction": direction}
    )
    assert run.ok, run.error_message
    expected = rate_bps * GOODPUT
    assert run.metrics["throughput_bps"] == pytest.approx(expected, rel=0.05)
    assert run.details["direction"] == direction
    assert len(run.artifacts) == samples
    link = run.details["link"]
    assert (link["interface"], link["kind"], link["virtual"]) == ("eth0", "wired", True)
    assert link["limited_by_laptop"] is False  # veth says 10 Gbit/s
    assert run.details["loss_suspected"] is False


def test_loss_is_measured_by_udp_and_flagged_for_tcp(bw_lab: BandwidthLab) -> None:
    bw_lab.shape(100e6, loss_ratio=0.01)
    udp = bw_lab.probe("iperf3", {"protocol": "udp", "rate_bps": "90e6", "seconds": "2",
                                  "samples": "1"})  # fmt: skip
    assert udp.ok, udp.error_message
    assert udp.metrics["loss_ratio"] == pytest.approx(0.01, abs=0.003)
    assert udp.metrics["jitter_s"] is not None and udp.metrics["jitter_s"] > 0

    tcp = bw_lab.probe("iperf3", {"seconds": "2", "samples": "1"})
    plain = bw_lab.client.run(
        ["iperf3", "-c", bw_lab.server_ip, "-p", str(bw_lab.iperf3.port), "-J", "-t", "2",
         "-P", "4", "-R"], timeout_s=30,
    )  # fmt: skip
    plain_bps = json.loads(plain.stdout)["end"]["sum_received"]["bits_per_second"]
    assert tcp.metrics["throughput_bps"] == pytest.approx(plain_bps, rel=0.10)
    assert tcp.details["loss_suspected"] is True
    assert any("packet loss" in w for w in tcp.warnings)


def test_busy_server_is_retried_then_fails_clearly(bw_lab: BandwidthLab) -> None:
    bw_lab.shape(100e6)
    blocker = subprocess.Popen(
        bw_lab.client.argv(
            ["iperf3", "-c", bw_lab.server_ip, "-p", str(bw_lab.iperf3.port), "-t", "4"]
        ),
        stdout=subprocess.DEVNULL,
    )
    try:
        time.sleep(0.5)
        run = bw_lab.probe(
            "iperf3", {"seconds": "1", "samples": "1", "busy_retries": "1", "busy_wait_s": "0.5"}
        )
    finally:
        blocker.wait(timeout=15)
    assert run.error_type == ProbeRefused.__name__
    assert "stayed busy" in (run.error_message or "")


def test_busy_server_that_frees_up_is_measured(bw_lab: BandwidthLab) -> None:
    bw_lab.shape(100e6)
    blocker = subprocess.Popen(
        bw_lab.client.argv(
            ["iperf3", "-c", bw_lab.server_ip, "-p", str(bw_lab.iperf3.port), "-t", "1"]
        ),
        stdout=subprocess.DEVNULL,
    )
    try:
        time.sleep(0.3)
        run = bw_lab.probe(
            "iperf3", {"seconds": "1", "samples": "1", "busy_retries": "3", "busy_wait_s": "1"}
        )
    finally:
        blocker.wait(timeout=15)
    assert run.ok, run.error_message


def test_dead_server_gives_a_clear_failure(bw_lab: BandwidthLab) -> None:
    run = bw_lab.probe("iperf3", {"seconds": "1", "samples": "1"}, port=9)
    assert run.error_type == ProbeRefused.__name__
    assert "no iperf3 server answers" in (run.error_message or "")


def test_out_of_scope_target_is_refused_before_any_packet(bw_lab: BandwidthLab) -> None:
    run = run_probe_in(bw_lab.client, "iperf3", host="192.0.2.1", params={},
                       scope_networks=LAB_SCOPE)  # fmt: skip
    assert run.error_type == "ScopeViolation"
    assert Scope.from_strings(LAB_SCOPE).allows(bw_lab.server_ip)


def test_classroom_load_oversubscribed_link(bw_lab: BandwidthLab) -> None:
    bw_lab.shape(100e6)
    with Iperf3ServerPool(5, bind=bw_lab.server_ip, namespace=bw_lab.server) as pool:
        run = bw_lab.probe(
            "classroom_load",
            {"flows": "5", "rate_bps": "30e6", "seconds": "3"},
            port=pool.first_port,
        )
    assert run.ok, run.error_message
    assert run.metrics["flows_count"] == 5
    assert run.metrics["aggregate_bps"] == pytest.approx(100e6 * GOODPUT, rel=0.05)
    assert run.metrics["demand_met_ratio"] == pytest.approx(100e6 * GOODPUT / 150e6, rel=0.05)
    assert run.metrics["fairness_ratio"] is not None and run.metrics["fairness_ratio"] > 0.8
    assert len(run.details["per_flow_bps"]) == 5


def test_silent_server_times_out_cleanly() -> None:
    """Something listens but never speaks iperf3: a clear timeout, no hang."""
    with socket.create_server(("127.0.0.1", 0)) as silent:
        port = silent.getsockname()[1]
        probe = Iperf3Probe()
        params = {"seconds": "1", "samples": "1", "connect_timeout_s": "1"}
        settings = Iperf3Settings.from_params(Target(host="127.0.0.1", port=port), params)
        with pytest.raises(ProbeTimeout, match="gave no result within 2 s"):
            asyncio.run(run_iperf3(settings.argv("iperf3"), where=f"127.0.0.1:{port}", timeout_s=2))
        assert probe.name == "iperf3"
